#include "server/tls/names.h"

#include <openssl/ssl.h>

namespace cairn::tls {
namespace {

struct Suite {
  const char* go;
  const char* openssl;  // nullptr: a TLS 1.3 suite (fixed, nothing to configure)
};

// crypto/tls cipher_suites.go names; OpenSSL's names from ciphers(1).
constexpr Suite kSuites[] = {
    {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_AES_128_GCM_SHA256", nullptr},
    {"TLS_AES_256_GCM_SHA384", nullptr},
    {"TLS_CHACHA20_POLY1305_SHA256", nullptr},
};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

Status OpenSslCipherList(const std::vector<std::string>& go_names, std::string* openssl_list) {
  openssl_list->clear();
  for (const std::string& name : go_names) {
    const Suite* found = nullptr;
    for (const Suite& s : kSuites) {
      if (name == s.go) found = &s;
    }
    if (found == nullptr) return Status::InvalidArgument("unexpected TLS cipher suite " + Quote(name));
    if (found->openssl == nullptr) continue;
    if (!openssl_list->empty()) *openssl_list += ':';
    *openssl_list += found->openssl;
  }
  return Status::Ok();
}

const char* DefaultTls12CipherList() {
  return "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
         "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
         "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:"
         "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA";
}

Status ParseTlsVersion(std::string_view text, int* version) {
  if (text.empty()) {
    *version = 0;
  } else if (text == "TLS1.2") {
    *version = TLS1_2_VERSION;
  } else if (text == "TLS1.3") {
    *version = TLS1_3_VERSION;
  } else {
    return Status::InvalidArgument("unexpected TLS version " + Quote(text) +
                                   " (must be one of: TLS1.2, TLS1.3)");
  }
  return Status::Ok();
}

Status ValidateTlsFlags(std::string_view min_version, std::string_view max_version,
                        const std::vector<std::string>& cipher_suites) {
  int min = 0, max = 0;
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(min_version, &min));
  CAIRN_RETURN_IF_ERROR(ParseTlsVersion(max_version, &max));
  if (max != 0 && min > max) {
    return Status::InvalidArgument("min version (" + std::string(min_version) +
                                   ") is greater than max version (" + std::string(max_version) + ")");
  }
  if (min == TLS1_3_VERSION && !cipher_suites.empty()) {
    return Status::InvalidArgument("cipher suites cannot be configured when only TLS1.3 is enabled");
  }
  std::string unused;
  return OpenSslCipherList(cipher_suites, &unused);
}

}  // namespace cairn::tls
