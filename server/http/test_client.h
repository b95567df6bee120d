// A tiny blocking HTTP/1.1 client over a raw socket, for tests of the server: sends bytes,
// reads one response (Content-Length or chunked or until close). Bytes read past a response are
// kept for the next ReadResponse on the same fd (pipelining).
#pragma once

#include <string>

namespace cairn::http::testing {

// Connects to 127.0.0.1:port; -1 on failure.
int Connect(int port);

struct ClientResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// Writes `raw` to fd. False on error.
bool SendRaw(int fd, const std::string& raw);

// Reads one response from fd. status 0 when the connection closed first.
ClientResponse ReadResponse(int fd);

// One request on a fresh connection: "GET <target> HTTP/1.1" with Connection: close.
ClientResponse Get(int port, const std::string& target, const std::string& method = "GET");

}  // namespace cairn::http::testing
