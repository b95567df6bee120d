#include "server/http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace cairn::http::testing {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

bool SendRaw(int fd, const std::string& raw) {
  size_t off = 0;
  while (off < raw.size()) {
    ssize_t n = send(fd, raw.data() + off, raw.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Reads until `buf` holds at least `n` bytes; false on close.
bool Fill(int fd, std::string* buf, size_t n) {
  char tmp[8192];
  while (buf->size() < n) {
    ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
    if (r <= 0) return false;
    buf->append(tmp, static_cast<size_t>(r));
  }
  return true;
}

bool FillUntil(int fd, std::string* buf, const std::string& marker, size_t from) {
  char tmp[8192];
  while (buf->find(marker, from) == std::string::npos) {
    ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
    if (r <= 0) return false;
    buf->append(tmp, static_cast<size_t>(r));
  }
  return true;
}

}  // namespace

ClientResponse ReadResponse(int fd) {
  ClientResponse out;
  // Bytes read past the previous response on this fd (pipelined responses).
  static std::map<int, std::string> leftovers;
  static std::mutex leftovers_mu;
  std::string buf;
  {
    std::lock_guard<std::mutex> lock(leftovers_mu);
    buf = std::move(leftovers[fd]);
    leftovers.erase(fd);
  }
  struct SaveRest {
    int fd;
    std::string* buf;
    size_t* consumed;
    ~SaveRest() {
      if (*consumed < buf->size()) {
        std::lock_guard<std::mutex> lock(leftovers_mu);
        leftovers[fd] = buf->substr(*consumed);
      }
    }
  };
  size_t consumed = 0;
  SaveRest save{fd, &buf, &consumed};
  while (true) {
    if (!FillUntil(fd, &buf, "\r\n\r\n", 0)) return out;
    size_t end = buf.find("\r\n\r\n");
    std::string head = buf.substr(0, end);
    buf.erase(0, end + 4);
    int status = std::atoi(head.c_str() + 9);
    if (status == 100) continue;  // interim response
    out.status = status;
    out.head = head;
    break;
  }
  std::string lower = out.head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (size_t cl = lower.find("content-length: "); cl != std::string::npos) {
    size_t length = std::strtoul(lower.c_str() + cl + 16, nullptr, 10);
    Fill(fd, &buf, length);
    out.body = buf.substr(0, length);
    consumed = std::min(length, buf.size());
  } else if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    size_t pos = 0;
    while (true) {
      if (!FillUntil(fd, &buf, "\r\n", pos)) break;
      size_t nl = buf.find("\r\n", pos);
      size_t chunk = std::strtoul(buf.c_str() + pos, nullptr, 16);
      pos = nl + 2;
      if (!Fill(fd, &buf, pos + chunk + 2)) break;
      if (chunk == 0) {
        consumed = pos + 2;
        break;
      }
      out.body += buf.substr(pos, chunk);
      pos += chunk + 2;
    }
  } else {
    char tmp[8192];
    ssize_t r;
    while ((r = recv(fd, tmp, sizeof(tmp), 0)) > 0) buf.append(tmp, static_cast<size_t>(r));
    out.body = buf;
    consumed = buf.size();
  }
  return out;
}

ClientResponse Get(int port, const std::string& target, const std::string& method) {
  int fd = Connect(port);
  if (fd < 0) return {};
  SendRaw(fd, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ClientResponse r = ReadResponse(fd);
  close(fd);
  return r;
}

}  // namespace cairn::http::testing
