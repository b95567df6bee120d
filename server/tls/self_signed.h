// --auto-tls: a self-signed server certificate, as etcd's transport.SelfCert makes one.
//
// In `dir` (created 0700 if missing) writes cert.pem and key.pem (0600) unless both exist already,
// in which case they are reused (etcd does the same; delete them to get a fresh pair). The
// certificate: a random 128-bit serial, subject O=etcd, valid from now for `validity_years` x 365
// days, key usages digitalSignature + keyEncipherment, extended usage serverAuth (+ clientAuth for
// peers, whose certificate is also their client certificate), one SAN per host
// (an IP SAN for an IP, else a DNS SAN; "host:port" has its port dropped). The key is EC P-256
// (etcd uses P-521; P-256 handshakes are cheaper and every client accepts both).
//
// Thread-safety: a plain function; call it at start-up.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace cairn::tls {

Status EnsureSelfSignedCert(const std::string& dir, const std::vector<std::string>& hosts, int validity_years,
                            bool client_auth, std::string* cert_path, std::string* key_path);

}  // namespace cairn::tls
