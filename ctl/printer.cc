#include "ctl/printer.h"

#include <cstdio>

#include "ctl/exit.h"
#include "ctl/printer_impl.h"

namespace cairn::ctl {

void Out(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

bool Printer::TxnOp(const etcdserverpb::ResponseOp& op) {
  if (op.has_response_delete_range()) {
    Del(op.response_delete_range());
  } else if (op.has_response_put()) {
    Put(op.response_put());
  } else if (op.has_response_range()) {
    Get(op.response_range());
  } else {
    return false;
  }
  return true;
}

void Printer::Unsupported() const {
  ExitWithError(kExitBadFeature, name_ + " not supported as output format");
}

std::unique_ptr<Printer> NewPrinter(const std::string& format, bool is_hex) {
  if (format == "simple") return NewSimplePrinter(is_hex);
  if (format == "json") return NewJsonPrinter(is_hex);
  if (format == "protobuf") return NewProtobufPrinter();
  if (format == "table") return NewTablePrinter();
  if (format == "fields") return NewFieldsPrinter();
  return nullptr;
}

void MemberListTable(const etcdserverpb::MemberListResponse& r, std::vector<std::string>* hdr,
                     std::vector<std::vector<std::string>>* rows) {
  *hdr = {"ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner"};
  auto join = [](const google::protobuf::RepeatedPtrField<std::string>& v) {
    std::string s;
    for (int i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
    return s;
  };
  for (const auto& m : r.members()) {
    rows->push_back({Hex(m.id()), m.name().empty() ? "unstarted" : "started", m.name(), join(m.peerurls()),
                     join(m.clienturls()), m.islearner() ? "true" : "false"});
  }
}

void EndpointHealthTable(const std::vector<EpHealth>& hs, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows) {
  *hdr = {"endpoint", "health", "took", "error"};
  for (const EpHealth& h : hs) rows->push_back({h.ep, h.health ? "true" : "false", h.took, h.error});
}

void EndpointStatusTable(const std::vector<EpStatus>& ss, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows) {
  *hdr = {"endpoint",           "ID",         "version",   "db size",
          "is leader",          "is learner", "raft term", "raft index",
          "raft applied index", "errors"};
  for (const EpStatus& s : ss) {
    std::string errors;
    for (int i = 0; i < s.resp.errors_size(); ++i) errors += (i ? ", " : "") + s.resp.errors(i);
    rows->push_back({s.ep, Hex(s.resp.header().member_id()), s.resp.version(),
                     HumanizeBytes(static_cast<uint64_t>(s.resp.dbsize())),
                     s.resp.leader() == s.resp.header().member_id() ? "true" : "false",
                     s.resp.islearner() ? "true" : "false", std::to_string(s.resp.raftterm()),
                     std::to_string(s.resp.raftindex()), std::to_string(s.resp.raftappliedindex()), errors});
  }
}

void EndpointHashKVTable(const std::vector<EpHashKV>& hs, std::vector<std::string>* hdr,
                         std::vector<std::vector<std::string>>* rows) {
  *hdr = {"endpoint", "hash"};
  for (const EpHashKV& h : hs) rows->push_back({h.ep, std::to_string(h.resp.hash())});
}

}  // namespace cairn::ctl
