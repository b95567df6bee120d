// The MVCC model workload (storage/mvcc/model_test.cc) over the bolt backend: random puts,
// deletes, txns and compactions checked against a model of every revision, with the store closed
// and KvStore::Open'ed again from the file at random points (and at the end), and real bbolt
// checking the file. The same operations run in lockstep on a KvStore over the in-memory
// backend, and after every reopen the bolt file's buckets must equal the in-memory backend's
// byte for byte (so physical compaction deletes, lease records and meta reach the file).
// A failure prints the seed; rerun with that seed to replay it.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/backend/bolt_backend.h"
#include "storage/backend/bolt_test_util.h"
#include "storage/backend/mem_backend.h"
#include "storage/mvcc/errors.h"
#include "storage/mvcc/kv_store.h"

namespace cairn::backend {
namespace {

using mvcc::KeyRange;
using mvcc::KeyValue;
using mvcc::Revision;
using State = std::map<std::string, KeyValue>;

class Model {
 public:
  Model() { states_[1] = {}; }
  Revision rev() const { return states_.rbegin()->first; }
  const State& at(Revision r) const { return std::prev(states_.upper_bound(r))->second; }
  // Applies puts (key, value, lease) at one new revision, in order.
  void Put(const std::vector<std::tuple<std::string, std::string, int64_t>>& puts) {
    State s = at(rev());
    const Revision r = rev() + 1;
    for (const auto& [k, v, lease] : puts) {
      auto it = s.find(k);
      KeyValue kv{k, r, r, 1, v, lease};
      if (it != s.end()) {
        kv.create_revision = it->second.create_revision;
        kv.version = it->second.version + 1;
      }
      s[k] = kv;
    }
    states_[r] = std::move(s);
  }
  int64_t Delete(const KeyRange& range) {
    State s = at(rev());
    int64_t n = std::erase_if(s, [&](const auto& kv) { return range.Contains(kv.first); });
    if (n > 0) states_[rev() + 1] = std::move(s);
    return n;
  }

