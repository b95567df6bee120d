// Binary encoding of the core's value types, for the WAL and the peer
// transport. Little-endian, length-prefixed, no varints (simple, fast to
// validate). Decoders never trust their input: malformed or truncated bytes
// yield Status::Corruption, never a crash (CRAFT.md §5). Framing and
// checksums are the caller's business (the WAL record / transport frame).
//
//   Entry      = u64 term | u64 index | u8 type | u32 len | len bytes data
//   HardState  = u64 term | u64 vote | u64 commit                  (24 bytes)
//   ConfState  = u32 n | n × u64 voter | u32 m | m × u64 learner
//   Snapshot   = u64 index | u64 term | ConfState | u64 len | len bytes data
//   Message    = u8 type | u64 to | u64 from | u64 term | u64 log_term |
//                u64 index | u64 commit | u8 reject | u64 reject_hint |
//                u32 len | context | u32 n | n × Entry | u8 has_snap | [Snapshot]
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "raft/types.h"

namespace cairn::raft {

inline constexpr size_t kHardStateEncodedBytes = 24;
// Upper bound on decoded element counts, so corrupt input cannot make a
// decoder reserve absurd amounts of memory.
inline constexpr uint32_t kCodecMaxElements = 1u << 24;

void AppendEntry(const Entry& e, std::string* out);
void AppendHardState(const HardState& hs, std::string* out);
void AppendConfState(const ConfState& cs, std::string* out);
void AppendSnapshot(const Snapshot& s, std::string* out);
void AppendMessage(const Message& m, std::string* out);

// Each decoder consumes its value from the front of *in.
Status ConsumeEntry(std::string_view* in, Entry* e);
Status ConsumeHardState(std::string_view* in, HardState* hs);
Status ConsumeConfState(std::string_view* in, ConfState* cs);
Status ConsumeSnapshot(std::string_view* in, Snapshot* s);
Status ConsumeMessage(std::string_view* in, Message* m);

// Whole-buffer helpers: the input must be exactly one value.
std::string EncodeMessage(const Message& m);
Status DecodeMessage(std::string_view in, Message* m);

}  // namespace cairn::raft
