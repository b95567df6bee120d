#include "certs/x509/name.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>

namespace cairn::certs {
namespace {

// encoding/asn1's PrintableString alphabet as its marshaller applies it (rejectAsterisk,
// rejectAmpersand): "*.example.com" and "R&D" are UTF8Strings, as real cfssl writes them.
bool IsPrintable(const std::string& s) {
  for (unsigned char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                    c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' || c == '-' || c == '.' ||
                    c == '/' || c == ':' || c == '=' || c == '?';
    if (!ok) return false;
  }
  return true;
}

Status AddRdn(X509_NAME* name, int nid, const std::vector<std::string>& values) {
  bool first = true;
  for (const std::string& v : values) {
    if (v.empty()) continue;
    const int type = IsPrintable(v) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
    // set = -1 joins the previous RDN: Go writes all values of one attribute as one SET.
    if (X509_NAME_add_entry_by_NID(name, nid, type, reinterpret_cast<const unsigned char*>(v.data()),
                                   static_cast<int>(v.size()), -1, first ? 0 : -1) != 1) {
      return Status::InvalidArgument(std::string("bad name value for ") + OBJ_nid2sn(nid) + ": " +
                                     OpenSslError());
    }
    first = false;
  }
  return Status::Ok();
}

}  // namespace

Status BuildName(const NameFields& f, NamePtr* out) {
  NamePtr name(X509_NAME_new());
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_countryName, f.country));
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_stateOrProvinceName, f.province));
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_localityName, f.locality));
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_organizationName, f.organization));
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_organizationalUnitName, f.organizational_unit));
  CAIRN_RETURN_IF_ERROR(AddRdn(name.get(), NID_commonName, {f.common_name}));
  *out = std::move(name);
  return Status::Ok();
}

std::string NameText(const X509_NAME* name) {
  return WriteToString(
      [&](BIO* bio) { X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB); });
}

std::vector<std::string> NameEntries(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    values.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                        static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return values;
}

std::string NameEntry(const X509_NAME* name, int nid) {
  std::vector<std::string> values = NameEntries(name, nid);
  return values.empty() ? std::string() : values[0];
}

}  // namespace cairn::certs
