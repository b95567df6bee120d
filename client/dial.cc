#include "client/dial.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cairn::client {
namespace {

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) {
    const int e = errno;
    return Status::IOError("open " + path + ": " +
                           (e == ENOENT ? "no such file or directory" : std::strerror(e)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

}  // namespace

Status MakeCredentials(const Endpoint& ep, const TlsFiles& tls,
                       std::shared_ptr<grpc::ChannelCredentials>* out) {
  const bool use_tls = ep.creds == Creds::kRequire || (ep.creds == Creds::kOptional && tls.Configured());
  if (!use_tls) {
    *out = grpc::InsecureChannelCredentials();
    return Status::Ok();
  }
  std::string ca, cert, key;
  if (!tls.cacert_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(tls.cacert_file, &ca));
  if (!tls.cert_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(tls.cert_file, &cert));
  if (!tls.key_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(tls.key_file, &key));
  if (cert.empty() != key.empty()) {
    return Status::InvalidArgument(
        tls.cert_file.empty()
            ? "KeyFile and CertFile must both be present[key: " + tls.key_file + ", cert: ]"
            : "KeyFile and CertFile must both be present[key: , cert: " + tls.cert_file + "]");
  }
  if (!tls.insecure_skip_verify) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca;
    ssl.pem_cert_chain = cert;
    ssl.pem_private_key = key;
    *out = grpc::SslCredentials(ssl);
    return Status::Ok();
  }
  // --insecure-skip-tls-verify: TLS without checking the server's certificate or name.
  grpc::experimental::TlsChannelCredentialsOptions opts;
  if (!cert.empty()) {
    std::vector<grpc::experimental::IdentityKeyCertPair> pairs = {{key, cert}};
    opts.set_certificate_provider(
        std::make_shared<grpc::experimental::StaticDataCertificateProvider>(ca, pairs));
    opts.watch_identity_key_cert_pairs();
  }
  opts.set_verify_server_certs(false);
  opts.set_check_call_host(false);
  opts.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  *out = grpc::experimental::TlsCredentials(opts);
  if (*out == nullptr)
    return Status::InvalidArgument("cannot build TLS credentials with --insecure-skip-tls-verify");
  return Status::Ok();
}

Status DialChannel(const Endpoint& ep, const DialOptions& options, std::shared_ptr<grpc::Channel>* out) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  CAIRN_RETURN_IF_ERROR(MakeCredentials(ep, options.tls, &creds));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  if (options.own_connection_id >= 0) {
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("cairn.client.conn_id", options.own_connection_id);
  }
  if (options.keepalive_time_ns > 0) {
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(options.keepalive_time_ns / 1000000));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(options.keepalive_timeout_ns / 1000000));
    // Go's client keeps pinging an idle stream; gRPC C++ stops after 2 pings without data.
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  }
  *out = grpc::CreateCustomChannel(ep.target, creds, args);
  return Status::Ok();
}

}  // namespace cairn::client
