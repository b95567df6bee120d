// CertExpiryMonitor: the expiry of the certificates this member serves, where operators look
// (issue 12: a kubeadm etcd's one-year certificates expiring unnoticed is the most common way it
// goes down):
//   - the gauge cairn_tls_certificate_expiry_timestamp_seconds{file="<path>"} (Unix seconds of the
//     certificate's notAfter), so an alert can fire weeks ahead
//     (cairn_tls_certificate_expiry_timestamp_seconds - time() < 30 * 86400);
//   - a warning log line "certificate expires soon" (file, expires, residual) when a checked
//     certificate has less than kWarnBefore left, at start-up and after each rotation.
// Check() is called at start-up for --cert-file and --peer-cert-file (also the --auto-tls ones)
// and again whenever the client TLS context reloads a rotated certificate.
//
// Thread-safety: Check() may be called from any thread.
#pragma once

#include <chrono>
#include <string>

#include "server/logging/logger.h"
#include "server/metrics/registry.h"

namespace cairn::api {

class CertExpiryMonitor {
 public:
  static constexpr std::chrono::hours kWarnBefore{30 * 24};

  CertExpiryMonitor(logging::Logger& lg, metrics::Registry& registry);

  // Reads `cert_file`'s first certificate; sets its gauge and warns when it is near expiry (or
  // expired). An unreadable file is logged as a warning and leaves the gauge as it was.
  void Check(const std::string& cert_file);

 private:
  logging::Logger& lg_;
  metrics::GaugeVec expiry_;
};

}  // namespace cairn::api
