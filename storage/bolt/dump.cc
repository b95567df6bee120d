#include "storage/bolt/dump.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::bolt {
namespace {

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
}

std::string ChildPath(const std::string& parent, std::string_view name) {
  std::string path = parent;
  if (!path.empty()) path += "/";
  AppendHex(name, &path);
  return path;
}

void DumpBucket(Bucket* b, const std::string& path, std::string* out) {
  *out += "B " + path + "\n";
  Cursor c = b->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) {
    if (c.is_bucket()) {
      DumpBucket(b->Nested(c.key()), ChildPath(path, c.key()), out);
      continue;
    }
    *out += "K " + path + " ";
    AppendHex(c.key(), out);
    *out += " ";
    if (c.value().empty()) {
      *out += "-";
    } else {
      AppendHex(c.value(), out);
    }
    *out += "\n";
  }
}

}  // namespace

std::string Dump(Tx* tx) {
  std::string out;
  Cursor c = tx->Root()->NewCursor();
  for (bool ok = c.First(); ok; ok = c.Next()) {
    if (!c.is_bucket()) continue;  // bbolt keeps no keys at top level
    DumpBucket(tx->Bucket(c.key()), ChildPath("", c.key()), &out);
  }
  return out;
}

Status Dump(DB* db, std::string* out) {
  std::unique_ptr<Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(false, &tx));
  *out = Dump(tx.get());
  return Status::Ok();
}

std::string Dump(DB* db) {
  std::string out;
  Status s = Dump(db, &out);
  if (!s.ok()) {
    std::fprintf(stderr, "bolt: dump failed: %s\n", s.ToString().c_str());
    std::abort();
  }
  return out;
}

}  // namespace cairn::bolt
