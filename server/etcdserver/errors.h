// The errors the server core returns, spelled exactly as etcd's clients see them
// (etcd api/v3rpc/rpctypes/error.go). The core returns cairn::Status values whose message is
// the full etcd text; server/api maps each text to its gRPC code (rpc_errors.h).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::etcdserver {

inline constexpr std::string_view kErrEmptyKey = "etcdserver: key is not provided";
inline constexpr std::string_view kErrKeyNotFound = "etcdserver: key not found";
inline constexpr std::string_view kErrValueProvided = "etcdserver: value is provided";
inline constexpr std::string_view kErrLeaseProvided = "etcdserver: lease is provided";
inline constexpr std::string_view kErrTooManyOps = "etcdserver: too many operations in txn request";
inline constexpr std::string_view kErrDuplicateKey = "etcdserver: duplicate key given in txn request";
inline constexpr std::string_view kErrCompacted = "etcdserver: mvcc: required revision has been compacted";
inline constexpr std::string_view kErrFutureRev = "etcdserver: mvcc: required revision is a future revision";
inline constexpr std::string_view kErrNoSpace = "etcdserver: mvcc: database space exceeded";
inline constexpr std::string_view kErrCorrupt = "etcdserver: corrupt cluster";
inline constexpr std::string_view kErrLeaseNotFound = "etcdserver: requested lease not found";
inline constexpr std::string_view kErrLeaseExist = "etcdserver: lease already exists";
inline constexpr std::string_view kErrLeaseTTLTooLarge = "etcdserver: too large lease TTL";
inline constexpr std::string_view kErrRequestTooLarge = "etcdserver: request is too large";
inline constexpr std::string_view kErrStopped = "etcdserver: server stopped";
inline constexpr std::string_view kErrTimeout = "etcdserver: request timed out";
inline constexpr std::string_view kErrNoLeader = "etcdserver: no leader";
inline constexpr std::string_view kErrNotLeader = "etcdserver: not leader";
inline constexpr std::string_view kErrMemberExist = "etcdserver: member ID already exist";
inline constexpr std::string_view kErrPeerURLExist = "etcdserver: Peer URLs already exists";
inline constexpr std::string_view kErrMemberNotEnoughStarted =
    "etcdserver: re-configuration failed due to not enough started members";
inline constexpr std::string_view kErrMemberBadURLs = "etcdserver: given member URLs are invalid";
inline constexpr std::string_view kErrMemberNotFound = "etcdserver: member not found";
inline constexpr std::string_view kErrMemberNotLearner = "etcdserver: can only promote a learner member";
inline constexpr std::string_view kErrLearnerNotReady =
    "etcdserver: can only promote a learner member which is in sync with leader";
inline constexpr std::string_view kErrTooManyLearners = "etcdserver: too many learner members in cluster";
inline constexpr std::string_view kErrNotSupportedForLearner = "etcdserver: rpc not supported for learner";
inline constexpr std::string_view kErrBadLeaderTransferee = "etcdserver: bad leader transferee";
inline constexpr std::string_view kErrTimeoutLeaderTransfer =
    "etcdserver: request timed out, leader transfer took too long";

// Auth (etcd rpctypes ErrGRPCRootUserNotExist ... ErrGRPCAuthOldRevision).
inline constexpr std::string_view kErrRootUserNotExist = "etcdserver: root user does not exist";
inline constexpr std::string_view kErrRootRoleNotExist = "etcdserver: root user does not have root role";
inline constexpr std::string_view kErrUserAlreadyExist = "etcdserver: user name already exists";
inline constexpr std::string_view kErrUserEmpty = "etcdserver: user name is empty";
inline constexpr std::string_view kErrUserNotFound = "etcdserver: user name not found";
inline constexpr std::string_view kErrRoleAlreadyExist = "etcdserver: role name already exists";
inline constexpr std::string_view kErrRoleNotFound = "etcdserver: role name not found";
inline constexpr std::string_view kErrRoleEmpty = "etcdserver: role name is empty";
inline constexpr std::string_view kErrAuthFailed =
    "etcdserver: authentication failed, invalid user ID or password";
inline constexpr std::string_view kErrPermissionDenied = "etcdserver: permission denied";
inline constexpr std::string_view kErrRoleNotGranted = "etcdserver: role is not granted to the user";
inline constexpr std::string_view kErrPermissionNotGranted =
    "etcdserver: permission is not granted to the role";
inline constexpr std::string_view kErrAuthNotEnabled = "etcdserver: authentication is not enabled";
inline constexpr std::string_view kErrInvalidAuthToken = "etcdserver: invalid auth token";
inline constexpr std::string_view kErrInvalidAuthMgmt = "etcdserver: invalid auth management";
inline constexpr std::string_view kErrAuthOldRevision = "etcdserver: revision of auth store is old";
// Not translated by etcd's togRPCError (clients see the auth package's own text, code Unknown).
inline constexpr std::string_view kErrNoPasswordUser =
    "auth: authentication failed, password was given for no password user";
inline constexpr std::string_view kErrVerifyOnly = "auth: token signing attempted with verify-only key";

inline Status EtcdError(std::string_view text) { return Status::InvalidArgument(std::string(text)); }

// Translates errors of the layers below (mvcc's "mvcc: required revision has been compacted",
// the lessor's "lease not found", ...) into etcd's client-facing texts (etcd togRPCError).
// Messages already in etcd's form pass through unchanged.
Status ToEtcdError(const Status& s);

}  // namespace cairn::etcdserver
