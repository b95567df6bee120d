// The Lease service over gRPC (in-process channel): keep-alive streams renew, and an unknown
// lease is answered with TTL 0 rather than an error (etcd v3rpc/lease.go).
#include "server/api/lease_service.h"

#include <gtest/gtest.h>

#include "server/api/test_cluster.h"

namespace cairn::api {
namespace {

TEST(LeaseServiceTest, KeepAliveStreamRenewsAndAnswersUnknownWithTtlZero) {
  testing::TestMember m;
  auto stub = etcdserverpb::Lease::NewStub(m.channel);
  grpc::ClientContext gc;
  etcdserverpb::LeaseGrantRequest g;
  g.set_ttl(30);
  etcdserverpb::LeaseGrantResponse gr;
  ASSERT_TRUE(stub->LeaseGrant(&gc, g, &gr).ok());
  ASSERT_GT(gr.id(), 0);

  grpc::ClientContext kc;
  auto stream = stub->LeaseKeepAlive(&kc);
  etcdserverpb::LeaseKeepAliveRequest req;
  etcdserverpb::LeaseKeepAliveResponse resp;
  req.set_id(gr.id());
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.id(), gr.id());
  EXPECT_EQ(resp.ttl(), 30);
  EXPECT_EQ(resp.header().member_id(), 0x8e9e05c52164694dULL);
  req.set_id(12345);
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.id(), 12345);
  EXPECT_EQ(resp.ttl(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(LeaseServiceTest, ErrorsCarryEtcdCodes) {
  testing::TestMember m;
  auto stub = etcdserverpb::Lease::NewStub(m.channel);
  grpc::ClientContext c1;
  etcdserverpb::LeaseRevokeRequest rv;
  rv.set_id(777);
  etcdserverpb::LeaseRevokeResponse rr;
  grpc::Status st = stub->LeaseRevoke(&c1, rv, &rr);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(st.error_message(), "etcdserver: requested lease not found");

  grpc::ClientContext c2;
  etcdserverpb::LeaseGrantRequest g;
  g.set_id(5);
  g.set_ttl(10);
  etcdserverpb::LeaseGrantResponse gr;
  ASSERT_TRUE(stub->LeaseGrant(&c2, g, &gr).ok());
  EXPECT_EQ(gr.id(), 5);
  grpc::ClientContext c3;
  st = stub->LeaseGrant(&c3, g, &gr);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(st.error_message(), "etcdserver: lease already exists");

  grpc::ClientContext c4;
  g.set_id(6);
  g.set_ttl(9000000001LL);
  st = stub->LeaseGrant(&c4, g, &gr);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(st.error_message(), "etcdserver: too large lease TTL");
}

}  // namespace
}  // namespace cairn::api
