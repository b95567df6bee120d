// HTTP/1.x request and response values, and the incremental request parser the connection loop
// uses. Only what etcd's HTTP endpoints and the /v3/ JSON gateway need: Content-Length and
// chunked request bodies, keep-alive, query strings; no pipelining beyond sequential requests.
//
// Thread-safety: value types; a RequestParser belongs to one connection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cairn::http {

struct Request {
  std::string method;                                        // "GET"
  std::string target;                                        // "/health?exclude=NOSPACE" as sent
  std::string path;                                          // percent-decoded path: "/health"
  std::string raw_query;                                     // "exclude=NOSPACE"
  int version_minor = 1;                                     // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  std::string remote_address;  // "127.0.0.1:54321"
  bool tls = false;             // came in over TLS (an https:// listener)
  // The verified client certificate's Common Name ("" without TLS or without a client
  // certificate): etcd's CN-as-user rule for the gateway.
  std::string tls_common_name;

  // The first value of a header (name is case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  // Every value of query parameter `key` (Go's url.Values[key]), decoded.
  std::vector<std::string> QueryValues(std::string_view key) const;
  // The first value of `key`, or "".
  std::string QueryValue(std::string_view key) const;
  bool HasQuery(std::string_view key) const;
  // HTTP/1.1 without "Connection: close", or HTTP/1.0 with "Connection: keep-alive".
  bool KeepAlive() const;
};

// Writes the chunks of a streamed response (Transfer-Encoding: chunked). Returns false once
// the client is gone; the streamer should then return.
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool WriteChunk(std::string_view data) = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Content-Type", "application/json"}
  std::string body;
  // When set, the body is streamed instead: headers are sent, then `stream` writes chunks until
  // it returns (e.g. a gateway watch). It runs on the connection's thread.
  std::function<void(ChunkWriter&)> stream;

  void SetHeader(std::string_view name, std::string_view value);
  // Go's http.Error: text/plain body "<text>\n" with X-Content-Type-Options: nosniff.
  void SetError(int status_code, std::string_view text);
};

// "OK", "Not Found", ... (Go's http.StatusText).
const char* StatusText(int status);

// Percent-decoding; '+' becomes a space when `plus_is_space` (query strings). False on a bad escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

// Incremental parser: feed bytes, get complete requests.
class RequestParser {
 public:
  struct Limits {
    size_t max_header_bytes = 1 << 20;  // Go's http.DefaultMaxHeaderBytes
    size_t max_body_bytes = 64 << 20;
  };
  enum class State { kNeedMore, kRequest, kError };

  explicit RequestParser(Limits limits) : limits_(limits) {}

  // Appends received bytes.
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // kRequest: *request holds the next complete request (consumed from the buffer).
  // kError: *error_status is the status to answer (400, 413, 431, 501, 505) before closing.
  State Next(Request* request, int* error_status);
  // True when the buffered head announces "Expect: 100-continue" for a body not yet received;
  // the caller answers "100 Continue" once per request.
  bool WantsContinue() const { return wants_continue_; }
  void ContinueSent() { continue_sent_ = true; }
  bool ContinueAlreadySent() const { return continue_sent_; }

 private:
  Limits limits_;
  std::string buffer_;
  bool wants_continue_ = false;
  bool continue_sent_ = false;
};

// Serializes a non-streamed response, adding Date, Content-Length and (if absent) a
// Content-Type of "text/plain; charset=utf-8". `head_only` omits the body (HEAD requests).
std::string SerializeResponse(const Response& response, bool keep_alive, bool head_only);

// The status line and headers of a streamed (chunked) response.
std::string SerializeStreamHead(const Response& response, bool keep_alive);

// "Mon, 23 Nov 2026 03:44:02 GMT" for now.
std::string HttpDateNow();

}  // namespace cairn::http
