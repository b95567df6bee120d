// Event: one change of a write transaction, as mvccpb.Event.
#pragma once

#include <optional>

#include "storage/mvcc/key_value.h"

namespace cairn::mvcc {

struct Event {
  enum class Type { kPut = 0, kDelete = 1 };  // mvccpb.Event.EventType numbers
  Type type = Type::kPut;
  // For kDelete: only key and mod_revision (the deletion's revision) are set, as etcd sends.
  KeyValue kv;
  std::optional<KeyValue> prev_kv;

  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace cairn::mvcc
