#include "certs/x509/issue.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "certs/x509/key.h"

namespace cairn::certs {
namespace {

Status Fail(std::string_view what) { return Status::IOError(std::string(what) + ": " + OpenSslError()); }

GENERAL_NAMES* MakeGeneralNames(const SubjectAltNames& sans) {
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  for (const std::string& dns : sans.dns_names) {
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    ASN1_STRING_set(s, dns.data(), static_cast<int>(dns.size()));
    GENERAL_NAME* gn = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(gn, GEN_DNS, s);
    sk_GENERAL_NAME_push(names, gn);
  }
  for (const std::string& ip : sans.ips) {
    ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(s, reinterpret_cast<const unsigned char*>(ip.data()), static_cast<int>(ip.size()));
    GENERAL_NAME* gn = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(gn, GEN_IPADD, s);
    sk_GENERAL_NAME_push(names, gn);
  }
  return names;
}

Status AddKeyUsage(X509* x, uint32_t mask) {
  if (mask == 0) return Status::Ok();
  ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
  for (int i = 0; i < 9; ++i) {
    if (mask & (1u << i)) ASN1_BIT_STRING_set_bit(bits, i, 1);
  }
  const int rc = X509_add1_ext_i2d(x, NID_key_usage, bits, 1, X509V3_ADD_DEFAULT);
  ASN1_BIT_STRING_free(bits);
  return rc == 1 ? Status::Ok() : Fail("keyUsage");
}

Status AddExtKeyUsage(X509* x, const std::vector<int>& nids) {
  if (nids.empty()) return Status::Ok();
  EXTENDED_KEY_USAGE* eku = sk_ASN1_OBJECT_new_null();
  for (int nid : nids) sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(nid));
  const int rc = X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0, X509V3_ADD_DEFAULT);
  sk_ASN1_OBJECT_free(eku);  // the objects are OpenSSL's static table entries
  return rc == 1 ? Status::Ok() : Fail("extKeyUsage");
}

Status AddBasicConstraints(X509* x, bool is_ca, int max_path_len) {
  BASIC_CONSTRAINTS* bc = BASIC_CONSTRAINTS_new();
  bc->ca = is_ca ? 0xFF : 0;
  if (is_ca && max_path_len >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    ASN1_INTEGER_set(bc->pathlen, max_path_len);
  }
  const int rc = X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_DEFAULT);
  BASIC_CONSTRAINTS_free(bc);
  return rc == 1 ? Status::Ok() : Fail("basicConstraints");
}

Status AddSubjectKeyId(X509* x) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(x, EVP_sha1(), md, &len) != 1) return Fail("subjectKeyIdentifier");
  ASN1_OCTET_STRING* ski = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(ski, md, static_cast<int>(len));
  const int rc = X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, X509V3_ADD_DEFAULT);
  ASN1_OCTET_STRING_free(ski);
  return rc == 1 ? Status::Ok() : Fail("subjectKeyIdentifier");
}

Status AddAuthorityKeyId(X509* x, X509* issuer) {
  const ASN1_OCTET_STRING* issuer_ski = X509_get0_subject_key_id(issuer);
  if (issuer_ski == nullptr) return Status::Ok();
  AUTHORITY_KEYID* aki = AUTHORITY_KEYID_new();
  aki->keyid = ASN1_OCTET_STRING_dup(issuer_ski);
  const int rc = X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0, X509V3_ADD_DEFAULT);
  AUTHORITY_KEYID_free(aki);
  return rc == 1 ? Status::Ok() : Fail("authorityKeyIdentifier");
}

Status AddSans(X509* x, const SubjectAltNames& sans) {
  if (sans.empty()) return Status::Ok();
  GENERAL_NAMES* names = MakeGeneralNames(sans);
  const int rc = X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(names);
  return rc == 1 ? Status::Ok() : Fail("subjectAltName");
}

}  // namespace

std::string RandomSerial(int bits) {
  const int bytes = (bits + 7) / 8;
  std::string serial(static_cast<size_t>(bytes), '\0');
  do {
    RAND_bytes(reinterpret_cast<unsigned char*>(serial.data()), bytes);
    const int extra = bytes * 8 - bits;
    serial[0] = static_cast<char>(static_cast<unsigned char>(serial[0]) & (0xFF >> extra));
  } while (serial.find_first_not_of('\0') == std::string::npos);
  return serial;
}

Status IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                        CertPtr* out) {
  CertPtr x(X509_new());
  X509_set_version(x.get(), X509_VERSION_3);
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(spec.serial.data()),
                         static_cast<int>(spec.serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
  BN_free(bn);
  if (X509_set_subject_name(x.get(), spec.subject.get()) != 1) return Fail("subject");
  X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : spec.subject.get());
  ASN1_TIME_set(X509_getm_notBefore(x.get()), spec.not_before);
  ASN1_TIME_set(X509_getm_notAfter(x.get()), spec.not_after);
  if (X509_set_pubkey(x.get(), subject_key) != 1) return Fail("public key");

  CAIRN_RETURN_IF_ERROR(AddKeyUsage(x.get(), spec.key_usage));
  CAIRN_RETURN_IF_ERROR(AddExtKeyUsage(x.get(), spec.ext_key_usage));
  CAIRN_RETURN_IF_ERROR(AddBasicConstraints(x.get(), spec.is_ca, spec.max_path_len));
  if (spec.subject_key_id) CAIRN_RETURN_IF_ERROR(AddSubjectKeyId(x.get()));
  if (issuer != nullptr) CAIRN_RETURN_IF_ERROR(AddAuthorityKeyId(x.get(), issuer));
  CAIRN_RETURN_IF_ERROR(AddSans(x.get(), spec.sans));

  EVP_PKEY* signer = issuer != nullptr ? issuer_key : subject_key;
  if (X509_sign(x.get(), signer, SignatureDigest(signer, spec.digest_rule)) <= 0)
    return Fail("signing the certificate");
  *out = std::move(x);
  return Status::Ok();
}

Status BuildCsr(const X509_NAME* subject, const SubjectAltNames& sans, EVP_PKEY* key, DigestRule rule,
                CsrPtr* out) {
  CsrPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), X509_REQ_VERSION_1);
  X509_REQ_set_subject_name(req.get(), subject);
  X509_REQ_set_pubkey(req.get(), key);
  if (!sans.empty()) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    GENERAL_NAMES* names = MakeGeneralNames(sans);
    X509V3_add1_i2d(&exts, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
    X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  if (X509_REQ_sign(req.get(), key, SignatureDigest(key, rule)) <= 0) return Fail("signing the CSR");
  *out = std::move(req);
  return Status::Ok();
}

std::string CertificatePem(X509* cert) {
  return WriteToString([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
}

std::string CsrPem(X509_REQ* csr) {
  return WriteToString([&](BIO* bio) { PEM_write_bio_X509_REQ(bio, csr); });
}

Status ParseCertificatePem(std::string_view pem, std::string_view what, CertPtr* out) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (x == nullptr) {
    ERR_clear_error();
    return Status::InvalidArgument(std::string(what) + ": no PEM certificate");
  }
  out->reset(x);
  return Status::Ok();
}

bool KeyMatchesCertificate(X509* cert, EVP_PKEY* key) {
  const bool ok = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();
  return ok;
}

bool SignedBy(X509* cert, X509* ca) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(ca)) != 0) return false;
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  const bool ok = ca_key != nullptr && X509_verify(cert, ca_key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace cairn::certs
