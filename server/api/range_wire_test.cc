// EncodeRangeResponse: its bytes equal the old path's RangeResponse serialization (ToProto + the
// header, SerializeAsString) for random requests over a bolt backend (values in the mmap and in
// the write overlay, deleted keys, compaction, every request option); large kvs are sent from
// their stored bytes; the buffer keeps the read view, and so the bolt pages, alive.
#include "server/api/range_wire.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/backend/bolt_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {
namespace {

std::string Dump(const grpc::ByteBuffer& bb, size_t* slice_count = nullptr) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(bb.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (slice_count != nullptr) *slice_count = slices.size();
  return out;
}

etcdserverpb::ResponseHeader Header(int64_t revision) {
  etcdserverpb::ResponseHeader h;
  h.set_cluster_id(0xcdf818194e3a8c32ULL);
  h.set_member_id(0x8e9e05c52164694dULL);
  h.set_revision(revision);
  h.set_raft_term(3);
  return h;
}

// The old path: EtcdServer::ReadRange's RangeResponse, serialized as the typed gRPC method did.
std::string OldPathBytes(const etcdserverpb::ResponseHeader& header, const mvcc::RangeResponse& r) {
  etcdserverpb::RangeResponse pb;
  mvcc::ToProto(r, &pb);
  *pb.mutable_header() = header;
  return pb.SerializeAsString();
}

class RangeWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/range_wire_testXXXXXX";
    dir_ = mkdtemp(tmpl);
    backend::BoltBackendOptions o;
    o.batch_limit = 3;  // commits often: ranges mix mmap'd and overlay values
    o.store.bolt.no_sync = true;
    ASSERT_TRUE(backend::OpenBoltBackend(io::DefaultEnv(), dir_ + "/db", o, &backend_).ok());
    ASSERT_TRUE(mvcc::KvStore::Open(backend_.get(), {}, &kv_).ok());
  }
  void TearDown() override {
    kv_.reset();
    backend_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Put(const std::string& key, const std::string& value) {
    mvcc::PutRequest p;
    p.key = key;
    p.value = value;
    mvcc::PutResponse pr;
    ASSERT_TRUE(kv_->Put(p, &pr).ok());
  }

  std::string dir_;
  std::unique_ptr<backend::BufferedBackend> backend_;
  std::unique_ptr<mvcc::KvStore> kv_;
};

