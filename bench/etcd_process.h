// Test helper: one real etcd (Debian's /usr/bin/etcd) on free loopback ports in a temp dir.
// Start() waits (bounded, 30 s) until it serves with a leader; Stop() (also run by the
// destructor) SIGKILLs it and removes the directory. The child also gets PR_SET_PDEATHSIG, so it
// dies with the test process.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/status.h"

namespace cairn::bench::testing {

struct EtcdTls {
  std::string cert_file;
  std::string key_file;
  std::string trusted_ca_file;  // with client-cert-auth
};

class EtcdProcess {
 public:
  EtcdProcess() = default;
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;
  ~EtcdProcess() { Stop(); }

  // `tls` empty: plaintext http. Otherwise https with client certificate authentication;
  // `client_*` files are used for the readiness probe.
  Status Start(const EtcdTls& tls = {}, const EtcdTls& client = {});
  void Stop();

  const std::string& endpoint() const { return endpoint_; }  // "127.0.0.1:<port>"
  const std::string& dir() const { return dir_; }            // temp dir (data, logs)

 private:
  pid_t pid_ = -1;
  std::string dir_;
  std::string endpoint_;
};

// A free TCP port on 127.0.0.1 (bound then released).
int FreeLoopbackPort();

// Writes ca.pem, server.pem/server-key.pem (SAN IP 127.0.0.1) and client.pem/client-key.pem into
// `dir` with the openssl CLI.
Status MakeTestCertificates(const std::string& dir);

}  // namespace cairn::bench::testing
