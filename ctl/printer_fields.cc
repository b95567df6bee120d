// etcdctl's fieldsPrinter (printer_fields.go): one `"Field" : value` line per field, strings
// quoted with Go's %q.
#include "ctl/printer_impl.h"

namespace cairn::ctl {
namespace {

std::string B(bool b) { return b ? "true" : "false"; }

class FieldsPrinter : public Printer {
 public:
  FieldsPrinter() : Printer("fields") {}

  void Del(const etcdserverpb::DeleteRangeResponse& r) override {
    Hdr(r.header());
    Out("\"Deleted\" : " + std::to_string(r.deleted()) + "\n");
    for (const auto& kv : r.prev_kvs()) KV("Prev", kv);
  }
  void Get(const etcdserverpb::RangeResponse& r) override {
    Hdr(r.header());
    for (const auto& kv : r.kvs()) KV("", kv);
    Out("\"More\" : " + B(r.more()) + "\n\"Count\" : " + std::to_string(r.count()) + "\n");
  }
  void Put(const etcdserverpb::PutResponse& r) override {
    Hdr(r.header());
    if (r.has_prev_kv()) KV("Prev", r.prev_kv());
  }
  void Txn(const etcdserverpb::TxnResponse& r) override {
    Hdr(r.header());
    Out("\"Succeeded\" : " + B(r.succeeded()) + "\n");
    for (const auto& op : r.responses()) {
      if (!TxnOp(op)) Out("\"Unknown\" : " + GoQuote(op.ShortDebugString()) + "\n");
    }
  }
  void Watch(const etcdserverpb::WatchResponse& r) override {
    Hdr(r.header());
    for (const auto& e : r.events()) {
      Out(std::string("\"Type\" : ") + (e.type() == mvccpb::Event::PUT ? "PUT" : "DELETE") + "\n");
      if (e.has_prev_kv()) KV("Prev", e.prev_kv());
      KV("", e.kv());
    }
  }
  void Grant(const etcdserverpb::LeaseGrantResponse& r) override {
    Hdr(r.header());
    Out("\"ID\" : " + std::to_string(r.id()) + "\n\"TTL\" : " + std::to_string(r.ttl()) + "\n");
  }
  void Revoke(int64_t, const etcdserverpb::LeaseRevokeResponse& r) override { Hdr(r.header()); }
  void KeepAlive(const etcdserverpb::LeaseKeepAliveResponse& r) override {
    Hdr(r.header());
    Out("\"ID\" : " + std::to_string(r.id()) + "\n\"TTL\" : " + std::to_string(r.ttl()) + "\n");
  }
  void TimeToLive(const etcdserverpb::LeaseTimeToLiveResponse& r, bool) override {
    Hdr(r.header());
    Out("\"ID\" : " + std::to_string(r.id()) + "\n\"TTL\" : " + std::to_string(r.ttl()) +
        "\n\"GrantedTTL\" : " + std::to_string(r.grantedttl()) + "\n");
    for (const auto& k : r.keys()) Out("\"Key\" : " + GoQuote(k) + "\n");
  }
  void Leases(const etcdserverpb::LeaseLeasesResponse& r) override {
    Hdr(r.header());
    for (const auto& l : r.leases()) Out("\"ID\" : " + std::to_string(l.id()) + "\n");
  }
  void MemberList(const etcdserverpb::MemberListResponse& r) override {
    Hdr(r.header());
    for (const auto& m : r.members()) {
      std::string s = "\"ID\" : " + std::to_string(m.id()) + "\n\"Name\" : " + GoQuote(m.name()) + "\n";
      for (const auto& u : m.peerurls()) s += "\"PeerURL\" : " + GoQuote(u) + "\n";
      for (const auto& u : m.clienturls()) s += "\"ClientURL\" : " + GoQuote(u) + "\n";
      Out(s + "\"IsLearner\" : " + B(m.islearner()) + "\n\n");
    }
  }
  void EndpointHealth(const std::vector<EpHealth>& hs) override {
    for (const EpHealth& h : hs) {
      Out("\"Endpoint\" : " + GoQuote(h.ep) + "\n\"Health\" : " + B(h.health) + "\n\"Took\" : " + h.took +
          "\n\"Error\" : " + h.error + "\n\n");
    }
  }
  void EndpointStatus(const std::vector<EpStatus>& ss) override {
    for (const EpStatus& e : ss) {
      Hdr(e.resp.header());
      std::string errors = "[";
      for (int i = 0; i < e.resp.errors_size(); ++i) errors += (i ? " " : "") + e.resp.errors(i);
      Out("\"Version\" : " + GoQuote(e.resp.version()) + "\n\"DBSize\" : " + std::to_string(e.resp.dbsize()) +
          "\n\"Leader\" : " + std::to_string(e.resp.leader()) + "\n\"IsLearner\" : " + B(e.resp.islearner()) +
          "\n\"RaftIndex\" : " + std::to_string(e.resp.raftindex()) +
          "\n\"RaftTerm\" : " + std::to_string(e.resp.raftterm()) +
          "\n\"RaftAppliedIndex\" : " + std::to_string(e.resp.raftappliedindex()) +
          "\n\"Errors\" : " + errors + "]\n\"Endpoint\" : " + GoQuote(e.ep) + "\n\n");
    }
  }
  void EndpointHashKV(const std::vector<EpHashKV>& hs) override {
    for (const EpHashKV& h : hs) {
      Hdr(h.resp.header());
      Out("\"Endpoint\" : " + GoQuote(h.ep) + "\n\"Hash\" : " + std::to_string(h.resp.hash()) + "\n\n");
    }
  }
  void Alarm(const etcdserverpb::AlarmResponse& r) override {
    Hdr(r.header());
    for (const auto& a : r.alarms()) {
      Out("\"MemberID\" : " + std::to_string(a.memberid()) +
          "\n\"AlarmType\" : " + etcdserverpb::AlarmType_Name(a.alarm()) + "\n\n");
    }
  }
  void RoleAdd(const std::string&, const etcdserverpb::AuthRoleAddResponse& r) override { Hdr(r.header()); }
  void RoleGet(const std::string&, const etcdserverpb::AuthRoleGetResponse& r) override {
    Hdr(r.header());
    for (const auto& p : r.perm()) {
      Out("\"PermType\" :  " + authpb::Permission::Type_Name(p.permtype()) +
          "\n\"Key\" : " + GoQuote(p.key()) + "\n\"RangeEnd\" : " + GoQuote(p.range_end()) + "\n");
    }
  }
  void RoleDelete(const std::string&, const etcdserverpb::AuthRoleDeleteResponse& r) override {
    Hdr(r.header());
  }
  void RoleList(const etcdserverpb::AuthRoleListResponse& r) override {
    Hdr(r.header());
    std::string s = "\"Roles\" :";
    for (const auto& role : r.roles()) s += " " + GoQuote(role);
    Out(s + "\n");
  }
  void RoleGrantPermission(const std::string&,
                           const etcdserverpb::AuthRoleGrantPermissionResponse& r) override {
    Hdr(r.header());
  }
  void RoleRevokePermission(const std::string&, const std::string&, const std::string&,
                            const etcdserverpb::AuthRoleRevokePermissionResponse& r) override {
    Hdr(r.header());
  }
  void UserAdd(const std::string&, const etcdserverpb::AuthUserAddResponse& r) override { Hdr(r.header()); }
  void UserChangePassword(const etcdserverpb::AuthUserChangePasswordResponse& r) override { Hdr(r.header()); }
  void UserGrantRole(const std::string&, const std::string&,
                     const etcdserverpb::AuthUserGrantRoleResponse& r) override {
    Hdr(r.header());
  }
  void UserRevokeRole(const std::string&, const std::string&,
                      const etcdserverpb::AuthUserRevokeRoleResponse& r) override {
    Hdr(r.header());
  }
  void UserDelete(const std::string&, const etcdserverpb::AuthUserDeleteResponse& r) override {
    Hdr(r.header());
  }

