// etcdctl lease grant|revoke|timetolive|list|keep-alive (lease_command.go).
#include <algorithm>
#include <cstdio>
#include <thread>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

bool ttl_keys = false;
bool keepalive_once = false;

int64_t LeaseFromArg(const std::string& arg) {
  int64_t id = 0;
  if (!ParseHexInt64(arg, &id)) {
    ExitWithError(kExitBadArgs, "bad lease ID arg (strconv.ParseInt: parsing " + GoQuoteArg(arg) +
                                    ": invalid syntax), expecting ID in Hex");
  }
  return id;
}

int Grant(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "lease grant command needs TTL argument");
  int64_t ttl = 0;
  std::string why;
  if (!ParseDecInt64(ctx.args[0], &ttl, &why)) ExitWithError(kExitBadArgs, "bad TTL (" + why + ")");
  etcdserverpb::LeaseGrantRequest req;
  req.set_ttl(ttl);
  etcdserverpb::LeaseGrantResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Lease::Stub::LeaseGrant, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, "failed to grant lease (" + s.message() + ")");
  ctx.display().Grant(resp);
  return kExitSuccess;
}

int Revoke(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "lease revoke command needs 1 argument");
  const int64_t id = LeaseFromArg(ctx.args[0]);
  etcdserverpb::LeaseRevokeRequest req;
  req.set_id(id);
  etcdserverpb::LeaseRevokeResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Lease::Stub::LeaseRevoke, req, &resp,
                                      ctx.CommandDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, "failed to revoke lease (" + s.message() + ")");
  ctx.display().Revoke(id, resp);
  return kExitSuccess;
}

void DefineTtl(FlagSet* fs) { fs->Bool("keys", &ttl_keys, false, "Get keys attached to this lease"); }

int TimeToLive(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "lease timetolive command needs lease ID as argument");
  etcdserverpb::LeaseTimeToLiveRequest req;
  req.set_id(LeaseFromArg(ctx.args[0]));
  req.set_keys(ttl_keys);
  etcdserverpb::LeaseTimeToLiveResponse resp;
  const Status s = ctx.Client().Unary(&etcdserverpb::Lease::Stub::LeaseTimeToLive, req, &resp, NoDeadline(),
                                      client::Idempotence::kImmutable);
  if (!s.ok()) ExitWithError(kExitBadConnection, s.message());
  ctx.display().TimeToLive(resp, ttl_keys);
  return kExitSuccess;
}

int List(Context& ctx) {
  etcdserverpb::LeaseLeasesResponse resp;
  const Status s =
      ctx.Client().Unary(&etcdserverpb::Lease::Stub::LeaseLeases, etcdserverpb::LeaseLeasesRequest(), &resp,
                         NoDeadline(), client::Idempotence::kImmutable);
  if (!s.ok()) ExitWithError(kExitBadConnection, s.message());
  ctx.display().Leases(resp);
  return kExitSuccess;
}

void DefineKeepAlive(FlagSet* fs) {
  fs->Bool("once", &keepalive_once, false,
           "Resets the keep-alive time to its original value and cobrautl.Exits immediately");
}

// clientv3's KeepAlive loop: one request, then the next after a third of the TTL; stops when the
// lease is gone (TTL <= 0). The stream is re-opened on another endpoint if it breaks.
int KeepAlive(Context& ctx) {
  if (ctx.args.size() != 1)
    ExitWithError(kExitBadArgs, "lease keep-alive command needs lease ID as argument");
  const int64_t id = LeaseFromArg(ctx.args[0]);
  client::Client& c = ctx.Client();
  bool printed_any = false;
  for (;;) {
    const int i = c.PickReady(NoDeadline());
    etcdserverpb::Lease::Stub stub(c.channel(static_cast<size_t>(i)));
    grpc::ClientContext gctx;
    c.Prepare(&gctx);
    auto stream = stub.LeaseKeepAlive(&gctx);
    etcdserverpb::LeaseKeepAliveRequest req;
    req.set_id(id);
    bool broken = false;
    for (;;) {
      etcdserverpb::LeaseKeepAliveResponse resp;
      if (!stream->Write(req) || !stream->Read(&resp)) {
        broken = true;
        break;
      }
      if (resp.ttl() <= 0) {
        if (keepalive_once) ExitWithError(kExitBadConnection, "etcdserver: requested lease not found");
        stream->WritesDone();
        gctx.TryCancel();
        if (ctx.g.write_out == "simple") {
          char buf[96];
          std::snprintf(buf, sizeof buf, "lease %016llx expired or revoked.\n",
                        static_cast<unsigned long long>(id));
          Out(buf);
        }
        return kExitSuccess;
      }
      ctx.display().KeepAlive(resp);
      printed_any = true;
      if (keepalive_once) {
        gctx.TryCancel();
        return kExitSuccess;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(resp.ttl() * 1000 / 3, 500)));
    }
    if (broken) {
      const grpc::Status st = stream->Finish();
      if (keepalive_once && !printed_any) ExitWithError(kExitBadConnection, client::GoErrorString(st));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace

std::vector<Command> LeaseCommands() {
  return {
      {"lease grant", "grant <ttl>", "Creates leases", nullptr, Grant},
      {"lease revoke", "revoke <leaseID>", "Revokes leases", nullptr, Revoke},
      {"lease timetolive", "timetolive <leaseID> [options]", "Get lease information", DefineTtl, TimeToLive},
      {"lease list", "list", "List all active leases", nullptr, List},
      {"lease keep-alive", "keep-alive [options] <leaseID>", "Keeps leases alive (renew)", DefineKeepAlive,
       KeepAlive}};
}

}  // namespace cairn::ctl
