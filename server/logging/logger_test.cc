#include "server/logging/logger.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

namespace cairn::logging {
namespace {

using std::chrono::system_clock;

// 2026-11-23T03:41:43.123456Z
system_clock::time_point FixedTime() {
  return system_clock::time_point(std::chrono::microseconds(1795405303123456LL));
}

class LoggerTest : public ::testing::Test {
 protected:
  LoggerTest() : sink_(std::make_shared<MemorySink>()), logger_(sink_, Level::kInfo) {
    logger_.SetClockForTest(FixedTime);
  }
  std::shared_ptr<MemorySink> sink_;
  Logger logger_;
};

TEST_F(LoggerTest, LineHasZapShape) {
  std::vector<std::string> urls = {"http://127.0.0.1:2379"};
  std::string line = logger_.FormatLine(
      Level::kInfo, "ready to serve client requests",
      {String("address", "127.0.0.1:2379"), Int("max-cpu-set", 2), Bool("pre-vote", false),
       Duration("heartbeat-interval", std::chrono::milliseconds(100)),
       Duration("election-timeout", std::chrono::seconds(1)), Strings("listen-client-urls", urls),
       Uint("snapshot-count", 100000), HexId("local-member-id", 0x8e9e05c52164694dULL)},
      "/work/main/server/core/server.cc", 123);
  EXPECT_EQ(line,
            "{\"level\":\"info\",\"ts\":\"2026-11-23T03:41:43.123456Z\",\"caller\":\"core/server.cc:123\","
            "\"msg\":\"ready to serve client requests\",\"address\":\"127.0.0.1:2379\",\"max-cpu-set\":2,"
            "\"pre-vote\":false,\"heartbeat-interval\":\"100ms\",\"election-timeout\":\"1s\","
            "\"listen-client-urls\":[\"http://127.0.0.1:2379\"],\"snapshot-count\":100000,"
            "\"local-member-id\":\"8e9e05c52164694d\"}\n");
}

// The shape of a line the real etcd (3.4.23 with --logger=zap) wrote; 3.5 adds microseconds.
TEST_F(LoggerTest, SameKeysAndOrderAsRealEtcdLine) {
  const std::string etcd =
      "{\"level\":\"info\",\"ts\":\"2026-11-23T03:43:59.963Z\",\"caller\":\"etcdserver/backend.go:80\","
      "\"msg\":\"opened backend db\",\"path\":\"d/member/snap/db\",\"took\":\"907.633\xC2\xB5s\"}";
  std::string ours = logger_.FormatLine(
      Level::kInfo, "opened backend db",
      {String("path", "d/member/snap/db"), Duration("took", std::chrono::nanoseconds(907633))},
      "x/etcdserver/backend.go", 80);
  std::regex ts("\"ts\":\"[^\"]*\"");
  EXPECT_EQ(std::regex_replace(ours, ts, "TS"), std::regex_replace(etcd, ts, "TS") + "\n");
  EXPECT_TRUE(
      std::regex_search(ours, std::regex("\"ts\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z\"")));
}

TEST_F(LoggerTest, EscapesLikeZap) {
  std::string out;
  AppendJsonString(&out, "a\"b\\c\nd\re\tf\x01g<&>\x7f\xC3\xA9\xFF");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g<&>\x7f\xC3\xA9\\ufffd\"");
  std::string line = logger_.FormatLine(Level::kWarn, "m\"", {String("k\n", "v")}, "a.cc", 1);
  EXPECT_EQ(
      line,
      "{\"level\":\"warn\",\"ts\":\"2026-11-23T03:41:43.123456Z\",\"caller\":\"a.cc:1\",\"msg\":\"m\\\"\","
      "\"k\\n\":\"v\"}\n");
}

TEST_F(LoggerTest, LevelsFilter) {
  logger_.Debug("dropped");
  logger_.Info("kept");
  logger_.SetLevel(Level::kError);
  logger_.Warn("dropped too");
  logger_.Error("kept too", {Error(Status::IOError("disk gone"))});
  auto lines = sink_->Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"msg\":\"kept\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"level\":\"error\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"error\":\"disk gone\"}"), std::string::npos);
  // The caller is this file.
  EXPECT_NE(lines[0].find("\"caller\":\"logging/logger_test.cc:"), std::string::npos) << lines[0];
}

TEST_F(LoggerTest, OkErrorFieldIsSkipped) {
  logger_.Info("m", {Error(Status::Ok())});
  EXPECT_EQ(sink_->Lines()[0].find("error"), std::string::npos);
}

TEST_F(LoggerTest, WithAddsContextAndSharesLevel) {
  Logger child = logger_.With({String("local-member-id", "abc")});
  child.Info("hello", {Int("n", 1)});
  logger_.SetLevel(Level::kWarn);
  child.Info("filtered by the parent's level");
  auto lines = sink_->Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"msg\":\"hello\",\"local-member-id\":\"abc\",\"n\":1}"), std::string::npos);
}

TEST(LevelTest, ParseLevelLikeZap) {
  Level l;
  ASSERT_TRUE(ParseLevel("debug", &l).ok());
  EXPECT_EQ(l, Level::kDebug);
  ASSERT_TRUE(ParseLevel("WARN", &l).ok());
  EXPECT_EQ(l, Level::kWarn);
  ASSERT_TRUE(ParseLevel("", &l).ok());
  EXPECT_EQ(l, Level::kInfo);
  EXPECT_EQ(ParseLevel("bogus", &l).message(), "unrecognized level: \"bogus\"");
}

TEST(TimestampTest, UtcMicroseconds) {
  EXPECT_EQ(FormatTimestamp(FixedTime()), "2026-11-23T03:41:43.123456Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point()), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(ShortCallerPath("/a/b/c.cc"), "b/c.cc");
  EXPECT_EQ(ShortCallerPath("c.cc"), "c.cc");
}

TEST(ConcurrencyTest, LinesStayWholeAcrossThreads) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  auto sink = std::make_shared<FdSink>(fds[1], /*owned=*/true);
  constexpr int kThreads = 4, kLines = 200;
  std::string reader_out;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) reader_out.append(buf, static_cast<size_t>(n));
  });
  {
    Logger logger(sink, Level::kInfo);
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; t++) {
      writers.emplace_back([&logger, t] {
        std::string big(3000, static_cast<char>('a' + t));  // above PIPE_BUF/2 to provoke interleaving
        for (int i = 0; i < kLines; i++) logger.Info("line", {Int("thread", t), String("payload", big)});
      });
    }
    for (auto& w : writers) w.join();
    sink.reset();
  }  // Last reference dropped: the write end closes.
  reader.join();
  close(fds[0]);
  size_t count = 0, start = 0;
  std::regex whole("\\{\"level\":\"info\",.*\"thread\":(\\d),\"payload\":\"([a-d])\\2*\"\\}");
  while (start < reader_out.size()) {
    size_t nl = reader_out.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    std::string line = reader_out.substr(start, nl - start);
    ASSERT_TRUE(std::regex_match(line, whole)) << line.substr(0, 200);
    count++;
    start = nl + 1;
  }
  EXPECT_EQ(count, static_cast<size_t>(kThreads * kLines));
}

}  // namespace
}  // namespace cairn::logging
