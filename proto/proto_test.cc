// Wire-compatibility tests of Cairn's etcd API protos:
//  1. exact wire bytes of a few messages (tags of fields an etcd client sends);
//  2. the full service/method list of etcd 3.5;
//  3. every message, field, enum value and method of Debian's etcd 3.4 protos (external oracle,
//     compiled to a descriptor set by the etcd34_descriptor_set genrule) exists identically here.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "proto/auth.pb.h"
#include "proto/kv.pb.h"
#include "proto/lease.pb.h"
#include "proto/rpc.grpc.pb.h"
#include "proto/rpc.pb.h"
#include "proto/v3election.grpc.pb.h"
#include "proto/v3lock.grpc.pb.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(ProtoWire, PutRequestBytes) {
  etcdserverpb::PutRequest put;
  put.set_key("foo");
  put.set_value("bar");
  put.set_lease(5);
  put.set_prev_kv(true);
  put.set_ignore_lease(true);
  EXPECT_EQ(Hex(put.SerializeAsString()), "0a 03 66 6f 6f 12 03 62 61 72 18 05 20 01 30 01");
}

TEST(ProtoWire, RangeRequestBytes) {
  etcdserverpb::RangeRequest range;
  range.set_key("a");
  range.set_range_end("b");
  range.set_limit(10);
  range.set_sort_order(etcdserverpb::RangeRequest::DESCEND);
  range.set_sort_target(etcdserverpb::RangeRequest::MOD);
  range.set_serializable(true);
  range.set_min_mod_revision(3);
  range.set_max_create_revision(300);
  EXPECT_EQ(Hex(range.SerializeAsString()), "0a 01 61 12 01 62 18 0a 28 02 30 03 38 01 50 03 68 ac 02");
}

TEST(ProtoWire, CompareRangeEndIsField64) {
  etcdserverpb::Compare cmp;
  cmp.set_result(etcdserverpb::Compare::NOT_EQUAL);
  cmp.set_target(etcdserverpb::Compare::MOD);
  cmp.set_key("k");
  cmp.set_mod_revision(7);
  cmp.set_range_end("l");
  EXPECT_EQ(Hex(cmp.SerializeAsString()), "08 03 10 02 1a 01 6b 30 07 82 04 01 6c");
}

TEST(ProtoWire, Etcd35Fields) {
  etcdserverpb::StatusResponse status;
  status.set_dbsizeinuse(1);
  status.set_islearner(true);
  EXPECT_EQ(Hex(status.SerializeAsString()), "48 01 50 01");

  etcdserverpb::HashKVResponse hashkv;
  hashkv.set_hash_revision(9);
  EXPECT_EQ(Hex(hashkv.SerializeAsString()), "20 09");

  etcdserverpb::WatchRequest watch;
  watch.mutable_progress_request();
  EXPECT_EQ(Hex(watch.SerializeAsString()), "1a 00");

  etcdserverpb::DowngradeRequest downgrade;
  downgrade.set_action(etcdserverpb::DowngradeRequest::CANCEL);
  downgrade.set_version("3.4.0");
  EXPECT_EQ(Hex(downgrade.SerializeAsString()), "08 02 12 05 33 2e 34 2e 30");

  etcdserverpb::AuthStatusResponse auth_status;
  auth_status.set_enabled(true);
  auth_status.set_authrevision(2);
  EXPECT_EQ(Hex(auth_status.SerializeAsString()), "10 01 18 02");

  etcdserverpb::AuthUserAddRequest user_add;
  user_add.set_hashedpassword("h");
  EXPECT_EQ(Hex(user_add.SerializeAsString()), "22 01 68");
}

TEST(ProtoWire, StoredValuesRoundTrip) {
  mvccpb::KeyValue kv;
  kv.set_key("k");
  kv.set_create_revision(2);
  kv.set_mod_revision(3);
  kv.set_version(1);
  kv.set_value("v");
  kv.set_lease(0x10);
  EXPECT_EQ(Hex(kv.SerializeAsString()), "0a 01 6b 10 02 18 03 20 01 2a 01 76 30 10");

  leasepb::Lease lease;
  lease.set_id(1);
  lease.set_ttl(60);
  lease.set_remainingttl(30);
  EXPECT_EQ(Hex(lease.SerializeAsString()), "08 01 10 3c 18 1e");

  authpb::Role role;
  role.set_name("r");
  auto* perm = role.add_keypermission();
  perm->set_permtype(authpb::Permission::READWRITE);
  perm->set_key("a");
  EXPECT_EQ(Hex(role.SerializeAsString()), "0a 01 72 12 05 08 02 12 01 61");
}

