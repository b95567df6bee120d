#include "certs/x509/key.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>

namespace cairn::certs {

namespace {

const char* CurveName(int bits) {
  switch (bits) {
    case 256: return "P-256";
    case 384: return "P-384";
    case 521: return "P-521";
  }
  return nullptr;
}

}  // namespace

std::string KeyAlgorithm::KubeadmName() const {
  return kind == Kind::kRsa ? "RSA-" + std::to_string(bits) : "ECDSA-P" + std::to_string(bits);
}

std::string KeyAlgorithm::CfsslName() const {
  return (kind == Kind::kRsa ? "rsa-" : "ecdsa-") + std::to_string(bits);
}

Status ParseKubeadmKeyAlgorithm(std::string_view name, KeyAlgorithm* out) {
  static const struct {
    const char* name;
    KeyAlgorithm algorithm;
  } kNames[] = {
      {"RSA-2048", {KeyAlgorithm::Kind::kRsa, 2048}},    {"RSA-3072", {KeyAlgorithm::Kind::kRsa, 3072}},
      {"RSA-4096", {KeyAlgorithm::Kind::kRsa, 4096}},    {"ECDSA-P256", {KeyAlgorithm::Kind::kEcdsa, 256}},
      {"ECDSA-P384", {KeyAlgorithm::Kind::kEcdsa, 384}},
  };
  for (const auto& n : kNames) {
    if (name == n.name) {
      *out = n.algorithm;
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown key algorithm \"" + std::string(name) +
                                 "\" (want RSA-2048, RSA-3072, RSA-4096, ECDSA-P256 or ECDSA-P384)");
}

Status CfsslKeyAlgorithm(std::string_view algo, int size, KeyAlgorithm* out) {
  if (algo == "rsa") {
    if (size < 2048) return Status::InvalidArgument("RSA key is too weak");
    if (size > 8192) return Status::InvalidArgument("RSA key size too large");
    *out = {KeyAlgorithm::Kind::kRsa, size};
    return Status::Ok();
  }
  if (algo == "ecdsa") {
    if (CurveName(size) == nullptr) return Status::InvalidArgument("invalid curve");
    *out = {KeyAlgorithm::Kind::kEcdsa, size};
    return Status::Ok();
  }
  return Status::InvalidArgument("invalid algorithm \"" + std::string(algo) + "\"");
}

Status GenerateKey(const KeyAlgorithm& algorithm, KeyPtr* out) {
  EVP_PKEY* key = nullptr;
  if (algorithm.kind == KeyAlgorithm::Kind::kRsa) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(algorithm.bits));
  } else {
    const char* curve = CurveName(algorithm.bits);
    if (curve == nullptr) return Status::InvalidArgument("invalid curve");
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  }
  if (key == nullptr)
    return Status::IOError("generating a " + algorithm.CfsslName() + " key: " + OpenSslError());
  out->reset(key);
  return Status::Ok();
}

Status KeyAlgorithmOf(EVP_PKEY* key, KeyAlgorithm* out) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: *out = {KeyAlgorithm::Kind::kRsa, EVP_PKEY_get_bits(key)}; return Status::Ok();
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) != 1) {
        return Status::InvalidArgument("EC key without a named curve");
      }
      for (int bits : {256, 384, 521}) {
        const int nid = EC_curve_nist2nid(CurveName(bits));
        if (nid != NID_undef && std::strcmp(OBJ_nid2sn(nid), group) == 0) {
          *out = {KeyAlgorithm::Kind::kEcdsa, bits};
          return Status::Ok();
        }
      }
      return Status::InvalidArgument(std::string("unsupported EC curve ") + group);
    }
  }
  return Status::InvalidArgument("neither an RSA nor an ECDSA key");
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  return WriteToString([&](BIO* bio) {
    PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

Status ParsePrivateKeyPem(std::string_view pem, std::string_view what, KeyPtr* out) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    ERR_clear_error();
    return Status::InvalidArgument(std::string(what) + ": no PEM private key");
  }
  out->reset(key);
  KeyAlgorithm algorithm;
  if (Status st = KeyAlgorithmOf(key, &algorithm); !st.ok()) {
    return Status::InvalidArgument(std::string(what) + ": " + st.message());
  }
  return Status::Ok();
}

const EVP_MD* SignatureDigest(EVP_PKEY* key, DigestRule rule) {
  KeyAlgorithm algorithm;
  if (!KeyAlgorithmOf(key, &algorithm).ok()) return EVP_sha256();
  if (algorithm.kind == KeyAlgorithm::Kind::kEcdsa) {
    if (algorithm.bits == 384) return EVP_sha384();
    if (algorithm.bits == 521) return EVP_sha512();
    return EVP_sha256();
  }
  if (rule == DigestRule::kCfssl) {
    if (algorithm.bits >= 4096) return EVP_sha512();
    if (algorithm.bits >= 3072) return EVP_sha384();
  }
  return EVP_sha256();
}

}  // namespace cairn::certs
