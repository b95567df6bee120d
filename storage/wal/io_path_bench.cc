// Where does the io_uring path's time go? One small write + fdatasync at the
// end of a preallocated file on the real disk, single thread, through raw
// syscalls and several io_uring set-ups (no Wal around it). Reports p50/p90/p99
// microseconds per write+fdatasync as counters.
//
//   bazel run -c opt //storage/wal:io_path_bench -- --benchmark_min_time=2
//       --benchmark_repetitions=3 --benchmark_enable_random_interleaving=true
//   WAL_BENCH_DIR=/path/on/real/disk (default /var/tmp/cairn_wal_bench; not tmpfs!)
//
// BM_Paired alternates two variants inside ONE loop, so the (large, drifting)
// fdatasync latency of a shared disk hits both equally; its counters are the
// per-variant p50s and their difference: the most precise comparison.
//
// Findings (kernel 6.18, ext4 on virtio, 2 vCPUs; median of 3 runs of 3 s):
// pwrite+fdatasync ~110-135 us p50; every io_uring variant costs more at p50:
// linked submit + 2 waits +14.8 us, submit_and_wait +13.9, COOP_TASKRUN +16.6,
// SINGLE_ISSUER|DEFER_TASKRUN +14.4, registered fd +12.9; pwrite + an fsync
// SQE alone +8.3, a write SQE alone + fdatasync(2) +17.5; zero-filling the
// preallocated file instead of fallocate: +3 (no gain). The kernel runs
// IORING_OP_FSYNC on an io-wq worker, never inline, so it always pays a
// thread hand-off that fdatasync(2) does not; ring set-up flags cannot avoid it.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace cairn::wal {
namespace {

constexpr size_t kRecordBytes = 320;  // one ~300 B entry record
constexpr off_t kFileBytes = off_t{64} << 20;

enum Variant : int {
  kPwriteFdatasync = 0,   // pwrite(2) + fdatasync(2)
  kUringLinkedWait2 = 1,  // linked write+fsync SQEs, io_uring_submit + 2 x io_uring_wait_cqe (old backend)
  kUringLinkedSubmitAndWait = 2,  // linked, one io_uring_submit_and_wait(2)
  kUringLinkedCoop = 3,           // as 2, ring with COOP_TASKRUN | TASKRUN_FLAG
  kUringLinkedDeferTaskrun = 4,   // as 2, ring with SINGLE_ISSUER | DEFER_TASKRUN
  kUringLinkedFixedFile = 5,      // as 2, registered fd (IOSQE_FIXED_FILE)
  kPwriteUringFsync = 6,          // pwrite(2), then an fsync SQE alone
  kUringWriteFdatasync = 7,       // a write SQE alone, then fdatasync(2)
  // The file above is preallocated with fallocate (ext4: unwritten extents, so
  // every fdatasync also commits the extent conversion to the journal). These
  // two write real zeros over the whole file first (written extents).
  kZeroedPwriteFdatasync = 8,  // as 0 on a zero-filled file
  kZeroedUringLinked = 9,      // as 2 on a zero-filled file
  kVariants = 10,
};

const char* VariantName(int v) {
  static const char* names[] = {"pwrite+fdatasync",
                                "uring_linked_submit+2wait",
                                "uring_linked_submit_and_wait",
                                "uring_linked_coop",
                                "uring_linked_defer_taskrun",
                                "uring_linked_fixed_file",
                                "pwrite+uring_fsync",
                                "uring_write+fdatasync",
                                "zeroed:pwrite+fdatasync",
                                "zeroed:uring_linked_submit_and_wait"};
  return names[v];
}

struct Target {
  int fd = -1;
  off_t offset = 0;
  std::string path;
  std::vector<char> record = std::vector<char>(kRecordBytes, 'x');
  io_uring ring{};
  bool ring_ok = false;

