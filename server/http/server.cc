#include "server/http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "server/http/peer_identity.h"
#include "server/http/tls_relay.h"
#include "server/http/worker_pool.h"

namespace cairn::http {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kPrefaceBytes = sizeof(kHttp2Preface) - 1;  // 24
constexpr uint32_t kConnEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr uint64_t kWakeTag = ~uint64_t{0};
constexpr uint64_t kListenerBit = uint64_t{1} << 40;

std::string AddressString(const sockaddr_storage& addr, std::string* ip_only) {
  char host[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    *ip_only = host;
    return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    *ip_only = host;
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  *ip_only = "";
  return "";
}

// Counters shared by the loop, its connections and the controlling thread.
struct Counters {
  std::atomic<size_t> active{0};
  std::atomic<size_t> pending{0};
};

}  // namespace

Protocol ClassifyFirstBytes(std::string_view bytes) {
  size_t n = std::min(bytes.size(), kPrefaceBytes);
  if (std::string_view(kHttp2Preface, n) != bytes.substr(0, n)) return Protocol::kHttp1;
  return n == kPrefaceBytes ? Protocol::kHttp2 : Protocol::kUnknown;
}

struct Listener {
  int fd = -1;
  GrpcHandoff handoff;
};

// One connection as the loop sees it. A TLS connection is two Conns: the relay (TLS socket + our
// end of the socketpair) and the plaintext inner end, which is served like any plaintext socket.
struct Conn {
  enum class State { kTlsSniff, kHandshake, kRelay, kSniff, kHttp, kBusy };
  State state = State::kSniff;
  int fd = -1;  // the socket this state reads; for kRelay the relay owns its fds
  const Listener* listener = nullptr;
  std::string remote;  // "127.0.0.1:54321"
  std::string source;  // "127.0.0.1": the per-source cap's key
  bool tls = false;
  std::string common_name;
  SSL* ssl = nullptr;  // kHandshake
  std::unique_ptr<TlsRelay> relay;
  std::weak_ptr<Conn> relay_owner;  // inner end -> its relay
  int identity_fd = -1;             // relay: the inner fd registered with RegisterPeerIdentity
  uint64_t identity_generation = 0;
  std::unique_ptr<RequestParser> parser;
  bool pending = false;
  std::list<Conn*>::iterator pending_it, source_it;
  Clock::time_point since;
  bool idle = false;
  std::list<Conn*>::iterator idle_it;
  Clock::time_point idle_since;
  std::shared_ptr<Counters> counters;

  explicit Conn(std::shared_ptr<Counters> c) : counters(std::move(c)) { counters->active++; }
  ~Conn() {
    if (relay) {
      if (identity_generation != 0) ForgetPeerIdentity(identity_fd, identity_generation);
      relay.reset();
    }
    SSL_free(ssl);
    if (fd >= 0) ::close(fd);
    counters->active--;
  }
};

struct Server::Loop : std::enable_shared_from_this<Server::Loop> {
  Loop(Options o, Handler h) : options(std::move(o)), handler(std::move(h)), pool(options.max_handlers) {}
  ~Loop() {
    for (auto& l : listeners) ::close(l->fd);
    if (epfd >= 0) ::close(epfd);
    if (wakefd >= 0) ::close(wakefd);
  }

  const Options options;
  const Handler handler;
  WorkerPool pool;
  std::shared_ptr<Counters> counters = std::make_shared<Counters>();
  int epfd = -1;
  int wakefd = -1;
  std::atomic<bool> stopping{false};  // read by workers: streams end, keep-alive ends

  // Controlling thread <-> loop.
  std::mutex mu;
  std::vector<std::unique_ptr<Listener>> listeners;  // guarded by mu; entries never move
  std::vector<std::pair<std::shared_ptr<Conn>, bool>> returned;  // from workers: conn, keep alive
  std::vector<std::pair<std::shared_ptr<Conn>, std::shared_ptr<Conn>>> adopted;  // relay, inner
  bool stop_accepting_requested = false;
  bool stop_requested = false;

  // Set before the threads start: the loops that run established TLS relays (round robin; this
  // loop included), so TLS crypto and copies spread over cores while this loop keeps accepting.
  std::vector<Loop*> relay_loops;

