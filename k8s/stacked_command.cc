// `cairn k8s stacked`: kubeadm's stacked-etcd static pod for one control-plane node, with
// Cairn's image and quota, plus the ClusterConfiguration snippet that makes `kubeadm init
// --config` write the same manifest itself.
//
//   --out DIR            writes DIR/etcd.yaml (mode 0600 like kubeadm); notes go to stdout
//   (no --out)           the manifest goes to stdout; notes to stderr
//   --kubeadm-config F   also writes the ClusterConfiguration snippet to F
#include <cstdio>

#include "k8s/cli.h"
#include "k8s/commands.h"
#include "k8s/defaults.h"
#include "k8s/kubeadm_config.h"
#include "k8s/node_flags.h"
#include "k8s/static_pod.h"

namespace cairn::k8s {

int StackedCommand(int argc, char** argv) {
  const std::string cmd = "stacked";
  NodeFlags node = DefaultNodeFlags(kDataDir, kMainQuotaBackendBytes);
  std::string out_dir;
  std::string kubeadm_config_path;
  CliFlags flags(cmd);
  RegisterNodeFlags(&flags, &node);
  flags.String("out", &out_dir,
               "write DIR/etcd.yaml (e.g. /etc/kubernetes/manifests) instead of printing it");
  flags.String("kubeadm-config", &kubeadm_config_path,
               "also write the kubeadm ClusterConfiguration snippet here");
  if (const int exit_code = flags.ParseOrExit(argc, argv); exit_code >= 0) return exit_code;
  std::string error;
  EtcdMemberConfig config;
  config.snapshot_count = kSnapshotCount;
  std::string repository, tag;
  if (!NodeConfig(node, &config, &error) || !SplitKubeadmEtcdImage(node.image, &repository, &tag, &error)) {
    return UsageError(cmd, error);
  }
  if (flags.Given("out") && !CheckPathFlag("out", out_dir, &error)) return UsageError(cmd, error);
  if (flags.Given("kubeadm-config") && !CheckPathFlag("kubeadm-config", kubeadm_config_path, &error)) {
    return UsageError(cmd, error);
  }

  const std::string manifest = EmitYaml(EtcdStaticPod(config, StaticPodNames{}, node.image));
  const std::string snippet =
      EmitYaml(LocalEtcdClusterConfiguration(repository, tag, config.data_dir, config.quota_backend_bytes));
  std::vector<OutputFile> files;
  if (!out_dir.empty()) files.push_back({out_dir + "/etcd.yaml", manifest, 0600});
  if (!kubeadm_config_path.empty()) files.push_back({kubeadm_config_path, snippet, 0644});
  if (!WriteOutputFiles(files, &error)) {
    std::fprintf(stderr, "cairn k8s %s: %s\n", cmd.c_str(), error.c_str());
    return kExitIo;
  }
  FILE* notes = out_dir.empty() ? stderr : stdout;
  if (out_dir.empty()) std::fputs(manifest.c_str(), stdout);
  for (const OutputFile& f : files) std::fprintf(notes, "wrote %s\n", f.path.c_str());
  std::fprintf(
      notes,
      "# kubeadm ClusterConfiguration: with this in `kubeadm init --config`, kubeadm writes the same\n"
      "# etcd static pod itself (Cairn's image, Cairn's quota).\n%s",
      snippet.c_str());
  return 0;
}

}  // namespace cairn::k8s
