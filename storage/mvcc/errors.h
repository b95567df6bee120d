// The error texts MVCC returns, exactly as etcd 3.4/3.5 spells them.
//
// The server maps them to gRPC (etcd's rpctypes): the mvcc ones become
// "etcdserver: mvcc: ..." with OutOfRange; KeyNotFound and DuplicateKey are InvalidArgument and
// already carry the "etcdserver: " prefix; lease errors become "etcdserver: requested lease not
// found" (NotFound), "etcdserver: lease already exists" (FailedPrecondition),
// "etcdserver: too large lease TTL" (OutOfRange).
#pragma once

#include <string_view>

#include "base/status.h"

namespace cairn::mvcc {

inline constexpr std::string_view kErrCompacted = "mvcc: required revision has been compacted";
inline constexpr std::string_view kErrFutureRev = "mvcc: required revision is a future revision";
inline constexpr std::string_view kErrKeyNotFound = "etcdserver: key not found";
inline constexpr std::string_view kErrDuplicateKey = "etcdserver: duplicate key given in txn request";
inline constexpr std::string_view kErrLeaseNotFound = "lease not found";
inline constexpr std::string_view kErrLeaseExists = "lease already exists";
inline constexpr std::string_view kErrLeaseTTLTooLarge = "too large lease TTL";
inline constexpr std::string_view kErrWatcherNotExist = "mvcc: watcher does not exist";
inline constexpr std::string_view kErrWatcherDuplicateID =
    "mvcc: duplicate watch ID provided on the WatchStream";

inline Status ErrCompacted() { return Status::InvalidArgument(std::string(kErrCompacted)); }
inline Status ErrFutureRev() { return Status::InvalidArgument(std::string(kErrFutureRev)); }
inline Status ErrKeyNotFound() { return Status::InvalidArgument(std::string(kErrKeyNotFound)); }
inline Status ErrDuplicateKey() { return Status::InvalidArgument(std::string(kErrDuplicateKey)); }
inline Status ErrLeaseNotFound() { return Status::NotFound(std::string(kErrLeaseNotFound)); }
inline Status ErrLeaseExists() { return Status::Exists(std::string(kErrLeaseExists)); }
inline Status ErrLeaseTTLTooLarge() { return Status::InvalidArgument(std::string(kErrLeaseTTLTooLarge)); }

inline bool IsCompacted(const Status& s) { return s.message() == kErrCompacted; }
inline bool IsFutureRev(const Status& s) { return s.message() == kErrFutureRev; }

}  // namespace cairn::mvcc
