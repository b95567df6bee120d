// The Election service over gRPC (in-process channel) on a one-member core: campaign, leader,
// proclaim, resign, a second candidate waiting for the first to resign, observe following the
// leader's values and the next leader, and etcd's error texts (code Unknown).
#include "server/api/election_service.h"

#include <gtest/gtest.h>

#include <future>

#include "server/api/test_cluster.h"

namespace cairn::api {
namespace {

constexpr auto kLongWait = std::chrono::seconds(30);
namespace epb = v3electionpb;

struct ElectionFixture {
  ElectionFixture() : election_service(m.server.get()) {
    grpc::ServerBuilder b;
    b.RegisterService(&election_service);
    server = b.BuildAndStart();
    election = epb::Election::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
    lease = etcdserverpb::Lease::NewStub(m.channel);
  }
  ~ElectionFixture() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2)); }

  int64_t Grant() {
    grpc::ClientContext c;
    etcdserverpb::LeaseGrantRequest g;
    g.set_ttl(30);
    etcdserverpb::LeaseGrantResponse r;
    EXPECT_TRUE(lease->LeaseGrant(&c, g, &r).ok());
    return r.id();
  }
  grpc::Status Campaign(const std::string& name, int64_t lease_id, const std::string& value,
                        epb::CampaignResponse* resp) {
    grpc::ClientContext c;
    epb::CampaignRequest req;
    req.set_name(name);
    req.set_lease(lease_id);
    req.set_value(value);
    return election->Campaign(&c, req, resp);
  }
  grpc::Status Leader(const std::string& name, epb::LeaderResponse* resp) {
    grpc::ClientContext c;
    epb::LeaderRequest req;
    req.set_name(name);
    return election->Leader(&c, req, resp);
  }
  grpc::Status Proclaim(const epb::LeaderKey* leader, const std::string& value) {
    grpc::ClientContext c;
    epb::ProclaimRequest req;
    if (leader != nullptr) *req.mutable_leader() = *leader;
    req.set_value(value);
    epb::ProclaimResponse resp;
    return election->Proclaim(&c, req, &resp);
  }
  grpc::Status Resign(const epb::LeaderKey* leader) {
    grpc::ClientContext c;
    epb::ResignRequest req;
    if (leader != nullptr) *req.mutable_leader() = *leader;
    epb::ResignResponse resp;
    return election->Resign(&c, req, &resp);
  }

  testing::TestMember m;
  ElectionService election_service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<epb::Election::Stub> election;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
};

void ExpectUnknown(const grpc::Status& st, const std::string& text) {
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNKNOWN) << st.error_message();
  EXPECT_EQ(st.error_message(), text);
}

TEST(ElectionServiceTest, ErrorTextsAreEtcds) {
  ElectionFixture f;
  epb::LeaderResponse lr;
  ExpectUnknown(f.Leader("none", &lr), "election: no leader");
  ExpectUnknown(f.Proclaim(nullptr, "v"), "\"leader\" field must be provided");
  ExpectUnknown(f.Resign(nullptr), "\"leader\" field must be provided");
  epb::LeaderKey bogus;
  bogus.set_name("none");
  bogus.set_key("none/123");
  bogus.set_rev(5);
  bogus.set_lease(f.Grant());
  ExpectUnknown(f.Proclaim(&bogus, "v"), "election: not leader");
  // Resigning a leadership one does not hold is not an error (etcd's txn simply fails).
  EXPECT_TRUE(f.Resign(&bogus).ok());
  epb::CampaignResponse cr;
  ExpectUnknown(f.Campaign("e", 777, "v", &cr), "etcdserver: requested lease not found");
}

TEST(ElectionServiceTest, CampaignLeaderProclaimResign) {
  ElectionFixture f;
  const int64_t a = f.Grant();
  epb::CampaignResponse ca;
  ASSERT_TRUE(f.Campaign("job", a, "alpha", &ca).ok());
  EXPECT_EQ(ca.leader().name(), "job");
  EXPECT_EQ(ca.leader().lease(), a);
  EXPECT_EQ(ca.leader().rev(), ca.header().revision());
  EXPECT_EQ(ca.leader().key().rfind("job/", 0), 0u);
  epb::LeaderResponse lr;
  ASSERT_TRUE(f.Leader("job", &lr).ok());
  EXPECT_EQ(lr.kv().value(), "alpha");
  EXPECT_EQ(lr.kv().key(), ca.leader().key());

  ASSERT_TRUE(f.Proclaim(&ca.leader(), "alpha2").ok());
  ASSERT_TRUE(f.Leader("job", &lr).ok());
  EXPECT_EQ(lr.kv().value(), "alpha2");

  // A second candidate waits until the first resigns.
  const int64_t b = f.Grant();
  epb::CampaignResponse cb;
  auto waiting = std::async(std::launch::async, [&] { return f.Campaign("job", b, "beta", &cb); });
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  ASSERT_TRUE(f.Leader("job", &lr).ok());
  EXPECT_EQ(lr.kv().value(), "alpha2");
  ASSERT_TRUE(f.Resign(&ca.leader()).ok());
  ASSERT_EQ(waiting.wait_for(kLongWait), std::future_status::ready);
  ASSERT_TRUE(waiting.get().ok());
  ASSERT_TRUE(f.Leader("job", &lr).ok());
  EXPECT_EQ(lr.kv().value(), "beta");
  // The old leadership can no longer proclaim.
  ExpectUnknown(f.Proclaim(&ca.leader(), "x"), "election: not leader");
}

TEST(ElectionServiceTest, CampaignAgainWithANewValueProclaimsIt) {
  ElectionFixture f;
  const int64_t a = f.Grant();
  epb::CampaignResponse c1, c2;
  ASSERT_TRUE(f.Campaign("re", a, "one", &c1).ok());
  ASSERT_TRUE(f.Campaign("re", a, "two", &c2).ok());
  EXPECT_EQ(c2.leader().rev(), c1.leader().rev());
  epb::LeaderResponse lr;
  ASSERT_TRUE(f.Leader("re", &lr).ok());
  EXPECT_EQ(lr.kv().value(), "two");
}

TEST(ElectionServiceTest, ObserveFollowsValuesAndLeaders) {
  ElectionFixture f;
  grpc::ClientContext oc;
  epb::LeaderRequest req;
  req.set_name("obs");
  auto reader = f.election->Observe(&oc, req);
  // No leader yet: the first put under the prefix is the first observation.
  epb::CampaignResponse ca;
  ASSERT_TRUE(f.Campaign("obs", f.Grant(), "a", &ca).ok());
  epb::LeaderResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.kv().value(), "a");
  EXPECT_EQ(r.header().revision(), ca.leader().rev());
  ASSERT_TRUE(f.Proclaim(&ca.leader(), "a2").ok());
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.kv().value(), "a2");
  // A waiting candidate becomes the next observation once the leader resigns.
  epb::CampaignResponse cb;
  auto waiting = std::async(std::launch::async, [&] { return f.Campaign("obs", f.Grant(), "b", &cb); });
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  ASSERT_TRUE(f.Resign(&ca.leader()).ok());
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.kv().value(), "b");
  ASSERT_EQ(waiting.wait_for(kLongWait), std::future_status::ready);
  EXPECT_TRUE(waiting.get().ok());
  oc.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace cairn::api
