#include "server/allocator/release.h"

#include <mutex>

// mimalloc's C API, declared weak: resolved when //third_party:mimalloc is linked (the cairn
// binary), null otherwise. The option is passed as its enum value (mimalloc.h is not on the
// include path of libraries that do not link mimalloc).
extern "C" {
int mi_version(void) __attribute__((weak));
long mi_option_get(int option) __attribute__((weak));
void mi_option_set(int option, long value) __attribute__((weak));
}

namespace cairn::allocator {
namespace {

// mimalloc 2.0.x: mi_option_decommit_delay in enum mi_option_e (include/mimalloc.h).
constexpr int kMiOptionDecommitDelay = 15;
constexpr int kMiVersionMin = 200;  // 2.0.0
constexpr int kMiVersionMax = 209;  // 2.0.9 (Debian bookworm/trixie); 2.1 renamed it "purge_delay"

std::mutex mu;
int open_windows = 0;   // guarded by mu
long saved_delay = 0;   // guarded by mu: the delay before the first open window

}  // namespace

bool Tunable() {
  if (mi_version == nullptr || mi_option_get == nullptr || mi_option_set == nullptr) return false;
  const int v = mi_version();
  return v >= kMiVersionMin && v <= kMiVersionMax;
}

ScopedEagerRelease::ScopedEagerRelease() {
  if (!Tunable()) return;
  std::lock_guard<std::mutex> lock(mu);
  if (open_windows++ == 0) {
    saved_delay = mi_option_get(kMiOptionDecommitDelay);
    mi_option_set(kMiOptionDecommitDelay, 0);
  }
}

ScopedEagerRelease::~ScopedEagerRelease() {
  if (!Tunable()) return;
  std::lock_guard<std::mutex> lock(mu);
  if (--open_windows == 0) mi_option_set(kMiOptionDecommitDelay, saved_delay);
}

}  // namespace cairn::allocator
