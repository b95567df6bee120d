#include "server/tls/server_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "server/tls/names.h"

namespace cairn::tls {
namespace {

// Go's os.Open wording: "open /p: no such file or directory".
Status Unreadable(const char* flag, const std::string& path) {
  std::string why = std::strerror(errno);
  if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  return Status::InvalidArgument(std::string(flag) + " " + path + ": open " + path + ": " + why);
}

// The OpenSSL error queue as one line (reason strings only), cleared.
std::string DrainErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += ": ";
    out += reason != nullptr ? reason : "error " + std::to_string(e);
  }
  return out;
}

Status Bad(const char* flag, const std::string& path, const std::string& what) {
  std::string errs = DrainErrors();
  return Status::InvalidArgument(std::string(flag) + " " + path + ": " + what + (errs.empty() ? "" : " (" + errs + ")"));
}

Status CheckReadable(const char* flag, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Unreadable(flag, path);
  std::fclose(f);
  return Status::Ok();
}

// gRPC and HTTP/1 share the port, and Go's etcd tells them apart inside HTTP/2 by content-type,
// which the plaintext side cannot (gRPC alone reads HTTP/2 here). So: "http/1.1" whenever the client
// offers it (curl, browsers, Prometheus), "h2" when it offers h2 without http/1.1 (every gRPC
// client: grpc-go offers only "h2", gRPC C-core "grpc-exp" and "h2"), else no ALPN.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  const unsigned char* h2 = nullptr;
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    std::string_view proto(reinterpret_cast<const char*>(in + i + 1), len);
    if (proto == "http/1.1") {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    if (proto == "h2") h2 = in + i + 1;
    i += 1 + len;
  }
  if (h2 == nullptr) return SSL_TLSEXT_ERR_NOACK;
  *out = h2;
  *outlen = 2;
  return SSL_TLSEXT_ERR_OK;
}

Status LoadCrl(const std::string& path, X509_STORE* store) {
  CAIRN_RETURN_IF_ERROR(CheckReadable("--client-crl-file", path));
  BIO* bio = BIO_new_file(path.c_str(), "rb");
  if (bio == nullptr) return Bad("--client-crl-file", path, "cannot open");
  int added = 0;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_crl(store, crl);
    X509_CRL_free(crl);
    added++;
  }
  ERR_clear_error();
  if (added == 0) {  // DER, as Go's x509.ParseCRL also accepts
    BIO_reset(bio);
    if (X509_CRL* crl = d2i_X509_CRL_bio(bio, nullptr)) {
      X509_STORE_add_crl(store, crl);
      X509_CRL_free(crl);
      added++;
    }
  }
  BIO_free(bio);
  if (added == 0) return Bad("--client-crl-file", path, "no certificate revocation list found");
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return Status::Ok();
}

}  // namespace

Status ServerContext::Create(const ServerTlsOptions& options, std::shared_ptr<ServerContext>* out) {
  std::shared_ptr<ServerContext> c(new ServerContext(options));
  CAIRN_RETURN_IF_ERROR(c->Build(&c->ctx_));
  c->built_from_ = c->Stamps();
  *out = std::move(c);
  return Status::Ok();
}

ServerContext::~ServerContext() { SSL_CTX_free(ctx_); }

std::vector<ServerContext::Stamp> ServerContext::Stamps() const {
  std::vector<Stamp> stamps;
  for (const std::string* p :
       {&options_.cert_file, &options_.key_file, &options_.trusted_ca_file, &options_.crl_file}) {
    Stamp s;
    struct stat st{};
    if (!p->empty() && ::stat(p->c_str(), &st) == 0) {
      s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
      s.size = static_cast<long long>(st.st_size);
      s.inode = st.st_ino;
    }
    stamps.push_back(s);
  }
  return stamps;
}

