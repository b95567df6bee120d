#include "storage/mvcc/watchable_store.h"

#include <gtest/gtest.h>

#include <functional>

#include "storage/backend/mem_backend.h"
#include "storage/mvcc/errors.h"

namespace cairn::mvcc {
namespace {

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(WatchableStore::Options{}); }
  void Open(WatchableStore::Options o) {
    ws_.reset();
    ASSERT_TRUE(KvStore::Open(&backend_, {}, &kv_).ok());
    ws_ = std::make_unique<WatchableStore>(kv_.get(), o);
  }
  Revision Put(const std::string& k, const std::string& v) {
    PutRequest req;
    req.key = k;
    req.value = v;
    PutResponse resp;
    EXPECT_TRUE(kv_->Put(req, &resp).ok());
    return resp.revision;
  }
  void Delete(const std::string& k) {
    DeleteRangeRequest req;
    req.key = k;
    DeleteRangeResponse resp;
    EXPECT_TRUE(kv_->DeleteRange(req, &resp).ok());
  }
  WatchId Watch(WatchStream* s, std::string key, std::string end = "", Revision start = 0,
                std::vector<WatchFilter> filters = {}, bool prev_kv = false) {
    WatchOptions o;
    o.key = std::move(key);
    o.end = std::move(end);
    o.start_rev = start;
    o.filters = std::move(filters);
    o.prev_kv = prev_kv;
    WatchId id = -100;
    EXPECT_TRUE(s->Watch(kAutoWatchId, o, &id).ok());
    return id;
  }
  // All events queued on a stream, as "P key=value@rev" / "D key@rev".
  static std::vector<std::string> Drain(WatchStream* s) {
    std::vector<std::string> out;
    WatchResponse r;
    while (s->Poll(&r)) {
      for (const Event& e : r.events) {
        std::string line = e.type == Event::Type::kPut ? "P " + e.kv.key + "=" + e.kv.value : "D " + e.kv.key;
        line += "@" + std::to_string(e.kv.mod_revision);
        if (e.prev_kv) line += " prev=" + e.prev_kv->value;
        out.push_back(line);
      }
    }
    return out;
  }

  backend::MemBackend backend_;
  std::unique_ptr<KvStore> kv_;
  std::unique_ptr<WatchableStore> ws_;
};

TEST_F(WatchTest, SyncedWatcherGetsEventsOfItsKeyOrRange) {
  auto s = ws_->NewStream();
  EXPECT_EQ(Watch(s.get(), "a"), 0) << "etcd's first automatic watch id is 0";
  EXPECT_EQ(Watch(s.get(), "b", "d"), 1);
  Put("a", "1");
  Put("b", "1");
  Put("c", "1");
  Put("d", "1");
  Delete("a");
  EXPECT_EQ(Drain(s.get()), (std::vector<std::string>{"P a=1@2", "P b=1@3", "P c=1@4", "D a@6"}));
  EXPECT_EQ(ws_->synced_count(), 2u);
}

TEST_F(WatchTest, ResponsesCarryWatchIdAndRevision) {
  auto s = ws_->NewStream();
  WatchOptions o;
  o.key = "k";
  WatchId id;
  ASSERT_TRUE(s->Watch(7, o, &id).ok());
  EXPECT_EQ(id, 7);
  EXPECT_EQ(s->Watch(7, o, &id).message(), "mvcc: duplicate watch ID provided on the WatchStream");
  Put("k", "v");
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.watch_id, 7);
  EXPECT_EQ(r.revision, 2);
  ASSERT_TRUE(s->Cancel(7).ok());
  EXPECT_EQ(s->Cancel(7).message(), "mvcc: watcher does not exist");
  Put("k", "w");
  EXPECT_FALSE(s->Poll(&r));
}

TEST_F(WatchTest, PastStartRevisionCatchesUpFromStorage) {
  Put("a", "1");  // 2
  Put("a", "2");  // 3
  Put("b", "1");  // 4
  Delete("a");    // 5
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "", 3, {}, /*prev_kv=*/true);
  EXPECT_EQ(ws_->unsynced_count(), 1u);
  EXPECT_TRUE(Drain(s.get()).empty()) << "nothing before the sync round";
  EXPECT_EQ(ws_->SyncWatchers(), 0u);
  EXPECT_EQ(Drain(s.get()), (std::vector<std::string>{"P a=2@3 prev=1", "D a@5 prev=2"}));
  Put("a", "3");  // now synced: delivered directly
  EXPECT_EQ(Drain(s.get()), (std::vector<std::string>{"P a=3@6"}));
}

