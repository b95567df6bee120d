// NodeMetrics: plain atomic counters and gauges of the node driver, one per
// bounded queue and per notable event, for the server to export (CRAFT.md §10).
// Relaxed atomics: each value is independent; readers want a recent value only.
#pragma once

#include <atomic>
#include <cstdint>

namespace cairn::raft::node {

struct NodeMetrics {
  // Proposal queue (bounded by NodeOptions::max_pending_proposals).
  std::atomic<uint64_t> proposals_queued{0};         // gauge: waiting for the raft thread
  std::atomic<uint64_t> proposals_total{0};          // accepted into the queue
  std::atomic<uint64_t> proposals_rejected_full{0};  // queue full
  std::atomic<uint64_t> proposals_rejected_no_leader{0};
  std::atomic<uint64_t> proposals_dropped{0};        // refused by the core (ProposeBatch)
  std::atomic<uint64_t> proposal_batches{0};         // ProposeBatch calls
  std::atomic<uint64_t> proposals_driven_inline{0};  // the proposer ran the Ready loop itself
  // Inbound message queue (bounded by NodeOptions::max_inbound_messages).
  std::atomic<uint64_t> inbound_queued{0};  // gauge
  std::atomic<uint64_t> inbound_dropped_full{0};
  std::atomic<uint64_t> inbound_step_errors{0};
  // Apply queue (bounded by NodeOptions::max_apply_batches).
  std::atomic<uint64_t> apply_queued{0};            // gauge: batches waiting for the apply thread
  std::atomic<uint64_t> apply_queue_full_waits{0};  // raft thread waited for room
  std::atomic<uint64_t> applied_index{0};           // gauge
  std::atomic<uint64_t> apply_inline{0};            // batches applied on the raft thread (apply thread idle)
  // ReadIndex (bounded by NodeOptions::max_pending_reads).
  std::atomic<uint64_t> reads_pending{0};  // gauge
  std::atomic<uint64_t> reads_rejected_full{0};
  std::atomic<uint64_t> read_index_requests{0};  // RawNode::ReadIndex calls (one per batch)
  std::atomic<uint64_t> reads_timed_out{0};
  // Asynchronous readers holding a read index, waiting for apply (counted in the bound too).
  std::atomic<uint64_t> reads_waiting_apply{0};  // gauge
  // Raft loop.
  std::atomic<uint64_t> readies{0};
  // Readies whose handling (send, persist, hand-off) took longer than two
  // tick intervals: heartbeats may have gone out late (etcd warns "leader
  // failed to send out heartbeat on time").
  std::atomic<uint64_t> slow_readies{0};
  std::atomic<uint64_t> wal_appends{0};        // WAL write + fdatasync, one per Ready at most
  std::atomic<uint64_t> wal_syncs_skipped{0};  // commit-only Readies (MustSync false)
  std::atomic<uint64_t> messages_sent{0};
  std::atomic<uint64_t> leader_changes{0};
  std::atomic<uint64_t> leader_id{0};  // gauge, 0 = none
  std::atomic<uint64_t> term{0};       // gauge
};

}  // namespace cairn::raft::node
