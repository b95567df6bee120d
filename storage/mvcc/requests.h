// Plain request/response structs of the KV operations (etcdserverpb Range/Put/DeleteRange/Txn
// without the gRPC envelope). Enum values equal the protobuf enum numbers, so the server converts
// with static_cast.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/backend/backend.h"
#include "storage/mvcc/key_value.h"
#include "storage/mvcc/revision.h"

namespace cairn::mvcc {

enum class SortOrder { kNone = 0, kAscend = 1, kDescend = 2 };
enum class SortTarget { kKey = 0, kVersion = 1, kCreate = 2, kMod = 3, kValue = 4 };

struct RangeRequest {
  std::string key;
  std::string range_end;  // KeyRange conventions ("" single key, "\0" from key)
  int64_t limit = 0;
  Revision revision = 0;  // <= 0: current
  SortOrder sort_order = SortOrder::kNone;
  SortTarget sort_target = SortTarget::kKey;
  bool keys_only = false;
  bool count_only = false;
  Revision min_mod_revision = 0;
  Revision max_mod_revision = 0;
  Revision min_create_revision = 0;
  Revision max_create_revision = 0;
};

// One key-value of a range result: decoded fields plus the stored serialized mvccpb.KeyValue, so
// the server can copy `raw` into the response without re-encoding (DESIGN.md §5).
struct RangeKv {
  KeyValueView kv;
  std::string_view raw;
};

// Keeps the bytes RangeKv views point to alive (a backend read view, or copies). It may outlive
// the ReadTxn and be destroyed on any thread: the zero-copy gRPC Range (server/api/range_wire.h)
// hands it to gRPC until the response is written, so the bolt pages it shows are not reused before.
struct RangePin {
  std::unique_ptr<backend::ReadView> view;
  std::deque<std::string> copies;
};

struct RangeResponse {
  Revision revision = 0;  // header revision: the store's revision when read
  std::vector<RangeKv> kvs;
  bool more = false;
  int64_t count = 0;
  std::shared_ptr<RangePin> pin;

  // Appends kvs[i] as a serialized mvccpb.KeyValue (without value when keys_only was set).
  void AppendKv(size_t i, std::string* out) const;
  bool keys_only = false;
};

struct PutRequest {
  std::string key;
  std::string value;
  int64_t lease = 0;
  bool prev_kv = false;
  bool ignore_value = false;
  bool ignore_lease = false;
};

struct PutResponse {
  Revision revision = 0;
  std::optional<KeyValue> prev_kv;
};

struct DeleteRangeRequest {
  std::string key;
  std::string range_end;
  bool prev_kv = false;
};

struct DeleteRangeResponse {
  Revision revision = 0;
  int64_t deleted = 0;
  std::vector<KeyValue> prev_kvs;
};

struct Compare {
  enum class Result { kEqual = 0, kGreater = 1, kLess = 2, kNotEqual = 3 };
  enum class Target { kVersion = 0, kCreate = 1, kMod = 2, kValue = 3, kLease = 4 };
  Result result = Result::kEqual;
  Target target = Target::kVersion;
  std::string key;
  std::string range_end;
  int64_t number = 0;  // version / create_revision / mod_revision / lease, by target
  std::string value;   // for Target::kValue
};

struct TxnRequest;

struct RequestOp {
  std::variant<std::monostate, RangeRequest, PutRequest, DeleteRangeRequest, std::shared_ptr<TxnRequest>>
      request;
};

struct TxnRequest {
  std::vector<Compare> compare;
  std::vector<RequestOp> success;
  std::vector<RequestOp> failure;
};

struct TxnResponse;

struct ResponseOp {
  std::variant<std::monostate, RangeResponse, PutResponse, DeleteRangeResponse, std::shared_ptr<TxnResponse>>
      response;
};

struct TxnResponse {
  Revision revision = 0;
  bool succeeded = false;
  std::vector<ResponseOp> responses;
};

}  // namespace cairn::mvcc
