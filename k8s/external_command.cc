// `cairn k8s external`: the external-etcd topology. For every member (--members name=ip,...):
// OUT/<name>/etcd.service (systemd, Type=notify) and OUT/<name>/etcd.env (the flags as ETCD_*
// variables, kubeadm's flag set and certificate layout); OUT/kubeadm-etcd-external.yaml, the
// ClusterConfiguration `etcd.external` block for the control plane. Prints where each file goes
// and the `cairn certs kubeadm` commands that make each host's certificates.
#include <cstdio>

#include "k8s/cli.h"
#include "k8s/commands.h"
#include "k8s/defaults.h"
#include "k8s/kubeadm_config.h"
#include "k8s/node_flags.h"
#include "k8s/systemd_unit.h"
#include "k8s/yaml_tree.h"

namespace cairn::k8s {

int ExternalCommand(int argc, char** argv) {
  const std::string cmd = "external";
  std::string members_text, out_dir, pki_dir = kPkiDir, data_dir = kDataDir, binary = kEtcdBinary,
                                     env_dir = kEnvDir;
  int64_t quota = kMainQuotaBackendBytes;
  CliFlags flags(cmd);
  flags.String("members", &members_text, "the members as name=ip,... (required)");
  flags.String("out", &out_dir,
               "output directory: OUT/<name>/etcd.{service,env}, OUT/kubeadm-etcd-external.yaml (required)");
  flags.String("pki-dir", &pki_dir, "certificate directory on each host (cairn certs kubeadm --pki-dir)");
  flags.String("data-dir", &data_dir, "data directory on each host");
  flags.String("etcd-binary", &binary, "the unit's ExecStart (cairn's etcd link)");
  flags.String("env-dir", &env_dir, "where the unit expects etcd.env on the host");
  flags.Int64("quota-backend-bytes", &quota, "backend quota (--quota-backend-bytes)");
  if (const int exit_code = flags.ParseOrExit(argc, argv); exit_code >= 0) return exit_code;
  std::string error;
  if (members_text.empty()) return UsageError(cmd, "--members is required");
  if (out_dir.empty()) return UsageError(cmd, "--out is required");
  std::vector<Member> members;
  if (!ParseMembers("members", members_text, &members, &error)) return UsageError(cmd, error);
  for (const Member& m : members) {
    if (IsIpv6Literal(m.ip) != IsIpv6Literal(members[0].ip)) {
      return UsageError(cmd, "--members: \"" + m.name + "=" + m.ip + "\" mixes IPv4 and IPv6 members");
    }
  }
  if (!CheckPathFlag("out", out_dir, &error) || !CheckPathFlag("pki-dir", pki_dir, &error) ||
      !CheckPathFlag("data-dir", data_dir, &error) || !CheckPathFlag("etcd-binary", binary, &error) ||
      !CheckPathFlag("env-dir", env_dir, &error)) {
    return UsageError(cmd, error);
  }
  if (quota <= 0) return UsageError(cmd, "--quota-backend-bytes: must be positive");

  std::vector<OutputFile> files;
  std::vector<std::string> endpoints;
  std::string certs_steps;
  for (const Member& m : members) {
    EtcdMemberConfig c;
    c.name = m.name;
    c.advertise_address = m.ip;
    c.cluster = members;
    c.data_dir = data_dir;
    c.pki_dir = pki_dir;
    c.snapshot_count = kSnapshotCount;
    c.quota_backend_bytes = quota;
    c.extra = {{"metrics", kMetricsLevel}};
    const UnitNames names{"Cairn (etcd) member " + m.name, binary, env_dir + "/etcd.env"};
    files.push_back({out_dir + "/" + m.name + "/etcd.service", SystemdUnit(names), 0644});
    files.push_back(
        {out_dir + "/" + m.name + "/etcd.env",
         EnvironmentFile("Cairn member " + m.name + ": etcd flags as ETCD_* variables (cairn k8s external)",
                         EtcdFlags(c)),
         0644});
    endpoints.push_back(AdvertiseClientUrl(c));
    certs_steps += "  on " + m.name + ": cairn certs kubeadm --pki-dir " + pki_dir + " --node-name " +
                   m.name + " --advertise-address " + m.ip + "\n";
  }
  files.push_back({out_dir + "/kubeadm-etcd-external.yaml",
                   EmitYaml(ExternalEtcdClusterConfiguration(endpoints, pki_dir)), 0644});
  if (!WriteOutputFiles(files, &error)) {
    std::fprintf(stderr, "cairn k8s %s: %s\n", cmd.c_str(), error.c_str());
    return kExitIo;
  }
  for (const OutputFile& f : files) std::printf("wrote %s\n", f.path.c_str());
  std::printf(
      "\nOn each host: install <name>/etcd.service as /etc/systemd/system/etcd.service and <name>/etcd.env "
      "as %s/etcd.env,\n"
      "link %s to cairn, then `systemctl daemon-reload && systemctl enable --now etcd`.\n"
      "Certificates (one CA: run the first command, copy %s/etcd/ca.{crt,key} to the other hosts, then run "
      "theirs):\n%s"
      "Control plane: copy ca.crt and apiserver-etcd-client.{crt,key} to it and merge "
      "kubeadm-etcd-external.yaml into\n"
      "the ClusterConfiguration given to `kubeadm init --config`.\n",
      env_dir.c_str(), binary.c_str(), pki_dir.c_str(), certs_steps.c_str());
  return 0;
}

}  // namespace cairn::k8s
