#include "server/corruption/server_hasher.h"

#include <grpcpp/grpcpp.h>

#include <thread>

#include "proto/rpc.grpc.pb.h"
#include "raft/transport/peer_url.h"

namespace cairn::corruption {

namespace {

KvHash FromResponse(const etcdserverpb::HashKVResponse& r, int64_t rev) {
  KvHash h;
  h.hash = r.hash();
  h.revision = r.hash_revision() != 0 ? r.hash_revision() : rev;
  h.compact_revision = r.compact_revision();
  h.current_revision = r.header().revision();
  return h;
}

}  // namespace

Status ServerHasher::HashByRev(int64_t rev, KvHash* out) {
  etcdserverpb::HashKVRequest req;
  req.set_revision(rev);
  etcdserverpb::HashKVResponse resp;
  CAIRN_RETURN_IF_ERROR(server_->HashKV(req, &resp));
  *out = FromResponse(resp, rev);
  return Status::Ok();
}

std::vector<PeerHash> ServerHasher::PeerHashByRev(int64_t rev) {
  std::vector<etcdserver::Member> members = server_->membership().List();
  std::vector<PeerHash> out;
  for (const etcdserver::Member& m : members) {
    if (m.id == MemberId()) continue;
    PeerHash p;
    p.id = m.id;
    p.endpoints = m.peer_urls;
    out.push_back(std::move(p));
  }
  // One thread per peer, so an unreachable member costs one timeout, not one per member.
  std::vector<std::thread> threads;
  for (PeerHash& p : out) {
    threads.emplace_back([this, &p, rev] {
      p.error = "no peer URL";
      for (const std::string& ep : p.endpoints) {
        raft::transport::PeerUrl url;
        std::shared_ptr<grpc::ChannelCredentials> creds;
        Status st = raft::transport::ParsePeerUrl(ep, &url);
        if (st.ok()) st = raft::transport::MakeChannelCredentials(url, tls_, &creds);
        if (!st.ok()) {
          p.error = st.message();
          continue;
        }
        auto stub = etcdserverpb::Maintenance::NewStub(grpc::CreateChannel(url.address, creds));
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + timeout_);
        etcdserverpb::HashKVRequest req;
        req.set_revision(rev);
        etcdserverpb::HashKVResponse resp;
        grpc::Status gs = stub->HashKV(&ctx, req, &resp);
        if (gs.ok()) {
          p.ok = true;
          p.hash = FromResponse(resp, rev);
          p.error.clear();
          return;
        }
        p.error = gs.error_message();
        logging::DefaultLogger().Warn(
            "failed hash kv request",
            {logging::HexId("local-member-id", MemberId()), logging::Int("requested-revision", rev),
             logging::String("remote-peer-endpoint", ep), logging::String("error", p.error)});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return out;
}

void ServerHasher::TriggerCorruptAlarm(uint64_t id) {
  etcdserverpb::AlarmRequest a;
  a.set_action(etcdserverpb::AlarmRequest::ACTIVATE);
  a.set_memberid(id);
  a.set_alarm(etcdserverpb::CORRUPT);
  etcdserverpb::AlarmResponse ignored;
  if (Status st = server_->Alarm(a, &ignored); !st.ok()) {
    logging::DefaultLogger().Warn("failed to raise the CORRUPT alarm", {logging::Error(st)});
  }
}

}  // namespace cairn::corruption
