#include "raft/codec.h"

#include <cstring>

namespace cairn::raft {
namespace {

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
void PutU32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, 4);
}
void PutU64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, 8);
}

Status Truncated(const char* what) {
  return Status::Corruption(std::string("raft codec: truncated ") + what);
}

bool GetU8(std::string_view* in, uint8_t* v) {
  if (in->size() < 1) return false;
  *v = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}
bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  *v = x;
  in->remove_prefix(4);
  return true;
}
bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  *v = x;
  in->remove_prefix(8);
  return true;
}
bool GetBytes(std::string_view* in, uint64_t n, std::string* out) {
  if (in->size() < n) return false;
  out->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

}  // namespace

void AppendEntry(const Entry& e, std::string* out) {
  PutU64(out, e.term);
  PutU64(out, e.index);
  PutU8(out, static_cast<uint8_t>(e.type));
  PutU32(out, static_cast<uint32_t>(e.data.size()));
  out->append(e.data);
}

void AppendHardState(const HardState& hs, std::string* out) {
  PutU64(out, hs.term);
  PutU64(out, hs.vote);
  PutU64(out, hs.commit);
}

void AppendConfState(const ConfState& cs, std::string* out) {
  PutU32(out, static_cast<uint32_t>(cs.voters.size()));
  for (NodeId id : cs.voters) PutU64(out, id);
  PutU32(out, static_cast<uint32_t>(cs.learners.size()));
  for (NodeId id : cs.learners) PutU64(out, id);
}

void AppendSnapshot(const Snapshot& s, std::string* out) {
  PutU64(out, s.metadata.index);
  PutU64(out, s.metadata.term);
  AppendConfState(s.metadata.conf_state, out);
  PutU64(out, s.data.size());
  out->append(s.data);
}

void AppendMessage(const Message& m, std::string* out) {
  PutU8(out, static_cast<uint8_t>(m.type));
  PutU64(out, m.to);
  PutU64(out, m.from);
  PutU64(out, m.term);
  PutU64(out, m.log_term);
  PutU64(out, m.index);
  PutU64(out, m.commit);
  PutU8(out, m.reject ? 1 : 0);
  PutU64(out, m.reject_hint);
  PutU32(out, static_cast<uint32_t>(m.context.size()));
  out->append(m.context);
  PutU32(out, static_cast<uint32_t>(m.entries.size()));
  for (const Entry& e : m.entries) AppendEntry(e, out);
  PutU8(out, m.snapshot.empty() ? 0 : 1);
  if (!m.snapshot.empty()) AppendSnapshot(m.snapshot, out);
}

Status ConsumeEntry(std::string_view* in, Entry* e) {
  uint8_t type = 0;
  uint32_t len = 0;
  if (!GetU64(in, &e->term) || !GetU64(in, &e->index) || !GetU8(in, &type) || !GetU32(in, &len)) {
    return Truncated("entry header");
  }
  if (type > static_cast<uint8_t>(EntryType::kConfChange)) {
    return Status::Corruption("raft codec: bad entry type " + std::to_string(type));
  }
  e->type = static_cast<EntryType>(type);
  if (!GetBytes(in, len, &e->data)) return Truncated("entry data");
  return Status::Ok();
}

Status ConsumeHardState(std::string_view* in, HardState* hs) {
  if (!GetU64(in, &hs->term) || !GetU64(in, &hs->vote) || !GetU64(in, &hs->commit)) {
    return Truncated("hard state");
  }
  return Status::Ok();
}

static Status ConsumeIds(std::string_view* in, std::vector<NodeId>* ids) {
  uint32_t n = 0;
  if (!GetU32(in, &n)) return Truncated("id count");
  if (n > kCodecMaxElements || in->size() / 8 < n) return Truncated("id list");
  ids->clear();
  ids->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t id = 0;
    GetU64(in, &id);
    ids->push_back(id);
  }
  return Status::Ok();
}

Status ConsumeConfState(std::string_view* in, ConfState* cs) {
  CAIRN_RETURN_IF_ERROR(ConsumeIds(in, &cs->voters));
  return ConsumeIds(in, &cs->learners);
}

Status ConsumeSnapshot(std::string_view* in, Snapshot* s) {
  if (!GetU64(in, &s->metadata.index) || !GetU64(in, &s->metadata.term)) return Truncated("snapshot header");
  CAIRN_RETURN_IF_ERROR(ConsumeConfState(in, &s->metadata.conf_state));
  uint64_t len = 0;
  if (!GetU64(in, &len) || !GetBytes(in, len, &s->data)) return Truncated("snapshot data");
  return Status::Ok();
}

Status ConsumeMessage(std::string_view* in, Message* m) {
  uint8_t type = 0, reject = 0, has_snap = 0;
  uint32_t ctx_len = 0, n = 0;
  if (!GetU8(in, &type) || !GetU64(in, &m->to) || !GetU64(in, &m->from) || !GetU64(in, &m->term) ||
      !GetU64(in, &m->log_term) || !GetU64(in, &m->index) || !GetU64(in, &m->commit) || !GetU8(in, &reject) ||
      !GetU64(in, &m->reject_hint) || !GetU32(in, &ctx_len)) {
    return Truncated("message header");
  }
  if (type > static_cast<uint8_t>(MessageType::kPreVoteResp)) {
    return Status::Corruption("raft codec: bad message type " + std::to_string(type));
  }
  m->type = static_cast<MessageType>(type);
  m->reject = reject != 0;
  if (!GetBytes(in, ctx_len, &m->context)) return Truncated("message context");
  if (!GetU32(in, &n)) return Truncated("entry count");
  // Each entry takes at least 21 bytes: reject counts the input cannot hold.
  if (n > kCodecMaxElements || in->size() / 21 < n) return Truncated("entries");
  m->entries.clear();
  m->entries.resize(n);
  for (uint32_t i = 0; i < n; ++i) CAIRN_RETURN_IF_ERROR(ConsumeEntry(in, &m->entries[i]));
  if (!GetU8(in, &has_snap)) return Truncated("snapshot flag");
  m->snapshot = Snapshot{};
  if (has_snap) CAIRN_RETURN_IF_ERROR(ConsumeSnapshot(in, &m->snapshot));
  return Status::Ok();
}

std::string EncodeMessage(const Message& m) {
  std::string out;
  AppendMessage(m, &out);
  return out;
}

Status DecodeMessage(std::string_view in, Message* m) {
  CAIRN_RETURN_IF_ERROR(ConsumeMessage(&in, m));
  if (!in.empty()) return Status::Corruption("raft codec: trailing bytes after message");
  return Status::Ok();
}

}  // namespace cairn::raft
