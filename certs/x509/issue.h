// Certificates and CSRs from a CertSpec, signed with OpenSSL, in the extension order Go's
// x509.CreateCertificate writes (keyUsage, extKeyUsage, basicConstraints, subjectKeyIdentifier,
// authorityKeyIdentifier, subjectAltName), with the digest the spec's DigestRule picks for the
// signer's key.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "certs/x509/cert_spec.h"
#include "certs/x509/openssl_ptr.h"

namespace cairn::certs {

// Signs `spec` for `subject_key`'s public half. `issuer` null means self-signed (issuer name =
// subject, signed by `subject_key`); otherwise `issuer_key` must be the issuer's private key.
Status IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                        CertPtr* out);

// A PKCS#10 request for `subject` with the SANs as a requested extension (none when empty),
// signed by `key` with the digest `rule` picks.
Status BuildCsr(const X509_NAME* subject, const SubjectAltNames& sans, EVP_PKEY* key, DigestRule rule,
                CsrPtr* out);

std::string CertificatePem(X509* cert);
std::string CsrPem(X509_REQ* csr);
// The first certificate of a PEM file's text; `what` names the source in errors.
Status ParseCertificatePem(std::string_view pem, std::string_view what, CertPtr* out);

// True when `key` is the private half of `cert`'s public key.
bool KeyMatchesCertificate(X509* cert, EVP_PKEY* key);
// True when `cert`'s issuer is `ca`'s subject and `ca`'s key verifies its signature.
bool SignedBy(X509* cert, X509* ca);

}  // namespace cairn::certs
