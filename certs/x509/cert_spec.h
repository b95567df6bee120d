// CertSpec: everything a certificate says besides its public key and issuer, as plain data. The
// kubeadm table and cfssl's signing policy both produce a CertSpec; issue.h turns it into a
// signed certificate.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "certs/x509/key.h"
#include "certs/x509/openssl_ptr.h"
#include "certs/x509/san.h"

namespace cairn::certs {

// RFC 5280 keyUsage bits, numbered as in the BIT STRING.
enum KeyUsageBit : uint32_t {
  kDigitalSignature = 1u << 0,
  kContentCommitment = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kDataEncipherment = 1u << 3,
  kKeyAgreement = 1u << 4,
  kCertSign = 1u << 5,
  kCrlSign = 1u << 6,
  kEncipherOnly = 1u << 7,
  kDecipherOnly = 1u << 8,
};

struct CertSpec {
  NamePtr subject;                 // required
  SubjectAltNames sans;            // no extension when empty
  uint32_t key_usage = 0;          // KeyUsageBit mask; critical, as Go writes it; none when 0
  std::vector<int> ext_key_usage;  // OpenSSL NIDs (NID_server_auth, ...), in order; none when empty
  bool is_ca = false;              // basicConstraints (always present, critical)
  int max_path_len = -1;           // pathLenConstraint when >= 0 (CA only)
  bool subject_key_id = true;      // SHA-1 of the public key (RFC 5280 method 1)
  // authorityKeyIdentifier = the issuer's subjectKeyIdentifier, when the issuer is another
  // certificate that has one (Go's rule); never on a self-signed certificate.
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  std::string serial;                            // big-endian magnitude, non-empty, positive
  DigestRule digest_rule = DigestRule::kGoX509;  // how the signer's key picks its digest
};

// A random positive serial of at most `bits` bits (cfssl: < 2^159; kubeadm: [1, 2^63-1)).
std::string RandomSerial(int bits);

}  // namespace cairn::certs
