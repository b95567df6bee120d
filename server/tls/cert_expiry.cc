#include "server/tls/cert_expiry.h"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace cairn::tls {

Status CertificateNotAfter(const std::string& pem_file, int64_t* unix_seconds) {
  FILE* f = std::fopen(pem_file.c_str(), "r");
  if (f == nullptr) return Status::IOError(pem_file + ": " + std::strerror(errno));
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return Status::InvalidArgument(pem_file + ": no valid PEM certificate");
  struct tm t {};
  const bool ok = ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t) == 1;
  X509_free(cert);
  if (!ok) return Status::InvalidArgument(pem_file + ": unreadable notAfter");
  *unix_seconds = static_cast<int64_t>(timegm(&t));
  return Status::Ok();
}

}  // namespace cairn::tls
