#include "server/flags/startup.h"

#include <gtest/gtest.h>

namespace cairn::flags {
namespace {

class StartupTest : public ::testing::Test {
 protected:
  std::shared_ptr<logging::MemorySink> sink_ = std::make_shared<logging::MemorySink>();
  logging::Logger logger_{sink_, logging::Level::kInfo};
  ServerConfig config_;
  int exit_code_ = -1;
};

TEST_F(StartupTest, BadValueLogsFailedToVerifyFlags) {
  EXPECT_FALSE(LoadServerConfig({"etcd", "--election-timeout=100"}, {}, logger_, &config_, &exit_code_));
  EXPECT_EQ(exit_code_, 1);
  auto lines = sink_->Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"msg\":\"Running: \",\"args\":[\"etcd\",\"--election-timeout=100\"]"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("\"level\":\"warn\""), std::string::npos);
  EXPECT_NE(
      lines[1].find("\"msg\":\"failed to verify flags\",\"error\":\"--election-timeout[100ms] should be at "
                    "least as 5 times as --heartbeat-interval[100ms]\"}"),
      std::string::npos)
      << lines[1];
}

TEST_F(StartupTest, ShadowedVariableLogsFatal) {
  EXPECT_FALSE(LoadServerConfig({"etcd", "--name=a"}, {{"ETCD_NAME", "b"}}, logger_, &config_, &exit_code_));
  EXPECT_EQ(exit_code_, 1);
  auto lines = sink_->Lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("\"level\":\"fatal\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"environment-variable\":\"ETCD_NAME\""), std::string::npos);
}

TEST_F(StartupTest, UsageErrorExitsTwoWithoutLogging) {
  EXPECT_FALSE(LoadServerConfig({"etcd", "--nope"}, {}, logger_, &config_, &exit_code_));
  EXPECT_EQ(exit_code_, 2);
  EXPECT_TRUE(sink_->Lines().empty());
}

TEST_F(StartupTest, SuccessConfiguresLoggerAndReturnsConfig) {
  std::string log_file = ::testing::TempDir() + "/startup_test.log";
  ASSERT_TRUE(LoadServerConfig({"etcd", "--name=n1", "--log-level=debug", "--log-outputs=" + log_file}, {},
                               logger_, &config_, &exit_code_));
  EXPECT_EQ(exit_code_, 0);
  EXPECT_EQ(config_.name, "n1");
  EXPECT_EQ(config_.data_dir, "n1.etcd");
  EXPECT_EQ(logger_.level(), logging::Level::kDebug);
  EXPECT_TRUE(sink_->Lines().empty());  // the new sink is the file
  FILE* f = fopen(log_file.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[4096] = {};
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  std::string text(buf, n);
  EXPECT_NE(text.find("\"msg\":\"Running: \""), std::string::npos) << text;
  EXPECT_NE(text.find("\"msg\":\"'data-dir' was empty; using default\",\"data-dir\":\"n1.etcd\""),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace cairn::flags
