#include "main/mode.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

ModeChoice Choose(std::initializer_list<const char*> args) {
  std::vector<const char*> argv(args);
  return ChooseMode(static_cast<int>(argv.size()), argv.data());
}

TEST(ModeTest, ProgramNameSelectsFace) {
  EXPECT_EQ(Choose({"/usr/local/bin/etcd", "--name", "a"}).mode, Mode::kServe);
  EXPECT_EQ(Choose({"/usr/local/bin/etcd"}).words_consumed, 1);
  EXPECT_EQ(Choose({"etcdctl", "get", "k"}).mode, Mode::kCtl);
  EXPECT_EQ(Choose({"/usr/local/bin/etcdutl", "snapshot"}).mode, Mode::kUtl);
  EXPECT_EQ(Choose({"cfssl", "gencert"}).mode, Mode::kCfssl);
  EXPECT_EQ(Choose({"cfssljson", "-bare", "ca"}).mode, Mode::kCfssljson);
}

TEST(ModeTest, FirstWordSelectsFaceForCairn) {
  EXPECT_EQ(Choose({"cairn", "serve"}).mode, Mode::kServe);
  EXPECT_EQ(Choose({"cairn", "serve"}).words_consumed, 2);
  EXPECT_EQ(Choose({"bin/cairn", "ctl", "put"}).mode, Mode::kCtl);
  EXPECT_EQ(Choose({"cairn", "bench", "put"}).mode, Mode::kBench);
  EXPECT_EQ(Choose({"cairn", "etcdutl", "defrag"}).mode, Mode::kUtl);
  EXPECT_EQ(Choose({"cairn", "certs", "kubeadm"}).mode, Mode::kCerts);
  EXPECT_EQ(Choose({"cairn", "--version"}).mode, Mode::kVersion);
  EXPECT_EQ(Choose({"cairn"}).mode, Mode::kHelp);
  EXPECT_EQ(Choose({"cairn", "frobnicate"}).mode, Mode::kUnknown);
}

}  // namespace
}  // namespace cairn
