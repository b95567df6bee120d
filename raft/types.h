// Plain value types of the Raft core: log entries, messages, hard/soft state,
// snapshots and membership changes. No protobuf; `codec.h` (if present) holds
// the binary encoding used by the WAL and the transport.
//
// Thread-safety: plain values, no internal synchronization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::raft {

// Distinct names for the three integers Raft juggles. They are aliases (not
// wrapper classes) so arithmetic stays terse; the names carry the unit.
using NodeId = uint64_t;  // 0 means "none".
using Index = uint64_t;   // log position; 0 is the empty-log sentinel.
using Term = uint64_t;    // election term; 0 before any election.

inline constexpr NodeId kNoNode = 0;
inline constexpr uint64_t kNoLimit = UINT64_MAX;

enum class EntryType : uint8_t { kNormal = 0, kConfChange = 1 };

struct Entry {
  Term term = 0;
  Index index = 0;
  EntryType type = EntryType::kNormal;
  std::string data;

  bool operator==(const Entry&) const = default;
};

// Payload bytes counted against size limits (message size, uncommitted size).
// Like etcd-raft, only the data counts; the fixed header does not.
inline uint64_t PayloadBytes(const Entry& e) { return e.data.size(); }
// Approximate encoded size: data plus a fixed header (term, index, type).
inline uint64_t EntryBytes(const Entry& e) { return e.data.size() + 24; }
uint64_t PayloadBytes(const std::vector<Entry>& ents);
uint64_t EntryBytes(const std::vector<Entry>& ents);

// Must be persisted before any message that depends on it is sent
// (see rawnode.h, "The Ready contract").
struct HardState {
  Term term = 0;
  NodeId vote = kNoNode;
  Index commit = 0;

  bool operator==(const HardState&) const = default;
  bool empty() const { return term == 0 && vote == kNoNode && commit == 0; }
};

// Membership. Voters count toward quorum; learners only receive the log.
// A node is never both. Both lists are kept sorted.
struct ConfState {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;

  bool operator==(const ConfState&) const = default;
};

struct SnapshotMetadata {
  ConfState conf_state;
  Index index = 0;
  Term term = 0;

  bool operator==(const SnapshotMetadata&) const = default;
};

// An application state snapshot covering the log up to metadata.index.
struct Snapshot {
  std::string data;
  SnapshotMetadata metadata;

  bool operator==(const Snapshot&) const = default;
  bool empty() const { return metadata.index == 0; }
};

enum class ConfChangeType : uint8_t {
  kAddNode = 0,     // add a voter, or promote an existing learner to voter
  kRemoveNode = 1,  // remove a voter or learner
  kAddLearner = 2,  // add a learner (demoting a voter is rejected)
};

// One membership change. Carried as the data of a kConfChange entry
// (EncodeConfChange / DecodeConfChange). Only one change may be pending.
struct ConfChange {
  ConfChangeType type = ConfChangeType::kAddNode;
  NodeId node_id = kNoNode;
  std::string context;  // opaque to raft (e.g. the member's peer URLs)

  bool operator==(const ConfChange&) const = default;
};

std::string EncodeConfChange(const ConfChange& cc);
// Returns false on malformed bytes.
bool DecodeConfChange(std::string_view bytes, ConfChange* cc);

enum class MessageType : uint8_t {
  kHup = 0,   // local: start an election (Campaign)
  kBeat = 1,  // local: leader sends heartbeats
  kProp = 2,  // propose entries (local, or forwarded to the leader)
  kApp = 3,   // append entries
  kAppResp = 4,
  kVote = 5,
  kVoteResp = 6,
  kSnap = 7,  // install snapshot
  kHeartbeat = 8,
  kHeartbeatResp = 9,
  kUnreachable = 10,     // local: peer unreachable (transport report)
  kSnapStatus = 11,      // local: snapshot delivery finished (reject = failed)
  kCheckQuorum = 12,     // local: leader checks it still hears from a quorum
  kTransferLeader = 13,  // local or forwarded: transfer leadership to `from`
  kTimeoutNow = 14,      // leader tells transferee to campaign immediately
  kReadIndex = 15,
  kReadIndexResp = 16,
  kPreVote = 17,
  kPreVoteResp = 18,
};

std::string_view MessageTypeName(MessageType t);
// Messages that never travel over the network.
bool IsLocalMessage(MessageType t);
bool IsResponseMessage(MessageType t);

struct Message {
  MessageType type = MessageType::kHup;
  NodeId to = kNoNode;
  NodeId from = kNoNode;
  Term term = 0;
  // kApp: term of the entry at `index` (the entry preceding `entries`).
  // kVote/kPreVote: candidate's last log term. kAppResp reject: hint term.
  Term log_term = 0;
  Index index = 0;
  std::vector<Entry> entries;
  Index commit = 0;
  Snapshot snapshot;  // kSnap only
  bool reject = false;
  Index reject_hint = 0;
  std::string context;  // ReadIndex request context, heartbeat context, campaign kind

  bool operator==(const Message&) const = default;
};

enum class StateRole : uint8_t { kFollower = 0, kCandidate = 1, kLeader = 2, kPreCandidate = 3 };
std::string_view StateRoleName(StateRole r);

// Volatile state; not persisted. Useful for logging and observability.
struct SoftState {
  NodeId leader = kNoNode;
  StateRole role = StateRole::kFollower;

  bool operator==(const SoftState&) const = default;
};

// Result of a ReadIndex request: once the application has applied `index`,
// a read issued at the time of the request is linearizable.
struct ReadState {
  Index index = 0;
  std::string request_ctx;

  bool operator==(const ReadState&) const = default;
};

// Human-readable one-line descriptions, used in tests and logs.
std::string DescribeEntry(const Entry& e);
std::string DescribeMessage(const Message& m);
std::string DescribeHardState(const HardState& hs);
std::string DescribeConfState(const ConfState& cs);

}  // namespace cairn::raft
