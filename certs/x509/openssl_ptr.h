// Owning pointers for the OpenSSL objects certs/ handles, and OpenSSL's error queue as text.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <functional>
#include <memory>
#include <string>

namespace cairn::certs {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509ReqFree {
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
};
struct X509NameFree {
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
};

using KeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using CertPtr = std::unique_ptr<X509, X509Free>;
using CsrPtr = std::unique_ptr<X509_REQ, X509ReqFree>;
using NamePtr = std::unique_ptr<X509_NAME, X509NameFree>;

// What `write` puts into a memory BIO (PEM encoders, name printers), as a string.
std::string WriteToString(const std::function<void(BIO*)>& write);

// The reason of the most recent OpenSSL error (and clears the queue); "unknown OpenSSL error" if none.
std::string OpenSslError();

}  // namespace cairn::certs
