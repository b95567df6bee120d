// Manual soak runner for the simulator:
//   bazel run //raft/sim:sim_soak -- --seeds=5000 [--start=1] [--nodes=3|5|0]
//   bazel run //raft/sim:sim_soak -- --seed=1234 --nodes=5 --verbose   (replay one)
// --nodes=0 alternates 3 and 5. --harsh multiplies every fault rate. Exits 1 on the first failure, printing
// the seed.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "raft/sim/sim.h"

namespace {
// An assertion inside the core aborts the process: name the seed first.
volatile uint64_t g_current_seed = 0;
volatile int g_current_nodes = 0;
void OnAbort(int) {
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "\nABORT during seed=%lu nodes=%d\n", (unsigned long)g_current_seed,
                        g_current_nodes);
  if (n > 0) fwrite(buf, 1, static_cast<size_t>(n), stderr);
  fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGABRT, OnAbort);
  uint64_t seeds = 1000, start = 1;
  int nodes = 0;
  bool verbose = false;
  bool single = false;
  bool harsh = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strncmp(a, "--seeds=", 8) == 0) {
      seeds = std::strtoull(a + 8, nullptr, 10);
    } else if (std::strncmp(a, "--start=", 8) == 0) {
      start = std::strtoull(a + 8, nullptr, 10);
    } else if (std::strncmp(a, "--seed=", 7) == 0) {
      start = std::strtoull(a + 7, nullptr, 10);
      seeds = 1;
      single = true;
    } else if (std::strncmp(a, "--nodes=", 8) == 0) {
      nodes = std::atoi(a + 8);
    } else if (std::strcmp(a, "--harsh") == 0) {
      harsh = true;
    } else if (std::strcmp(a, "--verbose") == 0) {
      verbose = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a);
      return 2;
    }
  }
  uint64_t failures = 0;
  for (uint64_t s = start; s < start + seeds; ++s) {
    cairn::raft::sim::Options o;
    o.seed = s;
    o.nodes = nodes == 0 ? (s % 2 ? 3 : 5) : nodes;
    o.verbose = verbose;
    g_current_seed = s;
    g_current_nodes = o.nodes;
    if (harsh) cairn::raft::sim::MakeHarsh(&o);
    cairn::raft::sim::Result r = cairn::raft::sim::Run(o);
    if (!r.ok) {
      std::printf("FAIL %s\n", r.failure.c_str());
      ++failures;
      if (!single) return 1;
    } else if (single || s % 500 == 0) {
      std::printf(
          "ok seed=%lu nodes=%d entries=%lu reads=%lu crashes=%lu conf=%lu snaps=%lu liveness_ticks=%d\n",
          (unsigned long)s, o.nodes, (unsigned long)r.entries_applied, (unsigned long)r.reads_checked,
          (unsigned long)r.crashes, (unsigned long)r.conf_changes_applied, (unsigned long)r.snapshots_sent,
          r.liveness_ticks);
    }
  }
  std::printf("%lu seeds, %lu failures\n", (unsigned long)seeds, (unsigned long)failures);
  return failures ? 1 : 0;
}
