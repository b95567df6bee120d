// `cairn k8s events`: a second store for kube-apiserver's `events` resource, on its own ports
// (clients 4002, peers 4003, metrics 4004), data dir (/var/lib/etcd-events) and tuning, with the
// main store's etcd CA and server/peer certificates (kube-apiserver has one etcd client
// certificate for all its etcd servers, and the SANs — node name, IPs — are the same).
//
//   --out DIR                  DIR/etcd-events.yaml, a static pod (not a kubeadm etcd member)
//   --unit-out DIR             DIR/etcd-events.service + DIR/etcd-events.env (systemd)
//   (neither)                  the static pod on stdout
//   --apiserver-manifest PATH  adds --etcd-servers-overrides=/events#https://127.0.0.1:4002 to
//                              kubeadm's kube-apiserver.yaml (idempotent)
// The kube-apiserver flag is always printed.
#include <cstdio>

#include "k8s/apiserver_manifest.h"
#include "k8s/cli.h"
#include "k8s/commands.h"
#include "k8s/defaults.h"
#include "k8s/kubeadm_config.h"
#include "k8s/node_flags.h"
#include "k8s/static_pod.h"
#include "k8s/systemd_unit.h"

namespace cairn::k8s {

int EventsCommand(int argc, char** argv) {
  const std::string cmd = "events";
  NodeFlags node = DefaultNodeFlags(kEventsDataDir, kEventsQuotaBackendBytes);
  std::string out_dir, unit_out, apiserver_manifest, binary = kEtcdBinary, env_dir = kEnvDir;
  CliFlags flags(cmd);
  RegisterNodeFlags(&flags, &node);
  flags.String("out", &out_dir, "write DIR/etcd-events.yaml (e.g. /etc/kubernetes/manifests)");
  flags.String("unit-out", &unit_out, "write DIR/etcd-events.service and DIR/etcd-events.env");
  flags.String("apiserver-manifest", &apiserver_manifest,
               "kubeadm's kube-apiserver.yaml to add --etcd-servers-overrides to (idempotent)");
  flags.String("etcd-binary", &binary, "the unit's ExecStart (cairn's etcd link)");
  flags.String("env-dir", &env_dir, "where the unit expects etcd-events.env on the host");
  if (const int exit_code = flags.ParseOrExit(argc, argv); exit_code >= 0) return exit_code;
  std::string error;
  EtcdMemberConfig config;
  config.client_port = kEventsClientPort;
  config.peer_port = kEventsPeerPort;
  config.metrics_port = kEventsMetricsPort;
  config.snapshot_count = kEventsSnapshotCount;
  config.extra = {{"auto-compaction-mode", kEventsAutoCompactionMode},
                  {"auto-compaction-retention", kEventsAutoCompactionRetention},
                  {"metrics", kMetricsLevel}};
  std::string repository, tag;
  if (!NodeConfig(node, &config, &error) || !SplitKubeadmEtcdImage(node.image, &repository, &tag, &error)) {
    return UsageError(cmd, error);
  }
  for (const auto& [flag, value] : {std::pair<const char*, const std::string*>{"out", &out_dir},
                                    {"unit-out", &unit_out},
                                    {"apiserver-manifest", &apiserver_manifest},
                                    {"etcd-binary", &binary},
                                    {"env-dir", &env_dir}}) {
    if ((flags.Given(flag) || !value->empty()) && !CheckPathFlag(flag, *value, &error))
      return UsageError(cmd, error);
  }

  const std::string override_value =
      EventsOverrideValue({HttpsUrl(LoopbackFor(config.advertise_address), config.client_port)});
  const std::string apiserver_flag = "--etcd-servers-overrides=" + override_value;
  StaticPodNames names;
  names.pod = "etcd-events";
  names.data_volume = "etcd-events-data";
  names.kubeadm_member = false;
  const std::string manifest = EmitYaml(EtcdStaticPod(config, names, node.image));

  std::vector<OutputFile> files;
  if (!out_dir.empty()) files.push_back({out_dir + "/etcd-events.yaml", manifest, 0600});
  if (!unit_out.empty()) {
    const UnitNames unit{"Cairn (etcd) events store " + config.name, binary, env_dir + "/etcd-events.env"};
    files.push_back({unit_out + "/etcd-events.service", SystemdUnit(unit), 0644});
    files.push_back({unit_out + "/etcd-events.env",
                     EnvironmentFile("Cairn events store " + config.name +
                                         ": etcd flags as ETCD_* variables (cairn k8s events)",
                                     EtcdFlags(config)),
                     0644});
  }
  bool apiserver_changed = false;
  if (!apiserver_manifest.empty()) {
    std::string before, after;
    if (!ReadWholeFile(apiserver_manifest, &before, &error))
      return UsageError(cmd, "--apiserver-manifest: " + error);
    if (!AddEventsOverride(apiserver_manifest, before, override_value, &after, &error))
      return UsageError(cmd, error);
    apiserver_changed = after != before;
    if (apiserver_changed) files.push_back({apiserver_manifest, after, 0600});
  }
  if (!WriteOutputFiles(files, &error)) {
    std::fprintf(stderr, "cairn k8s %s: %s\n", cmd.c_str(), error.c_str());
    return kExitIo;
  }
  const bool manifest_on_stdout = out_dir.empty() && unit_out.empty();
  FILE* notes = manifest_on_stdout ? stderr : stdout;
  if (manifest_on_stdout) std::fputs(manifest.c_str(), stdout);
  for (const OutputFile& f : files) std::fprintf(notes, "wrote %s\n", f.path.c_str());
  if (!apiserver_manifest.empty() && !apiserver_changed) {
    std::fprintf(notes, "%s already has the override\n", apiserver_manifest.c_str());
  }
  std::fprintf(notes, "# kube-apiserver flag:\n%s\n", apiserver_flag.c_str());
  return 0;
}

}  // namespace cairn::k8s