  // Loop thread only.
  size_t next_relay_loop = 0;
  std::unordered_map<int, std::shared_ptr<Conn>> by_fd;
  std::list<Conn*> pending;
  std::unordered_map<std::string, std::list<Conn*>> pending_by_source;
  std::list<Conn*> idle;
  size_t busy = 0;
  bool accepting_stopped = false;
  bool accept_retry = false;    // a listener may have more waiting: retry at once
  bool accept_starved = false;  // out of fds with nothing to evict: retry 100 ms later
  Clock::time_point accept_starved_since;
  Clock::time_point stop_deadline;
  // Rejection log rate limit: 10 per second.
  Clock::time_point reject_window;
  int reject_in_window = 0;
  uint64_t reject_suppressed = 0;

  void Wake() {
    uint64_t one = 1;
    ssize_t ignored = ::write(wakefd, &one, sizeof(one));
    (void)ignored;
  }

  void Run();
  void OnListener(Listener* l);
  void OnConn(const std::shared_ptr<Conn>& c);
  void Register(const std::shared_ptr<Conn>& c, int fd) {
    by_fd[fd] = c;
    epoll_event ev{};
    ev.events = kConnEvents;
    ev.data.u64 = static_cast<uint64_t>(fd);
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  }
  void Unregister(int fd) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);
    by_fd.erase(fd);
  }
  void AddPending(Conn* c);
  void RemovePending(Conn* c);
  void AddIdle(Conn* c) {
    c->idle = true;
    c->idle_since = Clock::now();
    c->idle_it = idle.insert(idle.end(), c);
  }
  void RemoveIdle(Conn* c) {
    if (!c->idle) return;
    idle.erase(c->idle_it);
    c->idle = false;
  }
  void Close(Conn* c);
  bool EvictOldest();
  void Reject(Conn* c, std::string error);
  void TlsSniff(const std::shared_ptr<Conn>& c);
  void Handshake(const std::shared_ptr<Conn>& c);
  void Sniff(const std::shared_ptr<Conn>& c);
  void ReadHttp(const std::shared_ptr<Conn>& c);
  void Dispatch(const std::shared_ptr<Conn>& c, Request request);
  void ServeOnWorker(const std::shared_ptr<Conn>& c, Request request);
  void Expire(Clock::time_point now);
  void DoStopAccepting();
  void DrainReturned();
  void Adopt(const std::shared_ptr<Conn>& relay, const std::shared_ptr<Conn>& inner);
};

// ---------------------------------------------------------------------------- pending bounds

void Server::Loop::AddPending(Conn* c) {
  auto& same_source = pending_by_source[c->source];
  while (same_source.size() >= options.max_pending_per_source && !same_source.empty()) {
    Close(same_source.front());
  }
  while (pending.size() >= options.max_pending && !pending.empty()) Close(pending.front());
  c->pending = true;
  c->since = Clock::now();
  c->pending_it = pending.insert(pending.end(), c);
  auto& list = pending_by_source[c->source];  // Close() may have erased the entry
  c->source_it = list.insert(list.end(), c);
  counters->pending++;
}

void Server::Loop::RemovePending(Conn* c) {
  if (!c->pending) return;
  pending.erase(c->pending_it);
  auto it = pending_by_source.find(c->source);
  it->second.erase(c->source_it);
  if (it->second.empty()) pending_by_source.erase(it);
  c->pending = false;
  counters->pending--;
}

bool Server::Loop::EvictOldest() {
  if (!pending.empty()) {
    Close(pending.front());
    return true;
  }
  if (!idle.empty()) {
    Close(idle.front());
    return true;
  }
  return false;
}

void Server::Loop::Close(Conn* c) {
  RemovePending(c);
  RemoveIdle(c);
  if (c->relay) {
    int tcp = c->relay->tcp_fd(), pair = c->relay->pair_fd();
    epoll_ctl(epfd, EPOLL_CTL_DEL, tcp, nullptr);
    epoll_ctl(epfd, EPOLL_CTL_DEL, pair, nullptr);
    std::shared_ptr<Conn> keep;  // the last owners may be these entries
    if (auto it = by_fd.find(tcp); it != by_fd.end()) keep = it->second;
    by_fd.erase(tcp);
    by_fd.erase(pair);
    return;  // ~Conn forgets the identity and closes both fds
  }
  if (c->fd >= 0) Unregister(c->fd);  // may destroy *c
}

