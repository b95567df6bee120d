// Go's TLS names as etcd 3.5 accepts them on its command line, mapped to OpenSSL.
//
// --cipher-suites takes Go's cipher-suite names (crypto/tls CipherSuites() and
// InsecureCipherSuites(), plus the two CHACHA20 aliases etcd's tlsutil adds). They restrict TLS 1.2
// only: Go's TLS 1.3 suites are fixed, and so are OpenSSL's here (its defaults are the same three).
// --tls-min-version / --tls-max-version take "TLS1.2", "TLS1.3" or "" (etcd's tlsutil.GetTLSVersion).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::tls {

// The OpenSSL cipher list ("ECDHE-RSA-AES128-GCM-SHA256:...") for Go names. A TLS 1.3 name is
// accepted and contributes nothing (as in Go). Unknown name: etcd's error
// `unexpected TLS cipher suite "X"`. *openssl_list is "" when only TLS 1.3 names were given.
Status OpenSslCipherList(const std::vector<std::string>& go_names, std::string* openssl_list);

// Go's default TLS 1.2 suites (crypto/tls defaultCipherSuites) in OpenSSL's names: used when
// --cipher-suites is empty, so Cairn offers what etcd offers.
const char* DefaultTls12CipherList();

// "TLS1.2" -> TLS1_2_VERSION, "TLS1.3" -> TLS1_3_VERSION, "" -> 0 (no bound). Otherwise etcd's
// `unexpected TLS version "X" (must be one of: TLS1.2, TLS1.3)`.
Status ParseTlsVersion(std::string_view text, int* version);

// etcd 3.5's embed.Config.Validate() checks of the TLS flags: the versions parse, min <= max
// (`min version (TLS1.3) is greater than max version (TLS1.2)`), suites are known, and suites are
// not given when only TLS 1.3 is allowed (`cipher suites cannot be configured when only TLS1.3 is
// enabled`).
Status ValidateTlsFlags(std::string_view min_version, std::string_view max_version,
                        const std::vector<std::string>& cipher_suites);

}  // namespace cairn::tls
