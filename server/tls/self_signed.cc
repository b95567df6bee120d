#include "server/tls/self_signed.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <memory>

namespace cairn::tls {
namespace {

template <typename T, void (*F)(T*)>
using Owned = std::unique_ptr<T, std::integral_constant<decltype(F), F>>;

std::string HostOnly(const std::string& host_port) {
  if (!host_port.empty() && host_port[0] == '[') return host_port.substr(1, host_port.find(']') - 1);
  size_t colon = host_port.rfind(':');
  return colon == std::string::npos ? host_port : host_port.substr(0, colon);
}

Status WritePem(const std::string& path, mode_t mode, const std::function<int(FILE*)>& write) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  FILE* f = ::fdopen(fd, "w");
  bool ok = write(f) == 1;
  ok = (std::fclose(f) == 0) && ok;
  return ok ? Status::Ok() : Status::IOError("cannot write " + path);
}

}  // namespace

Status EnsureSelfSignedCert(const std::string& dir, const std::vector<std::string>& hosts, int validity_years,
                            bool client_auth, std::string* cert_path, std::string* key_path) {
  *cert_path = dir + "/cert.pem";
  *key_path = dir + "/key.pem";
  struct stat st{};
  if (::stat(cert_path->c_str(), &st) == 0 && ::stat(key_path->c_str(), &st) == 0) return Status::Ok();
  // mkdir -p, 0700.
  for (size_t i = 1; i <= dir.size(); i++) {
    if (i == dir.size() || dir[i] == '/') {
      std::string part = dir.substr(0, i);
      if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return Status::FromErrno("mkdir " + part, errno);
    }
  }
  Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
  Owned<X509, X509_free> cert(X509_new());
  if (!key || !cert) return Status::IOError("cannot generate a key for --auto-tls");
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof(serial_bytes));
  serial_bytes[0] &= 0x7f;
  Owned<BIGNUM, BN_free> serial(BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  X509_set_version(cert.get(), 2);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), long{365} * 24 * 3600 * validity_years);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("etcd"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  std::string sans;
  for (const std::string& h : hosts) {
    std::string host = HostOnly(h);
    if (host.empty()) continue;
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, host.c_str(), ip) == 1 || inet_pton(AF_INET6, host.c_str(), ip) == 1;
    if (!sans.empty()) sans += ',';
    sans += (is_ip ? "IP:" : "DNS:") + host;
  }
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::vector<std::pair<int, std::string>> exts = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                   {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                                                   {NID_ext_key_usage, client_auth ? "serverAuth,clientAuth" : "serverAuth"}};
  if (!sans.empty()) exts.push_back({NID_subject_alt_name, sans});
  for (const auto& [nid, value] : exts) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
    if (ext == nullptr) return Status::InvalidArgument("--auto-tls: bad certificate host list " + sans);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Status::IOError("--auto-tls: signing failed");
  CAIRN_RETURN_IF_ERROR(WritePem(*key_path, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }));
  return WritePem(*cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
}

}  // namespace cairn::tls