void Server::Loop::Reject(Conn* c, std::string error) {
  if (!options.on_tls_rejected) return;
  const Clock::time_point now = Clock::now();
  if (now - reject_window >= std::chrono::seconds(1)) {
    reject_window = now;
    reject_in_window = 0;
  }
  if (++reject_in_window > 10) {
    reject_suppressed++;
    return;
  }
  TlsRejection r;
  r.remote_addr = c->remote;
  if (c->ssl != nullptr) {
    const char* sni = SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name);
    if (sni != nullptr) r.server_name = sni;
  }
  r.error = std::move(error);
  r.suppressed = reject_suppressed;
  reject_suppressed = 0;
  options.on_tls_rejected(r);
}

// ---------------------------------------------------------------------------- the loop

void Server::Loop::OnListener(Listener* l) {
  if (accepting_stopped) return;
  for (int i = 0; i < 256; i++) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(l->fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        if (EvictOldest()) continue;
        accept_starved = true;
        accept_starved_since = Clock::now();
      }
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_shared<Conn>(counters);
    c->fd = fd;
    c->listener = l;
    c->remote = AddressString(addr, &c->source);
    c->state = options.tls ? Conn::State::kTlsSniff : Conn::State::kSniff;
    AddPending(c.get());
    Register(c, fd);
  }
  accept_retry = true;  // more may be waiting: edge-triggered listeners are retried on the tick
}

void Server::Loop::TlsSniff(const std::shared_ptr<Conn>& c) {
  unsigned char first = 0;
  ssize_t n = ::recv(c->fd, &first, 1, MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    Close(c.get());
    return;
  }
  if (first != 0x16) {  // not a TLS handshake record: etcd closes without an answer
    // Read what came (bounded) so the close is a FIN, as Go's, not a reset: clients then report
    // "empty reply" rather than a network error.
    char drain[4096];
    ssize_t ignored = ::recv(c->fd, drain, sizeof(drain), 0);
    (void)ignored;
    Reject(c.get(), "tls: first record does not look like a TLS handshake");
    Close(c.get());
    return;
  }
  std::string reload_error;
  c->ssl = options.tls->NewSsl(&reload_error);
  if (!reload_error.empty() && options.on_tls_reload_failed) options.on_tls_reload_failed(reload_error);
  if (c->ssl == nullptr) {
    Close(c.get());
    return;
  }
  SSL_set_fd(c->ssl, c->fd);
  SSL_set_accept_state(c->ssl);
  c->state = Conn::State::kHandshake;
  Handshake(c);
}

void Server::Loop::Handshake(const std::shared_ptr<Conn>& c) {
  ERR_clear_error();
  int r = SSL_do_handshake(c->ssl);
  if (r != 1) {
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
    Reject(c.get(), tls::TakeOpenSslError(c->ssl, err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN
                                                      ? "EOF"
                                                      : "tls: handshake failure"));
    Close(c.get());
    return;
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
    Close(c.get());
    return;
  }
  RemovePending(c.get());
  c->common_name = tls::VerifiedCommonName(c->ssl);
  const int tcp = c->fd;
  Unregister(tcp);  // `c` stays alive: the caller holds it
  c->relay = std::make_unique<TlsRelay>(c->ssl, tcp, sv[0]);
  c->ssl = nullptr;
  c->fd = -1;
  c->state = Conn::State::kRelay;
  c->identity_fd = sv[1];
  auto inner = std::make_shared<Conn>(counters);
  inner->fd = sv[1];
  inner->listener = c->listener;
  inner->remote = c->remote;
  inner->source = c->source;
  inner->tls = true;
  inner->common_name = c->common_name;
  inner->relay_owner = c;
  inner->state = Conn::State::kSniff;
  Loop* target = relay_loops.empty() ? this : relay_loops[next_relay_loop++ % relay_loops.size()];
  if (target == this) {
    Adopt(c, inner);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(target->mu);
    target->adopted.emplace_back(c, inner);
  }
  target->Wake();
}

// Takes an established TLS connection (relay and plaintext inner end) into this loop.
void Server::Loop::Adopt(const std::shared_ptr<Conn>& c, const std::shared_ptr<Conn>& inner) {
  if (stopping) return;  // both are closed by their destructors
  by_fd[c->relay->tcp_fd()] = c;
  by_fd[c->relay->pair_fd()] = c;
  for (int fd : {c->relay->tcp_fd(), c->relay->pair_fd()}) {
    epoll_event ev{};
    ev.events = kConnEvents;
    ev.data.u64 = static_cast<uint64_t>(fd);
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  }
  AddPending(inner.get());
  Register(inner, inner->fd);
  if (!c->relay->Pump()) Close(c.get());
}

