// ServerContext: the OpenSSL 3 server side of one set of etcd TLS flags (--cert-file,
// --key-file, --trusted-ca-file, --client-cert-auth, --client-crl-file,
// --client-cert-allowed-hostname, --cipher-suites, --tls-min-version, --tls-max-version).
//
// Contract:
//   - Create() reads every file once and fails with one line naming the flag and the file
//     ("--key-file /p/key.pem: open /p/key.pem: no such file or directory", "--key-file
//     /p/key.pem does not match --cert-file /p/cert.pem: tls: private key does not match public
//     key"), so the server can refuse to start before it creates anything on disk.
//   - Client certificates are required and verified when --trusted-ca-file or --client-cert-auth
//     is given (etcd's transport.TLSInfo.ServerConfig). A CRL checks the leaf certificate; an
//     allowed hostname must match a SAN of the leaf (DNS name or IP, never the CN, as Go).
//   - ALPN: both "h2" and "http/1.1" are served: "http/1.1" when the client offers it, "h2" when
//     it offers h2 alone (gRPC clients); see SelectAlpn in the .cc for why. An HTTP/2-only client
//     that is not gRPC (curl --http2-prior-knowledge) reaches gRPC, unlike on etcd.
//   - NewSsl() first stats the files (a few microseconds) and, when one changed (mtime, size or
//     inode), rebuilds the SSL_CTX: certificate rotation and CRL updates need no restart (etcd
//     re-reads them per handshake). A rebuild that fails (a half-written file) keeps the previous
//     context and reports the error once per change through *reload_error.
//
// Thread-safety: NewSsl() may be called from any thread.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"

namespace cairn::tls {

struct ServerTlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string trusted_ca_file;
  std::string crl_file;
  bool client_cert_auth = false;
  std::string allowed_hostname;            // --client-cert-allowed-hostname
  std::vector<std::string> cipher_suites;  // Go names (names.h)
  std::string min_version = "TLS1.2";      // --tls-min-version
  std::string max_version;                 // --tls-max-version ("" = highest)
  // Called (outside the context's lock, on the handshaking thread) after a rebuild that changed
  // files made, so observers of the served certificate (its expiry metric) follow rotation.
  std::function<void()> on_reloaded;
};

class ServerContext {
 public:
  static Status Create(const ServerTlsOptions& options, std::shared_ptr<ServerContext>* out);
  ~ServerContext();
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  // A server-side SSL for a new connection (nullptr only when OpenSSL is out of memory).
  SSL* NewSsl(std::string* reload_error);

  bool VerifiesClients() const { return options_.client_cert_auth || !options_.trusted_ca_file.empty(); }
  const ServerTlsOptions& options() const { return options_; }
  // How many times the context was rebuilt after a file changed (tests).
  int reloads() const;

 private:
  struct Stamp {
    long long mtime_ns = -1;
    long long size = -1;
    unsigned long long inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  explicit ServerContext(ServerTlsOptions options) : options_(std::move(options)) {}
  std::vector<Stamp> Stamps() const;
  Status Build(SSL_CTX** out) const;

  const ServerTlsOptions options_;
  mutable std::mutex mu_;
  SSL_CTX* ctx_ = nullptr;
  std::vector<Stamp> built_from_;   // the files' stamps when ctx_ was built
  std::vector<Stamp> failed_from_;  // stamps of the last failed rebuild (not retried until they change)
  int reloads_ = 0;
};

// The verified client certificate's Common Name (the last CN attribute, as Go's
// pkix.Name.CommonName), or "" without a client certificate.
std::string VerifiedCommonName(SSL* ssl);

// The error queue of the current thread as one line ("certificate verify failed: certificate has
// expired"), cleared. `fallback` when the queue is empty.
std::string TakeOpenSslError(SSL* ssl, const std::string& fallback);

}  // namespace cairn::tls
