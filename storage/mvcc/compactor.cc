#include "storage/mvcc/compactor.h"

#include <algorithm>

namespace cairn::mvcc {
namespace {

constexpr std::chrono::milliseconds kHour{3600 * 1000};
constexpr int kRetryDivisor = 10;

}  // namespace

PeriodicCompactor::PeriodicCompactor(std::chrono::milliseconds period, TimePoint now, Revision current_rev)
    : period_(period),
      compact_interval_(std::min(period, kHour)),
      retry_interval_(std::max(std::chrono::milliseconds(1), std::min(period, kHour) / kRetryDivisor)),
      retentions_(static_cast<size_t>(period / retry_interval_) + 1),
      base_interval_(period),
      last_success_(now) {
  Sample(current_rev);
}

void PeriodicCompactor::Sample(Revision rev) {
  revs_.push_back(rev);
  if (revs_.size() > retentions_) revs_.pop_front();
}

std::optional<Revision> PeriodicCompactor::OnTimer(TimePoint now, Revision current_rev) {
  std::optional<Revision> out;
  // etcd's loop: wake after retry_interval; unless paused or too early, compact at revs[0];
  // then take the next sample.
  if (!paused_ && now - last_success_ >= base_interval_) {
    if (base_interval_ == period_) base_interval_ = compact_interval_;  // waited the first period
    out = revs_.front();
  }
  Sample(current_rev);
  return out;
}

void PeriodicCompactor::OnCompacted(TimePoint now, Revision rev, bool ok) {
  if (ok) last_success_ = now;
}

std::optional<Revision> RevisionCompactor::OnTimer(TimePoint now, Revision current_rev) {
  if (paused_) return std::nullopt;
  const Revision rev = current_rev - retention_;
  if (rev <= 0 || rev == prev_) return std::nullopt;
  return rev;
}

void RevisionCompactor::OnCompacted(TimePoint now, Revision rev, bool ok) {
  if (ok) prev_ = rev;
}

}  // namespace cairn::mvcc
