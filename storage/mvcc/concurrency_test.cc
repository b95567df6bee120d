// Readers run beside the single writer and always see a consistent snapshot (DESIGN.md §5).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/backend/buffered_backend.h"
#include "storage/backend/mem_backend.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/watchable_store.h"

namespace cairn::mvcc {
namespace {

void RunConcurrently(backend::Backend& b) {
  std::unique_ptr<KvStore> s;
  ASSERT_TRUE(KvStore::Open(&b, {}, &s).ok());
  WatchableStore ws(s.get(), WatchableStore::Options{.stream_responses_max = 4});
  auto stream = ws.NewStream();
  WatchOptions wo;
  wo.key = "k";
  wo.end = "l";
  WatchId id;
  ASSERT_TRUE(stream->Watch(kAutoWatchId, wo, &id).ok());

  constexpr int kWrites = 3000;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  auto reader = [&] {
    Revision last = 0;
    while (!done.load()) {
      auto txn = s->Read();
      if (txn->revision() < last) failures++;
      last = txn->revision();
      RangeRequest rr;
      rr.key = "k";
      rr.range_end = "l";
      RangeResponse r1, r2;
      if (!txn->Range(rr, &r1).ok() || !txn->Range(rr, &r2).ok()) failures++;
      if (r1.kvs.size() != r2.kvs.size()) failures++;
      // Every put writes one key: the number of keys equals min(100, revision - 1).
      if (static_cast<Revision>(r1.kvs.size()) != std::min<Revision>(100, txn->revision() - 1)) failures++;
      for (const auto& kv : r1.kvs) {
        if (kv.kv.mod_revision > txn->revision()) failures++;
      }
    }
  };
  // The watch consumer drains slowly and drives catch-up like the server would.
  std::vector<Revision> seen;
  auto consumer = [&] {
    WatchResponse r;
    while (!done.load() || ws.unsynced_count() > 0 || stream->queued() > 0) {
      while (stream->Poll(&r)) {
        for (const Event& e : r.events) seen.push_back(e.kv.mod_revision);
      }
      ws.SyncWatchers();
      std::this_thread::yield();
    }
  };
  std::thread r1(reader), r2(reader), c(consumer);
  for (int i = 0; i < kWrites; ++i) {
    PutRequest p;
    p.key = "k" + std::to_string(i % 100);
    p.value = std::to_string(i);
    PutResponse pr;
    ASSERT_TRUE(s->Put(p, &pr).ok());
  }
  ASSERT_TRUE(s->Commit().ok());
  done = true;
  r1.join();
  r2.join();
  c.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kWrites)) << "the watcher lost or duplicated events";
  for (int i = 0; i < kWrites; ++i) ASSERT_EQ(seen[i], i + 2);
}

TEST(ConcurrencyTest, ReadersSeeConsistentSnapshotsWhileWriting) {
  backend::MemBackend b(backend::MemBackendOptions{.batch_limit = 100});
  RunConcurrently(b);
}

TEST(ConcurrencyTest, ReadersSeeConsistentSnapshotsOnBufferedBackend) {
  backend::BufferedBackend b(std::make_unique<backend::MemCommittedStore>(),
                             backend::BufferedBackendOptions{.batch_limit = 50});
  RunConcurrently(b);
}

}  // namespace
}  // namespace cairn::mvcc
