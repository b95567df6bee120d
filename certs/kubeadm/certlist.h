// kubeadm's etcd certificates as a table (kubeadm's cmd/kubeadm/app/phases/certs/certlist.go,
// CRAFT.md §12): one row per certificate; `cairn certs kubeadm`, `check-expiration` and `renew`
// all loop over it. Paths are relative to --pki-dir (kubeadm's /etc/kubernetes/pki).
//
//   name                     files                              CN                            O EKU SANs
//   etcd-ca                  etcd/ca.{crt,key}                  etcd-ca                       - - DNS etcd-ca
//   etcd-server              etcd/server.{crt,key}              <node name>                   - server+client
//   auth   node, localhost, advertise IP, 127.0.0.1, ::1, --server-cert-sans etcd-peer etcd/peer.{crt,key}
//   <node name>                   -               server+client auth   node, localhost, advertise IP,
//   127.0.0.1, ::1, --peer-cert-sans etcd-healthcheck-client  etcd/healthcheck-client.{crt,key}
//   kube-etcd-healthcheck-client  system:masters  client auth          - apiserver-etcd-client
//   apiserver-etcd-client.{crt,key}    kube-apiserver-etcd-client    system:masters  client auth          -
//
// Extensions follow kubeadm's pkiutil (Go's x509 defaults): the CA has keyUsage
// digitalSignature+keyEncipherment+keyCertSign, CA:TRUE, a subjectKeyIdentifier, NotBefore now
// minus 5 minutes; leaves have digitalSignature+keyEncipherment (for RSA and ECDSA keys alike,
// as kubeadm), CA:FALSE, an authorityKeyIdentifier and no subjectKeyIdentifier, NotBefore = the
// CA's NotBefore, a random serial in [1, 2^63-1).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "base/status.h"
#include "certs/x509/cert_spec.h"
#include "certs/x509/key.h"
#include "certs/x509/san.h"

namespace cairn::certs::kubeadm {

// kubeadm's serials: rand.Int(MaxInt64-1) + 1.
inline constexpr int kKubeadmSerialBits = 63;

enum class SanRule { kNone, kCaName, kEtcdServer, kEtcdPeer };

struct KubeadmCert {
  std::string name;          // kubeadm's name ("etcd-server"), shown by check-expiration
  std::string base_name;     // file base under --pki-dir ("etcd/server")
  std::string short_name;    // the `renew` argument ("server")
  std::string long_name;     // kubeadm's description
  std::string common_name;   // "" = the node name
  std::string organization;  // "" = none
  std::vector<int> ext_key_usage;
  SanRule sans = SanRule::kNone;
  bool is_ca() const { return sans == SanRule::kCaName; }
};

// The CA first, then the leaves in kubeadm's order.
const std::vector<KubeadmCert>& EtcdCertList();
const KubeadmCert& EtcdCa();

// Inputs that vary per node.
struct NodeSettings {
  std::string node_name;
  std::string advertise_ip;      // raw bytes (san.h)
  SubjectAltNames server_extra;  // --server-cert-sans
  SubjectAltNames peer_extra;    // --peer-cert-sans
  int64_t cert_validity_seconds = 365LL * 24 * 3600;
  int64_t ca_validity_seconds = 10 * 365LL * 24 * 3600;
};

// kubeadm's SAN list for `cert`: DNS names de-duplicated and sorted (RemoveDuplicateAltNames),
// IPs de-duplicated in order.
SubjectAltNames SansFor(const KubeadmCert& cert, const NodeSettings& node);

// The spec of the CA (self-signed at `now`) or of a leaf (signed at `now` by a CA whose NotBefore
// is `ca_not_before`).
Status CaSpec(const NodeSettings& node, std::time_t now, CertSpec* out);
Status LeafSpec(const KubeadmCert& cert, const NodeSettings& node, std::time_t now, std::time_t ca_not_before,
                CertSpec* out);

// kubeadm's parsing of --server-cert-sans / --peer-cert-sans entries: an IP, or an RFC 1123
// (possibly wildcard) DNS name. kubeadm warns and drops anything else; Cairn refuses it.
Status ParseExtraSans(const std::vector<std::string>& entries, const std::string& flag, SubjectAltNames* out);

}  // namespace cairn::certs::kubeadm
