// cfssl's local signer over a CsrRequest and a SigningProfile: `gencert -initca` (a self-signed
// CA) and `gencert -ca -ca-key` (a new key and CSR, signed by the CA), with cfssl's choices:
//   - serial: random, below 2^159;
//   - NotBefore: now rounded to the minute, minus 5 minutes; NotAfter: NotBefore + expiry;
//   - -initca: keyUsage certSign+cRLSign, CA:TRUE, expiry from "ca.expiry" or 43800h (5 years);
//   - signed certificates: the profile's usages, CA:FALSE unless ca_constraint.is_ca (then, as
//     cfssl's local signer does, without DNS SANs: only IP SANs stay);
//   - signatures: cfssl's SignerAlgo (SHA-512 for RSA >= 4096 bits, SHA-384 >= 3072; key.h);
//   - both: subjectKeyIdentifier; authorityKeyIdentifier on signed certificates; the hosts as
//     SANs (IPs as IP SANs, everything else, "" included, as DNS names).
#pragma once

#include <ctime>
#include <string>

#include "base/status.h"
#include "certs/cfssl/csr_request.h"
#include "certs/cfssl/signing_config.h"
#include "certs/x509/openssl_ptr.h"

namespace cairn::certs::cfssl {

struct GencertOutput {
  std::string cert_pem, csr_pem, key_pem;
};

Status InitCa(const CsrRequest& req, std::time_t now, GencertOutput* out);
Status SignWithCa(const CsrRequest& req, X509* ca, EVP_PKEY* ca_key, const SigningProfile& profile,
                  std::time_t now, GencertOutput* out);

// A key and a CSR only (gencert without -ca): `out->cert_pem` stays empty.
Status KeyAndCsr(const CsrRequest& req, GencertOutput* out);

// cfssl's NotBefore for a certificate signed at `now`.
std::time_t CfsslNotBefore(std::time_t now);

// {"cert":"...","csr":"...","key":"..."} and a newline, as cfssl gencert prints it ("cert"
// left out when empty).
std::string GencertJson(const GencertOutput& out);

}  // namespace cairn::certs::cfssl
