// Private keys: the algorithms kubeadm and cfssl offer, generation, and PEM in the "traditional"
// forms both write (PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE KEY").
//
// Contract: RSA keys are 2048..8192 bits (cfssl refuses smaller as "too weak" and larger as "too
// large"); ECDSA keys are on P-256, P-384 or P-521. A parsed key of any other kind is refused.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "certs/x509/openssl_ptr.h"

namespace cairn::certs {

struct KeyAlgorithm {
  enum class Kind { kRsa, kEcdsa };
  Kind kind = Kind::kRsa;
  int bits = 2048;  // RSA modulus bits, or the ECDSA curve's size (256, 384, 521)

  // kubeadm's names: "RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P256", "ECDSA-P384".
  std::string KubeadmName() const;
  // cfssl's log form: "rsa-2048", "ecdsa-256".
  std::string CfsslName() const;
  bool operator==(const KeyAlgorithm&) const = default;
};

// kubeadm's --key-algorithm (v1beta4 encryptionAlgorithm) values; anything else is InvalidArgument.
Status ParseKubeadmKeyAlgorithm(std::string_view name, KeyAlgorithm* out);
// cfssl's key request: algo "rsa" | "ecdsa" and size, with cfssl's messages for bad sizes.
Status CfsslKeyAlgorithm(std::string_view algo, int size, KeyAlgorithm* out);

Status GenerateKey(const KeyAlgorithm& algorithm, KeyPtr* out);
// The algorithm of an existing key (RSA or ECDSA on a supported curve).
Status KeyAlgorithmOf(EVP_PKEY* key, KeyAlgorithm* out);

// PKCS#1 / SEC 1 PEM, as Go's x509.MarshalPKCS1PrivateKey / MarshalECPrivateKey + pem.Encode.
std::string PrivateKeyPem(EVP_PKEY* key);
// Any PEM private key OpenSSL reads (PKCS#1, SEC 1, PKCS#8), RSA or ECDSA only. `what` names the
// source in errors.
Status ParsePrivateKeyPem(std::string_view pem, std::string_view what, KeyPtr* out);

// Who picks the digest a key signs with:
//   kGoX509 (kubeadm, Go's x509.CreateCertificate): SHA-256 for every RSA size and for P-256,
//           SHA-384 for P-384, SHA-512 for P-521;
//   kCfssl  (cfssl's helpers.SignerAlgo): as kGoX509 for ECDSA, but by RSA size: SHA-512 from
//           4096 bits, SHA-384 from 3072, SHA-256 below.
enum class DigestRule { kGoX509, kCfssl };
const EVP_MD* SignatureDigest(EVP_PKEY* key, DigestRule rule);

}  // namespace cairn::certs