Status ServerContext::Build(SSL_CTX** out) const {
  const ServerTlsOptions& o = options_;
  ERR_clear_error();
  CAIRN_RETURN_IF_ERROR(CheckReadable("--cert-file", o.cert_file));
  CAIRN_RETURN_IF_ERROR(CheckReadable("--key-file", o.key_file));
  if (!o.trusted_ca_file.empty()) CAIRN_RETURN_IF_ERROR(CheckReadable("--trusted-ca-file", o.trusted_ca_file));
  int min_version = 0, max_version = 0;
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(o.min_version, &min_version));
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(o.max_version, &max_version));
  std::string ciphers;
  CAIRN_RETURN_IF_ERROR(OpenSslCipherList(o.cipher_suites, &ciphers));

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::IOError("SSL_CTX_new failed: " + DrainErrors());
  auto fail = [ctx](Status st) {
    SSL_CTX_free(ctx);
    return st;
  };
  // Go's floor is TLS 1.2 whatever the flags say; etcd 3.5's --tls-min-version defaults to it.
  SSL_CTX_set_min_proto_version(ctx, min_version == 0 ? TLS1_2_VERSION : min_version);
  if (max_version != 0) SSL_CTX_set_max_proto_version(ctx, max_version);
  const std::string& tls12 = ciphers.empty() ? std::string(DefaultTls12CipherList()) : ciphers;
  if (SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1) {
    return fail(Status::InvalidArgument("--cipher-suites: none of the given TLS 1.2 suites is available (" +
                                        DrainErrors() + ")"));
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                               SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Idle connections give their 2 x 16 KB record buffers back; writes may be partial and retried
  // from a moved buffer (the relay's fixed buffers).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1) {
    return fail(Bad("--cert-file", o.cert_file, "no valid PEM certificate"));
  }
  EVP_PKEY* key = nullptr;
  if (BIO* bio = BIO_new_file(o.key_file.c_str(), "rb")) {
    key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  if (key == nullptr) return fail(Bad("--key-file", o.key_file, "no valid PEM private key"));
  const int used = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (used != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return fail(Status::InvalidArgument("--key-file " + o.key_file + " does not match --cert-file " + o.cert_file +
                                        ": tls: private key does not match public key"));
  }
  if (!o.trusted_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.trusted_ca_file.c_str(), nullptr) != 1) {
      return fail(Bad("--trusted-ca-file", o.trusted_ca_file, "no valid PEM certificate"));
    }
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.trusted_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
    ERR_clear_error();
  }
  if (VerifiesClients()) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  if (!o.crl_file.empty()) {
    if (Status st = LoadCrl(o.crl_file, SSL_CTX_get_cert_store(ctx)); !st.ok()) return fail(st);
  }
  if (!o.allowed_hostname.empty()) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    unsigned char ip[16];
    const char* h = o.allowed_hostname.c_str();
    bool is_ip = inet_pton(AF_INET, h, ip) == 1 || inet_pton(AF_INET6, h, ip) == 1;
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, h) : X509_VERIFY_PARAM_set1_host(param, h, 0);
    if (ok != 1) {
      return fail(Status::InvalidArgument("--client-cert-allowed-hostname " + o.allowed_hostname + ": invalid"));
    }
  }
  SSL_CTX_set_alpn_select_cb(ctx, SelectAlpn, nullptr);
  *out = ctx;
  return Status::Ok();
}

SSL* ServerContext::NewSsl(std::string* reload_error) {
  std::vector<Stamp> now = Stamps();
  bool reloaded = false;
  SSL* ssl = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now != built_from_ && now != failed_from_) {
      SSL_CTX* fresh = nullptr;
      Status st = Build(&fresh);
      if (st.ok()) {
        SSL_CTX_free(ctx_);  // connections already made keep their own reference
        ctx_ = fresh;
        built_from_ = now;
        failed_from_.clear();
        reloads_++;
        reloaded = true;
      } else {
        failed_from_ = now;
        if (reload_error != nullptr) *reload_error = st.message();
      }
    }
    ssl = SSL_new(ctx_);
  }
  if (reloaded && options_.on_reloaded) options_.on_reloaded();
  return ssl;
}

int ServerContext::reloads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reloads_;
}

std::string VerifiedCommonName(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509_NAME* name = X509_get_subject_name(peer);
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) {
    last = i;
  }
  if (last < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return cn;
}

std::string TakeOpenSslError(SSL* ssl, const std::string& fallback) {
  std::string out = DrainErrors();
  if (ssl != nullptr) {
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK) out += std::string(out.empty() ? "" : ": ") + X509_verify_cert_error_string(v);
  }
  return out.empty() ? fallback : out;
}

}  // namespace cairn::tls