  Target(const std::string& name, int variant, benchmark::State& state) {
    const char* root = std::getenv("WAL_BENCH_DIR");
    std::filesystem::path dir = std::filesystem::path(root ? root : "/var/tmp/cairn_wal_bench");
    std::filesystem::create_directories(dir);
    path = (dir / name).string();
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fallocate(fd, 0, 0, kFileBytes) != 0 || ::fsync(fd) != 0) {
      state.SkipWithError("open/fallocate failed");
      return;
    }
    if (variant == kZeroedPwriteFdatasync || variant == kZeroedUringLinked) {
      const std::vector<char> zeros(size_t{1} << 20, 0);
      for (off_t at = 0; at < kFileBytes; at += static_cast<off_t>(zeros.size())) {
        if (::pwrite(fd, zeros.data(), zeros.size(), at) != static_cast<ssize_t>(zeros.size())) {
          state.SkipWithError("zero fill failed");
          return;
        }
      }
      if (::fdatasync(fd) != 0) state.SkipWithError("fdatasync failed");
    }
    unsigned flags = 0;
    if (variant == kUringLinkedCoop) flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
    if (variant == kUringLinkedDeferTaskrun) flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    int rc = io_uring_queue_init(8, &ring, flags);
    if (rc < 0) {
      state.SkipWithError((std::string("io_uring_queue_init: ") + std::strerror(-rc)).c_str());
      return;
    }
    ring_ok = true;
    if (variant == kUringLinkedFixedFile && io_uring_register_files(&ring, &fd, 1) < 0) {
      state.SkipWithError("io_uring_register_files failed");
    }
  }
  ~Target() {
    if (ring_ok) io_uring_queue_exit(&ring);
    if (fd >= 0) ::close(fd);
    std::filesystem::remove(path);
  }

  // Reaps `n` CQEs that must all be >= 0.
  bool Reap(int n) {
    for (int i = 0; i < n; ++i) {
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe(&ring, &cqe) < 0 || cqe->res < 0) return false;
      io_uring_cqe_seen(&ring, cqe);
    }
    return true;
  }

  bool LinkedChain(bool fixed, bool submit_and_wait) {
    io_uring_sqe* w = io_uring_get_sqe(&ring);
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    io_uring_prep_write(w, fixed ? 0 : fd, record.data(), record.size(), offset);
    w->flags |= IOSQE_IO_LINK | (fixed ? IOSQE_FIXED_FILE : 0);
    io_uring_prep_fsync(s, fixed ? 0 : fd, IORING_FSYNC_DATASYNC);
    if (fixed) s->flags |= IOSQE_FIXED_FILE;
    int rc = submit_and_wait ? io_uring_submit_and_wait(&ring, 2) : io_uring_submit(&ring);
    return rc == 2 && Reap(2);
  }

  bool Once(int variant) {
    bool ok = false;
    switch (variant) {
      case kPwriteFdatasync:
      case kZeroedPwriteFdatasync:
        ok = ::pwrite(fd, record.data(), record.size(), offset) == static_cast<ssize_t>(record.size()) &&
             ::fdatasync(fd) == 0;
        break;
      case kUringLinkedWait2: ok = LinkedChain(false, false); break;
      case kUringLinkedSubmitAndWait:
      case kUringLinkedCoop:
      case kUringLinkedDeferTaskrun:
      case kZeroedUringLinked: ok = LinkedChain(false, true); break;
      case kUringLinkedFixedFile: ok = LinkedChain(true, true); break;
      case kPwriteUringFsync: {
        ok = ::pwrite(fd, record.data(), record.size(), offset) == static_cast<ssize_t>(record.size());
        io_uring_sqe* s = io_uring_get_sqe(&ring);
        io_uring_prep_fsync(s, fd, IORING_FSYNC_DATASYNC);
        ok = ok && io_uring_submit_and_wait(&ring, 1) == 1 && Reap(1);
        break;
      }
      case kUringWriteFdatasync: {
        io_uring_sqe* w = io_uring_get_sqe(&ring);
        io_uring_prep_write(w, fd, record.data(), record.size(), offset);
        ok = io_uring_submit_and_wait(&ring, 1) == 1 && Reap(1) && ::fdatasync(fd) == 0;
        break;
      }
    }
    offset += static_cast<off_t>(record.size());
    if (offset + static_cast<off_t>(record.size()) > kFileBytes) offset = 0;
    return ok;
  }
};

