#include "raft/transport/credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <strings.h>
#include <sys/stat.h>

#include <fstream>
#include <mutex>
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

// A SAN value against the allowed hostname: exact (case-insensitive) or a leftmost "*." label.
bool SanMatches(std::string_view san, const std::string& host) {
  if (san.size() == host.size() && strncasecmp(san.data(), host.data(), san.size()) == 0) return true;
  if (san.size() > 2 && san.substr(0, 2) == "*.") {
    size_t dot = host.find('.');
    if (dot == std::string::npos || dot == 0) return false;
    std::string_view rest = std::string_view(host).substr(dot);
    return rest.size() == san.size() - 1 && strncasecmp(rest.data(), san.data() + 1, rest.size()) == 0;
  }
  return false;
}

// The revoked serials of --peer-crl-file, re-read when its mtime or size changes.
class CrlCache {
 public:
  Status IsRevoked(const std::string& path, X509* cert, bool* revoked) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return Status::IOError("cannot stat --peer-crl-file " + path);
    std::lock_guard<std::mutex> lock(mu_);
    const long long stamp = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    if (path != path_ || stamp != stamp_ || st.st_size != size_) {
      for (X509_CRL* c : crls_) X509_CRL_free(c);
      crls_.clear();
      BIO* bio = BIO_new_file(path.c_str(), "rb");
      if (bio == nullptr) return Status::IOError("cannot open --peer-crl-file " + path);
      while (X509_CRL* c = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) crls_.push_back(c);
      if (crls_.empty()) {
        BIO_reset(bio);
        if (X509_CRL* c = d2i_X509_CRL_bio(bio, nullptr)) crls_.push_back(c);
      }
      BIO_free(bio);
      if (crls_.empty()) return Status::InvalidArgument("--peer-crl-file " + path + ": no certificate revocation list found");
      path_ = path;
      stamp_ = stamp;
      size_ = st.st_size;
    }
    *revoked = false;
    for (X509_CRL* c : crls_) {
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_serial(c, &entry, X509_get0_serialNumber(cert)) == 1) *revoked = true;
    }
    return Status::Ok();
  }

 private:
  std::mutex mu_;
  std::string path_;
  long long stamp_ = -1;
  long long size_ = -1;
  std::vector<X509_CRL*> crls_;
};

CrlCache& Crls() {
  static auto* cache = new CrlCache();
  return *cache;
}

}  // namespace

Status MakeChannelCredentials(const PeerUrl& url, const TlsOptions& tls,
                              std::shared_ptr<grpc::ChannelCredentials>* out) {
  if (!url.tls()) {
    *out = grpc::InsecureChannelCredentials();
    return Status::Ok();
  }
  if (tls.skip_server_verify) {
    grpc::experimental::IdentityKeyCertPair pair;
    CAIRN_RETURN_IF_ERROR(ReadPem("--peer-cert-file", tls.cert_file, &pair.certificate_chain));
    CAIRN_RETURN_IF_ERROR(ReadPem("--peer-key-file", tls.key_file, &pair.private_key));
    grpc::experimental::TlsChannelCredentialsOptions o;
    o.set_certificate_provider(std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
        std::vector<grpc::experimental::IdentityKeyCertPair>{pair}));
    o.watch_identity_key_cert_pairs();
    o.set_verify_server_certs(false);
    o.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
    o.set_check_call_host(false);
    *out = grpc::experimental::TlsCredentials(o);
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
  if (tls.allowed_cn.empty() && tls.allowed_hostname.empty() && tls.crl_file.empty()) return Status::Ok();
  const std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return Status::InvalidArgument(
        "peer presented no verified certificate (--peer-cert-allowed-cn, --peer-cert-allowed-hostname or "
        "--peer-crl-file is set)");
  }
  if (!tls.allowed_cn.empty()) {
    bool found = false;
    for (const grpc::string_ref& cn : auth->FindPropertyValues("x509_common_name")) {
      if (std::string(cn.data(), cn.size()) == tls.allowed_cn) found = true;
    }
    if (!found) return Status::InvalidArgument("peer certificate CN is not " + tls.allowed_cn);
  }
  if (!tls.allowed_hostname.empty()) {
    bool found = false;
    for (const grpc::string_ref& san : auth->FindPropertyValues("x509_subject_alternative_name")) {
      if (SanMatches(std::string_view(san.data(), san.size()), tls.allowed_hostname)) found = true;
    }
    if (!found) {
      return Status::InvalidArgument("peer certificate has no SAN matching --peer-cert-allowed-hostname " +
                                     tls.allowed_hostname);
    }
  }
  if (!tls.crl_file.empty()) {
    std::vector<grpc::string_ref> pems = auth->FindPropertyValues("x509_pem_cert");
    if (pems.empty()) return Status::InvalidArgument("peer certificate unavailable for the --peer-crl-file check");
    BIO* bio = BIO_new_mem_buf(pems[0].data(), static_cast<int>(pems[0].size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (cert == nullptr) return Status::InvalidArgument("peer certificate unreadable for the --peer-crl-file check");
    bool revoked = false;
    Status st = Crls().IsRevoked(tls.crl_file, cert, &revoked);
    X509_free(cert);
    CAIRN_RETURN_IF_ERROR(st);
    if (revoked) return Status::InvalidArgument("peer certificate is revoked (--peer-crl-file " + tls.crl_file + ")");
  }
  return Status::Ok();
}

}  // namespace cairn::raft::transport
