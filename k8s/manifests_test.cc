#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "k8s/apiserver_manifest.h"
#include "k8s/etcd_flags.h"
#include "k8s/kubeadm_config.h"
#include "k8s/member.h"

namespace cairn::k8s {
namespace {

TEST(MemberTest, ParsesAndRejects) {
  std::vector<Member> m;
  std::string error;
  ASSERT_TRUE(ParseMembers("members", "a=10.0.0.1,b=fd00::2", &m, &error)) << error;
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].ip, "fd00::2");
  EXPECT_EQ(HttpsUrl(m[1].ip, 2380), "https://[fd00::2]:2380");
  for (const char* bad : {"", "a", "a=", "=10.0.0.1", "a=10.0.0.256", "a=host.example", "a=10.0.0.1,",
                          "a=10.0.0.1,a=10.0.0.2", "a=10.0.0.1,b=10.0.0.1", "a b=10.0.0.1"}) {
    EXPECT_FALSE(ParseMembers("members", bad, &m, &error)) << bad;
    EXPECT_EQ(error.rfind("--members", 0), 0u) << error;
  }
}

TEST(EtcdFlagsTest, KubeadmOrderAndJoin) {
  EtcdMemberConfig c;
  c.name = "cp2";
  c.advertise_address = "10.0.0.12";
  c.cluster = {{"cp1", "10.0.0.11"}, {"cp2", "10.0.0.12"}};
  c.existing = true;
  c.quota_backend_bytes = 100;
  const std::vector<std::string> cmd = EtcdCommand(c);
  ASSERT_GT(cmd.size(), 3u);
  EXPECT_EQ(cmd[0], "etcd");
  auto name = [](const std::string& flag) { return flag.substr(0, flag.find('=')); };
  for (size_t i = 2; i < cmd.size(); ++i) EXPECT_LT(name(cmd[i - 1]), name(cmd[i]));
  auto has = [&](const std::string& f) { return std::find(cmd.begin(), cmd.end(), f) != cmd.end(); };
  EXPECT_TRUE(has("--initial-cluster=cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380"));
  EXPECT_TRUE(has("--initial-cluster-state=existing"));
  EXPECT_TRUE(has("--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.12:2379"));
  EXPECT_TRUE(has("--quota-backend-bytes=100"));
  EXPECT_EQ(EtcdEnvName("peer-client-cert-auth"), "ETCD_PEER_CLIENT_CERT_AUTH");
}

TEST(KubeadmConfigTest, SplitsTheEtcdImage) {
  std::string repo, tag, error;
  ASSERT_TRUE(SplitKubeadmEtcdImage("localhost:5000/cairn/etcd:0.1.0", &repo, &tag, &error));
  EXPECT_EQ(repo, "localhost:5000/cairn");
  EXPECT_EQ(tag, "0.1.0");
  for (const char* bad : {"etcd:1", "cairn/etcd", "cairn/cairn:1", "cairn/etcd:", "localhost:5000/etcd"}) {
    EXPECT_FALSE(SplitKubeadmEtcdImage(bad, &repo, &tag, &error)) << bad;
  }
}

std::string ReadTestdata(const std::string& name) {
  std::ifstream in("k8s/testdata/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ApiserverManifestTest, AddsTheOverrideOnceAfterEtcdServers) {
  const std::string before = ReadTestdata("kube-apiserver.yaml");
  ASSERT_FALSE(before.empty());
  const std::string value = EventsOverrideValue({"https://127.0.0.1:4002"});
  EXPECT_EQ(value, "/events#https://127.0.0.1:4002");
  std::string once, twice, error;
  ASSERT_TRUE(AddEventsOverride("x.yaml", before, value, &once, &error)) << error;
  EXPECT_NE(once.find("    - --etcd-servers=https://127.0.0.1:2379\n"
                      "    - --etcd-servers-overrides=/events#https://127.0.0.1:4002\n"),
            std::string::npos);
  EXPECT_EQ(
      once.size(),
      before.size() + std::string("    - --etcd-servers-overrides=/events#https://127.0.0.1:4002\n").size());
  ASSERT_TRUE(AddEventsOverride("x.yaml", once, value, &twice, &error)) << error;
  EXPECT_EQ(once, twice);
}

TEST(ApiserverManifestTest, MergesWithOtherOverridesAndReplacesOldEvents) {
  std::string text = ReadTestdata("kube-apiserver.yaml");
  const std::string anchor = "    - --etcd-servers=https://127.0.0.1:2379\n";
  text.insert(
      text.find(anchor) + anchor.size(),
      "    - --etcd-servers-overrides=/events#https://10.9.9.9:1,apps/deployments#https://10.1.1.1:2379\n");
  std::string out, error;
  ASSERT_TRUE(AddEventsOverride(
      "x.yaml", text, EventsOverrideValue({"https://127.0.0.1:4002", "https://10.0.0.2:4002"}), &out, &error))
      << error;
  EXPECT_NE(out.find("- --etcd-servers-overrides=/events#https://127.0.0.1:4002;https://10.0.0.2:4002,"
                     "apps/deployments#https://10.1.1.1:2379\n"),
            std::string::npos)
      << out;
}

TEST(ApiserverManifestTest, RefusesWhatIsNotAnApiserverManifest) {
  std::string out, error;
  EXPECT_FALSE(AddEventsOverride("x.yaml", "apiVersion: v1\nkind: Pod\n", "/events#x", &out, &error));
  EXPECT_NE(error.find("x.yaml"), std::string::npos);
  EXPECT_FALSE(AddEventsOverride("x.yaml", "{{{", "/events#x", &out, &error));
}

}  // namespace
}  // namespace cairn::k8s
