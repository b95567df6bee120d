#include "raft/transport/credentials.h"

#include <fstream>
#include <sstream>

namespace cairn::raft::transport {
namespace {

Status ReadPem(const std::string& what, const std::string& path, std::string* out) {
  if (path.empty()) return Status::InvalidArgument("https peer url needs " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + what + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  *out = std::move(s).str();
  if (out->empty()) return Status::InvalidArgument(what + " " + path + " is empty");
  return Status::Ok();
}

}  // namespace

Status MakeChannelCredentials(const PeerUrl& url, const TlsOptions& tls,
                              std::shared_ptr<grpc::ChannelCredentials>* out) {
  if (!url.tls()) {
    *out = grpc::InsecureChannelCredentials();
    return Status::Ok();
  }
  grpc::SslCredentialsOptions o;
  CAIRN_RETURN_IF_ERROR(ReadPem("--peer-trusted-ca-file", tls.trusted_ca_file, &o.pem_root_certs));
  // The client presents the member's peer certificate (client-cert auth).
  CAIRN_RETURN_IF_ERROR(ReadPem("--peer-cert-file", tls.cert_file, &o.pem_cert_chain));
  CAIRN_RETURN_IF_ERROR(ReadPem("--peer-key-file", tls.key_file, &o.pem_private_key));
  *out = grpc::SslCredentials(o);
  return Status::Ok();
}

Status MakeServerCredentials(const PeerUrl& url, const TlsOptions& tls,
                             std::shared_ptr<grpc::ServerCredentials>* out) {
  if (!url.tls()) {
    *out = grpc::InsecureServerCredentials();
    return Status::Ok();
  }
  grpc::SslServerCredentialsOptions o(tls.client_cert_auth
                                          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  CAIRN_RETURN_IF_ERROR(ReadPem("--peer-cert-file", tls.cert_file, &pair.cert_chain));
  CAIRN_RETURN_IF_ERROR(ReadPem("--peer-key-file", tls.key_file, &pair.private_key));
  if (tls.client_cert_auth) {
    CAIRN_RETURN_IF_ERROR(ReadPem("--peer-trusted-ca-file", tls.trusted_ca_file, &o.pem_root_certs));
  } else if (!tls.trusted_ca_file.empty()) {
    CAIRN_RETURN_IF_ERROR(ReadPem("--peer-trusted-ca-file", tls.trusted_ca_file, &o.pem_root_certs));
  }
  o.pem_key_cert_pairs.push_back(std::move(pair));
  *out = grpc::SslServerCredentials(o);
  return Status::Ok();
}

Status CheckPeerIdentity(const grpc::ServerContext& ctx, const TlsOptions& tls) {
  if (tls.allowed_cn.empty()) return Status::Ok();
  const std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return Status::InvalidArgument("peer presented no verified certificate (--peer-cert-allowed-cn is set)");
  }
  for (const grpc::string_ref& cn : auth->FindPropertyValues("x509_common_name")) {
    if (std::string(cn.data(), cn.size()) == tls.allowed_cn) return Status::Ok();
  }
  return Status::InvalidArgument("peer certificate CN is not " + tls.allowed_cn);
}

}  // namespace cairn::raft::transport
