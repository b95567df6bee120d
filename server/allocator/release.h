// Returning freed memory to the OS around a known burst of frees.
//
// The server runs on mimalloc (//:cairn links it). mimalloc keeps the pages a thread frees
// committed for `decommit_delay` ms (25) and only gives them back when that thread allocates a
// new page in the same segment later. After a one-off burst (a Raft log compaction frees up to
// --snapshot-count entries, ~40 MiB at 100,000 puts of 256 B) the freeing thread goes back to
// small steady allocations, so the burst stays resident until the next burst reuses it.
// Decommitting every free at once (decommit_delay 0) fixes that but costs ~25% more server CPU
// per put, so it is switched on only for the window of the burst.
//
// Thread-safety: thread-safe; windows may overlap (counted). While a window is open, frees of
// every thread are decommitted at once (harmless, only slower for the window's few ms). mimalloc
// reads its options without synchronization; the option is one aligned long, so a concurrent free
// sees either the old or the new delay.
// Without mimalloc (unit tests link the system allocator) or with a mimalloc whose option
// numbering is not the one this file knows, every call is a no-op.
#pragma once

namespace cairn::allocator {

// True if the process runs on a mimalloc this file can tune.
bool Tunable();

// While alive, memory freed by any thread goes back to the OS at once.
class ScopedEagerRelease {
 public:
  ScopedEagerRelease();
  ~ScopedEagerRelease();
  ScopedEagerRelease(const ScopedEagerRelease&) = delete;
  ScopedEagerRelease& operator=(const ScopedEagerRelease&) = delete;
};

}  // namespace cairn::allocator