TEST_F(RangeWireTest, RandomRangesEncodeLikeTheOldPath) {
  std::mt19937 rng(20261123);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  auto key = [&](int i) { return "k" + std::to_string(10 + i); };
  const std::vector<size_t> value_bytes = {0, 1, 100, kZeroCopyMinBytes - 10, kZeroCopyMinBytes, 3000, 70000};
  int compared = 0, with_stored_slices = 0, errors = 0;
  for (int step = 0; step < 400; ++step) {
    const int op = pick(20);
    if (op < 12) {
      Put(key(pick(30)),
          std::string(value_bytes[pick(static_cast<int>(value_bytes.size()))], 'a' + pick(26)));
    } else if (op < 15) {
      mvcc::DeleteRangeRequest d;
      d.key = key(pick(30));
      if (pick(2) == 0) d.range_end = key(pick(30));
      mvcc::DeleteRangeResponse dr;
      ASSERT_TRUE(kv_->DeleteRange(d, &dr).ok());
    } else if (op == 15) {
      const mvcc::Revision cur = kv_->current_revision();
      const mvcc::Revision at = cur - pick(20);
      if (at > kv_->compact_revision() && at > 0) {
        std::shared_future<void> done;
        ASSERT_TRUE(kv_->Compact(at, &done).ok());
        done.wait();
      }
    } else if (op == 16) {
      ASSERT_TRUE(backend_->ForceCommit().ok());
    }
    for (int q = 0; q < 4; ++q) {
      mvcc::RangeRequest req;
      req.key = key(pick(32) - 1);
      switch (pick(4)) {
        case 0: break;  // one key
        case 1: req.range_end = key(pick(32)); break;
        case 2: req.range_end = std::string(1, '\0'); break;                                  // from key
        case 3: req.key = std::string(1, '\0'), req.range_end = std::string(1, '\0'); break;  // all
      }
      if (pick(3) == 0) req.limit = pick(6);
      if (pick(4) == 0) req.revision = kv_->current_revision() - pick(30) + 1;
      if (pick(5) == 0) req.sort_order = static_cast<mvcc::SortOrder>(pick(3));
      if (pick(5) == 0) req.sort_target = static_cast<mvcc::SortTarget>(pick(5));
      req.keys_only = pick(6) == 0;
      req.count_only = pick(10) == 0;
      if (pick(8) == 0) req.min_mod_revision = kv_->current_revision() - pick(20);
      if (pick(8) == 0) req.max_mod_revision = kv_->current_revision() - pick(20);
      if (pick(8) == 0) req.min_create_revision = kv_->current_revision() - pick(20);
      if (pick(8) == 0) req.max_create_revision = kv_->current_revision() - pick(20);
      mvcc::RangeResponse r;
      if (!kv_->Range(req, &r).ok()) {  // compacted or future: the error path is shared
        ++errors;
        continue;
      }
      const etcdserverpb::ResponseHeader header = Header(r.revision);
      grpc::ByteBuffer bb;
      EncodeRangeResponse(header, r, &bb);
      size_t slices = 0;
      ASSERT_EQ(Dump(bb, &slices), OldPathBytes(header, r)) << "step " << step << " query " << q;
      ++compared;
      if (slices > 1) ++with_stored_slices;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(with_stored_slices, 100);
  EXPECT_GT(errors, 10);
}

TEST_F(RangeWireTest, LargeValuesAreSentFromTheStoredBytes) {
  for (int i = 0; i < 20; ++i) Put("p" + std::to_string(100 + i), std::string(10240, 'x'));
  ASSERT_TRUE(backend_->ForceCommit().ok());
  mvcc::RangeRequest req;
  req.key = "p";
  req.range_end = "q";
  mvcc::RangeResponse r;
  ASSERT_TRUE(kv_->Range(req, &r).ok());
  ASSERT_EQ(r.kvs.size(), 20u);
  grpc::ByteBuffer bb;
  EncodeRangeResponse(Header(r.revision), r, &bb);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(bb.Dump(&slices).ok());
  // frame runs (header and tag; tag; ...; count) alternate with the stored kvs.
  ASSERT_EQ(slices.size(), 41u);
  for (size_t i = 0; i < r.kvs.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<const char*>(slices[2 * i + 1].begin()), r.kvs[i].raw.data()) << i;
  }
}

TEST_F(RangeWireTest, SmallResponsesAreOneCopiedSliceAndDropThePin) {
  Put("a", "1");
  mvcc::RangeRequest req;
  req.key = "a";
  mvcc::RangeResponse r;
  ASSERT_TRUE(kv_->Range(req, &r).ok());
  std::weak_ptr<mvcc::RangePin> pin = r.pin;
  grpc::ByteBuffer bb;
  EncodeRangeResponse(Header(r.revision), r, &bb);
  r = mvcc::RangeResponse{};
  EXPECT_TRUE(pin.expired());
  size_t slices = 0;
  Dump(bb, &slices);
  EXPECT_EQ(slices, 1u);
}

TEST_F(RangeWireTest, BufferKeepsTheReadViewAndItsPagesAlive) {
  for (int i = 0; i < 30; ++i) Put("p" + std::to_string(100 + i), std::string(5000, 'a' + i % 26));
  ASSERT_TRUE(backend_->ForceCommit().ok());
  mvcc::RangeRequest req;
  req.key = "p";
  req.range_end = "q";
  std::string expected;
  std::weak_ptr<mvcc::RangePin> pin;
  grpc::ByteBuffer bb;
  {
    mvcc::RangeResponse r;
    ASSERT_TRUE(kv_->Range(req, &r).ok());
    pin = r.pin;
    expected = OldPathBytes(Header(r.revision), r);
    EncodeRangeResponse(Header(r.revision), r, &bb);
  }
  ASSERT_FALSE(pin.expired());  // the slices hold the read view
  // Overwrite, delete and compact everything, committing each round, so bolt frees the pages the
  // buffer points at and would reuse them if the view did not pin them; the file also grows
  // (a new mapping).
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 30; ++i) Put("p" + std::to_string(100 + i), std::string(20000, 'A' + round));
    mvcc::DeleteRangeRequest d;
    d.key = "p";
    d.range_end = "q";
    mvcc::DeleteRangeResponse dr;
    ASSERT_TRUE(kv_->DeleteRange(d, &dr).ok());
    std::shared_future<void> done;
    ASSERT_TRUE(kv_->Compact(kv_->current_revision(), &done).ok());
    done.wait();
    ASSERT_TRUE(backend_->ForceCommit().ok());  // the writer is never blocked by the pinned view
  }
  EXPECT_EQ(Dump(bb), expected);
  bb.Clear();
  EXPECT_TRUE(pin.expired());  // the last slice released the view
}

}  // namespace
}  // namespace cairn::api
