// The Watch service over gRPC (in-process channel): what etcd's v3rpc/watch.go answers for
// create (client watch id, filters, prev_kv, start revision), cancel, progress requests,
// compacted start revisions, progress_notify and fragment.
#include "server/api/watch_service.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <memory>
#include <thread>
#include <vector>

#include "server/api/test_cluster.h"

namespace cairn::api {
namespace {

using etcdserverpb::WatchRequest;
using etcdserverpb::WatchResponse;

class WatchServiceTest : public ::testing::Test {
 protected:
  void Open(testing::TestMember* m) {
    member_ = m;
    stub_ = etcdserverpb::Watch::NewStub(m->channel);
    kv_ = etcdserverpb::KV::NewStub(m->channel);
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    stream_ = stub_->Watch(ctx_.get());
  }
  void TearDown() override {
    if (stream_) {
      stream_->WritesDone();
      ctx_->TryCancel();
      stream_->Finish();
    }
  }
  int64_t Put(const std::string& k, const std::string& v) {
    grpc::ClientContext c;
    etcdserverpb::PutRequest req;
    req.set_key(k);
    req.set_value(v);
    etcdserverpb::PutResponse resp;
    EXPECT_TRUE(kv_->Put(&c, req, &resp).ok());
    return resp.header().revision();
  }
  void Del(const std::string& k) {
    grpc::ClientContext c;
    etcdserverpb::DeleteRangeRequest req;
    req.set_key(k);
    etcdserverpb::DeleteRangeResponse resp;
    EXPECT_TRUE(kv_->DeleteRange(&c, req, &resp).ok());
  }
  WatchResponse Create(etcdserverpb::WatchCreateRequest create) {
    WatchRequest req;
    *req.mutable_create_request() = std::move(create);
    EXPECT_TRUE(stream_->Write(req));
    return Next();
  }
  WatchResponse Next() {
    WatchResponse r;
    EXPECT_TRUE(stream_->Read(&r));
    return r;
  }

