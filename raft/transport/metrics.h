// TransportMetrics: plain atomic counters of the peer transport (summed over
// peers), for the server to export. Relaxed atomics.
#pragma once

#include <atomic>
#include <cstdint>

namespace cairn::raft::transport {

struct TransportMetrics {
  std::atomic<uint64_t> messages_sent{0};
  std::atomic<uint64_t> messages_received{0};
  std::atomic<uint64_t> messages_dropped_queue_full{0};     // send queue bound hit
  std::atomic<uint64_t> messages_dropped_too_large{0};      // encoded size > message_bytes_max
  std::atomic<uint64_t> messages_dropped_stream_broken{0};  // lost with a broken stream
  std::atomic<uint64_t> messages_dropped_unknown_peer{0};
  std::atomic<uint64_t> messages_rejected_by_handler{0};  // e.g. the node's inbound queue full
  std::atomic<uint64_t> frames_corrupt{0};                // undecodable frames received
  std::atomic<uint64_t> send_queue_messages{0};           // gauge over all peers
  std::atomic<uint64_t> stream_failures{0};               // streams that broke (then reconnect)
  std::atomic<uint64_t> snapshots_sent{0};
  std::atomic<uint64_t> snapshots_failed{0};
  std::atomic<uint64_t> snapshots_received{0};
  std::atomic<uint64_t> snapshot_bytes_received{0};
};

}  // namespace cairn::raft::transport
