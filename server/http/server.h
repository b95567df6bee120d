// Server: the client front door. Listeners that serve HTTP/1.x from a handler and, like etcd's
// cmux, hand HTTP/2 connections (gRPC) on the same port to a callback; optionally behind TLS.
//
// Event-loop threads (epoll, edge-triggered, non-blocking sockets) do, for every connection,
// everything up to a complete request: no thread waits on a connection that has not sent a whole
// request. One loop accepts, sniffs and handshakes; a TLS Server has up to 4 loops (one per core)
// and hands each established TLS connection (its relay and plaintext end) to the next in turn.
//   1. Accept. The connection is "pending" until it is classified (and, on TLS, handshaken). At
//      most `max_pending_per_source` pending connections per source IP and `max_pending` in all:
//      beyond either bound the OLDEST pending one is closed, so idle or slow sockets can never lock
//      a new client out (issue 11). Each must be classified within `pending_timeout` of accept.
//      When the process runs out of fds, the oldest pending (else idle) connection makes room.
//   2. TLS listener: the first byte must start a TLS handshake record (0x16), else the connection
//      is closed without an answer and reported as "tls: first record does not look like a TLS
//      handshake" (etcd does exactly that). The handshake runs non-blocking; a refused one is
//      reported through `on_tls_rejected` (rate-limited) and closed. Once established, a
//      socketpair(AF_UNIX) is made: a TlsRelay (tls_relay.h) moves bytes between the TLS socket
//      and one end; the other end enters step 3 as a plaintext connection that remembers the
//      verified client-certificate CN.
//   3. Sniff: the first bytes either equal the HTTP/2 client preface "PRI * HTTP/2.0..." or
//      diverge from it. HTTP/2: the fd goes to the listener's GrpcHandoff
//      (grpc::AddInsecureChannelFromFd), which owns it from then on; for a TLS connection its CN is
//      first recorded with RegisterPeerIdentity (peer_identity.h) under the fd gRPC will report
//      as "fd:N", and forgotten when the relay ends. Without a handoff the connection is closed.
//   4. HTTP/1.x: the loop reads and parses the request head and body (bounded by `limits`); a
//      complete request goes to a worker thread (worker_pool.h, at most `max_handlers` at once)
//      that runs the handler and writes the response; a kept-alive connection then returns to
//      the loop, idle for at most `idle_timeout`.
//
// Shutdown: StopAccepting() closes the listeners and every connection not handed to gRPC
// (pending, idle, HTTP/1) and makes running streams end (a stream's ChunkWriter fails once the
// server stops or its client is gone: the gateway's watch probes it every 500 ms); TLS relays of
// gRPC connections keep running so gRPC can drain. Stop() also ends the relays and waits at most
// `stop_grace` for handlers. Neither can hang on a client.
//
// The HTTP code knows nothing of the gRPC services: the handoff is a plain callback.
//
// Constructing a Server ignores SIGPIPE process-wide (OpenSSL writes with write(2)).
//
// Thread-safety: Listen(), StopAccepting() and Stop() from one controlling thread; handlers run
// concurrently on worker threads and must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "server/http/message.h"
#include "server/http/mux.h"
#include "server/tls/server_context.h"

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

// A refused TLS connection, in the shape of etcd's "rejected connection" log line.
struct TlsRejection {
  std::string remote_addr;  // "127.0.0.1:54321"
  std::string server_name;  // SNI, "" if none
  std::string error;        // "tls: first record does not look like a TLS handshake", OpenSSL's reason
  uint64_t suppressed = 0;  // rejections not reported since the previous report (rate limit)
};

class Server {
 public:
  struct Options {
    // Concurrent HTTP/1 requests being handled (worker threads, made on demand). A gateway watch
    // stream holds one for its life, so this is generous: requests beyond it wait in FIFO order.
    size_t max_handlers = 4096;
    RequestParser::Limits limits;
    std::chrono::milliseconds pending_timeout{10000};  // accept -> classified (TLS: + handshake)
    std::chrono::milliseconds idle_timeout{120000};    // keep-alive HTTP/1 between requests
    size_t max_pending = 16384;
    size_t max_pending_per_source = 512;
    std::chrono::milliseconds stop_grace{3000};
    // Non-null: every listener of this Server speaks TLS (https://).
    std::shared_ptr<tls::ServerContext> tls;
    // Refused TLS connections and failed certificate reloads, at most ~10 per second.
    std::function<void(const TlsRejection&)> on_tls_rejected;
    std::function<void(const std::string&)> on_tls_reload_failed;
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

  void StopAccepting();
  void Stop();

  // Open connections the loop serves (pending, HTTP/1 idle or busy, TLS relays): tests, metrics.
  size_t ActiveConnections();
  // Pending connections right now (accepted, not yet classified or handshaken).
  size_t PendingConnections();

  struct Loop;  // server.cc

 private:
  std::vector<std::shared_ptr<Loop>> loops_;  // [0] accepts and handshakes; all run TLS relays
  std::shared_ptr<Loop> loop_;                // loops_[0]
  std::vector<std::thread> threads_;
};

}  // namespace cairn::http
