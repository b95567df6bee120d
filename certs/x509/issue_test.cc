#include "certs/x509/issue.h"

#include <gtest/gtest.h>
#include <openssl/obj_mac.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "certs/x509/cert_info.h"
#include "certs/x509/key.h"
#include "certs/x509/name.h"

namespace cairn::certs {
namespace {

constexpr std::time_t kNow = 1800000000;

struct Issued {
  KeyPtr key;
  CertPtr cert;
};

Issued MakeCa(KeyAlgorithm alg) {
  Issued ca;
  EXPECT_TRUE(GenerateKey(alg, &ca.key).ok());
  CertSpec spec;
  NameFields n;
  n.common_name = "etcd-ca";
  EXPECT_TRUE(BuildName(n, &spec.subject).ok());
  spec.sans.dns_names = {"etcd-ca"};
  spec.key_usage = kDigitalSignature | kKeyEncipherment | kCertSign;
  spec.is_ca = true;
  spec.not_before = kNow - 300;
  spec.not_after = kNow + 3650LL * 86400;
  spec.serial = RandomSerial(63);
  EXPECT_TRUE(IssueCertificate(spec, ca.key.get(), nullptr, nullptr, &ca.cert).ok());
  return ca;
}

Issued MakeLeaf(Issued& ca, KeyAlgorithm alg, bool ski) {
  Issued leaf;
  EXPECT_TRUE(GenerateKey(alg, &leaf.key).ok());
  CertSpec spec;
  NameFields n;
  n.common_name = "node1";
  n.organization = {"system:masters"};
  EXPECT_TRUE(BuildName(n, &spec.subject).ok());
  std::string ip;
  ParseIp("10.0.0.1", &ip);
  spec.sans.dns_names = {"localhost", "node1", ""};
  spec.sans.ips = {ip};
  spec.key_usage = kDigitalSignature | kKeyEncipherment;
  spec.ext_key_usage = {NID_server_auth, NID_client_auth};
  spec.subject_key_id = ski;
  spec.not_before = kNow - 300;
  spec.not_after = kNow + 365LL * 86400;
  spec.serial = RandomSerial(159);
  EXPECT_TRUE(IssueCertificate(spec, leaf.key.get(), ca.cert.get(), ca.key.get(), &leaf.cert).ok());
  return leaf;
}

std::vector<int> ExtensionOrder(X509* x) {
  std::vector<int> nids;
  for (int i = 0; i < X509_get_ext_count(x); ++i)
    nids.push_back(OBJ_obj2nid(X509_EXTENSION_get_object(X509_get_ext(x, i))));
  return nids;
}

TEST(Issue, CaAndLeafCarryTheSpec) {
  Issued ca = MakeCa({KeyAlgorithm::Kind::kRsa, 2048});
  Issued leaf = MakeLeaf(ca, {KeyAlgorithm::Kind::kEcdsa, 256}, /*ski=*/false);
  const CertInfo ci = ReadCertInfo(ca.cert.get());
  EXPECT_TRUE(ci.is_ca);
  EXPECT_EQ(ci.key_usage, kDigitalSignature | kKeyEncipherment | kCertSign);
  EXPECT_EQ(ci.sans.dns_names, std::vector<std::string>{"etcd-ca"});
  EXPECT_EQ(ci.not_before, kNow - 300);
  // Self-signed: SKI, no AKI (Go's rule).
  EXPECT_NE(X509_get0_subject_key_id(ca.cert.get()), nullptr);
  EXPECT_EQ(X509_get0_authority_key_id(ca.cert.get()), nullptr);

  const CertInfo li = ReadCertInfo(leaf.cert.get());
  EXPECT_FALSE(li.is_ca);
  EXPECT_EQ(li.ext_key_usage, (std::vector<int>{NID_server_auth, NID_client_auth}));
  EXPECT_EQ(li.sans.dns_names, (std::vector<std::string>{"localhost", "node1", ""}));
  ASSERT_EQ(li.sans.ips.size(), 1u);
  EXPECT_EQ(IpText(li.sans.ips[0]), "10.0.0.1");
  EXPECT_EQ(X509_get0_subject_key_id(leaf.cert.get()), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(leaf.cert.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf.cert.get()),
                                  X509_get0_subject_key_id(ca.cert.get())),
            0);
  EXPECT_EQ(ExtensionOrder(leaf.cert.get()),
            (std::vector<int>{NID_key_usage, NID_ext_key_usage, NID_basic_constraints,
                              NID_authority_key_identifier, NID_subject_alt_name}));
  EXPECT_TRUE(SignedBy(leaf.cert.get(), ca.cert.get()));
  EXPECT_TRUE(KeyMatchesCertificate(leaf.cert.get(), leaf.key.get()));
  EXPECT_FALSE(KeyMatchesCertificate(leaf.cert.get(), ca.key.get()));
  // The issuer name is the CA's subject, byte for byte (Go compares raw bytes).
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(leaf.cert.get()), X509_get_subject_name(ca.cert.get())), 0);
}

TEST(Issue, ChainVerifiesAndOtherCaDoesNot) {
  Issued ca = MakeCa({KeyAlgorithm::Kind::kEcdsa, 384});
  Issued other = MakeCa({KeyAlgorithm::Kind::kEcdsa, 256});
  Issued leaf = MakeLeaf(ca, {KeyAlgorithm::Kind::kRsa, 2048}, /*ski=*/true);
  EXPECT_EQ(X509_get_signature_nid(leaf.cert.get()), NID_ecdsa_with_SHA384);
  EXPECT_FALSE(SignedBy(leaf.cert.get(), other.cert.get()));
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.cert.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.cert.get(), nullptr);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), kNow);
  EXPECT_EQ(X509_verify_cert(ctx), 1) << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
}

