// CertificateNotAfter: when the first certificate of a PEM file expires, for the server's expiry
// metric and warning (issue 12: one-year kubeadm certificates silently expiring is the most common
// way a kubeadm etcd goes down).
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace cairn::tls {

// Reads `pem_file` and sets *unix_seconds to its first certificate's notAfter. An unreadable file
// or one without a PEM certificate is an error naming the file.
Status CertificateNotAfter(const std::string& pem_file, int64_t* unix_seconds);

}  // namespace cairn::tls