TEST_F(WatchTest, FutureStartRevisionWaits) {
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "", 4);
  Put("a", "1");  // 2
  Put("a", "2");  // 3
  Put("a", "3");  // 4
  EXPECT_EQ(Drain(s.get()), (std::vector<std::string>{"P a=3@4"}));
}

TEST_F(WatchTest, Filters) {
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "", 0, {WatchFilter::kNoPut});
  auto s2 = ws_->NewStream();
  Watch(s2.get(), "a", "", 0, {WatchFilter::kNoDelete});
  Put("a", "1");
  Delete("a");
  EXPECT_EQ(Drain(s.get()), (std::vector<std::string>{"D a@3"}));
  EXPECT_EQ(Drain(s2.get()), (std::vector<std::string>{"P a=1@2"}));
}

TEST_F(WatchTest, CompactedStartRevisionGetsCompactRevisionAndIsCanceled) {
  Put("a", "1");
  Put("a", "2");
  Put("a", "3");  // 4
  std::shared_future<void> done;
  ASSERT_TRUE(kv_->Compact(3, &done).ok());
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "", 2);
  auto s2 = ws_->NewStream();
  Watch(s2.get(), "a", "", 3);  // the compact revision itself is still watchable
  ws_->SyncWatchers();
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.compact_revision, 3);
  EXPECT_TRUE(r.events.empty());
  EXPECT_FALSE(s->Poll(&r));
  EXPECT_EQ(Drain(s2.get()), (std::vector<std::string>{"P a=2@3", "P a=3@4"}));
  Put("a", "4");
  EXPECT_FALSE(s->Poll(&r)) << "canceled";
}

TEST_F(WatchTest, SlowStreamDoesNotBlockOthersAndCatchesUp) {
  WatchableStore::Options o;
  o.stream_responses_max = 2;
  o.sync_revisions_max = 3;
  Open(o);
  auto slow = ws_->NewStream();
  auto fast = ws_->NewStream();
  Watch(slow.get(), "k");
  Watch(fast.get(), "k");
  std::vector<std::string> fast_seen, expected;
  for (int i = 0; i < 10; ++i) {
    Revision rev = Put("k", std::to_string(i));
    expected.push_back("P k=" + std::to_string(i) + "@" + std::to_string(rev));
    auto got = Drain(fast.get());
    fast_seen.insert(fast_seen.end(), got.begin(), got.end());
  }
  EXPECT_EQ(fast_seen, expected);
  EXPECT_EQ(slow->queued(), 2u) << "bounded";
  EXPECT_EQ(ws_->unsynced_count(), 1u) << "the slow watcher left the synced group";
  // The consumer drains; sync rounds catch it up from storage, in order, without loss.
  std::vector<std::string> slow_seen;
  for (int round = 0; round < 20 && (ws_->unsynced_count() > 0 || slow->queued() > 0); ++round) {
    auto got = Drain(slow.get());
    slow_seen.insert(slow_seen.end(), got.begin(), got.end());
    ws_->SyncWatchers();
  }
  auto got = Drain(slow.get());
  slow_seen.insert(slow_seen.end(), got.begin(), got.end());
  EXPECT_EQ(slow_seen, expected);
  EXPECT_EQ(ws_->synced_count(), 2u);
}

TEST_F(WatchTest, SlowWatcherOvertakenByCompactionIsCanceled) {
  WatchableStore::Options o;
  o.stream_responses_max = 1;
  Open(o);
  auto s = ws_->NewStream();
  Watch(s.get(), "k");
  Put("k", "1");  // 2: queued
  Put("k", "2");  // 3: queue full -> unsynced at 3
  Put("k", "3");  // 4
  EXPECT_EQ(ws_->unsynced_count(), 1u);
  std::shared_future<void> done;
  ASSERT_TRUE(kv_->Compact(4, &done).ok());
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r));  // the event of revision 2
  EXPECT_EQ(r.events.at(0).kv.mod_revision, 2);
  ws_->SyncWatchers();
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.compact_revision, 4) << "etcd: revisions 3.. were compacted before delivery";
  EXPECT_EQ(ws_->unsynced_count(), 0u);
  EXPECT_EQ(ws_->synced_count(), 0u);
}

