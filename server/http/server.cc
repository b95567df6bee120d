#include "server/http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace cairn::http {

namespace {

constexpr size_t kPrefaceBytes = sizeof(kHttp2Preface) - 1;  // 24

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string AddressString(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "";
}

class SocketChunkWriter : public ChunkWriter {
 public:
  explicit SocketChunkWriter(int fd) : fd_(fd) {}
  bool WriteChunk(std::string_view data) override {
    if (!ok_ || data.empty()) return ok_;
    char size[32];
    snprintf(size, sizeof(size), "%zx\r\n", data.size());
    std::string frame = size;
    frame.append(data);
    frame.append("\r\n");
    ok_ = SendAll(fd_, frame);
    return ok_;
  }
  bool Finish() { return ok_ && SendAll(fd_, "0\r\n\r\n"); }

 private:
  int fd_;
  bool ok_ = true;
};

}  // namespace

Protocol ClassifyFirstBytes(std::string_view bytes) {
  size_t n = std::min(bytes.size(), kPrefaceBytes);
  if (std::string_view(kHttp2Preface, n) != bytes.substr(0, n)) return Protocol::kHttp1;
  return n == kPrefaceBytes ? Protocol::kHttp2 : Protocol::kUnknown;
}

Server::Server(Options options, std::shared_ptr<const Mux> mux)
    : Server(options, [mux = std::move(mux)](const Request& r, Response* w) { mux->Serve(r, w); }) {}

Server::Server(Options options, Handler handler) : options_(options), handler_(std::move(handler)) {}

Server::~Server() { Stop(); }

Status OpenTcpListener(const std::string& host_port, int* fd_out, int* bound_port) {
  std::string host, port;
  if (!host_port.empty() && host_port[0] == '[') {
    size_t close = host_port.find(']');
    if (close == std::string::npos || close + 1 >= host_port.size() || host_port[close + 1] != ':') {
      return Status::InvalidArgument("bad listen address " + host_port);
    }
    host = host_port.substr(1, close - 1);
    port = host_port.substr(close + 2);
  } else {
    size_t colon = host_port.rfind(':');
    if (colon == std::string::npos) return Status::InvalidArgument("bad listen address " + host_port);
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* results = nullptr;
  int gai =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), port.empty() ? "0" : port.c_str(), &hints, &results);
  if (gai != 0) return Status::InvalidArgument("listen " + host_port + ": " + gai_strerror(gai));
  // Go's net.Listen prefers IPv4 for names such as "localhost".
  addrinfo* chosen = results;
  for (addrinfo* ai = results; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      chosen = ai;
      break;
    }
  }
  int fd = ::socket(chosen->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(results);
    return Status::FromErrno("socket", errno);
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, chosen->ai_addr, chosen->ai_addrlen) != 0) {
    int e = errno;
    freeaddrinfo(results);
    ::close(fd);
    // Go's wording: "listen tcp 127.0.0.1:2379: bind: address already in use".
    std::string why = std::strerror(e);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
    return Status::IOError("listen tcp " + host_port + ": bind: " + why);
  }
  freeaddrinfo(results);
  if (::listen(fd, 1024) != 0) {
    int e = errno;
    ::close(fd);
    return Status::FromErrno("listen tcp " + host_port, e);
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int actual = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                          : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (bound_port != nullptr) *bound_port = actual;
  *fd_out = fd;
  return Status::Ok();
}

Status Server::Listen(const std::string& host_port, GrpcHandoff handoff, int* bound_port) {
  int fd = -1;
  CAIRN_RETURN_IF_ERROR(OpenTcpListener(host_port, &fd, bound_port));
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    ::close(fd);
    return Status::Unavailable("server stopped");
  }
  auto listener = std::make_unique<Listener>();
  listener->fd = fd;
  listener->handoff = std::move(handoff);
  Listener* raw = listener.get();
  listener->accept_thread = std::thread([this, raw] { AcceptLoop(raw); });
  listeners_.push_back(std::move(listener));
  return Status::Ok();
}

