#include "server/flags/urls.h"

#include <gtest/gtest.h>

namespace cairn::flags {
namespace {

std::string Error(std::string_view text) {
  std::vector<Url> urls;
  Status st = ParseUrlList(text, &urls);
  return st.ok() ? "ok" : st.message();
}

TEST(UrlsTest, ParsesAndSortsLikeEtcd) {
  std::vector<Url> urls;
  ASSERT_TRUE(ParseUrlList("http://b:2, HTTP://a:1", &urls).ok());
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0].String(), "http://a:1");
  EXPECT_EQ(urls[1].String(), "http://b:2");
  EXPECT_EQ(UrlListString(urls), "http://a:1,http://b:2");
  ASSERT_TRUE(ParseUrlList("http://[::1]:2379", &urls).ok());
  EXPECT_EQ(urls[0].Hostname(), "::1");
  EXPECT_EQ(urls[0].Port(), "2379");
  ASSERT_TRUE(ParseUrlList("unix://localhost:123", &urls).ok());
}

TEST(UrlsTest, ErrorsMatchEtcd) {
  // Texts observed from /usr/bin/etcd (3.4.23) and etcd's pkg/types/urls.go.
  EXPECT_EQ(Error("foo"), "URL scheme must be http, https, unix, or unixs: foo");
  EXPECT_EQ(Error("localhost:2379"), "URL scheme must be http, https, unix, or unixs: localhost:2379");
  EXPECT_EQ(Error("http://a:b:c"), "parse \"http://a:b:c\": invalid port \":c\" after host");
  EXPECT_EQ(Error("http://[::1]x"), "parse \"http://[::1]x\": invalid port \"x\" after host");
  EXPECT_EQ(Error("http://localhost:2379/path"), "URL must not contain a path: http://localhost:2379/path");
  EXPECT_EQ(Error("http://localhost"), "URL address does not have the form \"host:port\": http://localhost");
  EXPECT_EQ(Error(""), "URL scheme must be http, https, unix, or unixs: ");
  EXPECT_EQ(Error("http://a:1,ftp://b:2"), "URL scheme must be http, https, unix, or unixs: ftp://b:2");
  EXPECT_EQ(Error(":2379"), "parse \":2379\": missing protocol scheme");
}

TEST(UrlsTest, InitialClusterGroupsByName) {
  std::map<std::string, std::vector<Url>> cluster;
  ASSERT_TRUE(ParseInitialCluster("n1=http://b:2380,n2=http://c:2380,n1=http://a:2380", &cluster).ok());
  ASSERT_EQ(cluster.size(), 2u);
  EXPECT_EQ(UrlListString(cluster["n1"]), "http://a:2380,http://b:2380");
  EXPECT_EQ(UrlListString(cluster["n2"]), "http://c:2380");
  EXPECT_FALSE(ParseInitialCluster("n1=foo", &cluster).ok());
}

}  // namespace
}  // namespace cairn::flags