// The etcd 3.5 API surface: service -> methods, in declaration order.
const std::vector<std::pair<std::string, std::vector<std::string>>>& Etcd35Services() {
  static const auto* services = new std::vector<std::pair<std::string, std::vector<std::string>>>{
      {"etcdserverpb.KV", {"Range", "Put", "DeleteRange", "Txn", "Compact"}},
      {"etcdserverpb.Watch", {"Watch"}},
      {"etcdserverpb.Lease",
       {"LeaseGrant", "LeaseRevoke", "LeaseKeepAlive", "LeaseTimeToLive", "LeaseLeases"}},
      {"etcdserverpb.Cluster", {"MemberAdd", "MemberRemove", "MemberUpdate", "MemberList", "MemberPromote"}},
      {"etcdserverpb.Maintenance",
       {"Alarm", "Status", "Defragment", "Hash", "HashKV", "Snapshot", "MoveLeader", "Downgrade"}},
      {"etcdserverpb.Auth",
       {"AuthEnable", "AuthDisable", "AuthStatus", "Authenticate", "UserAdd", "UserGet", "UserList",
        "UserDelete", "UserChangePassword", "UserGrantRole", "UserRevokeRole", "RoleAdd", "RoleGet",
        "RoleList", "RoleDelete", "RoleGrantPermission", "RoleRevokePermission"}},
  };
  return *services;
}

TEST(ProtoServices, AllEtcd35MethodsExist) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  const google::protobuf::FileDescriptor* file = pool->FindFileByName("proto/rpc.proto");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(file->service_count(), 6);
  for (const auto& [service_name, methods] : Etcd35Services()) {
    const auto* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    std::vector<std::string> got;
    for (int i = 0; i < service->method_count(); ++i) got.push_back(service->method(i)->name());
    EXPECT_EQ(got, methods) << service_name;
  }
  // Streaming shapes.
  const auto* watch = pool->FindMethodByName("etcdserverpb.Watch.Watch");
  EXPECT_TRUE(watch->client_streaming() && watch->server_streaming());
  const auto* keepalive = pool->FindMethodByName("etcdserverpb.Lease.LeaseKeepAlive");
  EXPECT_TRUE(keepalive->client_streaming() && keepalive->server_streaming());
  const auto* snapshot = pool->FindMethodByName("etcdserverpb.Maintenance.Snapshot");
  EXPECT_TRUE(!snapshot->client_streaming() && snapshot->server_streaming());
  const auto* range = pool->FindMethodByName("etcdserverpb.KV.Range");
  EXPECT_TRUE(!range->client_streaming() && !range->server_streaming());
  const auto* hashkv = pool->FindMethodByName("etcdserverpb.Maintenance.HashKV");
  EXPECT_EQ(hashkv->input_type()->full_name(), "etcdserverpb.HashKVRequest");
  EXPECT_EQ(hashkv->output_type()->full_name(), "etcdserverpb.HashKVResponse");
}

TEST(ProtoServices, GrpcStubsCompile) {
  // Creating a channel does not connect; this only checks the generated stubs link.
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  EXPECT_NE(etcdserverpb::KV::NewStub(channel), nullptr);
  EXPECT_NE(etcdserverpb::Watch::NewStub(channel), nullptr);
  EXPECT_NE(etcdserverpb::Lease::NewStub(channel), nullptr);
  EXPECT_NE(etcdserverpb::Cluster::NewStub(channel), nullptr);
  EXPECT_NE(etcdserverpb::Maintenance::NewStub(channel), nullptr);
  EXPECT_NE(etcdserverpb::Auth::NewStub(channel), nullptr);
}

// ---- Comparison against Debian's etcd 3.4 protos ----

const std::set<std::string>& EtcdPackages() {
  static const auto* packages =
      new std::set<std::string>{"etcdserverpb", "mvccpb", "authpb", "leasepb", "v3lockpb", "v3electionpb"};
  return *packages;
}