void Server::AcceptLoop(Listener* listener) {
  while (true) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(listener->fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
      }
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // Go's accept back-off.
      }
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || threads_running_ >= options_.max_connections) {
        ::close(fd);
        continue;
      }
      threads_running_++;
      open_fds_.insert(fd);
    }
    int nodelay = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay));
    std::thread([this, fd, remote = AddressString(addr), handoff = &listener->handoff] {
      ServeConnection(fd, remote, handoff);
      std::lock_guard<std::mutex> lock(mu_);
      threads_running_--;
      idle_cv_.notify_all();
    }).detach();
  }
}

bool Server::WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  while (true) {
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

void Server::ServeConnection(int fd, const std::string& remote, const GrpcHandoff* handoff) {
  auto forget_fd = [this, fd] {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
  };
  // Step 1: peek at the first bytes.
  Protocol protocol = Protocol::kUnknown;
  const auto deadline = std::chrono::steady_clock::now() + options_.first_bytes_timeout;
  char peek[kPrefaceBytes];
  while (protocol == Protocol::kUnknown) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !WaitReadable(fd, left)) break;
    ssize_t n = ::recv(fd, peek, sizeof(peek), MSG_PEEK);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    protocol = ClassifyFirstBytes(std::string_view(peek, static_cast<size_t>(n)));
    // A proper prefix of the preface: the rest is on its way. The peeked bytes keep the socket
    // readable, so wait a little instead of polling.
    if (protocol == Protocol::kUnknown) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (protocol == Protocol::kHttp2) {
    forget_fd();
    if (handoff != nullptr && *handoff) {
      int flags = fcntl(fd, F_GETFL, 0);
      fcntl(fd, F_SETFL, flags | O_NONBLOCK);
      (*handoff)(fd);  // Step 2: gRPC owns the fd now.
    } else {
      ::close(fd);
    }
    return;
  }
  if (protocol == Protocol::kHttp1) ServeHttp1(fd, remote);  // Step 3.
  forget_fd();
  ::close(fd);
}

void Server::ServeHttp1(int fd, const std::string& remote) {
  RequestParser parser(options_.limits);
  char buf[16384];
  while (true) {
    Request request;
    int error_status = 0;
    RequestParser::State state = parser.Next(&request, &error_status);
    if (state == RequestParser::State::kError) {
      Response response;
      response.SetError(error_status, StatusText(error_status));
      SendAll(fd, SerializeResponse(response, /*keep_alive=*/false, /*head_only=*/false));
      return;
    }
    if (state == RequestParser::State::kNeedMore) {
      if (parser.WantsContinue() && !parser.ContinueAlreadySent()) {
        if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
        parser.ContinueSent();
      }
      if (!WaitReadable(fd, options_.idle_timeout)) return;
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      parser.Feed(std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    request.remote_address = remote;
    Response response;
    handler_(request, &response);
    bool keep_alive = request.KeepAlive();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) keep_alive = false;
    }
    if (response.stream) {
      if (!SendAll(fd, SerializeStreamHead(response, keep_alive))) return;
      SocketChunkWriter writer(fd);
      response.stream(writer);
      if (!writer.Finish()) return;
    } else if (!SendAll(fd, SerializeResponse(response, keep_alive, request.method == "HEAD"))) {
      return;
    }
    if (!keep_alive) return;
  }
}

void Server::Stop() {
  std::vector<std::unique_ptr<Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    listeners.swap(listeners_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& l : listeners) {
    ::shutdown(l->fd, SHUT_RDWR);
    if (l->accept_thread.joinable()) l->accept_thread.join();
    ::close(l->fd);
  }
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return threads_running_ == 0; });
}

size_t Server::ActiveConnections() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_fds_.size();
}

}  // namespace cairn::http
