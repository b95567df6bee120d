// What an existing certificate says, read back for check-expiration, renew and re-run checks.
#pragma once

#include <cstdint>
#include <ctime>
#include <vector>

#include "certs/x509/openssl_ptr.h"
#include "certs/x509/san.h"

namespace cairn::certs {

struct CertInfo {
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  bool is_ca = false;
  SubjectAltNames sans;
  std::vector<int> ext_key_usage;  // NIDs in the certificate's order
  uint32_t key_usage = 0;          // KeyUsageBit mask
};

CertInfo ReadCertInfo(X509* cert);

}  // namespace cairn::certs
