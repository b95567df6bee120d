#include "server/http/message.h"

#include <gtest/gtest.h>

#include "server/http/mux.h"
#include "server/http/server.h"

namespace cairn::http {
namespace {

using State = RequestParser::State;

TEST(RequestParserTest, ParsesRequestsInPiecesAndKeepsTheRest) {
  RequestParser p({});
  Request r;
  int status = 0;
  p.Feed("GET /health?exclude=NOSPACE&exclude=CORRUPT&serializable=true HTTP/1.1\r\nHo");
  EXPECT_EQ(p.Next(&r, &status), State::kNeedMore);
  p.Feed("st: x\r\nX-Thing:  v  \r\n\r\nPOST /v3/kv/range HTTP/1.0\r\nContent-Length: 5\r\n\r\nhel");
  ASSERT_EQ(p.Next(&r, &status), State::kRequest);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/health");
  EXPECT_EQ(r.QueryValues("exclude"), (std::vector<std::string>{"NOSPACE", "CORRUPT"}));
  EXPECT_EQ(r.QueryValue("serializable"), "true");
  EXPECT_EQ(r.Header("x-thing"), "v");
  EXPECT_EQ(r.Header("HOST"), "x");
  EXPECT_TRUE(r.KeepAlive());
  EXPECT_EQ(p.Next(&r, &status), State::kNeedMore);
  p.Feed("lo");
  ASSERT_EQ(p.Next(&r, &status), State::kRequest);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.version_minor, 0);
  EXPECT_FALSE(r.KeepAlive());
}

TEST(RequestParserTest, ChunkedBodyAndDecoding) {
  RequestParser p({});
  Request r;
  int status = 0;
  p.Feed(
      "POST /a%20b?k=a+b%21 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n "
      "world\r\n0\r\n\r\n");
  ASSERT_EQ(p.Next(&r, &status), State::kRequest);
  EXPECT_EQ(r.path, "/a b");
  EXPECT_EQ(r.QueryValue("k"), "a b!");
  EXPECT_EQ(r.body, "hello world");
}

TEST(RequestParserTest, LimitsAndErrors) {
  {
    RequestParser p({.max_header_bytes = 64, .max_body_bytes = 10});
    Request r;
    int status = 0;
    p.Feed("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'));
    EXPECT_EQ(p.Next(&r, &status), State::kError);
    EXPECT_EQ(status, 431);
  }
  {
    RequestParser p({.max_header_bytes = 1024, .max_body_bytes = 10});
    Request r;
    int status = 0;
    p.Feed("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
    EXPECT_EQ(p.Next(&r, &status), State::kError);
    EXPECT_EQ(status, 413);
  }
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "GET /%zz HTTP/1.1\r\n\r\n"}) {
    RequestParser p({});
    Request r;
    int status = 0;
    p.Feed(bad);
    EXPECT_EQ(p.Next(&r, &status), State::kError) << bad;
    EXPECT_EQ(status, 400) << bad;
  }
  RequestParser p({});
  Request r;
  int status = 0;
  p.Feed("GET / HTTP/2.0\r\n\r\n");
  EXPECT_EQ(p.Next(&r, &status), State::kError);
  EXPECT_EQ(status, 505);
}

TEST(RequestParserTest, ExpectContinue) {
  RequestParser p({});
  Request r;
  int status = 0;
  p.Feed("PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(p.Next(&r, &status), State::kNeedMore);
  EXPECT_TRUE(p.WantsContinue());
  p.Feed("ok");
  ASSERT_EQ(p.Next(&r, &status), State::kRequest);
  EXPECT_FALSE(p.WantsContinue());
}

TEST(ResponseTest, SerializesLikeGo) {
  Response w;
  w.SetError(404, "404 page not found");
  std::string out = SerializeResponse(w, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(out.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 19\r\n\r\n404 page not found\n"), std::string::npos);
  EXPECT_EQ(SerializeResponse(w, true, true).find("404 page not found"), std::string::npos);
  EXPECT_NE(SerializeResponse(w, false, false).find("Connection: close\r\n"), std::string::npos);
}

TEST(MuxTest, ExactBeatsSubtreeAndLongestSubtreeWins) {
  Mux mux;
  mux.Handle("/v3/", [](const Request&, Response* w) { w->body = "v3"; });
  mux.Handle("/v3/watch/", [](const Request&, Response* w) { w->body = "watch"; });
  mux.Handle("/health", [](const Request&, Response* w) { w->body = "health"; });
  auto serve = [&](const std::string& path) {
    Request r;
    r.path = path;
    Response w;
    mux.Serve(r, &w);
    return std::to_string(w.status) + " " + w.body;
  };
  EXPECT_EQ(serve("/health"), "200 health");
  EXPECT_EQ(serve("/health/x"), "404 404 page not found\n");
  EXPECT_EQ(serve("/v3/kv/range"), "200 v3");
  EXPECT_EQ(serve("/v3/watch/x"), "200 watch");
  EXPECT_EQ(serve("/"), "404 404 page not found\n");
}

TEST(ClassifyTest, PeekDecisions) {
  EXPECT_EQ(ClassifyFirstBytes("G"), Protocol::kHttp1);
  EXPECT_EQ(ClassifyFirstBytes("P"), Protocol::kUnknown);
  EXPECT_EQ(ClassifyFirstBytes("PO"), Protocol::kHttp1);
  EXPECT_EQ(ClassifyFirstBytes("PRI * HTTP/2.0\r\n"), Protocol::kUnknown);
  EXPECT_EQ(ClassifyFirstBytes(kHttp2Preface), Protocol::kHttp2);
  EXPECT_EQ(ClassifyFirstBytes(std::string(kHttp2Preface) + "\x00\x00"), Protocol::kHttp2);
}

}  // namespace
}  // namespace cairn::http