TEST(Name, GoEncodingAndOrder) {
  NameFields n;
  n.common_name = "etcd";
  n.country = {"CN"};
  n.province = {"BeiJing"};
  n.locality = {"北京"};
  n.organization = {"etcd", "k8s"};
  n.organizational_unit = {""};
  NamePtr name;
  ASSERT_TRUE(BuildName(n, &name).ok());
  ASSERT_EQ(X509_NAME_entry_count(name.get()), 6);  // empty OU left out
  const int expected_nids[] = {NID_countryName,      NID_stateOrProvinceName, NID_localityName,
                               NID_organizationName, NID_organizationName,    NID_commonName};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name.get(), i))), expected_nids[i]);
  EXPECT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name.get(), 0))),
            V_ASN1_PRINTABLESTRING);
  EXPECT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name.get(), 2))),
            V_ASN1_UTF8STRING);
  // Both O values share one multi-valued RDN, as Go writes a []string attribute.
  EXPECT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(name.get(), 3)),
            X509_NAME_ENTRY_set(X509_NAME_get_entry(name.get(), 4)));
  EXPECT_EQ(NameEntries(name.get(), NID_organizationName), (std::vector<std::string>{"etcd", "k8s"}));
  NameFields wild;
  wild.common_name = "*.example.com";
  NamePtr wild_name;
  ASSERT_TRUE(BuildName(wild, &wild_name).ok());
  EXPECT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(wild_name.get(), 0))),
            V_ASN1_UTF8STRING);
}

TEST(Key, TraditionalPemRoundTrip) {
  for (KeyAlgorithm alg :
       {KeyAlgorithm{KeyAlgorithm::Kind::kRsa, 2048}, KeyAlgorithm{KeyAlgorithm::Kind::kEcdsa, 384}}) {
    KeyPtr key;
    ASSERT_TRUE(GenerateKey(alg, &key).ok());
    const std::string pem = PrivateKeyPem(key.get());
    EXPECT_EQ(pem.rfind(alg.kind == KeyAlgorithm::Kind::kRsa ? "-----BEGIN RSA PRIVATE KEY-----"
                                                             : "-----BEGIN EC PRIVATE KEY-----",
                        0),
              0u)
        << pem;
    KeyPtr back;
    ASSERT_TRUE(ParsePrivateKeyPem(pem, "k.pem", &back).ok());
    KeyAlgorithm got;
    ASSERT_TRUE(KeyAlgorithmOf(back.get(), &got).ok());
    EXPECT_EQ(got, alg);
  }
  KeyPtr none;
  EXPECT_EQ(ParsePrivateKeyPem("garbage", "k.pem", &none).message(), "k.pem: no PEM private key");
}

TEST(Key, DigestRules) {
  KeyPtr rsa4096, rsa3072, p384;
  ASSERT_TRUE(GenerateKey({KeyAlgorithm::Kind::kRsa, 4096}, &rsa4096).ok());
  ASSERT_TRUE(GenerateKey({KeyAlgorithm::Kind::kRsa, 3072}, &rsa3072).ok());
  ASSERT_TRUE(GenerateKey({KeyAlgorithm::Kind::kEcdsa, 384}, &p384).ok());
  EXPECT_EQ(SignatureDigest(rsa4096.get(), DigestRule::kGoX509), EVP_sha256());
  EXPECT_EQ(SignatureDigest(rsa4096.get(), DigestRule::kCfssl), EVP_sha512());
  EXPECT_EQ(SignatureDigest(rsa3072.get(), DigestRule::kCfssl), EVP_sha384());
  EXPECT_EQ(SignatureDigest(p384.get(), DigestRule::kGoX509), EVP_sha384());
  EXPECT_EQ(SignatureDigest(p384.get(), DigestRule::kCfssl), EVP_sha384());
}

TEST(Key, AlgorithmNames) {
  KeyAlgorithm a;
  ASSERT_TRUE(ParseKubeadmKeyAlgorithm("ECDSA-P384", &a).ok());
  EXPECT_EQ(a, (KeyAlgorithm{KeyAlgorithm::Kind::kEcdsa, 384}));
  EXPECT_FALSE(ParseKubeadmKeyAlgorithm("RSA-1024", &a).ok());
  EXPECT_FALSE(ParseKubeadmKeyAlgorithm("ed25519", &a).ok());
  EXPECT_EQ(CfsslKeyAlgorithm("rsa", 1024, &a).message(), "RSA key is too weak");
  EXPECT_EQ(CfsslKeyAlgorithm("rsa", 16384, &a).message(), "RSA key size too large");
  EXPECT_EQ(CfsslKeyAlgorithm("ecdsa", 255, &a).message(), "invalid curve");
  ASSERT_TRUE(CfsslKeyAlgorithm("rsa", 4096, &a).ok());
  EXPECT_EQ(a.CfsslName(), "rsa-4096");
}

TEST(Serial, PositiveAndBounded) {
  for (int i = 0; i < 50; ++i) {
    const std::string s = RandomSerial(63);
    ASSERT_EQ(s.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(s[0]) & 0x80, 0);
    const std::string t = RandomSerial(159);
    ASSERT_EQ(t.size(), 20u);
    EXPECT_EQ(static_cast<unsigned char>(t[0]) & 0x80, 0);
  }
}

}  // namespace
}  // namespace cairn::certs
