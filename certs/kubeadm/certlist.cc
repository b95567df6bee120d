#include "certs/kubeadm/certlist.h"

#include <openssl/obj_mac.h>

#include <algorithm>

#include "certs/x509/name.h"

namespace cairn::certs::kubeadm {
namespace {

constexpr std::time_t kCaBackdateSeconds = 5LL * 60;  // kubeadmconstants.CertificateBackdate

std::vector<std::string> Dedup(std::vector<std::string> v, bool sort) {
  std::vector<std::string> out;
  if (sort) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
  for (std::string& s : v) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

const std::vector<KubeadmCert>& EtcdCertList() {
  static const std::vector<KubeadmCert> kList = {
      {"etcd-ca",
       "etcd/ca",
       "ca",
       "self-signed CA to provision identities for etcd",
       "etcd-ca",
       "",
       {},
       SanRule::kCaName},
      {"etcd-server",
       "etcd/server",
       "server",
       "certificate for serving etcd",
       "",
       "",
       {NID_server_auth, NID_client_auth},
       SanRule::kEtcdServer},
      {"etcd-peer",
       "etcd/peer",
       "peer",
       "certificate for etcd nodes to communicate with each other",
       "",
       "",
       {NID_server_auth, NID_client_auth},
       SanRule::kEtcdPeer},
      {"etcd-healthcheck-client",
       "etcd/healthcheck-client",
       "healthcheck-client",
       "certificate for liveness probes to healthcheck etcd",
       "kube-etcd-healthcheck-client",
       "system:masters",
       {NID_client_auth},
       SanRule::kNone},
      {"apiserver-etcd-client",
       "apiserver-etcd-client",
       "apiserver-etcd-client",
       "certificate the apiserver uses to access etcd",
       "kube-apiserver-etcd-client",
       "system:masters",
       {NID_client_auth},
       SanRule::kNone},
  };
  return kList;
}

const KubeadmCert& EtcdCa() { return EtcdCertList()[0]; }

SubjectAltNames SansFor(const KubeadmCert& cert, const NodeSettings& node) {
  SubjectAltNames sans;
  if (cert.sans == SanRule::kNone) return sans;
  if (cert.sans == SanRule::kCaName) {
    sans.dns_names = {cert.common_name};
    return sans;
  }
  const SubjectAltNames& extra = cert.sans == SanRule::kEtcdServer ? node.server_extra : node.peer_extra;
  std::vector<std::string> dns = {node.node_name, "localhost"};
  dns.insert(dns.end(), extra.dns_names.begin(), extra.dns_names.end());
  std::vector<std::string> ips = {node.advertise_ip, std::string("\x7f\x00\x00\x01", 4),
                                  std::string(15, '\0') + std::string("\x01", 1)};
  ips.insert(ips.end(), extra.ips.begin(), extra.ips.end());
  sans.dns_names = Dedup(std::move(dns), /*sort=*/true);
  sans.ips = Dedup(std::move(ips), /*sort=*/false);
  return sans;
}

Status CaSpec(const NodeSettings& node, std::time_t now, CertSpec* out) {
  const KubeadmCert& ca = EtcdCa();
  NameFields name;
  name.common_name = ca.common_name;
  CAIRN_RETURN_IF_ERROR(BuildName(name, &out->subject));
  out->sans = SansFor(ca, node);
  out->key_usage = kDigitalSignature | kKeyEncipherment | kCertSign;
  out->is_ca = true;
  out->subject_key_id = true;
  out->not_before = now - kCaBackdateSeconds;
  out->not_after = now + static_cast<std::time_t>(node.ca_validity_seconds);
  out->serial = RandomSerial(kKubeadmSerialBits);
  return Status::Ok();
}

Status LeafSpec(const KubeadmCert& cert, const NodeSettings& node, std::time_t now, std::time_t ca_not_before,
                CertSpec* out) {
  NameFields name;
  name.common_name = cert.common_name.empty() ? node.node_name : cert.common_name;
  if (!cert.organization.empty()) name.organization = {cert.organization};
  CAIRN_RETURN_IF_ERROR(BuildName(name, &out->subject));
  out->sans = SansFor(cert, node);
  out->key_usage = kDigitalSignature | kKeyEncipherment;
  out->ext_key_usage = cert.ext_key_usage;
  out->is_ca = false;
  out->subject_key_id = false;
  out->not_before = ca_not_before;
  out->not_after = now + static_cast<std::time_t>(node.cert_validity_seconds);
  out->serial = RandomSerial(kKubeadmSerialBits);
  return Status::Ok();
}

Status ParseExtraSans(const std::vector<std::string>& entries, const std::string& flag,
                      SubjectAltNames* out) {
  for (const std::string& e : entries) {
    std::string ip;
    if (ParseIp(e, &ip)) {
      out->ips.push_back(ip);
    } else if (IsDnsName(e)) {
      out->dns_names.push_back(e);
    } else {
      std::string message = "--" + flag;
      message += ": \"" + e + "\" is neither an IP address nor an RFC 1123 DNS name";
      return Status::InvalidArgument(message);
    }
  }
  return Status::Ok();
}

}  // namespace cairn::certs::kubeadm
