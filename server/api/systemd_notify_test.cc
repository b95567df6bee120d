#include "server/api/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace cairn::api {
namespace {

// A datagram socket bound to `name` ('@' = abstract), as systemd creates it.
int BindDatagram(const std::string& name) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  EXPECT_LT(name.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, name.data(), std::min(name.size(), sizeof(addr.sun_path) - 1));
  if (name[0] == '@') addr.sun_path[0] = '\0';
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())),
            0)
      << std::strerror(errno);
  return fd;
}

std::string Receive(int fd) {
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
  return n < 0 ? std::string("<nothing: ") + std::strerror(errno) + ">"
               : std::string(buf, static_cast<size_t>(n));
}

// TEST_TMPDIR is usually longer than sun_path's 108 bytes: a short private directory in /tmp,
// removed by the test that made it.
std::string TempSocketPath() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/cairn-notify-XXXXXX";
    return std::string(::mkdtemp(tmpl));
  }();
  return dir + "/n.sock";
}

TEST(SystemdNotifyTest, SendsReadyToAPathSocket) {
  const std::string path = TempSocketPath();
  ::unlink(path.c_str());
  const int fd = BindDatagram(path);
  ASSERT_TRUE(SdNotify(path, "READY=1").ok());
  EXPECT_EQ(Receive(fd), "READY=1");
  ::close(fd);
  ::unlink(path.c_str());
  ::rmdir(path.substr(0, path.rfind('/')).c_str());
}

TEST(SystemdNotifyTest, SendsReadyToAnAbstractSocket) {
  const std::string name = "@cairn-notify-test-" + std::to_string(::getpid());
  const int fd = BindDatagram(name);
  ASSERT_TRUE(SdNotify(name, "READY=1").ok());
  EXPECT_EQ(Receive(fd), "READY=1");
  ::close(fd);
}

TEST(SystemdNotifyTest, NotifySystemdReadyReadsTheEnvironment) {
  const std::string name = "@cairn-notify-env-" + std::to_string(::getpid());
  const int fd = BindDatagram(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  NotifySystemdReady(logging::DefaultLogger());
  EXPECT_EQ(Receive(fd), "READY=1");
  ::unsetenv("NOTIFY_SOCKET");
  NotifySystemdReady(logging::DefaultLogger());  // no socket: nothing sent
  EXPECT_EQ(Receive(fd).rfind("<nothing", 0), 0u);
  ::close(fd);
}

TEST(SystemdNotifyTest, ErrorsAreStatuses) {
  EXPECT_FALSE(SdNotify("/nonexistent-dir-cairn/n.sock", "READY=1").ok());
  EXPECT_FALSE(SdNotify("/" + std::string(200, 'x'), "READY=1").ok());
  EXPECT_FALSE(SdNotify("relative.sock", "READY=1").ok());
  EXPECT_FALSE(SdNotify("", "READY=1").ok());
}

}  // namespace
}  // namespace cairn::api
