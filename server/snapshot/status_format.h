// `snapshot status` output, byte for byte as etcdctl 3.4 prints snapshot.Status
// (etcdctl/ctlv3/command/printer*.go):
//   simple: "<hash %x>, <revision>, <total keys>, <humanize.Bytes(total size)>"
//   json:   {"hash":<u32>,"revision":<i64>,"totalKey":<int>,"totalSize":<i64>}
//   table:  olekukonko/tablewriter with headers HASH REVISION "TOTAL KEYS" "TOTAL SIZE", cells
//           right-aligned, headers centred
//   fields: "Hash" : <u32> / "Revision" : ... / "Keys" : ... / "Size" : <bytes>
// Each ends with a newline.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "base/humanize.h"
#include "storage/backend/bolt_snapshot_status.h"

namespace cairn::snapshot {

using ::cairn::HumanizeBytes;  // base/humanize.h

enum class StatusFormat { kSimple, kJson, kTable, kFields };

std::string FormatStatus(const backend::SnapshotStatus& status, StatusFormat format);

}  // namespace cairn::snapshot
