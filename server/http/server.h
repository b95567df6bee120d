// Server: plaintext listeners that serve HTTP/1.x from a Mux and, like etcd's cmux, hand
// HTTP/2 connections (gRPC) on the same port to a callback.
//
// Per accepted connection (one thread each, at most `max_connections` at once; beyond that the
// connection is closed at once):
//   1. Peek (MSG_PEEK, nothing consumed) until the first bytes either equal the HTTP/2 client
//      preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" or diverge from it; give up after
//      `first_bytes_timeout`.
//   2. HTTP/2: set O_NONBLOCK and pass the fd to the listener's GrpcHandoff, which owns it from
//      then on (grpc::AddInsecureChannelFromFd). Without a handoff the connection is closed.
//   3. HTTP/1.x: read requests (bounded by `limits`), answer each from the Mux, keep the
//      connection alive between requests until the client closes, asks to close, or stays idle
//      for `idle_timeout`.
//
// The HTTP code knows nothing of the gRPC services: the handoff is a plain callback. TLS will
// slot in at step 1 (peek for a TLS ClientHello, then wrap the connection) without changing
// handlers.
//
// Thread-safety: Listen() and Stop() from one controlling thread; handlers run concurrently on
// connection threads and must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "server/http/message.h"
#include "server/http/mux.h"

namespace cairn::http {

// Takes ownership of a connected, non-blocking socket whose first bytes are an HTTP/2 preface.
using GrpcHandoff = std::function<void(int fd)>;

// The HTTP/2 client connection preface (RFC 9113 §3.4).
inline constexpr char kHttp2Preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum class Protocol { kHttp1, kHttp2, kUnknown };

// Classifies the first bytes of a connection: kHttp2 once they equal the whole preface, kHttp1
// once they diverge from it, kUnknown while they are a proper prefix of it.
Protocol ClassifyFirstBytes(std::string_view bytes);

// Binds host:port ("127.0.0.1:2379", "localhost:2379", "[::1]:0"; port 0 picks a free port) with
// SO_REUSEADDR and listens. On success *fd_out is the listening socket (the caller owns it) and
// *bound_port (may be null) the actual port; on failure the error reads as Go's net.Listen does:
// "listen tcp 127.0.0.1:2379: bind: address already in use".
Status OpenTcpListener(const std::string& host_port, int* fd_out, int* bound_port);

class Server {
 public:
  struct Options {
    size_t max_connections = 1024;
    RequestParser::Limits limits;
    std::chrono::milliseconds first_bytes_timeout{10000};
    std::chrono::milliseconds idle_timeout{120000};
  };

  // Serves every HTTP/1.x request from `mux`.
  Server(Options options, std::shared_ptr<const Mux> mux);
  // Serves every HTTP/1.x request with `handler` (e.g. ClientAccessController around a Mux).
  Server(Options options, Handler handler);
  ~Server();  // Stop()s.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port ("127.0.0.1:2379", "localhost:2379", "[::1]:0", "0.0.0.0:2379"; port 0
  // picks a free port) and starts accepting. `handoff` may be empty (HTTP-only listeners such as
  // --listen-metrics-urls). *bound_port receives the actual port.
  Status Listen(const std::string& host_port, GrpcHandoff handoff, int* bound_port);

  // Closes listeners and open HTTP connections, waits for every connection thread. Connections
  // already handed to gRPC are gRPC's.
  void Stop();

  // Open HTTP/1 connections right now (for tests and a future metric).
  size_t ActiveConnections();

 private:
  struct Listener {
    int fd = -1;
    GrpcHandoff handoff;
    std::thread accept_thread;
  };

  void AcceptLoop(Listener* listener);
  void ServeConnection(int fd, const std::string& remote, const GrpcHandoff* handoff);
  void ServeHttp1(int fd, const std::string& remote);
  bool WaitReadable(int fd, std::chrono::milliseconds timeout);

  const Options options_;
  const Handler handler_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::set<int> open_fds_;  // HTTP connections being served, to shut down on Stop()
  size_t threads_running_ = 0;
  bool stopping_ = false;
};

}  // namespace cairn::http
