// The one place where etcdctl output is formatted (etcdctl/ctlv3/command/printer*.go): every
// command hands its response to the Printer chosen by --write-out, and never formats itself.
//
//   simple    printer_simple.cc   human text (etcdctl's simplePrinter)
//   json      printer_json.cc     Go encoding/json of the response structs (int64 as numbers,
//                                 bytes as base64, zero fields omitted) — go_json.h
//   protobuf  printer_protobuf.cc the response's wire bytes
//   table     printer_table.cc    olekukonko/tablewriter tables (member list, endpoint *)
//   fields    printer_fields.cc   "Field" : value lines
//
// A format a command does not support ends the process with etcdctl's "<format> not supported
// as output format" (exit 4). Output goes to stdout (endpoint health's simple lines too, as in
// 3.5); NewPrinter returns null for an unknown format.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/humanize.h"
#include "proto/rpc.pb.h"

namespace cairn::ctl {

struct EpHealth {
  std::string ep;
  bool health = false;
  std::string took;
  std::string error;
};
struct EpStatus {
  std::string ep;
  etcdserverpb::StatusResponse resp;
};
struct EpHashKV {
  std::string ep;
  etcdserverpb::HashKVResponse resp;
};

class Printer {
 public:
  virtual ~Printer() = default;

  virtual void Del(const etcdserverpb::DeleteRangeResponse& r) { Rpc(r); }
  virtual void Get(const etcdserverpb::RangeResponse& r) { Rpc(r); }
  virtual void Put(const etcdserverpb::PutResponse& r) { Rpc(r); }
  virtual void Txn(const etcdserverpb::TxnResponse& r) { Rpc(r); }
  virtual void Watch(const etcdserverpb::WatchResponse& r) { Rpc(r); }

  virtual void Grant(const etcdserverpb::LeaseGrantResponse& r) { Rpc(r); }
  virtual void Revoke(int64_t id, const etcdserverpb::LeaseRevokeResponse& r) { Rpc(r); }
  virtual void KeepAlive(const etcdserverpb::LeaseKeepAliveResponse& r) { Rpc(r); }
  virtual void TimeToLive(const etcdserverpb::LeaseTimeToLiveResponse& r, bool keys) { Rpc(r); }
  virtual void Leases(const etcdserverpb::LeaseLeasesResponse& r) { Rpc(r); }

  virtual void MemberAdd(const etcdserverpb::MemberAddResponse& r) { Rpc(r); }
  virtual void MemberRemove(uint64_t id, const etcdserverpb::MemberRemoveResponse& r) { Rpc(r); }
  virtual void MemberUpdate(uint64_t id, const etcdserverpb::MemberUpdateResponse& r) { Rpc(r); }
  virtual void MemberPromote(uint64_t id, const etcdserverpb::MemberPromoteResponse& r) { Rpc(r); }
  virtual void MemberList(const etcdserverpb::MemberListResponse& r) { Rpc(r); }

  virtual void EndpointHealth(const std::vector<EpHealth>&) { Unsupported(); }
  virtual void EndpointStatus(const std::vector<EpStatus>&) { Unsupported(); }
  virtual void EndpointHashKV(const std::vector<EpHashKV>&) { Unsupported(); }
  virtual void MoveLeader(uint64_t leader, uint64_t target, const etcdserverpb::MoveLeaderResponse&) {
    Unsupported();
  }

  virtual void Alarm(const etcdserverpb::AlarmResponse& r) { Rpc(r); }

  virtual void RoleAdd(const std::string&, const etcdserverpb::AuthRoleAddResponse& r) { Rpc(r); }
  virtual void RoleGet(const std::string&, const etcdserverpb::AuthRoleGetResponse& r) { Rpc(r); }
  virtual void RoleDelete(const std::string&, const etcdserverpb::AuthRoleDeleteResponse& r) { Rpc(r); }
  virtual void RoleList(const etcdserverpb::AuthRoleListResponse& r) { Rpc(r); }
  virtual void RoleGrantPermission(const std::string&,
                                   const etcdserverpb::AuthRoleGrantPermissionResponse& r) {
    Rpc(r);
  }
  virtual void RoleRevokePermission(const std::string&, const std::string&, const std::string&,
                                    const etcdserverpb::AuthRoleRevokePermissionResponse& r) {
    Rpc(r);
  }
  virtual void UserAdd(const std::string&, const etcdserverpb::AuthUserAddResponse& r) { Rpc(r); }
  virtual void UserGet(const std::string&, const etcdserverpb::AuthUserGetResponse& r) { Rpc(r); }
  virtual void UserList(const etcdserverpb::AuthUserListResponse& r) { Rpc(r); }
  virtual void UserChangePassword(const etcdserverpb::AuthUserChangePasswordResponse& r) { Rpc(r); }
  virtual void UserGrantRole(const std::string&, const std::string&,
                             const etcdserverpb::AuthUserGrantRoleResponse& r) {
    Rpc(r);
  }
  virtual void UserRevokeRole(const std::string&, const std::string&,
                              const etcdserverpb::AuthUserRevokeRoleResponse& r) {
    Rpc(r);
  }
  virtual void UserDelete(const std::string&, const etcdserverpb::AuthUserDeleteResponse& r) { Rpc(r); }
  virtual void AuthStatus(const etcdserverpb::AuthStatusResponse& r) { Rpc(r); }

  // get --print-value-only: only the simple printer has it (false: not supported).
  virtual bool SetValueOnly() { return false; }

 protected:
  // The Del/Put/Get of one txn response op; false for an op of another kind (nested txn).
  bool TxnOp(const etcdserverpb::ResponseOp& op);
  // printerRPC: json and protobuf print the whole response; the others do not support it.
  virtual void Rpc(const google::protobuf::Message&) { Unsupported(); }
  [[noreturn]] void Unsupported() const;
  explicit Printer(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// "simple", "json", "protobuf", "table", "fields"; null for anything else.
std::unique_ptr<Printer> NewPrinter(const std::string& format, bool is_hex);

// Writes to stdout.
void Out(const std::string& s);

// Shared rows (printer.go's make*Table), used by the simple and table printers.
void MemberListTable(const etcdserverpb::MemberListResponse& r, std::vector<std::string>* hdr,
                     std::vector<std::vector<std::string>>* rows);
void EndpointHealthTable(const std::vector<EpHealth>& hs, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows);
void EndpointStatusTable(const std::vector<EpStatus>& ss, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows);
void EndpointHashKVTable(const std::vector<EpHashKV>& hs, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows);

using ::cairn::HumanizeBytes;  // base/humanize.h
// "%x" / "%016x" / "%16x".
std::string Hex(uint64_t v);

}  // namespace cairn::ctl