void Server::Loop::Sniff(const std::shared_ptr<Conn>& c) {
  char peek[kPrefaceBytes];
  ssize_t n = ::recv(c->fd, peek, sizeof(peek), MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    Close(c.get());
    return;
  }
  Protocol p = ClassifyFirstBytes(std::string_view(peek, static_cast<size_t>(n)));
  if (p == Protocol::kUnknown) return;  // the rest of the preface is on its way
  if (p == Protocol::kHttp2) {
    RemovePending(c.get());
    const int fd = c->fd;
    c->fd = -1;
    Unregister(fd);
    if (!c->listener->handoff) {
      ::close(fd);
      return;
    }
    if (c->tls) {
      uint64_t generation = RegisterPeerIdentity(fd, c->common_name);
      if (auto owner = c->relay_owner.lock()) owner->identity_generation = generation;
    } else {
      ForgetPeerIdentity(fd);  // never let a plaintext connection inherit a stale identity
    }
    c->listener->handoff(fd);  // gRPC owns the fd now
    return;
  }
  c->state = Conn::State::kHttp;
  c->parser = std::make_unique<RequestParser>(options.limits);
  ReadHttp(c);
}

void Server::Loop::ReadHttp(const std::shared_ptr<Conn>& c) {
  char buf[16384];
  bool eof = false;
  while (true) {
    ssize_t n = ::recv(c->fd, buf, sizeof(buf), 0);
    if (n > 0) {
      c->parser->Feed(std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    Close(c.get());
    return;
  }
  Request request;
  int error_status = 0;
  RequestParser::State state = c->parser->Next(&request, &error_status);
  if (state == RequestParser::State::kError) {
    Response response;
    response.SetError(error_status, StatusText(error_status));
    std::string bytes = SerializeResponse(response, /*keep_alive=*/false, /*head_only=*/false);
    ssize_t ignored = ::send(c->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    (void)ignored;
    Close(c.get());
    return;
  }
  if (state == RequestParser::State::kNeedMore) {
    if (eof) {
      Close(c.get());
      return;
    }
    if (c->parser->WantsContinue() && !c->parser->ContinueAlreadySent()) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      ssize_t ignored = ::send(c->fd, kContinue, sizeof(kContinue) - 1, MSG_NOSIGNAL);
      (void)ignored;
      c->parser->ContinueSent();
    }
    return;
  }
  Dispatch(c, std::move(request));
}

void Server::Loop::Dispatch(const std::shared_ptr<Conn>& c, Request request) {
  RemovePending(c.get());
  RemoveIdle(c.get());
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, nullptr);  // the worker owns the socket until it returns it
  c->state = Conn::State::kBusy;
  busy++;
  pool.Submit([self = shared_from_this(), c, request = std::move(request)]() mutable {
    self->ServeOnWorker(c, std::move(request));
  });
}

void Server::Loop::OnConn(const std::shared_ptr<Conn>& c) {
  switch (c->state) {
    case Conn::State::kTlsSniff: TlsSniff(c); break;
    case Conn::State::kHandshake: Handshake(c); break;
    case Conn::State::kRelay:
      if (!c->relay->Pump()) Close(c.get());
      break;
    case Conn::State::kSniff: Sniff(c); break;
    case Conn::State::kHttp: ReadHttp(c); break;
    case Conn::State::kBusy: break;
  }
}

void Server::Loop::Expire(Clock::time_point now) {
  while (!pending.empty() && now - pending.front()->since >= options.pending_timeout) Close(pending.front());
  while (!idle.empty() && now - idle.front()->idle_since >= options.idle_timeout) Close(idle.front());
}

void Server::Loop::DoStopAccepting() {
  accepting_stopped = true;
  stopping = true;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& l : listeners) {
      epoll_ctl(epfd, EPOLL_CTL_DEL, l->fd, nullptr);
      ::shutdown(l->fd, SHUT_RDWR);
    }
  }
  // Everything that is not a TLS relay (gRPC may still drain through one) or a busy handler.
  std::vector<Conn*> doomed;
  for (auto& [fd, c] : by_fd) {
    if (c->state != Conn::State::kRelay && c->state != Conn::State::kBusy) doomed.push_back(c.get());
  }
  for (Conn* c : doomed) Close(c);
}

