// Deterministic cluster simulator for the Raft core (CRAFT.md §9, in the
// spirit of TigerBeetle's VOPR).
//
// One seed fully determines a run: the simulated network (delay, reordering,
// duplication, loss, partitions), the simulated disk (persistence latency;
// crashes lose every Ready not yet persisted, while messages already sent stay
// sent), restarts, client proposals and reads, membership changes and leader
// transfers. Time is virtual: no threads, no clock.
//
// Checked after every step and at the end of a run:
//   safety:   at most one leader per term; no two nodes apply different
//             entries at the same index (also through snapshots: the applied
//             state's chain hash must match); entries applied anywhere are
//             never lost from the final leader's log; every ReadIndex result
//             is >= the highest index applied anywhere when the read began
//             (linearizable reads).
//   liveness: after faults heal and crashed nodes restart, a leader is
//             elected and a proposal commits on every live voter within
//             Options::liveness_ticks_max ticks.
// A failure message names the seed; rerunning that seed replays exactly.
#pragma once

#include <cstdint>
#include <string>

namespace cairn::raft::sim {

struct Options {
  uint64_t seed = 1;
  int nodes = 3;                 // initial voters (3 or 5)
  int chaos_ticks = 600;         // ticks with faults enabled
  int liveness_ticks_max = 300;  // after healing, a proposal must commit within this
  // Fault mix (probabilities per message or per tick).
  double msg_loss = 0.05;
  double msg_dup = 0.03;
  int msg_delay_units_max = 25;  // a tick is 10 units
  double partition_per_tick = 0.01;
  double crash_per_tick = 0.004;
  // Persisting a Ready takes [0, disk_latency_units_max) units; a crash in
  // that window loses it, or (torn write, half of the crashes) keeps a prefix
  // of its entries but neither its hard state nor its snapshot, like a WAL
  // whose torn tail is repaired to the last whole record.
  int disk_latency_units_max = 8;
  double conf_change_per_tick = 0.01;
  double transfer_per_tick = 0.005;
  double snapshot_per_tick = 0.02;
  bool verbose = false;  // print a trace of events to stderr
};

struct Result {
  bool ok = true;
  std::string failure;  // includes the seed
  // Observability of the run.
  uint64_t entries_applied = 0;  // distinct committed indexes
  uint64_t reads_checked = 0;
  uint64_t leaders_elected = 0;
  uint64_t crashes = 0;
  uint64_t conf_changes_applied = 0;
  uint64_t snapshots_sent = 0;
  uint64_t transfers = 0;
  int liveness_ticks = 0;  // ticks from heal to the marker committing
};

Result Run(const Options& opts);

// A heavier fault mix: 20% loss, 10% duplication, long delays, frequent
// partitions, crashes, membership changes, transfers and snapshots.
void MakeHarsh(Options* o);

}  // namespace cairn::raft::sim
