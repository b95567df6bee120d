// Distinguished names as Go's crypto/x509/pkix encodes them, so that a Cairn certificate's
// subject is byte-for-byte what kubeadm or cfssl would write for the same input.
//
// Go's order: C, ST, L, O, OU, CN (pkix.Name.ToRDNSequence); several values of one attribute
// form one multi-valued RDN; empty values are left out; a value is a PrintableString when every
// byte is in PrintableString's alphabet ('*' and '&' excluded, as Go marshals), else a UTF8String.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "certs/x509/openssl_ptr.h"

namespace cairn::certs {

struct NameFields {
  std::vector<std::string> country, province, locality, organization, organizational_unit;
  std::string common_name;
};

Status BuildName(const NameFields& fields, NamePtr* out);

// The name's attributes in OpenSSL's one-line form ("CN=etcd-ca, O=system:masters") for messages.
std::string NameText(const X509_NAME* name);
// The first value of `nid` in `name` ("" when absent), and all values of it.
std::string NameEntry(const X509_NAME* name, int nid);
std::vector<std::string> NameEntries(const X509_NAME* name, int nid);

}  // namespace cairn::certs
