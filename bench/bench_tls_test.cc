// `cairn bench` over TLS with client certificates (kubeadm's etcd setup) against a real etcd
// with --client-cert-auth; certificates are made with the openssl CLI.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/bench_tool_fixture.h"
#include "bench/etcd_process.h"

namespace cairn::bench::testing {
namespace {

TEST(BenchTls, PutWithClientCertificate) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string certs = std::string(tmp != nullptr ? tmp : "/tmp") + "/certs.XXXXXX";
  ASSERT_NE(mkdtemp(certs.data()), nullptr);
  const Status made = MakeTestCertificates(certs);
  ASSERT_TRUE(made.ok()) << made.ToString();
  EtcdTls server{certs + "/server.pem", certs + "/server-key.pem", certs + "/ca.pem"};
  EtcdTls client{certs + "/client.pem", certs + "/client-key.pem", certs + "/ca.pem"};
  EtcdProcess etcd;
  const Status started = etcd.Start(server, client);
  ASSERT_TRUE(started.ok()) << started.ToString();

  const std::string tls_flags =
      " --cacert " + client.trusted_ca_file + " --cert " + client.cert_file + " --key " + client.key_file;
  int rc = -1;
  std::string out = RunCapture("timeout 60 bench/bench_tool --endpoints https://" + etcd.endpoint() +
                                   tls_flags + " --dial-timeout 5s put --total 50 --clients 2 2>&1",
                               &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\nSummary:\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Error distribution"), std::string::npos) << out;

  // Without a client certificate the handshake is refused: the dial times out.
  out = RunCapture("timeout 60 bench/bench_tool --endpoints https://" + etcd.endpoint() + " --cacert " +
                       client.trusted_ca_file + " --dial-timeout 2s put --total 5 2>&1",
                   &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("context deadline exceeded"), std::string::npos) << out;
  std::system(("rm -rf '" + certs + "'").c_str());
}

}  // namespace
}  // namespace cairn::bench::testing