TEST_F(WatchTest, ProgressRequests) {
  Put("x", "1");  // 2
  auto s = ws_->NewStream();
  WatchId synced = Watch(s.get(), "a");
  s->RequestProgress(synced);
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.watch_id, synced);
  EXPECT_EQ(r.revision, 2);
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(s->RequestProgressAll());
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.watch_id, -1);
  EXPECT_EQ(r.revision, 2);
  WatchId behind = Watch(s.get(), "a", "", 1);  // unsynced until a sync round
  s->RequestProgress(behind);
  EXPECT_FALSE(s->Poll(&r)) << "no progress for an unsynced watcher";
  EXPECT_FALSE(s->RequestProgressAll());
  ws_->SyncWatchers();
  EXPECT_TRUE(s->RequestProgressAll());
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.watch_id, -1);
}

TEST_F(WatchTest, TxnEventsArriveInOneResponse) {
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "z");
  TxnRequest t;
  PutRequest p1, p2;
  p1.key = "a";
  p2.key = "b";
  t.success = {RequestOp{p1}, RequestOp{p2}};
  TxnResponse tr;
  ASSERT_TRUE(kv_->Txn(t, &tr).ok());
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r));
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_FALSE(s->Poll(&r));
}

TEST_F(WatchTest, PollMergesQueuedEventResponsesOfOneWatcherInOrder) {
  auto s = ws_->NewStream();
  WatchId a = Watch(s.get(), "a");
  Put("a", "1");  // 2
  Put("a", "2");  // 3
  Put("a", "3");  // 4
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r, /*events_max=*/1000));
  EXPECT_EQ(r.watch_id, a);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].kv.mod_revision, 2);
  EXPECT_EQ(r.events[2].kv.mod_revision, 4);
  EXPECT_EQ(r.revision, 4) << "the header revision is the last merged response's";
  EXPECT_FALSE(s->Poll(&r, 1000));
}

TEST_F(WatchTest, PollMergesAtMostEventsMaxAndNeverSplitsAResponse) {
  auto s = ws_->NewStream();
  Watch(s.get(), "a", "z");
  Put("a", "1");  // 2
  TxnRequest t;
  PutRequest p1, p2;
  p1.key = "b";
  p2.key = "c";
  t.success = {RequestOp{p1}, RequestOp{p2}};
  TxnResponse tr;
  ASSERT_TRUE(kv_->Txn(t, &tr).ok());  // 3: two events
  Put("d", "1");                       // 4
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r, /*events_max=*/2));
  EXPECT_EQ(r.events.size(), 1u) << "1 + 2 events would exceed events_max";
  ASSERT_TRUE(s->Poll(&r, 3));
  EXPECT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.revision, 4);
  Put("e", "1");
  Put("f", "1");
  ASSERT_TRUE(s->Poll(&r)) << "default: one response at a time";
  EXPECT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.revision, 5);
}

TEST_F(WatchTest, PollMergesAtMostBytesMax) {
  auto s = ws_->NewStream();
  Watch(s.get(), "a");
  Put("a", "1234");  // 5 key and value bytes each
  Put("a", "1234");
  Put("a", "1234");
  WatchResponse r;
  ASSERT_TRUE(s->Poll(&r, 1000, /*bytes_max=*/10));
  EXPECT_EQ(r.events.size(), 2u);
  ASSERT_TRUE(s->Poll(&r, 1000, /*bytes_max=*/1));
  EXPECT_EQ(r.events.size(), 1u) << "a single response is never split";
}

TEST_F(WatchTest, PollDoesNotMergeAcrossWatchersOrProgress) {
  auto s = ws_->NewStream();
  WatchId a = Watch(s.get(), "a");
  WatchId b = Watch(s.get(), "b");
  Put("a", "1");  // 2
  Put("b", "1");  // 3
  Put("a", "2");  // 4
  s->RequestProgress(a);
  Put("a", "3");  // 5
  Put("a", "4");  // 6
  std::vector<std::pair<WatchId, size_t>> seen;
  WatchResponse r;
  while (s->Poll(&r, 1000)) seen.emplace_back(r.watch_id, r.events.size());
  EXPECT_EQ(seen, (std::vector<std::pair<WatchId, size_t>>{{a, 1}, {b, 1}, {a, 1}, {a, 0}, {a, 2}}));
}

}  // namespace
}  // namespace cairn::mvcc