void Server::Loop::DrainReturned() {
  std::vector<std::pair<std::shared_ptr<Conn>, bool>> items;
  std::vector<std::pair<std::shared_ptr<Conn>, std::shared_ptr<Conn>>> relays;
  {
    std::lock_guard<std::mutex> lock(mu);
    items.swap(returned);
    relays.swap(adopted);
  }
  for (auto& [relay, inner] : relays) Adopt(relay, inner);
  for (auto& [c, keep] : items) {
    busy--;
    if (!keep || stopping) {
      Unregister(c->fd);
      continue;
    }
    c->state = Conn::State::kHttp;
    AddIdle(c.get());
    epoll_event ev{};
    ev.events = kConnEvents;
    ev.data.u64 = static_cast<uint64_t>(c->fd);
    epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);  // reports data that came meanwhile
  }
}

void Server::Loop::Run() {
  std::vector<epoll_event> events(256);
  bool stop_accepting_done = false;
  while (true) {
    // A listener with more waiting than one round accepts (edge-triggered) is retried at once.
    int n = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), accept_retry ? 0 : 100);
    for (int i = 0; i < n; i++) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) {
        uint64_t v;
        ssize_t ignored = ::read(wakefd, &v, sizeof(v));
        (void)ignored;
        continue;
      }
      if (tag & kListenerBit) {
        Listener* l = nullptr;
        {
          std::lock_guard<std::mutex> lock(mu);
          const int lfd = static_cast<int>(tag & ~kListenerBit);
          for (auto& x : listeners) {
            if (x->fd == lfd) l = x.get();
          }
        }
        if (l != nullptr) OnListener(l);
        continue;
      }
      auto it = by_fd.find(static_cast<int>(tag));
      if (it == by_fd.end()) continue;
      std::shared_ptr<Conn> c = it->second;
      OnConn(c);
    }
    DrainReturned();
    const Clock::time_point now = Clock::now();
    Expire(now);
    if ((accept_retry || (accept_starved && now - accept_starved_since >= std::chrono::milliseconds(100))) &&
        !accepting_stopped) {
      accept_retry = false;
      accept_starved = false;
      std::vector<Listener*> ls;
      {
        std::lock_guard<std::mutex> lock(mu);
        for (auto& x : listeners) ls.push_back(x.get());
      }
      for (Listener* l : ls) OnListener(l);
    }
    bool stop_accepting, stop;
    {
      std::lock_guard<std::mutex> lock(mu);
      stop_accepting = stop_accepting_requested;
      stop = stop_requested;
    }
    if ((stop_accepting || stop) && !stop_accepting_done) {
      DoStopAccepting();
      stop_accepting_done = true;
    }
    if (stop) {
      if (stop_deadline == Clock::time_point{}) {
        stop_deadline = now + options.stop_grace;
        std::vector<std::shared_ptr<Conn>> rest;  // the TLS relays and their inner ends
        for (auto& [fd, c] : by_fd) {
          if (c->state != Conn::State::kBusy) rest.push_back(c);
        }
        for (auto& c : rest) Close(c.get());
      }
      if (busy == 0 || now >= stop_deadline) break;
    }
  }
  // Handlers still busy past the grace: their socket is shut down so their writes fail; the worker
  // shares the connection and closes it when it returns.
  for (auto& [fd, c] : by_fd) {
    if (c->state == Conn::State::kBusy) ::shutdown(c->fd, SHUT_RDWR);
  }
  by_fd.clear();
  pending.clear();
  pending_by_source.clear();
  idle.clear();
}

// ---------------------------------------------------------------------------- workers

namespace {

// Writes everything to a non-blocking socket, waiting for room in slices so that a stopping
// server (or a client that stopped reading for 30 s) ends the write.
bool SendAll(int fd, std::string_view data, const std::atomic<bool>& stopping) {
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(30);
  Clock::time_point stop_give_up{};
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const Clock::time_point now = Clock::now();
    if (now >= give_up) return false;
    if (stopping.load()) {
      if (stop_give_up == Clock::time_point{}) stop_give_up = now + std::chrono::seconds(1);
      if (now >= stop_give_up) return false;
    }
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 200);
  }
  return true;
}