google::protobuf::FileDescriptorSet LoadEtcd34() {
  std::ifstream in("proto/etcd34_descriptor_set.pb", std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing proto/etcd34_descriptor_set.pb in runfiles";
  std::stringstream buf;
  buf << in.rdbuf();
  google::protobuf::FileDescriptorSet set;
  EXPECT_TRUE(set.ParseFromString(buf.str()));
  return set;
}

// Checks one 3.4 message (and its nested types) against our generated pool.
void CheckMessage(const std::string& scope, const google::protobuf::DescriptorProto& theirs,
                  int* fields_checked) {
  const std::string full_name = scope + "." + theirs.name();
  const Descriptor* ours = DescriptorPool::generated_pool()->FindMessageTypeByName(full_name);
  ASSERT_NE(ours, nullptr) << "message missing: " << full_name;
  for (const auto& field : theirs.field()) {
    const FieldDescriptor* f = ours->FindFieldByNumber(field.number());
    ASSERT_NE(f, nullptr) << full_name << " field number " << field.number() << " missing";
    EXPECT_EQ(f->name(), field.name()) << full_name << " field " << field.number();
    EXPECT_EQ(static_cast<int>(f->type()), static_cast<int>(field.type()))
        << full_name << "." << field.name();
    EXPECT_EQ(static_cast<int>(f->label()), static_cast<int>(field.label()))
        << full_name << "." << field.name();
    if (field.has_type_name()) {
      // Their type_name is ".pkg.Type".
      const std::string ours_type =
          f->message_type() != nullptr ? f->message_type()->full_name() : f->enum_type()->full_name();
      EXPECT_EQ("." + ours_type, field.type_name()) << full_name << "." << field.name();
    }
    if (field.has_oneof_index()) {
      ASSERT_NE(f->containing_oneof(), nullptr) << full_name << "." << field.name();
      EXPECT_EQ(f->containing_oneof()->name(), theirs.oneof_decl(field.oneof_index()).name());
    }
    ++*fields_checked;
  }
  for (const auto& en : theirs.enum_type()) {
    const auto* ours_enum = ours->FindEnumTypeByName(en.name());
    ASSERT_NE(ours_enum, nullptr) << full_name << "." << en.name();
    EXPECT_EQ(ours_enum->value_count(), en.value_size()) << full_name << "." << en.name();
    for (const auto& v : en.value()) {
      const auto* ov = ours_enum->FindValueByNumber(v.number());
      ASSERT_NE(ov, nullptr) << full_name << "." << en.name() << " = " << v.number();
      EXPECT_EQ(ov->name(), v.name());
    }
  }
  for (const auto& nested : theirs.nested_type()) CheckMessage(full_name, nested, fields_checked);
}

// Clients call these exact paths (grpc-go's generated Lock/Election clients, the gateway).
TEST(ProtoServices, LockAndElectionMethodPaths) {
  EXPECT_STREQ(v3lockpb::Lock::service_full_name(), "v3lockpb.Lock");
  EXPECT_STREQ(v3electionpb::Election::service_full_name(), "v3electionpb.Election");
  const auto* lock = v3lockpb::LockRequest::descriptor()->file()->FindServiceByName("Lock");
  ASSERT_NE(lock, nullptr);
  EXPECT_NE(lock->FindMethodByName("Unlock"), nullptr);
  const auto* election = v3electionpb::LeaderRequest::descriptor()->file()->FindServiceByName("Election");
  ASSERT_NE(election, nullptr);
  EXPECT_TRUE(election->FindMethodByName("Observe")->server_streaming());
  v3lockpb::LockRequest req;
  req.set_name("n");
  req.set_lease(1);
  EXPECT_EQ(req.SerializeAsString(), std::string("\x0a\x01n\x10\x01", 5));
}

TEST(ProtoEtcd34, EveryMessageFieldAndMethodMatches) {
  const google::protobuf::FileDescriptorSet set = LoadEtcd34();
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  int files = 0, messages = 0, fields = 0, methods = 0;
  for (const auto& file : set.file()) {
    if (EtcdPackages().count(file.package()) == 0) continue;
    ++files;
    for (const auto& msg : file.message_type()) {
      CheckMessage(file.package(), msg, &fields);
      ++messages;
    }
    for (const auto& en : file.enum_type()) {
      const auto* ours = pool->FindEnumTypeByName(file.package() + "." + en.name());
      ASSERT_NE(ours, nullptr) << en.name();
      for (const auto& v : en.value()) {
        ASSERT_NE(ours->FindValueByNumber(v.number()), nullptr) << en.name();
        EXPECT_EQ(ours->FindValueByNumber(v.number())->name(), v.name());
      }
    }
    for (const auto& svc : file.service()) {
      const auto* ours = pool->FindServiceByName(file.package() + "." + svc.name());
      ASSERT_NE(ours, nullptr) << svc.name();
      for (const auto& m : svc.method()) {
        const auto* om = ours->FindMethodByName(m.name());
        ASSERT_NE(om, nullptr) << svc.name() << "." << m.name();
        EXPECT_EQ("." + om->input_type()->full_name(), m.input_type());
        EXPECT_EQ("." + om->output_type()->full_name(), m.output_type());
        EXPECT_EQ(om->client_streaming(), m.client_streaming());
        EXPECT_EQ(om->server_streaming(), m.server_streaming());
        ++methods;
      }
    }
  }
  // rpc.proto, kv.proto, auth.proto, lease.proto, v3lock.proto, v3election.proto; the 3.4 surface is large:
  // guard against an empty or truncated descriptor set making this test vacuous.
  EXPECT_EQ(files, 6);
  EXPECT_GT(messages, 90);
  EXPECT_GT(fields, 200);
  EXPECT_EQ(methods, 46);  // 39 etcdserverpb + 2 Lock + 5 Election; etcd 3.5 adds Downgrade and AuthStatus.
}

}  // namespace
