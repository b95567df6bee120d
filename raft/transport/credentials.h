// Channel and server credentials for peer URLs, in ONE place so that TLS
// (--peer-cert-file, --peer-key-file, --peer-trusted-ca-file,
// --peer-client-cert-auth, --peer-cert-allowed-cn) plugs in here only.
//
// http and unix URLs are plaintext. https uses the member's peer certificate
// both as server and as client certificate (etcd's peer TLS model), verifies
// the other side against trusted_ca_file, requires a client certificate when
// client_cert_auth, and CheckPeerIdentity enforces allowed_cn, allowed_hostname
// and crl_file on each inbound call. --peer-auto-tls: the member's self-signed
// certificate, and the client side does not verify the server (skip_server_verify,
// as etcd's InsecureSkipVerify for self-signed certificates). Not yet: peer cipher
// suites and TLS versions. Missing or unreadable files are InvalidArgument /
// IOError naming the flag and the path.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "raft/transport/peer_url.h"

namespace cairn::raft::transport {

// etcd's --peer-* TLS flags.
struct TlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string trusted_ca_file;
  bool client_cert_auth = false;
  std::string allowed_cn;  // empty: any CN signed by the CA
  // --peer-cert-allowed-hostname: a DNS or IP SAN of the peer's certificate must match (a
  // "*.example.com" SAN matches one label); empty: any.
  std::string allowed_hostname;
  // --peer-crl-file (PEM or DER): a peer certificate whose serial it lists is refused (etcd's
  // checkCRL: serials only, after the handshake). Re-read when the file changes.
  std::string crl_file;
  // --peer-auto-tls: dial peers without verifying their (self-signed) certificates.
  bool skip_server_verify = false;
};

Status MakeChannelCredentials(const PeerUrl& url, const TlsOptions& tls,
                              std::shared_ptr<grpc::ChannelCredentials>* out);
Status MakeServerCredentials(const PeerUrl& url, const TlsOptions& tls,
                             std::shared_ptr<grpc::ServerCredentials>* out);
// For each inbound call: InvalidArgument unless the verified client certificate's CN equals
// tls.allowed_cn, one of its SANs matches tls.allowed_hostname, and tls.crl_file does not list
// it (each check skipped when its option is empty).
Status CheckPeerIdentity(const grpc::ServerContext& ctx, const TlsOptions& tls);

}  // namespace cairn::raft::transport
