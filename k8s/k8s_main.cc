#include "k8s/k8s_main.h"

#include <cstdio>
#include <cstring>

#include "k8s/cli.h"
#include "k8s/commands.h"

namespace cairn::k8s {
namespace {

constexpr char kUsage[] =
    "Usage: cairn k8s TOPOLOGY [flags]   (docs/kubernetes.md)\n"
    "\n"
    "Topologies:\n"
    "  stacked    kubeadm's etcd static pod for a control-plane node, with Cairn's image\n"
    "  external   systemd units and environment files for an external etcd cluster\n"
    "  events     a separate store for kube-apiserver's events (static pod and/or unit)\n"
    "\n"
    "`cairn k8s TOPOLOGY --help` lists each topology's flags.\n";

}  // namespace

int K8sMain(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitUsage : 0;
  }
  const std::string topology = argv[1];
  if (topology == "stacked") return StackedCommand(argc - 1, argv + 1);
  if (topology == "external") return ExternalCommand(argc - 1, argv + 1);
  if (topology == "events") return EventsCommand(argc - 1, argv + 1);
  std::fprintf(stderr, "cairn k8s: unknown topology \"%s\" (want stacked, external or events)\n",
               topology.c_str());
  return kExitUsage;
}

}  // namespace cairn::k8s
