// Dump: the canonical text form of a DB's contents, identical to
// `bbolt_oracle dump` (tests/bbolt_oracle/dump.go), for cross-checking files
// with real bbolt:
//   "B <path>"                      a bucket
//   "K <path> <keyhex> <valuehex>"  a key of the bucket at <path>
// <path> is the bucket path as lowercase hex names joined by "/"; entries in
// byte order, depth-first; an empty value prints as "-". One entry per line.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/bolt/db.h"

namespace cairn::bolt {

Status Dump(DB* db, std::string* out);
std::string Dump(Tx* tx);  // the snapshot (or uncommitted state) of tx
std::string Dump(DB* db);  // aborts on error; for tests

}  // namespace cairn::bolt
