// etcdctl member add|remove|update|list|promote (member_command.go).
#include <cstdio>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

std::string peer_urls;
bool is_learner = false;

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t c = s.find(',', start);
    out.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) return out;
    start = c + 1;
  }
}

uint64_t MemberId(const std::vector<std::string>& args) {
  if (args.size() != 1) ExitWithError(kExitBadArgs, "member ID is not provided");
  int64_t v = 0;
  // strconv.ParseUint(args[0], 16, 64)
  const std::string& a = args[0];
  uint64_t id = 0;
  bool ok = !a.empty();
  for (char c : a) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0 || id > (~0ULL >> 4)) {
      ok = false;
      break;
    }
    id = id * 16 + static_cast<uint64_t>(d);
  }
  (void)v;
  if (!ok) {
    ExitWithError(kExitBadArgs, "bad member ID arg (strconv.ParseUint: parsing " + GoQuoteArg(a) +
                                    ": invalid syntax), expecting ID in Hex");
  }
  return id;
}

void DefineAdd(FlagSet* fs) {
  fs->String("peer-urls", &peer_urls, "", "comma separated peer URLs for the new member.");
  fs->Bool("learner", &is_learner, false, "indicates if the new member is raft learner");
}
void DefineUpdate(FlagSet* fs) {
  fs->String("peer-urls", &peer_urls, "", "comma separated peer URLs for the updated member.");
}

int Add(Context& ctx) {
  const auto& args = ctx.args;
  if (args.empty()) ExitWithError(kExitBadArgs, "member name not provided");
  if (args.size() > 1) {
    std::string ev = "too many arguments";
    for (const std::string& s : args) {
      std::string lower = s;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("http", 0) == 0) ev += ", did you mean --peer-urls=" + s;
    }
    ExitWithError(kExitBadArgs, ev);
  }
  const std::string name = args[0];
  if (peer_urls.empty()) ExitWithError(kExitBadArgs, "member peer urls not provided");
  etcdserverpb::MemberAddRequest req;
  for (const std::string& u : SplitComma(peer_urls)) req.add_peerurls(u);
  req.set_islearner(is_learner);
  etcdserverpb::MemberAddResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Cluster::Stub::MemberAdd, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MemberAdd(resp);
  if (ctx.g.write_out == "simple") {
    std::string conf;
    for (const auto& m : resp.members()) {
      for (const auto& u : m.peerurls()) {
        conf += (conf.empty() ? "" : ",") + (m.id() == resp.member().id() ? name : m.name()) + "=" + u;
      }
    }
    Out("\nETCD_NAME=" + GoQuoteArg(name) + "\nETCD_INITIAL_CLUSTER=" + GoQuoteArg(conf) +
        "\nETCD_INITIAL_ADVERTISE_PEER_URLS=" + GoQuoteArg(peer_urls) +
        "\nETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
  }
  return kExitSuccess;
}

int Remove(Context& ctx) {
  const uint64_t id = MemberId(ctx.args);
  etcdserverpb::MemberRemoveRequest req;
  req.set_id(id);
  etcdserverpb::MemberRemoveResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Cluster::Stub::MemberRemove, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MemberRemove(id, resp);
  return kExitSuccess;
}

int Update(Context& ctx) {
  const uint64_t id = MemberId(ctx.args);
  if (peer_urls.empty()) ExitWithError(kExitBadArgs, "member peer urls not provided");
  etcdserverpb::MemberUpdateRequest req;
  req.set_id(id);
  for (const std::string& u : SplitComma(peer_urls)) req.add_peerurls(u);
  etcdserverpb::MemberUpdateResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Cluster::Stub::MemberUpdate, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MemberUpdate(id, resp);
  return kExitSuccess;
}

int List(Context& ctx) {
  etcdserverpb::MemberListRequest req;
  req.set_linearizable(true);
  etcdserverpb::MemberListResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Cluster::Stub::MemberList, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kImmutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MemberList(resp);
  return kExitSuccess;
}

int Promote(Context& ctx) {
  const uint64_t id = MemberId(ctx.args);
  etcdserverpb::MemberPromoteRequest req;
  req.set_id(id);
  etcdserverpb::MemberPromoteResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Cluster::Stub::MemberPromote, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().MemberPromote(id, resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> MemberCommands() {
  return {{"member add", "add <memberName> [options]", "Adds a member into the cluster", DefineAdd, Add},
          {"member remove", "remove <memberID>", "Removes a member from the cluster", nullptr, Remove},
          {"member update", "update <memberID> [options]", "Updates a member in the cluster", DefineUpdate,
           Update},
          {"member list", "list", "Lists all members in the cluster", nullptr, List},
          {"member promote", "promote <memberID>", "Promotes a non-voting member in the cluster", nullptr,
           Promote}};
}

}  // namespace cairn::ctl
