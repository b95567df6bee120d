#include "bench/etcd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "proto/rpc.grpc.pb.h"

namespace cairn::bench::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) abort();
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

Status EtcdProcess::Start(const EtcdTls& tls, const EtcdTls& client) {
  if (access("/usr/bin/etcd", X_OK) != 0)
    return Status::NotFound("/usr/bin/etcd (Debian etcd-server) is required");
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string templ = std::string(tmp != nullptr ? tmp : "/tmp") + "/etcd.XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return Status::FromErrno("mkdtemp", errno);
  dir_ = templ;
  endpoint_ = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  const bool use_tls = !tls.cert_file.empty();
  const std::string client_url = std::string(use_tls ? "https://" : "http://") + endpoint_;
  const std::string peer_url = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  std::vector<std::string> args = {"etcd",
                                   "--name=default",
                                   "--data-dir=" + dir_ + "/data",
                                   "--listen-client-urls=" + client_url,
                                   "--advertise-client-urls=" + client_url,
                                   "--listen-peer-urls=" + peer_url,
                                   "--initial-advertise-peer-urls=" + peer_url,
                                   "--initial-cluster=default=" + peer_url};
  if (use_tls) {
    args.push_back("--cert-file=" + tls.cert_file);
    args.push_back("--key-file=" + tls.key_file);
    args.push_back("--trusted-ca-file=" + tls.trusted_ca_file);
    args.push_back("--client-cert-auth");
  }
  const std::string log = dir_ + "/etcd.log";
  pid_ = fork();
  if (pid_ < 0) return Status::FromErrno("fork", errno);
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/usr/bin/etcd", argv.data());
    _exit(127);
  }
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (use_tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadAll(tls.trusted_ca_file);
    ssl.pem_cert_chain = ReadAll(client.cert_file);
    ssl.pem_private_key = ReadAll(client.key_file);
    creds = grpc::SslCredentials(ssl);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    // A fresh channel (own subchannel pool) per probe: no reconnect backoff carried over from the
    // attempts refused while etcd was starting.
    grpc::ChannelArguments channel_args;
    channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto maintenance =
        etcdserverpb::Maintenance::NewStub(grpc::CreateCustomChannel(endpoint_, creds, channel_args));
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    etcdserverpb::StatusResponse resp;
    if (maintenance->Status(&ctx, etcdserverpb::StatusRequest(), &resp).ok() && resp.leader() != 0) {
      return Status::Ok();
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable("etcd exited during start-up:\n" + ReadAll(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable("etcd not ready after 30 s:\n" + ReadAll(log));
}

void EtcdProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (!dir_.empty()) {
    const std::string cmd = "rm -rf '" + dir_ + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir_.c_str());
    dir_.clear();
  }
}

Status MakeTestCertificates(const std::string& dir) {
  const std::string script_path = dir + "/make_certs.sh";
  {
    std::ofstream script(script_path);
    script
        << "set -e\n"
           "cd \"$1\"\n"
           "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-test-ca -keyout ca-key.pem "
           "-out ca.pem\n"
           "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > server.ext\n"
           "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr\n"
           "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 "
           "-extfile server.ext -out server.pem\n"
           "printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
           "openssl req -newkey rsa:2048 -nodes -subj /CN=root -keyout client-key.pem -out client.csr\n"
           "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 "
           "-extfile client.ext -out client.pem\n";
  }
  const std::string cmd = "sh '" + script_path + "' '" + dir + "' >'" + dir + "/openssl.log' 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    return Status::IOError("openssl failed to make test certificates in " + dir + ":\n" +
                           ReadAll(dir + "/openssl.log"));
  }
  return Status::Ok();
}

}  // namespace cairn::bench::testing
