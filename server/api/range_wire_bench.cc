// The cost of turning a range result into gRPC message bytes: the zero-copy EncodeRangeResponse
// against the typed path it replaced (ToProto into an etcdserverpb.RangeResponse, then the protobuf
// serialization gRPC performs), for kube-apiserver-like lists (N objects of 10 KB) and one small key.
//   bazel run -c opt //server/api:range_wire_bench
#include <benchmark/benchmark.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <memory>
#include <string>

#include "server/api/range_wire.h"
#include "storage/backend/mem_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {
namespace {

struct Store {
  Store(int objects, size_t value_bytes) {
    if (!mvcc::KvStore::Open(&backend, {}, &kv).ok()) std::abort();
    for (int i = 0; i < objects; ++i) {
      mvcc::PutRequest p;
      p.key = "/registry/pods/default/pod-" + std::to_string(100000 + i);
      p.value = std::string(value_bytes, 'v');
      mvcc::PutResponse pr;
      if (!kv->Put(p, &pr).ok()) std::abort();
    }
  }
  mvcc::RangeResponse List() {
    mvcc::RangeRequest req;
    req.key = "/registry/pods/";
    req.range_end = "/registry/pods0";
    mvcc::RangeResponse r;
    if (!kv->Range(req, &r).ok()) std::abort();
    return r;
  }
  backend::MemBackend backend;
  std::unique_ptr<mvcc::KvStore> kv;
};

etcdserverpb::ResponseHeader Header(int64_t rev) {
  etcdserverpb::ResponseHeader h;
  h.set_cluster_id(1);
  h.set_member_id(2);
  h.set_revision(rev);
  h.set_raft_term(3);
  return h;
}

void BM_ZeroCopy(benchmark::State& state) {
  Store s(static_cast<int>(state.range(0)), static_cast<size_t>(state.range(1)));
  const mvcc::RangeResponse r = s.List();
  for (auto _ : state) {
    grpc::ByteBuffer bb;
    EncodeRangeResponse(Header(r.revision), r, &bb);
    benchmark::DoNotOptimize(bb.Length());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(state.range(0) * state.range(1)));
}

void BM_TypedProto(benchmark::State& state) {
  Store s(static_cast<int>(state.range(0)), static_cast<size_t>(state.range(1)));
  const mvcc::RangeResponse r = s.List();
  for (auto _ : state) {
    etcdserverpb::RangeResponse pb;
    mvcc::ToProto(r, &pb);
    *pb.mutable_header() = Header(r.revision);
    grpc::ByteBuffer bb;
    bool own = false;
    if (!grpc::SerializationTraits<etcdserverpb::RangeResponse>::Serialize(pb, &bb, &own).ok()) std::abort();
    benchmark::DoNotOptimize(bb.Length());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(state.range(0) * state.range(1)));
}

BENCHMARK(BM_ZeroCopy)
    ->Args({1, 3})
    ->Args({1000, 10240})
    ->Args({10000, 10240})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TypedProto)
    ->Args({1, 3})
    ->Args({1000, 10240})
    ->Args({10000, 10240})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::api
