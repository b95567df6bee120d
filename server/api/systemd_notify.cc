#include "server/api/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cairn::api {

Status SdNotify(const std::string& socket_name, const std::string& state) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_name.empty() || (socket_name[0] != '/' && socket_name[0] != '@') ||
      socket_name.size() > sizeof(addr.sun_path)) {
    return Status::InvalidArgument("NOTIFY_SOCKET \"" + socket_name +
                                   "\" is not an absolute path or @abstract name");
  }
  std::memcpy(addr.sun_path, socket_name.data(), socket_name.size());
  if (socket_name[0] == '@') addr.sun_path[0] = '\0';
  const socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket(AF_UNIX, SOCK_DGRAM)", errno);
  ssize_t n;
  do {
    n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), len);
  } while (n < 0 && errno == EINTR);
  const int err = errno;
  ::close(fd);
  if (n < 0) return Status::FromErrno("sendto " + socket_name, err);
  if (static_cast<size_t>(n) != state.size()) return Status::IOError("short datagram to " + socket_name);
  return Status::Ok();
}

void NotifySystemdReady(logging::Logger& lg) {
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (socket_name == nullptr || socket_name[0] == '\0') return;
  lg.Info("notifying init daemon");
  if (Status st = SdNotify(socket_name, "READY=1"); !st.ok()) {
    lg.Error("failed to notify systemd for readiness", {logging::Error(st)});
    return;
  }
  lg.Info("successfully notified init daemon");
}

}  // namespace cairn::api