double PercentileUs(std::vector<double>& us, double p) {
  if (us.empty()) return 0;
  const size_t k = std::min(us.size() - 1, static_cast<size_t>(p * static_cast<double>(us.size())));
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(k), us.end());
  return us[k];
}

void ReportPercentiles(benchmark::State& state, std::vector<double> us, const std::string& prefix) {
  state.counters[prefix + "p50_us"] = PercentileUs(us, 0.50);
  state.counters[prefix + "p90_us"] = PercentileUs(us, 0.90);
  state.counters[prefix + "p99_us"] = PercentileUs(us, 0.99);
}

double TimeUs(Target& target, int variant, bool* ok) {
  const auto start = std::chrono::steady_clock::now();
  *ok = target.Once(variant);
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

// Arg: variant.
void BM_WriteFdatasync(benchmark::State& state) {
  const int variant = static_cast<int>(state.range(0));
  Target target("io_path_" + std::to_string(variant), variant, state);
  if (state.error_occurred()) return;
  std::vector<double> us;
  for (auto _ : state) {
    bool ok = false;
    us.push_back(TimeUs(target, variant, &ok));
    if (!ok) {
      state.SkipWithError("write+fdatasync failed");
      break;
    }
  }
  state.SetLabel(VariantName(variant));
  state.counters["syncs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  ReportPercentiles(state, std::move(us), "");
}
BENCHMARK(BM_WriteFdatasync)
    ->DenseRange(0, kVariants - 1)
    ->ArgName("variant")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Args: variant a, variant b (alternated per iteration, separate files and rings).
void BM_Paired(benchmark::State& state) {
  const int a = static_cast<int>(state.range(0));
  const int b = static_cast<int>(state.range(1));
  Target ta("io_path_a", a, state);
  Target tb("io_path_b", b, state);
  if (state.error_occurred()) return;
  std::vector<double> us_a, us_b;
  for (auto _ : state) {
    bool ok_a = false, ok_b = false;
    if (us_a.size() % 2 == 0) {  // ABBA order: neither side always runs right after the other's sync
      us_a.push_back(TimeUs(ta, a, &ok_a));
      us_b.push_back(TimeUs(tb, b, &ok_b));
    } else {
      us_b.push_back(TimeUs(tb, b, &ok_b));
      us_a.push_back(TimeUs(ta, a, &ok_a));
    }
    if (!ok_a || !ok_b) {
      state.SkipWithError("write+fdatasync failed");
      break;
    }
  }
  state.SetLabel(std::string(VariantName(a)) + " vs " + VariantName(b));
  const double p50_a = PercentileUs(us_a, 0.5);
  const double p50_b = PercentileUs(us_b, 0.5);
  state.counters["a_p50_us"] = p50_a;
  state.counters["b_p50_us"] = p50_b;
  state.counters["b_minus_a_us"] = p50_b - p50_a;
}
BENCHMARK(BM_Paired)
    ->Args({kPwriteFdatasync, kUringLinkedWait2})
    ->Args({kPwriteFdatasync, kUringLinkedSubmitAndWait})
    ->Args({kPwriteFdatasync, kUringLinkedCoop})
    ->Args({kPwriteFdatasync, kUringLinkedDeferTaskrun})
    ->Args({kPwriteFdatasync, kUringLinkedFixedFile})
    ->Args({kPwriteFdatasync, kPwriteUringFsync})
    ->Args({kPwriteFdatasync, kUringWriteFdatasync})
    ->Args({kPwriteFdatasync, kZeroedPwriteFdatasync})
    ->Args({kZeroedPwriteFdatasync, kZeroedUringLinked})
    ->Args({kPwriteFdatasync, kPwriteFdatasync})  // control: the difference must be ~0
    ->ArgNames({"a", "b"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::wal
