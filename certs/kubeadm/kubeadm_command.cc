// `cairn certs kubeadm`: kubeadm's `init phase certs etcd-*` for one node (commands.h).
//
// Order (nothing is written until every check passed):
//   1. parse and validate every flag;
//   2. load the CA when etcd/ca.crt exists (reuse it; a key that does not match is an error), or
//      plan a new one;
//   3. for each leaf: keep it when it exists, is signed by the CA, matches its key, has not
//      expired and carries every SAN this node needs; with --renew, or when absent, plan a new
//      one; anything else is an error that names the file and suggests --renew;
//   4. generate the planned keys and certificates in memory;
//   5. write them, CA first, each file atomically.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "certs/flag_set.h"
#include "certs/go_duration.h"
#include "certs/kubeadm/certlist.h"
#include "certs/kubeadm/commands.h"
#include "certs/kubeadm/node_defaults.h"
#include "certs/kubeadm/pki_files.h"
#include "certs/x509/cert_info.h"
#include "certs/x509/issue.h"
#include "certs/x509/key.h"
#include "certs/x509/pem_file.h"

namespace cairn::certs::kubeadm {
namespace {

int Fail(const Status& st) {
  std::fprintf(stderr, "cairn certs kubeadm: %s\n", st.message().c_str());
  return 1;
}

std::string SanText(const SubjectAltNames& sans) {
  std::string dns, ips;
  for (const std::string& d : sans.dns_names) dns += (dns.empty() ? "" : " ") + d;
  for (const std::string& ip : sans.ips) ips += (ips.empty() ? "" : " ") + IpText(ip);
  return "DNS names [" + dns + "] and IPs [" + ips + "]";
}

// Why an existing leaf cannot be kept, or "" when it can.
std::string ExistingLeafProblem(const std::string& pki_dir, const KubeadmCert& c, X509* ca,
                                const SubjectAltNames& want, std::time_t now) {
  CertPtr cert;
  KeyPtr key;
  if (Status st = LoadCert(CertPath(pki_dir, c), &cert); !st.ok()) return st.message();
  if (Status st = LoadKey(KeyPath(pki_dir, c), &key); !st.ok()) return st.message();
  if (!KeyMatchesCertificate(cert.get(), key.get()))
    return KeyPath(pki_dir, c) + " does not match " + CertPath(pki_dir, c);
  if (!SignedBy(cert.get(), ca)) return CertPath(pki_dir, c) + " is not signed by the etcd CA";
  const CertInfo info = ReadCertInfo(cert.get());
  if (info.not_after <= now) return CertPath(pki_dir, c) + " has expired";
  for (const std::string& d : want.dns_names) {
    if (std::find(info.sans.dns_names.begin(), info.sans.dns_names.end(), d) == info.sans.dns_names.end()) {
      return CertPath(pki_dir, c) + " lacks the SAN DNS:" + d;
    }
  }
  for (const std::string& ip : want.ips) {
    if (std::find(info.sans.ips.begin(), info.sans.ips.end(), ip) == info.sans.ips.end()) {
      return CertPath(pki_dir, c) + " lacks the SAN IP:" + IpText(ip);
    }
  }
  return "";
}

struct Planned {
  const KubeadmCert* row;
  CertPtr cert;
  KeyPtr key;
};

}  // namespace

int KubeadmCommand(int argc, char** argv) {
  std::string pki_dir = "/etc/kubernetes/pki", node_name, advertise, key_algorithm = "RSA-2048";
  std::string cert_validity = "8760h", ca_validity = "87600h";
  std::vector<std::string> server_sans, peer_sans, args;
  bool renew = false;
  FlagSet flags;
  flags.String("pki-dir", &pki_dir);
  flags.String("cert-dir", &pki_dir);  // kubeadm's own name for it
  flags.String("node-name", &node_name);
  flags.String("advertise-address", &advertise);
  flags.List("server-cert-sans", &server_sans);
  flags.List("peer-cert-sans", &peer_sans);
  flags.String("key-algorithm", &key_algorithm);
  flags.String("cert-validity", &cert_validity);
  flags.String("ca-validity", &ca_validity);
  flags.Bool("renew", &renew);
  if (Status st = flags.Parse(argc, argv, 1, &args); !st.ok()) return Fail(st);
  if (!args.empty()) return Fail(Status::InvalidArgument("unexpected argument \"" + args[0] + "\""));

  // Step 1: every flag.
  NodeSettings node;
  KeyAlgorithm algorithm;
  if (Status st = ParseKubeadmKeyAlgorithm(key_algorithm, &algorithm); !st.ok()) {
    return Fail(Status::InvalidArgument("--key-algorithm: " + st.message()));
  }
  node.node_name = node_name.empty() ? DefaultNodeName() : node_name;
  if (node.node_name.empty())
    return Fail(Status::InvalidArgument("--node-name: empty, and the host name is unknown"));
  if (!IsDnsName(node.node_name)) {
    return Fail(
        Status::InvalidArgument("--node-name: \"" + node.node_name + "\" is not an RFC 1123 DNS name"));
  }
  if (advertise.empty()) {
    if (Status st = DefaultAdvertiseAddress(&advertise); !st.ok()) return Fail(st);
  }
  if (!ParseIp(advertise, &node.advertise_ip)) {
    return Fail(
        Status::InvalidArgument("--advertise-address: \"" + advertise + "\" is not a valid IP address"));
  }
  if (Status st = ParseExtraSans(server_sans, "server-cert-sans", &node.server_extra); !st.ok())
    return Fail(st);
  if (Status st = ParseExtraSans(peer_sans, "peer-cert-sans", &node.peer_extra); !st.ok()) return Fail(st);
  if (Status st = ParseValidityFlag("cert-validity", cert_validity, &node.cert_validity_seconds); !st.ok())
    return Fail(st);
  if (Status st = ParseValidityFlag("ca-validity", ca_validity, &node.ca_validity_seconds); !st.ok())
    return Fail(st);
  const std::time_t now = std::time(nullptr);

  // Step 2: the CA.
  LoadedCa ca;
  bool new_ca = false;
  if (Status st = LoadCa(pki_dir, &ca); st.IsNotFound()) {
    new_ca = true;
  } else if (!st.ok()) {
    return Fail(st);
  }
  if (!new_ca && ca.key == nullptr && renew) {
    return Fail(Status::InvalidArgument("--renew: " + KeyPath(pki_dir, EtcdCa()) +
                                        " is absent (external CA): cannot sign"));
  }

  // Step 3: which leaves to make.
  std::vector<const KubeadmCert*> to_make;
  for (const KubeadmCert& c : EtcdCertList()) {
    if (c.is_ca()) continue;
    const bool exists = FileExists(CertPath(pki_dir, c)) || FileExists(KeyPath(pki_dir, c));
    if (new_ca || renew || !exists) {
      if (exists && new_ca && !renew) {
        return Fail(Status::InvalidArgument(CertPath(pki_dir, c) +
                                            " exists but the etcd CA does not; give --renew to replace it"));
      }
      if (!new_ca && ca.key == nullptr) {
        return Fail(Status::InvalidArgument(CertPath(pki_dir, c) + " is missing and " +
                                            KeyPath(pki_dir, EtcdCa()) +
                                            " is absent (external CA): cannot sign it"));
      }
      to_make.push_back(&c);
      continue;
    }
    const std::string problem = ExistingLeafProblem(pki_dir, c, ca.cert.get(), SansFor(c, node), now);
    if (!problem.empty()) return Fail(Status::InvalidArgument(problem + "; give --renew to replace it"));
  }

  // Step 4: generate in memory.
  if (new_ca) {
    CertSpec spec;
    if (Status st = CaSpec(node, now, &spec); !st.ok()) return Fail(st);
    if (Status st = GenerateKey(algorithm, &ca.key); !st.ok()) return Fail(st);
    if (Status st = IssueCertificate(spec, ca.key.get(), nullptr, nullptr, &ca.cert); !st.ok())
      return Fail(st);
  }
  const std::time_t ca_not_before = ReadCertInfo(ca.cert.get()).not_before;
  std::vector<Planned> planned;
  for (const KubeadmCert* c : to_make) {
    Planned p{c, nullptr, nullptr};
    CertSpec spec;
    if (Status st = LeafSpec(*c, node, now, ca_not_before, &spec); !st.ok()) return Fail(st);
    if (Status st = GenerateKey(algorithm, &p.key); !st.ok()) return Fail(st);
    if (Status st = IssueCertificate(spec, p.key.get(), ca.cert.get(), ca.key.get(), &p.cert); !st.ok()) {
      return Fail(st);
    }
    planned.push_back(std::move(p));
  }

  // Step 5: write.
  if (new_ca) {
    std::printf("[certs] Generating \"%s\" certificate and key\n", EtcdCa().base_name.c_str());
    if (Status st = WritePair(pki_dir, EtcdCa(), ca.cert.get(), ca.key.get()); !st.ok()) return Fail(st);
  } else {
    std::printf("[certs] Using existing %s certificate authority\n", EtcdCa().base_name.c_str());
  }
  for (const KubeadmCert& c : EtcdCertList()) {
    if (c.is_ca()) continue;
    auto it = std::find_if(planned.begin(), planned.end(), [&](const Planned& p) { return p.row == &c; });
    if (it == planned.end()) {
      std::printf("[certs] Using the existing \"%s\" certificate and key\n", c.base_name.c_str());
      continue;
    }
    std::printf("[certs] Generating \"%s\" certificate and key\n", c.base_name.c_str());
    if (c.sans != SanRule::kNone) {
      std::printf("[certs] %s serving cert is signed for %s\n", c.base_name.c_str(),
                  SanText(SansFor(c, node)).c_str());
    }
    if (Status st = WritePair(pki_dir, c, it->cert.get(), it->key.get()); !st.ok()) return Fail(st);
  }
  return 0;
}

}  // namespace cairn::certs::kubeadm
