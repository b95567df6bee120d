// TlsRelay: moves bytes between a TLS connection (OpenSSL, non-blocking TCP socket) and our end of
// a socketpair whose other end is the plaintext connection the rest of the server sees (gRPC via
// AddInsecureChannelFromFd, or the HTTP/1 code).
//
// Bounded: at most one 16 KiB buffer per direction, allocated while it holds bytes and freed when
// drained (an idle relay holds no buffer; with SSL_MODE_RELEASE_BUFFERS neither does OpenSSL).
// Backpressure: a direction reads nothing new until its buffer is written out, so a slow reader
// stops the writer instead of growing memory.
//
// Both fds are registered edge-triggered for read and write; after any event on either, Pump()
// retries every direction until each is blocked, which is what edge-triggering requires.
//
// Ends: the client's close (close_notify or EOF) is passed on as shutdown(SHUT_WR) of the pair, so
// the plaintext side reads EOF; the plaintext side's EOF is flushed, answered with close_notify,
// and ends the relay. Any error ends it at once.
//
// Thread-safety: none; one event loop owns a relay.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>

namespace cairn::http {

class TlsRelay {
 public:
  static constexpr size_t kBufferBytes = 16384;  // one TLS record's plaintext

  // Takes ownership of `ssl` (handshake completed, bound to `tcp_fd`) and of both fds.
  TlsRelay(SSL* ssl, int tcp_fd, int pair_fd) : ssl_(ssl), tcp_fd_(tcp_fd), pair_fd_(pair_fd) {}
  ~TlsRelay();
  TlsRelay(const TlsRelay&) = delete;
  TlsRelay& operator=(const TlsRelay&) = delete;

  // Moves what can be moved now. Returns false when the relay is over (the caller destroys it).
  bool Pump();

  int tcp_fd() const { return tcp_fd_; }
  int pair_fd() const { return pair_fd_; }
  // Bytes buffered right now (tests and the memory figure in docs/security.md).
  size_t BufferedBytes() const { return (up_ ? up_len_ - up_off_ : 0) + (down_ ? down_len_ - down_off_ : 0); }

 private:
  enum class Step { kProgress, kBlocked, kDone, kFailed };
  Step Up();    // client -> plaintext side
  Step Down();  // plaintext side -> client

  SSL* ssl_;
  int tcp_fd_;
  int pair_fd_;
  std::unique_ptr<char[]> up_, down_;
  size_t up_off_ = 0, up_len_ = 0, down_off_ = 0, down_len_ = 0;
  bool up_eof_ = false, up_shut_ = false, down_eof_ = false;
};

}  // namespace cairn::http
