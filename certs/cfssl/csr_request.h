// cfssl's certificate request JSON (csr.CertificateRequest):
//   {"CN": "...", "hosts": ["name", "1.2.3.4", ...], "key": {"algo": "rsa"|"ecdsa", "size": N},
//    "names": [{"C": .., "ST": .., "L": .., "O": .., "OU": ..}, ...],
//    "ca": {"expiry": "43800h", "pathlen": N, "pathlenzero": bool}}
// Keys match case-insensitively (Go's encoding/json); unknown keys are ignored; a missing "key"
// means ECDSA P-256 (cfssl's default). Kept apart from the signer (CRAFT.md §12).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "certs/x509/key.h"
#include "certs/x509/name.h"

namespace cairn::certs::cfssl {

struct CaRequest {
  std::string expiry;  // Go duration text; empty = cfssl's 5 years for -initca
  int path_len = 0;
  bool path_len_zero = false;
};

struct CsrRequest {
  NameFields name;                 // CN and names[], in the names' order
  std::vector<std::string> hosts;  // as written, "" included (cfssl keeps it as a DNS name)
  KeyAlgorithm key{KeyAlgorithm::Kind::kEcdsa, 256};
  bool has_ca = false;
  CaRequest ca;
};

// Errors name nothing but the problem; the caller prefixes the file.
Status ParseCsrRequest(std::string_view json_text, CsrRequest* out);

// cfssl's SplitHosts: the -hostname flag's comma-separated list.
std::vector<std::string> SplitHosts(std::string_view hostname_flag);

}  // namespace cairn::certs::cfssl
