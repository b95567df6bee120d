#include "certs/kubeadm/certlist.h"

#include <gtest/gtest.h>
#include <openssl/obj_mac.h>

#include "certs/x509/name.h"

namespace cairn::certs::kubeadm {
namespace {

NodeSettings Node() {
  NodeSettings n;
  n.node_name = "node1";
  ParseIp("10.0.0.5", &n.advertise_ip);
  EXPECT_TRUE(ParseExtraSans({"etcd.example.com", "10.0.0.5", "192.168.1.1", "*.etcd.local"},
                             "server-cert-sans", &n.server_extra)
                  .ok());
  return n;
}

std::vector<std::string> IpTexts(const SubjectAltNames& s) {
  std::vector<std::string> out;
  for (const std::string& ip : s.ips) out.push_back(IpText(ip));
  return out;
}

TEST(CertList, KubeadmTable) {
  const auto& list = EtcdCertList();
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].base_name, "etcd/ca");
  EXPECT_TRUE(list[0].is_ca());
  EXPECT_EQ(list[3].common_name, "kube-etcd-healthcheck-client");
  EXPECT_EQ(list[3].organization, "system:masters");
  EXPECT_EQ(list[4].base_name, "apiserver-etcd-client");
  EXPECT_EQ(list[4].ext_key_usage, std::vector<int>{NID_client_auth});
}

TEST(CertList, ServerSansSortedAndDeduplicatedAsKubeadm) {
  const SubjectAltNames s = SansFor(EtcdCertList()[1], Node());
  EXPECT_EQ(s.dns_names,
            (std::vector<std::string>{"*.etcd.local", "etcd.example.com", "localhost", "node1"}));
  EXPECT_EQ(IpTexts(s), (std::vector<std::string>{"10.0.0.5", "127.0.0.1", "::1", "192.168.1.1"}));
  const SubjectAltNames p = SansFor(EtcdCertList()[2], Node());  // peer: no server extras
  EXPECT_EQ(p.dns_names, (std::vector<std::string>{"localhost", "node1"}));
  EXPECT_TRUE(SansFor(EtcdCertList()[4], Node()).empty());
}

TEST(CertList, Specs) {
  CertSpec ca;
  ASSERT_TRUE(CaSpec(Node(), 1000000, &ca).ok());
  EXPECT_TRUE(ca.is_ca);
  EXPECT_EQ(ca.not_before, 1000000 - 300);
  EXPECT_EQ(ca.not_after, 1000000 + 10 * 365LL * 86400);
  EXPECT_EQ(ca.key_usage, kDigitalSignature | kKeyEncipherment | kCertSign);
  EXPECT_EQ(ca.sans.dns_names, std::vector<std::string>{"etcd-ca"});
  CertSpec leaf;
  ASSERT_TRUE(LeafSpec(EtcdCertList()[1], Node(), 2000000, 999700, &leaf).ok());
  EXPECT_EQ(NameText(leaf.subject.get()), "CN = node1");
  EXPECT_EQ(leaf.not_before, 999700);  // the CA's NotBefore, as kubeadm
  EXPECT_EQ(leaf.not_after, 2000000 + 365LL * 86400);
  EXPECT_FALSE(leaf.subject_key_id);
  CertSpec client;
  ASSERT_TRUE(LeafSpec(EtcdCertList()[4], Node(), 2000000, 999700, &client).ok());
  EXPECT_EQ(NameText(client.subject.get()), "O = system:masters, CN = kube-apiserver-etcd-client");
}

TEST(CertList, BadExtraSans) {
  SubjectAltNames s;
  EXPECT_EQ(ParseExtraSans({"ok.example", "Not_A_Name"}, "peer-cert-sans", &s).message(),
            "--peer-cert-sans: \"Not_A_Name\" is neither an IP address nor an RFC 1123 DNS name");
}

}  // namespace
}  // namespace cairn::certs::kubeadm