 private:
  std::map<Revision, State> states_;
};

std::string RandomKey(std::mt19937_64& rng) { return "k" + std::to_string(rng() % 15); }

void ExpectState(mvcc::KvStore* kv, const State& want, Revision rev) {
  mvcc::RangeRequest rr;
  rr.key = std::string(1, '\0');
  rr.range_end = std::string(1, '\0');
  rr.revision = rev;
  mvcc::RangeResponse r;
  Status s = kv->Range(rr, &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << " at " << rev;
  ASSERT_EQ(r.kvs.size(), want.size()) << "at " << rev;
  size_t i = 0;
  for (const auto& [k, v] : want) ASSERT_EQ(r.kvs[i++].kv.ToOwned(), v) << "at " << rev;
}

// Every bucket's contents, as text.
std::string Contents(Backend* b) {
  std::unique_ptr<ReadView> v = b->Read();
  std::string out;
  for (const std::string& bucket : v->BucketNames()) {
    out += "bucket " + bucket + "\n";
    v->UnsafeForEach(bucket, [&](std::string_view k, std::string_view val) {
      out += testing::Hex(k) + " " + testing::Hex(val) + "\n";
      return true;
    });
  }
  return out;
}

// The twin: KvStore + Lessor over MemBackend, opened like the server does.
struct MemStore {
  MemBackend backend;
  std::unique_ptr<mvcc::Lessor> lessor;
  std::unique_ptr<mvcc::KvStore> kv;
  Status Open(mvcc::KvStore::Options kv_options) {
    mvcc::Lessor::Options lo;
    lo.clock = [] { return std::chrono::steady_clock::time_point{}; };
    CAIRN_RETURN_IF_ERROR(mvcc::Lessor::Open(&backend, lo, &lessor));
    kv_options.leases = lessor.get();
    CAIRN_RETURN_IF_ERROR(mvcc::KvStore::Open(&backend, kv_options, &kv));
    lessor->set_kv(kv.get());
    return Status::Ok();
  }
};

void RunSeed(uint64_t seed, const std::string& path) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  BoltBackendOptions options;
  options.batch_limit = 1 + static_cast<int>(rng() % 8);
  mvcc::KvStore::Options kv_options;
  kv_options.compaction_batch_limit = 1 + static_cast<int64_t>(rng() % 5);
  kv_options.restore_chunk_keys = 1 + static_cast<int64_t>(rng() % 9);
  testing::OpenStore s;
  ASSERT_TRUE(s.Open(path, options, kv_options).ok());
  MemStore m;
  ASSERT_TRUE(m.Open(kv_options).ok());
  int64_t granted = 0;
  ASSERT_TRUE(s.lessor->Grant(7, 600, &granted).ok());
  ASSERT_TRUE(m.lessor->Grant(7, 600, &granted).ok());
  Model model;
  Revision compacted = -1;
  for (int step = 0; step < 300; ++step) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 40) {
      mvcc::PutRequest p;
      p.key = RandomKey(rng);
      p.value = "v" + std::to_string(step) + std::string(rng() % 3 == 0 ? 3000 : 10, 'x');
      p.lease = rng() % 5 == 0 ? 7 : 0;
      mvcc::PutResponse r;
      ASSERT_TRUE(s.kv->Put(p, &r).ok());
      ASSERT_TRUE(m.kv->Put(p, &r).ok());
      model.Put({{p.key, p.value, p.lease}});
      ASSERT_EQ(r.revision, model.rev());
    } else if (op < 50) {
      // A txn of two puts to distinct keys: one revision, subs 0 and 1.
      mvcc::TxnRequest t;
      std::string k1 = RandomKey(rng), k2 = k1 + "x";
      t.success.push_back(mvcc::RequestOp{mvcc::PutRequest{.key = k1, .value = "t1"}});
      t.success.push_back(mvcc::RequestOp{mvcc::PutRequest{.key = k2, .value = "t2"}});
      mvcc::TxnResponse r;
      ASSERT_TRUE(s.kv->Txn(t, &r).ok());
      ASSERT_TRUE(m.kv->Txn(t, &r).ok());
      model.Put({{k1, "t1", 0}, {k2, "t2", 0}});
    } else if (op < 62) {
      mvcc::DeleteRangeRequest d;
      d.key = RandomKey(rng);
      if (rng() % 2) d.range_end = RandomKey(rng);
      mvcc::DeleteRangeResponse r;
      ASSERT_TRUE(s.kv->DeleteRange(d, &r).ok());
      ASSERT_TRUE(m.kv->DeleteRange(d, &r).ok());
      ASSERT_EQ(r.deleted, model.Delete(KeyRange{d.key, d.range_end}));
    } else if (op < 66) {
      const Revision rev = 1 + static_cast<Revision>(rng() % model.rev());
      std::shared_future<void> done;
      Status st = s.kv->Compact(rev, &done);
      EXPECT_EQ(m.kv->Compact(rev, &done).code(), st.code());
      if (rev <= compacted) {
        ASSERT_TRUE(mvcc::IsCompacted(st));
      } else {
        ASSERT_TRUE(st.ok()) << st.ToString();
        compacted = rev;
      }
    } else if (op < 72) {
      s.Close();
      ASSERT_TRUE(s.Open(path, options, kv_options).ok());
      ASSERT_EQ(s.kv->current_revision(), std::max(model.rev(), compacted));
      ASSERT_EQ(s.kv->compact_revision(), compacted);
      mvcc::LeaseInfo info;
      ASSERT_TRUE(s.lessor->Lookup(7, &info));
      std::vector<std::string> leased;
      for (const auto& [k, kv] : model.at(model.rev()))
        if (kv.lease == 7) leased.push_back(k);
      ASSERT_EQ(info.keys, leased);
      ExpectState(s.kv.get(), model.at(model.rev()), 0);
      ASSERT_EQ(Contents(s.backend.get()), Contents(&m.backend));
    } else {
      const Revision lo = std::max<Revision>(1, compacted);
      const Revision rev = lo + static_cast<Revision>(rng() % (model.rev() - lo + 1));
      ExpectState(s.kv.get(), model.at(rev), rev);
    }
    if (::testing::Test::HasFatalFailure()) return;
  }
  s.Close();
  ASSERT_TRUE(s.Open(path, options, kv_options).ok());
  ASSERT_EQ(s.kv->current_revision(), std::max(model.rev(), compacted));
  ExpectState(s.kv.get(), model.at(model.rev()), 0);
  ASSERT_EQ(Contents(s.backend.get()), Contents(&m.backend));
  s.Close();
  testing::CommandResult check = testing::Oracle("check " + path);
  ASSERT_EQ(check.out, "ok\n");
}

TEST(BoltKvTest, ModelWorkloadSurvivesReopen) {
  const std::string dir = testing::TempDir("kv");
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    RunSeed(seed, dir + "/db" + std::to_string(seed));
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace cairn::backend
