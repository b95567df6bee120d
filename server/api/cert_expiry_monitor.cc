#include "server/api/cert_expiry_monitor.h"

#include <ctime>

#include "server/tls/cert_expiry.h"

namespace cairn::api {
namespace {

std::string Rfc3339(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm utc {};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace

CertExpiryMonitor::CertExpiryMonitor(logging::Logger& lg, metrics::Registry& registry)
    : lg_(lg),
      expiry_(registry.NewGaugeVec("cairn_tls_certificate_expiry_timestamp_seconds",
                                   "Unix time at which the served TLS certificate file expires (notAfter).",
                                   {"file"})) {}

void CertExpiryMonitor::Check(const std::string& cert_file) {
  int64_t not_after = 0;
  if (Status st = tls::CertificateNotAfter(cert_file, &not_after); !st.ok()) {
    lg_.Warn("failed to read certificate expiry", {logging::String("file", cert_file), logging::Error(st)});
    return;
  }
  expiry_.With({cert_file}).Set(static_cast<double>(not_after));
  const auto residual = std::chrono::seconds(not_after - static_cast<int64_t>(std::time(nullptr)));
  if (residual < kWarnBefore) {
    lg_.Warn(residual.count() <= 0 ? "certificate has expired" : "certificate expires soon",
             {logging::String("file", cert_file), logging::String("expires", Rfc3339(not_after)),
              logging::Duration("residual", residual)});
  }
}

}  // namespace cairn::api
