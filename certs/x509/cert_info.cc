#include "certs/x509/cert_info.h"

#include <openssl/x509v3.h>

#include "certs/x509/cert_spec.h"

namespace cairn::certs {
namespace {

std::time_t ToTime(const ASN1_TIME* t) {
  struct tm tm = {};
  ASN1_TIME_to_tm(t, &tm);
  return timegm(&tm);
}

}  // namespace

CertInfo ReadCertInfo(X509* cert) {
  CertInfo info;
  info.not_before = ToTime(X509_get0_notBefore(cert));
  info.not_after = ToTime(X509_get0_notAfter(cert));
  BASIC_CONSTRAINTS* bc =
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr));
  info.is_ca = bc != nullptr && bc->ca != 0;
  BASIC_CONSTRAINTS_free(bc);
  GENERAL_NAMES* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      info.sans.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                                       static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)));
    } else if (gn->type == GEN_IPADD) {
      info.sans.ips.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.iPAddress)),
                                 static_cast<size_t>(ASN1_STRING_length(gn->d.iPAddress)));
    }
  }
  GENERAL_NAMES_free(names);
  EXTENDED_KEY_USAGE* eku =
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku); ++i) {
    info.ext_key_usage.push_back(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)));
  }
  sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
  ASN1_BIT_STRING* ku =
      static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(cert, NID_key_usage, nullptr, nullptr));
  for (int i = 0; ku != nullptr && i < 9; ++i) {
    if (ASN1_BIT_STRING_get_bit(ku, i)) info.key_usage |= 1u << i;
  }
  ASN1_BIT_STRING_free(ku);
  return info;
}

}  // namespace cairn::certs