 private:
  static void Hdr(const etcdserverpb::ResponseHeader& h) {
    Out("\"ClusterID\" : " + std::to_string(h.cluster_id()) + "\n\"MemberID\" : " +
        std::to_string(h.member_id()) + "\n\"Revision\" : " + std::to_string(h.revision()) +
        "\n\"RaftTerm\" : " + std::to_string(h.raft_term()) + "\n");
  }
  static void KV(const std::string& pfx, const mvccpb::KeyValue& kv) {
    Out("\"" + pfx + "Key\" : " + GoQuote(kv.key()) + "\n\"" + pfx +
        "CreateRevision\" : " + std::to_string(kv.create_revision()) + "\n\"" + pfx +
        "ModRevision\" : " + std::to_string(kv.mod_revision()) + "\n\"" + pfx +
        "Version\" : " + std::to_string(kv.version()) + "\n\"" + pfx + "Value\" : " + GoQuote(kv.value()) +
        "\n\"" + pfx + "Lease\" : " + std::to_string(kv.lease()) + "\n");
  }
};

}  // namespace

std::unique_ptr<Printer> NewFieldsPrinter() { return std::make_unique<FieldsPrinter>(); }

std::string GoQuote(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      default: break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    // A valid multi-byte UTF-8 sequence is kept (printable in practice); other bytes are \xNN.
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(s, i, n);
      i += n - 1;
    } else {
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    }
  }
  return out + "\"";
}

}  // namespace cairn::ctl
