#include "storage/mvcc/key_value.h"

namespace cairn::mvcc {
namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kBytes = 2;
constexpr uint32_t kFixed32 = 5;

void AppendTag(uint32_t field, uint32_t wire_type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field) << 3) | wire_type, out);
}

void AppendBytesField(uint32_t field, std::string_view b, std::string* out) {
  if (b.empty()) return;
  AppendTag(field, kBytes, out);
  AppendVarint(b.size(), out);
  out->append(b);
}

void AppendInt64Field(uint32_t field, int64_t v, std::string* out) {
  if (v == 0) return;
  AppendTag(field, kVarint, out);
  AppendVarint(static_cast<uint64_t>(v), out);
}

}  // namespace

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool ReadVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && b > 1) return false;
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool SkipField(std::string_view* in, uint32_t wire_type) {
  uint64_t n = 0;
  switch (wire_type) {
    case kVarint: return ReadVarint(in, &n);
    case kFixed64:
      if (in->size() < 8) return false;
      in->remove_prefix(8);
      return true;
    case kBytes:
      if (!ReadVarint(in, &n) || n > in->size()) return false;
      in->remove_prefix(n);
      return true;
    case kFixed32:
      if (in->size() < 4) return false;
      in->remove_prefix(4);
      return true;
    default: return false;
  }
}

void AppendKeyValue(std::string_view key, int64_t create_revision, int64_t mod_revision, int64_t version,
                    std::string_view value, int64_t lease, std::string* out) {
  AppendBytesField(1, key, out);
  AppendInt64Field(2, create_revision, out);
  AppendInt64Field(3, mod_revision, out);
  AppendInt64Field(4, version, out);
  AppendBytesField(5, value, out);
  AppendInt64Field(6, lease, out);
}

std::string SerializeKeyValue(const KeyValue& kv) {
  std::string out;
  out.reserve(kv.key.size() + kv.value.size() + 40);
  AppendKeyValue(kv, &out);
  return out;
}

Status ParseKeyValue(std::string_view bytes, KeyValueView* out) {
  *out = KeyValueView{};
  std::string_view in = bytes;
  while (!in.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(&in, &tag)) return Status::Corruption("mvccpb.KeyValue: bad tag varint");
    uint32_t field = static_cast<uint32_t>(tag >> 3);
    uint32_t wire_type = static_cast<uint32_t>(tag & 7);
    if ((field == 1 || field == 5) && wire_type == kBytes) {
      uint64_t n = 0;
      if (!ReadVarint(&in, &n) || n > in.size()) return Status::Corruption("mvccpb.KeyValue: bad length");
      std::string_view b = in.substr(0, n);
      in.remove_prefix(n);
      (field == 1 ? out->key : out->value) = b;
    } else if (field >= 2 && field <= 6 && field != 5 && wire_type == kVarint) {
      uint64_t v = 0;
      if (!ReadVarint(&in, &v)) return Status::Corruption("mvccpb.KeyValue: bad varint");
      int64_t sv = static_cast<int64_t>(v);
      switch (field) {
        case 2: out->create_revision = sv; break;
        case 3: out->mod_revision = sv; break;
        case 4: out->version = sv; break;
        case 6: out->lease = sv; break;
      }
    } else if (field == 0 || !SkipField(&in, wire_type)) {
      return Status::Corruption("mvccpb.KeyValue: malformed field " + std::to_string(field));
    }
  }
  return Status::Ok();
}

}  // namespace cairn::mvcc
