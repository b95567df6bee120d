// etcdctl's simplePrinter (printer_simple.go).
#include <cstdio>

#include "ctl/printer_impl.h"

namespace cairn::ctl {
namespace {

std::string HexBytes(const std::string& b) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  return out;
}

std::string Printf(const char* fmt, unsigned long long a, long long b = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

std::string PermRange(const std::string& key, const std::string& end) {
  std::string s =
      end != std::string("\0", 1) ? "\t[" + key + ", " + end + ")" : "\t[" + key + ", <open ended>";
  // clientv3.GetPrefixRangeEnd(key) == end
  std::string pe = key;
  while (!pe.empty() && static_cast<unsigned char>(pe.back()) == 0xff) pe.pop_back();
  if (pe.empty()) {
    pe = std::string("\0", 1);
  } else {
    pe.back() = static_cast<char>(static_cast<unsigned char>(pe.back()) + 1);
  }
  if (pe == end) s += " (prefix " + key + ")";
  return s + "\n";
}

class SimplePrinter : public Printer {
 public:
  explicit SimplePrinter(bool is_hex) : Printer("simple"), hex_(is_hex) {}

  bool SetValueOnly() override { return value_only_ = true; }

  void Del(const etcdserverpb::DeleteRangeResponse& r) override {
    Out(std::to_string(r.deleted()) + "\n");
    for (const auto& kv : r.prev_kvs()) KV(kv);
  }
  void Get(const etcdserverpb::RangeResponse& r) override {
    for (const auto& kv : r.kvs()) KV(kv);
  }
  void Put(const etcdserverpb::PutResponse& r) override {
    Out("OK\n");
    if (r.has_prev_kv()) KV(r.prev_kv());
  }
  void Txn(const etcdserverpb::TxnResponse& r) override {
    Out(r.succeeded() ? "SUCCESS\n" : "FAILURE\n");
    for (const auto& op : r.responses()) {
      Out("\n");
      if (!TxnOp(op)) Out("unexpected response " + op.ShortDebugString() + "\n");
    }
  }
  void Watch(const etcdserverpb::WatchResponse& r) override {
    for (const auto& e : r.events()) {
      Out(e.type() == mvccpb::Event::PUT ? "PUT\n" : "DELETE\n");
      if (e.has_prev_kv()) KV(e.prev_kv());
      KV(e.kv());
    }
  }
  void Grant(const etcdserverpb::LeaseGrantResponse& r) override {
    Out(Printf("lease %016llx granted with TTL(%llds)\n", static_cast<unsigned long long>(r.id()), r.ttl()));
  }
  void Revoke(int64_t id, const etcdserverpb::LeaseRevokeResponse&) override {
    Out(Printf("lease %016llx revoked\n", static_cast<unsigned long long>(id)));
  }
  void KeepAlive(const etcdserverpb::LeaseKeepAliveResponse& r) override {
    Out(Printf("lease %016llx keepalived with TTL(%lld)\n", static_cast<unsigned long long>(r.id()),
               r.ttl()));
  }
  void TimeToLive(const etcdserverpb::LeaseTimeToLiveResponse& r, bool keys) override {
    if (r.grantedttl() == 0 && r.ttl() == -1) {
      Out(Printf("lease %016llx already expired\n", static_cast<unsigned long long>(r.id())));
      return;
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "lease %016llx granted with TTL(%llds), remaining(%llds)",
                  static_cast<unsigned long long>(r.id()), static_cast<long long>(r.grantedttl()),
                  static_cast<long long>(r.ttl()));
    std::string txt = buf;
    if (keys) {
      txt += ", attached keys([";
      for (int i = 0; i < r.keys_size(); ++i) txt += (i ? " " : "") + r.keys(i);
      txt += "])";
    }
    Out(txt + "\n");
  }
  void Leases(const etcdserverpb::LeaseLeasesResponse& r) override {
    Out("found " + std::to_string(r.leases_size()) + " leases\n");
    for (const auto& l : r.leases()) Out(Printf("%016llx\n", static_cast<unsigned long long>(l.id())));
  }
  void Alarm(const etcdserverpb::AlarmResponse& r) override {
    // fmt's %+v of *pb.AlarmMember: its String(), the compact text form.
    for (const auto& a : r.alarms()) {
      std::string s;
      if (a.memberid() != 0) s += "memberID:" + std::to_string(a.memberid()) + " ";
      if (a.alarm() != 0) s += "alarm:" + etcdserverpb::AlarmType_Name(a.alarm()) + " ";
      Out(s + "\n");
    }
  }
  void MemberAdd(const etcdserverpb::MemberAddResponse& r) override {
    char buf[128];
    std::snprintf(buf, sizeof buf, "Member %16llx added to cluster %16llx\n",
                  static_cast<unsigned long long>(r.member().id()),
                  static_cast<unsigned long long>(r.header().cluster_id()));
    Out(buf);
  }
  void MemberRemove(uint64_t id, const etcdserverpb::MemberRemoveResponse& r) override {
    MemberDone(id, "removed from", r.header());
  }
  void MemberUpdate(uint64_t id, const etcdserverpb::MemberUpdateResponse& r) override {
    MemberDone(id, "updated in", r.header());
  }
  void MemberPromote(uint64_t id, const etcdserverpb::MemberPromoteResponse& r) override {
    MemberDone(id, "promoted in", r.header());
  }
  void MemberList(const etcdserverpb::MemberListResponse& r) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    MemberListTable(r, &hdr, &rows);
    Rows(rows);
  }
  void EndpointHealth(const std::vector<EpHealth>& hs) override {
    for (const EpHealth& h : hs) {
      if (h.error.empty()) {
        Out(h.ep + " is healthy: successfully committed proposal: took = " + h.took + "\n");
      } else {
        std::fprintf(stderr, "%s is unhealthy: failed to commit proposal: %s\n", h.ep.c_str(),
                     h.error.c_str());
      }
    }
  }
  void EndpointStatus(const std::vector<EpStatus>& ss) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    EndpointStatusTable(ss, &hdr, &rows);
    Rows(rows);
  }
  void EndpointHashKV(const std::vector<EpHashKV>& hs) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    EndpointHashKVTable(hs, &hdr, &rows);
    Rows(rows);
  }
  void MoveLeader(uint64_t leader, uint64_t target, const etcdserverpb::MoveLeaderResponse&) override {
    Out("Leadership transferred from " + Hex(leader) + " to " + Hex(target) + "\n");
  }
  void RoleAdd(const std::string& role, const etcdserverpb::AuthRoleAddResponse&) override {
    Out("Role " + role + " created\n");
  }
  void RoleGet(const std::string& role, const etcdserverpb::AuthRoleGetResponse& r) override {
    std::string s = "Role " + role + "\nKV Read:\n";
    auto perms = [&](bool want_read) {
      for (const auto& p : r.perm()) {
        const bool read =
            p.permtype() == authpb::Permission::READ || p.permtype() == authpb::Permission::READWRITE;
        const bool write =
            p.permtype() == authpb::Permission::WRITE || p.permtype() == authpb::Permission::READWRITE;
        if (want_read ? !read : !write) continue;
        s += p.range_end().empty() ? "\t" + p.key() + "\n" : PermRange(p.key(), p.range_end());
      }
    };
    perms(true);
    s += "KV Write:\n";
    perms(false);
    Out(s);
  }
  void RoleDelete(const std::string& role, const etcdserverpb::AuthRoleDeleteResponse&) override {
    Out("Role " + role + " deleted\n");
  }
  void RoleList(const etcdserverpb::AuthRoleListResponse& r) override {
    for (const auto& role : r.roles()) Out(role + "\n");
  }
  void RoleGrantPermission(const std::string& role,
                           const etcdserverpb::AuthRoleGrantPermissionResponse&) override {
    Out("Role " + role + " updated\n");
  }
  void RoleRevokePermission(const std::string& role, const std::string& key, const std::string& end,
                            const etcdserverpb::AuthRoleRevokePermissionResponse&) override {
    if (end.empty()) {
      Out("Permission of key " + key + " is revoked from role " + role + "\n");
    } else if (end != std::string("\0", 1)) {
      Out("Permission of range [" + key + ", " + end + ") is revoked from role " + role + "\n");
    } else {
      Out("Permission of range [" + key + ", <open ended> is revoked from role " + role + "\n");
    }
  }
  void UserAdd(const std::string& name, const etcdserverpb::AuthUserAddResponse&) override {
    Out("User " + name + " created\n");
  }
  void UserGet(const std::string& name, const etcdserverpb::AuthUserGetResponse& r) override {
    std::string s = "User: " + name + "\nRoles:";
    for (const auto& role : r.roles()) s += " " + role;
    Out(s + "\n");
  }
  void UserChangePassword(const etcdserverpb::AuthUserChangePasswordResponse&) override {
    Out("Password updated\n");
  }
  void UserGrantRole(const std::string& user, const std::string& role,
                     const etcdserverpb::AuthUserGrantRoleResponse&) override {
    Out("Role " + role + " is granted to user " + user + "\n");
  }
  void UserRevokeRole(const std::string& user, const std::string& role,
                      const etcdserverpb::AuthUserRevokeRoleResponse&) override {
    Out("Role " + role + " is revoked from user " + user + "\n");
  }
  void UserDelete(const std::string& user, const etcdserverpb::AuthUserDeleteResponse&) override {
    Out("User " + user + " deleted\n");
  }
  void UserList(const etcdserverpb::AuthUserListResponse& r) override {
    for (const auto& u : r.users()) Out(u + "\n");
  }
  void AuthStatus(const etcdserverpb::AuthStatusResponse& r) override {
    Out(std::string("Authentication Status: ") + (r.enabled() ? "true" : "false") +
        "\nAuthRevision: " + std::to_string(r.authrevision()) + "\n");
  }

 private:
  void KV(const mvccpb::KeyValue& kv) {
    const std::string k = hex_ ? HexBytes(kv.key()) : kv.key();
    const std::string v = hex_ ? HexBytes(kv.value()) : kv.value();
    Out(value_only_ ? v + "\n" : k + "\n" + v + "\n");
  }
  void MemberDone(uint64_t id, const char* what, const etcdserverpb::ResponseHeader& h) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "Member %16llx %s cluster %16llx\n", static_cast<unsigned long long>(id),
                  what, static_cast<unsigned long long>(h.cluster_id()));
    Out(buf);
  }
  void Rows(const std::vector<std::vector<std::string>>& rows) {
    for (const auto& row : rows) {
      std::string s;
      for (size_t i = 0; i < row.size(); ++i) s += (i ? ", " : "") + row[i];
      Out(s + "\n");
    }
  }
  bool hex_;
  bool value_only_ = false;
};

}  // namespace

std::unique_ptr<Printer> NewSimplePrinter(bool is_hex) { return std::make_unique<SimplePrinter>(is_hex); }

}  // namespace cairn::ctl