  testing::TestMember* member_ = nullptr;
  std::unique_ptr<etcdserverpb::Watch::Stub> stub_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<WatchRequest, WatchResponse>> stream_;
};

TEST_F(WatchServiceTest, CreateWithClientIdFiltersPrevKvAndCancel) {
  testing::TestMember m;
  Open(&m);
  Put("a", "1");
  etcdserverpb::WatchCreateRequest c;
  c.set_key("a");
  c.set_watch_id(7);
  c.set_prev_kv(true);
  c.add_filters(etcdserverpb::WatchCreateRequest::NOPUT);
  WatchResponse created = Create(c);
  EXPECT_TRUE(created.created());
  EXPECT_EQ(created.watch_id(), 7);
  EXPECT_EQ(created.header().member_id(), 0x8e9e05c52164694dULL);
  Put("a", "2");  // filtered out
  Del("a");
  WatchResponse ev = Next();
  EXPECT_EQ(ev.watch_id(), 7);
  ASSERT_EQ(ev.events_size(), 1);
  EXPECT_EQ(ev.events(0).type(), mvccpb::Event::DELETE);
  EXPECT_EQ(ev.events(0).prev_kv().value(), "2");
  EXPECT_EQ(ev.header().revision(), 4);

  // The same id again is refused on this stream, as etcd does.
  WatchResponse dup = Create(c);
  EXPECT_TRUE(dup.created());
  EXPECT_TRUE(dup.canceled());
  EXPECT_EQ(dup.watch_id(), -1);

  WatchRequest cancel;
  cancel.mutable_cancel_request()->set_watch_id(7);
  ASSERT_TRUE(stream_->Write(cancel));
  WatchResponse canceled = Next();
  EXPECT_TRUE(canceled.canceled());
  EXPECT_EQ(canceled.watch_id(), 7);
}

TEST_F(WatchServiceTest, StartRevisionReplaysHistoryAndCompactedCancels) {
  testing::TestMember m;
  Open(&m);
  Put("k", "1");  // rev 2
  Put("k", "2");  // rev 3
  Put("k", "3");  // rev 4
  etcdserverpb::WatchCreateRequest c;
  c.set_key("k");
  c.set_start_revision(3);
  EXPECT_TRUE(Create(c).created());
  std::vector<std::string> values;
  while (values.size() < 2) {
    WatchResponse r = Next();
    for (const auto& ev : r.events()) values.push_back(ev.kv().value());
  }
  EXPECT_EQ(values, (std::vector<std::string>{"2", "3"}));

  grpc::ClientContext cc;
  etcdserverpb::CompactionRequest compact;
  compact.set_revision(4);
  compact.set_physical(true);
  etcdserverpb::CompactionResponse cr;
  ASSERT_TRUE(kv_->Compact(&cc, compact, &cr).ok());
  c.set_start_revision(2);
  c.set_watch_id(9);
  WatchResponse created = Create(c);
  EXPECT_TRUE(created.created());
  WatchResponse r = Next();
  EXPECT_EQ(r.watch_id(), 9);
  EXPECT_EQ(r.compact_revision(), 4);
  EXPECT_TRUE(r.canceled());
}

TEST_F(WatchServiceTest, ProgressRequestAnswersWithWatchIdMinusOne) {
  testing::TestMember m;
  Open(&m);
  Put("x", "1");
  etcdserverpb::WatchCreateRequest c;
  c.set_key("p");
  EXPECT_TRUE(Create(c).created());
  WatchRequest progress;
  progress.mutable_progress_request();
  ASSERT_TRUE(stream_->Write(progress));
  WatchResponse r = Next();
  EXPECT_EQ(r.watch_id(), -1);
  EXPECT_EQ(r.events_size(), 0);
  EXPECT_EQ(r.header().revision(), 2);
}

TEST_F(WatchServiceTest, ProgressNotifySendsEmptyResponsesWhileIdle) {
  testing::TestMember m(std::chrono::milliseconds(100));
  Open(&m);
  etcdserverpb::WatchCreateRequest c;
  c.set_key("idle");
  c.set_progress_notify(true);
  WatchResponse created = Create(c);
  WatchResponse r = Next();
  EXPECT_EQ(r.watch_id(), created.watch_id());
  EXPECT_EQ(r.events_size(), 0);
  EXPECT_FALSE(r.canceled());
}

TEST_F(WatchServiceTest, FragmentSplitsLargeResponses) {
  testing::TestMember m(std::chrono::minutes(10), 1000);
  Open(&m);
  // One txn writes 10 keys of 300 bytes: one revision, one response of ~3 KB.
  grpc::ClientContext tc;
  etcdserverpb::TxnRequest txn;
  for (int i = 0; i < 10; i++) {
    auto* p = txn.add_success()->mutable_request_put();
    p->set_key("f" + std::to_string(i));
    p->set_value(std::string(300, 'v'));
  }
  etcdserverpb::WatchCreateRequest c;
  c.set_key("f");
  c.set_range_end("g");
  c.set_fragment(true);
  EXPECT_TRUE(Create(c).created());
  etcdserverpb::TxnResponse tr;
  ASSERT_TRUE(kv_->Txn(&tc, txn, &tr).ok());
  int events = 0, fragments = 0;
  while (events < 10) {
    WatchResponse r = Next();
    events += r.events_size();
    if (r.fragment()) fragments++;
    if (!r.fragment()) break;
  }
  EXPECT_EQ(events, 10);
  EXPECT_GE(fragments, 2);
}

// Count the threads of this process (the in-process server included).
int ThreadCount() {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  int threads = -1;
  while (f != nullptr && fgets(line, sizeof line, f) != nullptr) {
    if (sscanf(line, "Threads: %d", &threads) == 1) break;
  }
  if (f != nullptr) fclose(f);
  return threads;
}

// The callback reactor: streams cost no threads (the sync service had two per stream).
TEST_F(WatchServiceTest, ManyStreamsDoNotAddThreadsAndAllReceiveEvents) {
  testing::TestMember m;
  Open(&m);
  const int before = ThreadCount();
  constexpr int kStreams = 200;
  std::vector<std::unique_ptr<grpc::ClientContext>> ctxs;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<WatchRequest, WatchResponse>>> streams;
  for (int i = 0; i < kStreams; i++) {
    ctxs.push_back(std::make_unique<grpc::ClientContext>());
    ctxs.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    streams.push_back(stub_->Watch(ctxs.back().get()));
    WatchRequest req;
    req.mutable_create_request()->set_key("many");
    ASSERT_TRUE(streams.back()->Write(req));
    WatchResponse created;
    ASSERT_TRUE(streams.back()->Read(&created));
    ASSERT_TRUE(created.created());
  }
  // The sync service added two threads per stream; gRPC may still grow its own pools a little.
  EXPECT_LT(ThreadCount() - before, kStreams);
  const int64_t rev = Put("many", "v");
  for (auto& s : streams) {
    WatchResponse r;
    ASSERT_TRUE(s->Read(&r));
    ASSERT_EQ(r.events_size(), 1);
    EXPECT_EQ(r.events(0).kv().mod_revision(), rev);
  }
  for (int i = 0; i < kStreams; i++) {
    streams[i]->WritesDone();
    EXPECT_TRUE(streams[i]->Finish().ok());
  }
}

// Responses keep their order across many writes (one StartWrite at a time, kicks while idle).
TEST_F(WatchServiceTest, EventsArriveInRevisionOrder) {
  testing::TestMember m;
  Open(&m);
  etcdserverpb::WatchCreateRequest c;
  c.set_key("o");
  EXPECT_TRUE(Create(c).created());
  std::vector<int64_t> put_revs;
  for (int i = 0; i < 300; i++) put_revs.push_back(Put("o", std::to_string(i)));
  std::vector<int64_t> got;
  while (got.size() < put_revs.size()) {
    WatchResponse r = Next();
    ASSERT_GT(r.events_size(), 0);
    for (const auto& ev : r.events()) got.push_back(ev.kv().mod_revision());
  }
  EXPECT_EQ(got, put_revs);
}

// Responses queued behind a write in flight are merged per watcher: whatever the merging, each
// response carries events of its own watcher only, in revision order, with a header revision at
// least its last event's, and every event arrives once.
TEST_F(WatchServiceTest, MergedResponsesKeepEachWatchersEventsInOrder) {
  testing::TestMember m;
  Open(&m);
  etcdserverpb::WatchCreateRequest c;
  c.set_key("m");
  const int64_t id_m = Create(c).watch_id();
  c.set_key("n");
  const int64_t id_n = Create(c).watch_id();
  ASSERT_NE(id_m, id_n);
  std::vector<int64_t> want_m, want_n;
  std::thread writer([&] {
    for (int i = 0; i < 200; i++) {
      if (i % 3 == 0) {
        want_n.push_back(Put("n", std::to_string(i)));
      } else {
        want_m.push_back(Put("m", std::to_string(i)));
      }
    }
  });
  std::vector<int64_t> got_m, got_n;
  while (got_m.size() + got_n.size() < 200) {
    WatchResponse r = Next();
    ASSERT_GT(r.events_size(), 0);
    ASSERT_TRUE(r.watch_id() == id_m || r.watch_id() == id_n);
    const std::string key = r.watch_id() == id_m ? "m" : "n";
    for (const auto& ev : r.events()) {
      EXPECT_EQ(ev.kv().key(), key);
      (r.watch_id() == id_m ? got_m : got_n).push_back(ev.kv().mod_revision());
    }
    EXPECT_GE(r.header().revision(), r.events(r.events_size() - 1).kv().mod_revision());
  }
  writer.join();
  EXPECT_EQ(got_m, want_m);
  EXPECT_EQ(got_n, want_n);
}

// clientv3.WithRequireLeader with a leader: served like any stream.
TEST_F(WatchServiceTest, RequireLeaderWithLeaderIsServed) {
  testing::TestMember m;
  member_ = &m;
  stub_ = etcdserverpb::Watch::NewStub(m.channel);
  kv_ = etcdserverpb::KV::NewStub(m.channel);
  ctx_ = std::make_unique<grpc::ClientContext>();
  ctx_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ctx_->AddMetadata("hasleader", "true");
  stream_ = stub_->Watch(ctx_.get());
  etcdserverpb::WatchCreateRequest c;
  c.set_key("l");
  EXPECT_TRUE(Create(c).created());
  const int64_t rev = Put("l", "1");
  WatchResponse r = Next();
  ASSERT_EQ(r.events_size(), 1);
  EXPECT_EQ(r.header().revision(), rev);
}

}  // namespace
}  // namespace cairn::api
