// etcdctl's jsonPrinter (printer_json.go): encoding/json of the clientv3 / etcdserverpb structs.
// Most responses are pb messages (go_json.h); the clientv3 wrapper structs (watch, lease) and
// the endpoint lists have their own Go shapes, written out here.
#include "ctl/go_json.h"
#include "ctl/printer_impl.h"

namespace cairn::ctl {
namespace {

std::string Num(int64_t v) { return std::to_string(v); }

class JsonPrinter : public Printer {
 public:
  explicit JsonPrinter(bool is_hex) : Printer("json"), hex_(is_hex) {}

  // clientv3.WatchResponse: Header (a value), Events, CompactRevision, Canceled, Created.
  void Watch(const etcdserverpb::WatchResponse& r) override {
    std::string s = "{\"Header\":";
    AppendGoJson(r.header(), &s);
    s += ",\"Events\":";
    if (r.events_size() == 0) {
      s += "null";
    } else {
      s += "[";
      for (int i = 0; i < r.events_size(); ++i) {
        if (i) s += ",";
        AppendGoJson(r.events(i), &s);
      }
      s += "]";
    }
    s += ",\"CompactRevision\":" + Num(r.compact_revision());
    s += std::string(",\"Canceled\":") + (r.canceled() ? "true" : "false");
    s += std::string(",\"Created\":") + (r.created() ? "true" : "false") + "}";
    Out(s + "\n");
  }
  // clientv3.LeaseGrantResponse{*ResponseHeader; ID; TTL; Error}: the header's fields promoted.
  void Grant(const etcdserverpb::LeaseGrantResponse& r) override {
    std::string s = "{";
    if (Header(r, &s)) s += ",";
    s += "\"ID\":" + Num(r.id()) + ",\"TTL\":" + Num(r.ttl()) + ",\"Error\":";
    AppendGoJsonString(r.error(), &s);
    Out(s + "}\n");
  }
  void KeepAlive(const etcdserverpb::LeaseKeepAliveResponse& r) override {
    std::string s = "{";
    if (Header(r, &s)) s += ",";
    Out(s + "\"ID\":" + Num(r.id()) + ",\"TTL\":" + Num(r.ttl()) + "}\n");
  }
  void TimeToLive(const etcdserverpb::LeaseTimeToLiveResponse& r, bool) override {
    std::string s = "{";
    if (Header(r, &s)) s += ",";
    s += "\"id\":" + Num(r.id()) + ",\"ttl\":" + Num(r.ttl()) + ",\"granted-ttl\":" + Num(r.grantedttl()) +
         ",\"keys\":";
    if (r.keys_size() == 0) {
      s += "null";
    } else {
      s += "[";
      for (int i = 0; i < r.keys_size(); ++i) {
        if (i) s += ",";
        AppendGoJsonBytes(r.keys(i), &s);
      }
      s += "]";
    }
    Out(s + "}\n");
  }
  void Leases(const etcdserverpb::LeaseLeasesResponse& r) override {
    std::string s = "{";
    if (Header(r, &s)) s += ",";
    s += "\"leases\":";
    if (r.leases_size() == 0) {
      s += "null";
    } else {
      s += "[";
      for (int i = 0; i < r.leases_size(); ++i)
        s += (i ? ",{\"id\":" : "{\"id\":") + Num(r.leases(i).id()) + "}";
      s += "]";
    }
    Out(s + "}\n");
  }
  void MemberList(const etcdserverpb::MemberListResponse& r) override {
    if (!hex_) return Rpc(r);
    // printMemberListWithHexJSON (3.5): IDs as hex strings, hand-written (names unescaped).
    std::string s = "{\"header\":{\"cluster_id\":\"" + Hex(r.header().cluster_id()) + "\",\"member_id\":\"" +
                    Hex(r.header().member_id()) +
                    "\",\"raft_term\":" + std::to_string(r.header().raft_term()) + "}";
    for (int i = 0; i < r.members_size(); ++i) {
      const auto& m = r.members(i);
      s += i == 0 ? ",\"members\":[{\"ID\":\"" : ",{\"ID\":\"";
      s += Hex(m.id()) + "\",\"name\":\"" + m.name() + "\",\"peerURLs\":" + Strings(m.peerurls()) +
           ",\"clientURLS\":" + Strings(m.clienturls()) + "}";
      if (i == r.members_size() - 1) s += "]";
    }
    Out(s + "}\n");
  }
  void EndpointHealth(const std::vector<EpHealth>& hs) override {
    std::string s = "[";
    for (size_t i = 0; i < hs.size(); ++i) {
      s += i ? ",{\"endpoint\":" : "{\"endpoint\":";
      AppendGoJsonString(hs[i].ep, &s);
      s += std::string(",\"health\":") + (hs[i].health ? "true" : "false") + ",\"took\":";
      AppendGoJsonString(hs[i].took, &s);
      if (!hs[i].error.empty()) {
        s += ",\"error\":";
        AppendGoJsonString(hs[i].error, &s);
      }
      s += "}";
    }
    Out(s + "]\n");
  }
  void EndpointStatus(const std::vector<EpStatus>& ss) override {
    std::string s = "[";
    for (size_t i = 0; i < ss.size(); ++i) {
      s += i ? ",{\"Endpoint\":" : "{\"Endpoint\":";
      AppendGoJsonString(ss[i].ep, &s);
      s += ",\"Status\":";
      AppendGoJson(ss[i].resp, &s);
      s += "}";
    }
    Out(s + "]\n");
  }
  void EndpointHashKV(const std::vector<EpHashKV>& hs) override {
    std::string s = "[";
    for (size_t i = 0; i < hs.size(); ++i) {
      s += i ? ",{\"Endpoint\":" : "{\"Endpoint\":";
      AppendGoJsonString(hs[i].ep, &s);
      s += ",\"HashKV\":";
      AppendGoJson(hs[i].resp, &s);
      s += "}";
    }
    Out(s + "]\n");
  }

 protected:
  void Rpc(const google::protobuf::Message& m) override {
    std::string s;
    AppendGoJson(m, &s);
    Out(s + "\n");
  }

 private:
  template <class R>
  static bool Header(const R& r, std::string* s) {
    return r.has_header() && AppendGoJsonFields(r.header(), s);
  }
  static std::string Strings(const google::protobuf::RepeatedPtrField<std::string>& v) {
    if (v.empty()) return "null";
    std::string s = "[";
    for (int i = 0; i < v.size(); ++i) {
      if (i) s += ",";
      AppendGoJsonString(v[i], &s);
    }
    return s + "]";
  }
  bool hex_;
};

}  // namespace

std::unique_ptr<Printer> NewJsonPrinter(bool is_hex) { return std::make_unique<JsonPrinter>(is_hex); }

}  // namespace cairn::ctl
