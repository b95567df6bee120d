// etcdctl endpoint health|status|hashkv (ep_command.go).
#include <chrono>
#include <cstdio>
#include <thread>

#include "ctl/commands.h"
#include "ctl/endpoints.h"
#include "server/flags/go_values.h"

namespace cairn::ctl {
namespace {

bool cluster = false;
int64_t hashkv_rev = 0;

int Health(Context& ctx) {
  std::vector<EpHealth> list(0);
  const std::vector<std::string> eps = EndpointsFromCluster(ctx);
  list.resize(eps.size());
  // One client per endpoint, all checked concurrently as etcdctl does; listed in endpoint order.
  std::vector<std::thread> threads;
  for (size_t i = 0; i < eps.size(); ++i) {
    client::Options opts = ctx.ClientOptions({eps[i]});
    threads.emplace_back([&, i, opts] {
      EpHealth& h = list[i];
      h.ep = eps[i];
      std::unique_ptr<client::Client> c;
      if (Status s = client::Client::Open(opts, &c); !s.ok()) {
        h.error = s.message();
        return;
      }
      const auto start = std::chrono::steady_clock::now();
      const auto deadline = ctx.CommandDeadline();
      etcdserverpb::RangeRequest get;
      get.set_key("health");
      etcdserverpb::RangeResponse got;
      const Status s =
          c->Unary(&etcdserverpb::KV::Stub::Range, get, &got, deadline, client::Idempotence::kImmutable);
      h.took = flags::GoDurationString(std::chrono::steady_clock::now() - start);
      if (s.ok() || s.message() == "etcdserver: permission denied") {
        h.health = true;
      } else {
        h.error = s.message();
      }
      if (h.health) {
        etcdserverpb::AlarmRequest areq;
        areq.set_action(etcdserverpb::AlarmRequest::GET);
        etcdserverpb::AlarmResponse aresp;
        const Status as = c->Unary(&etcdserverpb::Maintenance::Stub::Alarm, areq, &aresp, deadline,
                                   client::Idempotence::kImmutable);
        if (as.ok() && aresp.alarms_size() > 0) {
          h.health = false;
          h.error = "Active Alarm(s): ";
          for (const auto& a : aresp.alarms()) {
            h.error += a.alarm() == etcdserverpb::NOSPACE   ? "NOSPACE "
                       : a.alarm() == etcdserverpb::CORRUPT ? "CORRUPT "
                                                            : "UNKNOWN ";
          }
        } else if (!as.ok()) {
          h.health = false;
          h.error = "Unable to fetch the alarm list";
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  bool errs = false;
  for (const EpHealth& h : list) errs = errs || !h.error.empty();
  ctx.display().EndpointHealth(list);
  if (errs) ExitWithError(kExitError, "unhealthy cluster");
  return kExitSuccess;
}

int StatusCmd(Context& ctx) {
  std::vector<EpStatus> list;
  bool failed = false;
  ctx.Client();  // mustClientFromCmd: flags and printer are checked first
  for (const std::string& ep : EndpointsFromCluster(ctx)) {
    EpStatus st;
    st.ep = ep;
    const Status s = EndpointCall(ctx, ep, &etcdserverpb::Maintenance::Stub::Status,
                                  etcdserverpb::StatusRequest(), &st.resp);
    if (!s.ok()) {
      failed = true;
      std::fprintf(stderr, "Failed to get the status of endpoint %s (%s)\n", ep.c_str(), s.message().c_str());
      continue;
    }
    list.push_back(std::move(st));
  }
  ctx.display().EndpointStatus(list);
  return failed ? kExitError : kExitSuccess;
}

int HashKV(Context& ctx) {
  std::vector<EpHashKV> list;
  std::string last_error;
  ctx.Client();
  for (const std::string& ep : EndpointsFromCluster(ctx)) {
    EpHashKV h;
    h.ep = ep;
    etcdserverpb::HashKVRequest req;
    req.set_revision(hashkv_rev);
    const Status s = EndpointCall(ctx, ep, &etcdserverpb::Maintenance::Stub::HashKV, req, &h.resp);
    if (!s.ok()) {
      last_error = s.message();
      std::fprintf(stderr, "Failed to get the hash of endpoint %s (%s)\n", ep.c_str(), s.message().c_str());
      continue;
    }
    list.push_back(std::move(h));
  }
  ctx.display().EndpointHashKV(list);
  if (!last_error.empty()) ExitWithError(kExitError, last_error);
  return kExitSuccess;
}

void DefineHashKV(FlagSet* fs) {
  DefineClusterFlag(fs);
  fs->Int("rev", &hashkv_rev, 0, "maximum revision to hash (default: all revisions)");
}

}  // namespace

void DefineClusterFlag(FlagSet* fs) {
  fs->Bool("cluster", &cluster, false, "use all endpoints from the cluster member list");
}

std::vector<std::string> EndpointsFromCluster(Context& ctx) {
  if (!cluster) return ctx.g.endpoints;
  // Without auth, like etcdctl (MemberList needs none).
  client::Options o = ctx.ClientOptions(ctx.g.endpoints);
  o.user.clear();
  o.password.clear();
  std::unique_ptr<client::Client> c;
  Status s = client::Client::Open(o, &c);
  etcdserverpb::MemberListRequest req;
  req.set_linearizable(true);
  etcdserverpb::MemberListResponse resp;
  if (s.ok()) {
    s = c->Unary(&etcdserverpb::Cluster::Stub::MemberList, req, &resp, ctx.CommandDeadline(),
                 client::Idempotence::kImmutable);
  }
  if (!s.ok())
    ExitWithError(kExitError, "failed to fetch endpoints from etcd cluster member list: " + s.message());
  std::vector<std::string> out;
  for (const auto& m : resp.members())
    for (const auto& u : m.clienturls()) out.push_back(u);
  return out;
}

std::vector<Command> EndpointCommands() {
  return {{"endpoint health", "health", "Checks the healthiness of endpoints specified in `--endpoints` flag",
           DefineClusterFlag, Health},
          {"endpoint status", "status", "Prints out the status of endpoints specified in `--endpoints` flag",
           DefineClusterFlag, StatusCmd},
          {"endpoint hashkv", "hashkv", "Prints the KV history hash for each endpoint in --endpoints",
           DefineHashKV, HashKV}};
}

}  // namespace cairn::ctl
