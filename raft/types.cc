#include "raft/types.h"

#include <cstring>
#include <sstream>

namespace cairn::raft {

uint64_t PayloadBytes(const std::vector<Entry>& ents) {
  uint64_t n = 0;
  for (const Entry& e : ents) n += PayloadBytes(e);
  return n;
}

uint64_t EntryBytes(const std::vector<Entry>& ents) {
  uint64_t n = 0;
  for (const Entry& e : ents) n += EntryBytes(e);
  return n;
}

namespace {
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
}  // namespace

// Layout: u8 type | u64 node_id (LE) | u64 context length (LE) | context bytes.
std::string EncodeConfChange(const ConfChange& cc) {
  std::string out;
  out.reserve(17 + cc.context.size());
  out.push_back(static_cast<char>(cc.type));
  PutU64(&out, cc.node_id);
  PutU64(&out, cc.context.size());
  out.append(cc.context);
  return out;
}

bool DecodeConfChange(std::string_view bytes, ConfChange* cc) {
  if (bytes.size() < 17) return false;
  uint8_t t = static_cast<uint8_t>(bytes[0]);
  if (t > 2) return false;
  uint64_t len = GetU64(bytes.data() + 9);
  if (len != bytes.size() - 17) return false;
  cc->type = static_cast<ConfChangeType>(t);
  cc->node_id = GetU64(bytes.data() + 1);
  cc->context.assign(bytes.data() + 17, len);
  return true;
}

std::string_view MessageTypeName(MessageType t) {
  switch (t) {
    case MessageType::kHup: return "MsgHup";
    case MessageType::kBeat: return "MsgBeat";
    case MessageType::kProp: return "MsgProp";
    case MessageType::kApp: return "MsgApp";
    case MessageType::kAppResp: return "MsgAppResp";
    case MessageType::kVote: return "MsgVote";
    case MessageType::kVoteResp: return "MsgVoteResp";
    case MessageType::kSnap: return "MsgSnap";
    case MessageType::kHeartbeat: return "MsgHeartbeat";
    case MessageType::kHeartbeatResp: return "MsgHeartbeatResp";
    case MessageType::kUnreachable: return "MsgUnreachable";
    case MessageType::kSnapStatus: return "MsgSnapStatus";
    case MessageType::kCheckQuorum: return "MsgCheckQuorum";
    case MessageType::kTransferLeader: return "MsgTransferLeader";
    case MessageType::kTimeoutNow: return "MsgTimeoutNow";
    case MessageType::kReadIndex: return "MsgReadIndex";
    case MessageType::kReadIndexResp: return "MsgReadIndexResp";
    case MessageType::kPreVote: return "MsgPreVote";
    case MessageType::kPreVoteResp: return "MsgPreVoteResp";
  }
  return "MsgUnknown";
}

bool IsLocalMessage(MessageType t) {
  return t == MessageType::kHup || t == MessageType::kBeat || t == MessageType::kUnreachable ||
         t == MessageType::kSnapStatus || t == MessageType::kCheckQuorum;
}

bool IsResponseMessage(MessageType t) {
  return t == MessageType::kAppResp || t == MessageType::kVoteResp || t == MessageType::kHeartbeatResp ||
         t == MessageType::kUnreachable || t == MessageType::kPreVoteResp;
}

std::string_view StateRoleName(StateRole r) {
  switch (r) {
    case StateRole::kFollower: return "StateFollower";
    case StateRole::kCandidate: return "StateCandidate";
    case StateRole::kLeader: return "StateLeader";
    case StateRole::kPreCandidate: return "StatePreCandidate";
  }
  return "StateUnknown";
}

std::string DescribeEntry(const Entry& e) {
  std::ostringstream os;
  os << e.term << "/" << e.index << " ";
  if (e.type == EntryType::kConfChange) {
    ConfChange cc;
    if (DecodeConfChange(e.data, &cc)) {
      static const char* kNames[] = {"v", "r", "l"};
      os << "ConfChange " << kNames[static_cast<int>(cc.type)] << cc.node_id;
    } else {
      os << "ConfChange <bad>";
    }
  } else {
    os << "EntryNormal \"" << e.data << "\"";
  }
  return os.str();
}

std::string DescribeMessage(const Message& m) {
  std::ostringstream os;
  os << m.from << "->" << m.to << " " << MessageTypeName(m.type) << " Term:" << m.term
     << " Log:" << m.log_term << "/" << m.index;
  if (m.reject) os << " Rejected (Hint: " << m.reject_hint << ")";
  if (m.commit != 0) os << " Commit:" << m.commit;
  if (!m.entries.empty()) {
    os << " Entries:[";
    for (size_t i = 0; i < m.entries.size(); ++i) {
      if (i) os << ", ";
      os << DescribeEntry(m.entries[i]);
    }
    os << "]";
  }
  if (!m.snapshot.empty()) {
    os << " Snapshot: Index:" << m.snapshot.metadata.index << " Term:" << m.snapshot.metadata.term << " "
       << DescribeConfState(m.snapshot.metadata.conf_state);
  }
  if (!m.context.empty()) os << " Context:\"" << m.context << "\"";
  return os.str();
}

std::string DescribeHardState(const HardState& hs) {
  std::ostringstream os;
  os << "HardState Term:" << hs.term << " Vote:" << hs.vote << " Commit:" << hs.commit;
  return os.str();
}

std::string DescribeConfState(const ConfState& cs) {
  std::ostringstream os;
  os << "Voters:[";
  for (size_t i = 0; i < cs.voters.size(); ++i) os << (i ? " " : "") << cs.voters[i];
  os << "] Learners:[";
  for (size_t i = 0; i < cs.learners.size(); ++i) os << (i ? " " : "") << cs.learners[i];
  os << "]";
  return os.str();
}

}  // namespace cairn::raft
