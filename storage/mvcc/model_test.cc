// Randomized, seeded comparison of KvStore against a trivially correct model: the full key/value
// map at every revision. Exercises index generations, compaction, restore and ranges together.
// A failure prints the seed; rerun with that seed to replay it exactly.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/backend/buffered_backend.h"
#include "storage/backend/mem_backend.h"
#include "storage/mvcc/errors.h"
#include "storage/mvcc/kv_store.h"

namespace cairn::mvcc {
namespace {

using State = std::map<std::string, KeyValue>;

class Model {
 public:
  Model() { states_[1] = {}; }
  Revision rev() const { return states_.rbegin()->first; }
  const State& at(Revision r) const { return std::prev(states_.upper_bound(r))->second; }
  void Put(const std::string& k, const std::string& v) {
    State s = at(rev());
    Revision r = rev() + 1;
    auto it = s.find(k);
    KeyValue kv{k, r, r, 1, v, 0};
    if (it != s.end()) {
      kv.create_revision = it->second.create_revision;
      kv.version = it->second.version + 1;
    }
    s[k] = kv;
    states_[r] = std::move(s);
  }
  int64_t Delete(const KeyRange& range) {
    State s = at(rev());
    int64_t n = 0;
    for (auto it = s.begin(); it != s.end();) {
      if (range.Contains(it->first)) {
        it = s.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    if (n > 0) states_[rev() + 1] = std::move(s);
    return n;
  }

 private:
  std::map<Revision, State> states_;
};

std::string RandomKey(std::mt19937_64& rng) { return "k" + std::to_string(rng() % 12); }

// buffered: run over BufferedBackend(MemCommittedStore) instead of MemBackend (no crashes then).
void RunSeed(uint64_t seed, bool buffered) {
  SCOPED_TRACE("seed " + std::to_string(seed) + (buffered ? " buffered" : ""));
  std::mt19937_64 rng(seed);
  backend::MemBackend mem(backend::MemBackendOptions{.batch_limit = 7});
  backend::BufferedBackend buf(std::make_unique<backend::MemCommittedStore>(),
                               backend::BufferedBackendOptions{.batch_limit = 7});
  backend::Backend& backend = buffered ? static_cast<backend::Backend&>(buf) : mem;
  std::unique_ptr<KvStore> store;
  KvStore::Options options;
  options.compaction_batch_limit = 1 + rng() % 5;
  options.restore_chunk_keys = 1 + rng() % 9;
  ASSERT_TRUE(KvStore::Open(&backend, options, &store).ok());
  Model model;
  Revision compacted = -1;
  for (int step = 0; step < 400; ++step) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 45) {
      PutRequest p;
      p.key = RandomKey(rng);
      p.value = "v" + std::to_string(step);
      PutResponse r;
      ASSERT_TRUE(store->Put(p, &r).ok());
      model.Put(p.key, p.value);
      ASSERT_EQ(r.revision, model.rev());
    } else if (op < 60) {
      DeleteRangeRequest d;
      d.key = RandomKey(rng);
      if (rng() % 2) d.range_end = RandomKey(rng);
      DeleteRangeResponse r;
      ASSERT_TRUE(store->DeleteRange(d, &r).ok());
      ASSERT_EQ(r.deleted, model.Delete(KeyRange{d.key, d.range_end}));
      ASSERT_EQ(r.revision, model.rev());
    } else if (op < 63) {
      const Revision rev = 1 + static_cast<Revision>(rng() % model.rev());
      std::shared_future<void> done;
      Status s = store->Compact(rev, &done);
      if (rev <= compacted) {
        ASSERT_TRUE(IsCompacted(s));
      } else {
        ASSERT_TRUE(s.ok()) << s.ToString();
        compacted = rev;
      }
    } else if (op < 66) {
      // Reopen, sometimes after a crash that loses uncommitted rounds.
      bool crash = (rng() % 2) && !buffered;
      if (crash) {
        ASSERT_TRUE(store->Commit().ok());  // crash only after a commit so the model stays valid
      }
      store.reset();
      if (crash) mem.SimulateCrash();
      ASSERT_TRUE(KvStore::Open(&backend, options, &store).ok());
      ASSERT_EQ(store->current_revision(), std::max(model.rev(), compacted));
      ASSERT_EQ(store->compact_revision(), compacted);
    } else {
      RangeRequest rr;
      rr.key = RandomKey(rng);
      const int shape = static_cast<int>(rng() % 3);
      if (shape == 1) rr.range_end = RandomKey(rng);
      if (shape == 2) rr.range_end = std::string(1, '\0');
      const Revision lo = std::max<Revision>(1, compacted);
      rr.revision = lo + static_cast<Revision>(rng() % (model.rev() - lo + 1));
      if (rng() % 4 == 0) rr.limit = 1 + rng() % 3;
      RangeResponse r;
      Status s = store->Range(rr, &r);
      ASSERT_TRUE(s.ok()) << s.ToString() << " rev " << rr.revision;
      std::vector<KeyValue> expected;
      for (const auto& [k, kv] : model.at(rr.revision)) {
        if (KeyRange{rr.key, rr.range_end}.Contains(k)) expected.push_back(kv);
      }
      ASSERT_EQ(r.count, static_cast<int64_t>(expected.size()));
      const size_t n = rr.limit > 0 ? std::min<size_t>(rr.limit, expected.size()) : expected.size();
      ASSERT_EQ(r.kvs.size(), n);
      ASSERT_EQ(r.more, n < expected.size());
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(r.kvs[i].kv.ToOwned(), expected[i]) << "at rev " << rr.revision;
    }
  }
}

TEST(ModelTest, RandomOperationsMatchModel) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    RunSeed(seed, /*buffered=*/false);
    if (HasFatalFailure()) return;
  }
}

TEST(ModelTest, RandomOperationsMatchModelOnBufferedBackend) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    RunSeed(seed, /*buffered=*/true);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace cairn::mvcc
