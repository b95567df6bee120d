#include "server/http/tls_relay.h"

#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace cairn::http {

TlsRelay::~TlsRelay() {
  SSL_free(ssl_);
  ::close(tcp_fd_);
  ::close(pair_fd_);
}

TlsRelay::Step TlsRelay::Up() {
  bool progress = false;
  if (!up_eof_ && up_len_ == 0) {
    if (!up_) up_ = std::make_unique<char[]>(kBufferBytes);
    int n = SSL_read(ssl_, up_.get(), static_cast<int>(kBufferBytes));
    if (n > 0) {
      up_off_ = 0;
      up_len_ = static_cast<size_t>(n);
      progress = true;
    } else {
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_ZERO_RETURN) {
        up_eof_ = true;
        progress = true;
      } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();
        return Step::kFailed;
      }
    }
  }
  while (up_off_ < up_len_) {
    ssize_t w = ::send(pair_fd_, up_.get() + up_off_, up_len_ - up_off_, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return Step::kFailed;  // the plaintext side is gone
    }
    up_off_ += static_cast<size_t>(w);
    progress = true;
  }
  if (up_off_ == up_len_) {
    up_off_ = up_len_ = 0;
    up_.reset();
  }
  if (up_eof_ && up_len_ == 0 && !up_shut_) {
    ::shutdown(pair_fd_, SHUT_WR);
    up_shut_ = true;
    progress = true;
  }
  return progress ? Step::kProgress : Step::kBlocked;
}

TlsRelay::Step TlsRelay::Down() {
  bool progress = false;
  if (!down_eof_ && down_len_ == 0) {
    if (!down_) down_ = std::make_unique<char[]>(kBufferBytes);
    ssize_t n = ::recv(pair_fd_, down_.get(), kBufferBytes, 0);
    if (n > 0) {
      down_off_ = 0;
      down_len_ = static_cast<size_t>(n);
      progress = true;
    } else if (n == 0) {
      down_eof_ = true;
      progress = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Step::kFailed;
    }
  }
  while (down_off_ < down_len_) {
    int w = SSL_write(ssl_, down_.get() + down_off_, static_cast<int>(down_len_ - down_off_));
    if (w <= 0) {
      int err = SSL_get_error(ssl_, w);
      if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) break;
      ERR_clear_error();
      return Step::kFailed;
    }
    down_off_ += static_cast<size_t>(w);
    progress = true;
  }
  if (down_off_ == down_len_) {
    down_off_ = down_len_ = 0;
    down_.reset();
  }
  if (down_eof_ && down_len_ == 0) {
    SSL_shutdown(ssl_);  // close_notify, best effort: the socket closes right after
    ERR_clear_error();
    return Step::kDone;
  }
  return progress ? Step::kProgress : Step::kBlocked;
}

bool TlsRelay::Pump() {
  while (true) {
    Step up = Up();
    if (up == Step::kFailed) return false;
    Step down = Down();
    if (down == Step::kFailed || down == Step::kDone) return false;
    if (up == Step::kBlocked && down == Step::kBlocked) return true;
  }
}

}  // namespace cairn::http