class SocketChunkWriter : public ChunkWriter {
 public:
  SocketChunkWriter(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  bool WriteChunk(std::string_view data) override {
    if (!ok_) return false;
    if (stopping_.load()) return ok_ = false;
    if (data.empty()) {  // a probe: has the client gone?
      char c;
      ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) ok_ = false;
      return ok_;
    }
    char size[32];
    snprintf(size, sizeof(size), "%zx\r\n", data.size());
    std::string frame = size;
    frame.append(data);
    frame.append("\r\n");
    ok_ = SendAll(fd_, frame, stopping_);
    return ok_;
  }
  bool Finish() { return ok_ && SendAll(fd_, "0\r\n\r\n", stopping_); }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
  bool ok_ = true;
};

}  // namespace

void Server::Loop::ServeOnWorker(const std::shared_ptr<Conn>& c, Request request) {
  bool keep_alive = false;
  while (true) {
    request.remote_address = c->remote;
    request.tls = c->tls;
    request.tls_common_name = c->common_name;
    Response response;
    handler(request, &response);
    keep_alive = request.KeepAlive() && !stopping.load();
    bool sent;
    if (response.stream) {
      sent = SendAll(c->fd, SerializeStreamHead(response, keep_alive), stopping);
      if (sent) {
        SocketChunkWriter writer(c->fd, stopping);
        response.stream(writer);
        sent = writer.Finish();
      }
    } else {
      sent = SendAll(c->fd, SerializeResponse(response, keep_alive, request.method == "HEAD"), stopping);
    }
    if (!sent || !keep_alive) {
      keep_alive = false;
      break;
    }
    // A pipelined request already buffered is served right here.
    Request next;
    int error_status = 0;
    RequestParser::State state = c->parser->Next(&next, &error_status);
    if (state == RequestParser::State::kRequest) {
      request = std::move(next);
      continue;
    }
    if (state == RequestParser::State::kError) {
      Response error;
      error.SetError(error_status, StatusText(error_status));
      SendAll(c->fd, SerializeResponse(error, false, false), stopping);
      keep_alive = false;
    }
    break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    returned.emplace_back(c, keep_alive);
  }
  Wake();
}

// ---------------------------------------------------------------------------- Server

Server::Server(Options options, std::shared_ptr<const Mux> mux)
    : Server(std::move(options),
             [mux = std::move(mux)](const Request& r, Response* w) { mux->Serve(r, w); }) {}

Server::Server(Options options, Handler handler) {
  // OpenSSL writes TLS records with write(2), not send(MSG_NOSIGNAL): a client that went away
  // must not kill the process. Process-wide, as Go's runtime does for sockets.
  ::signal(SIGPIPE, SIG_IGN);
  // TLS servers run relays on up to 4 loops (one per core); plaintext needs one.
  const size_t n = options.tls ? std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4) : 1;
  auto counters = std::make_shared<Counters>();
  for (size_t i = 0; i < n; i++) {
    auto loop = std::make_shared<Loop>(options, handler);
    loop->counters = counters;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev);
    loops_.push_back(std::move(loop));
  }
  loop_ = loops_[0];
  if (n > 1) {
    for (auto& l : loops_) loop_->relay_loops.push_back(l.get());
  }
  for (auto& l : loops_) threads_.emplace_back([loop = l] { loop->Run(); });
}

Server::~Server() { Stop(); }

Status Server::Listen(const std::string& host_port, GrpcHandoff handoff, int* bound_port) {
  int fd = -1;
  CAIRN_RETURN_IF_ERROR(OpenTcpListener(host_port, &fd, bound_port));
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::lock_guard<std::mutex> lock(loop_->mu);
  if (loop_->stop_accepting_requested || loop_->stop_requested) {
    ::close(fd);
    return Status::Unavailable("server stopped");
  }
  auto l = std::make_unique<Listener>();
  l->fd = fd;
  l->handoff = std::move(handoff);
  loop_->listeners.push_back(std::move(l));
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = kListenerBit | static_cast<uint64_t>(fd);
  epoll_ctl(loop_->epfd, EPOLL_CTL_ADD, fd, &ev);
  return Status::Ok();
}

void Server::StopAccepting() {
  for (auto& l : loops_) {
    {
      std::lock_guard<std::mutex> lock(l->mu);
      l->stop_accepting_requested = true;
    }
    l->stopping = true;
    l->Wake();
  }
}

void Server::Stop() {
  for (auto& l : loops_) {
    {
      std::lock_guard<std::mutex> lock(l->mu);
      l->stop_requested = true;
    }
    l->stopping = true;
    l->Wake();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t Server::ActiveConnections() { return loop_->counters->active.load(); }
size_t Server::PendingConnections() { return loop_->counters->pending.load(); }

}  // namespace cairn::http
