// OpenTcpListener (declared in server.h): Go's net.Listen("tcp", host:port) for our listeners.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "server/http/server.h"

namespace cairn::http {

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
  if (::listen(fd, 4096) != 0) {
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

}  // namespace cairn::http
