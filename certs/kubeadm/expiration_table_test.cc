#include "certs/kubeadm/expiration_table.h"

#include <gtest/gtest.h>

namespace cairn::certs::kubeadm {
namespace {

TEST(ExpirationTable, ShortHumanDuration) {
  EXPECT_EQ(ShortHumanDuration(-5), "<invalid>");
  EXPECT_EQ(ShortHumanDuration(-1), "0s");
  EXPECT_EQ(ShortHumanDuration(59), "59s");
  EXPECT_EQ(ShortHumanDuration(3599), "59m");
  EXPECT_EQ(ShortHumanDuration(86399), "23h");
  EXPECT_EQ(ShortHumanDuration(364 * 86400 + 86399), "364d");
  EXPECT_EQ(ShortHumanDuration(10 * 365LL * 86400 - 60), "9y");
}

TEST(ExpirationTable, KubeadmLayout) {
  const std::time_t now = 1796688000;  // Dec 08 2026 00:00 UTC
  std::vector<ExpirationRow> certs = {{"etcd-peer", false, now + 365 * 86400, "etcd-ca", false},
                                      {"etcd-server", true, 0, "etcd-ca", false}};
  std::vector<ExpirationRow> cas = {{"etcd-ca", false, now + 3650 * 86400, "", false}};
  EXPECT_EQ(
      FormatExpiration(certs, cas, now),
      "CERTIFICATE             EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY "
      "MANAGED\n"
      "etcd-peer               Dec 08, 2027 00:00 UTC   1y              etcd-ca                 no      \n"
      // A missing row's name is a tab-terminated cell: it widens the first column, as in Go's tabwriter.
      "!MISSING! etcd-server                                                                    \n"
      "\n"
      "CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED\n"
      "etcd-ca                 Dec 05, 2036 00:00 UTC   10y             no      \n");
}

}  // namespace
}  // namespace cairn::certs::kubeadm
