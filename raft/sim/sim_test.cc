// Runs the deterministic simulator over a few hundred seeds (3 and 5 nodes,
// normal and harsh fault mixes).
// A failure prints the seed; replay it with
//   bazel run //raft/sim:sim_soak -- --seed=<seed> --nodes=<n> --verbose
#include "raft/sim/sim.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace cairn::raft::sim {
namespace {

void RunSeeds(int nodes, uint64_t first, uint64_t count, bool harsh = false) {
  uint64_t applied = 0, reads = 0, crashes = 0, confs = 0, snaps = 0;
  int worst_liveness = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    Options o;
    o.seed = seed;
    o.nodes = nodes;
    if (harsh) MakeHarsh(&o);
    std::fprintf(stderr, "sim: seed=%lu nodes=%d\n", (unsigned long)seed, nodes);
    Result r = sim::Run(o);
    ASSERT_TRUE(r.ok) << r.failure;
    applied += r.entries_applied;
    reads += r.reads_checked;
    crashes += r.crashes;
    confs += r.conf_changes_applied;
    snaps += r.snapshots_sent;
    worst_liveness = std::max(worst_liveness, r.liveness_ticks);
  }
  std::printf(
      "nodes=%d seeds=%lu entries=%lu reads=%lu crashes=%lu confchanges=%lu snapshots=%lu "
      "worst_liveness_ticks=%d\n",
      nodes, (unsigned long)count, (unsigned long)applied, (unsigned long)reads, (unsigned long)crashes,
      (unsigned long)confs, (unsigned long)snaps, worst_liveness);
  // The fault mix must actually exercise the interesting paths.
  EXPECT_GT(applied, count * (harsh ? 20 : 50));
  EXPECT_GT(reads, count);
  EXPECT_GT(crashes, 0u);
  EXPECT_GT(confs, 0u);
  EXPECT_GT(snaps, 0u);
}

TEST(Sim, ThreeNodes) { RunSeeds(3, 1, 150); }
TEST(Sim, FiveNodes) { RunSeeds(5, 1001, 100); }
// 20% loss, 10% duplication, long delays and disk latency, torn writes,
// frequent crashes, partitions, membership changes and transfers.
TEST(Sim, ThreeNodesHarsh) { RunSeeds(3, 2001, 40, /*harsh=*/true); }
TEST(Sim, FiveNodesHarsh) { RunSeeds(5, 3001, 40, /*harsh=*/true); }

TEST(Sim, SameSeedReplaysExactly) {
  Options o;
  o.seed = 42;
  Result a = sim::Run(o);
  Result b = sim::Run(o);
  EXPECT_EQ(a.entries_applied, b.entries_applied);
  EXPECT_EQ(a.reads_checked, b.reads_checked);
  EXPECT_EQ(a.crashes, b.crashes);
  EXPECT_EQ(a.leaders_elected, b.leaders_elected);
  EXPECT_EQ(a.liveness_ticks, b.liveness_ticks);
}

}  // namespace
}  // namespace cairn::raft::sim
