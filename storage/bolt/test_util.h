// Test helpers for storage/bolt: temp directories, a std::map model of a DB's
// buckets and keys with the canonical dump (dump.h), and a randomized
// workload that applies the same operations to a DB and to the model.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/bolt/db.h"

namespace cairn::bolt::testing {

inline std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir =
      std::string(base != nullptr ? base : "/tmp") + "/bolt_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct ModelBucket {
  uint64_t sequence = 0;
  std::map<std::string, std::string> keys;
  std::map<std::string, ModelBucket> buckets;
};

inline std::string Hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

inline void DumpModelBucket(const ModelBucket& b, const std::string& path, std::string* out) {
  *out += "B " + path + "\n";
  auto k = b.keys.begin();
  auto c = b.buckets.begin();
  while (k != b.keys.end() || c != b.buckets.end()) {
    if (c == b.buckets.end() || (k != b.keys.end() && k->first < c->first)) {
      *out += "K " + path + " " + Hex(k->first) + " " + (k->second.empty() ? "-" : Hex(k->second)) + "\n";
      ++k;
    } else {
      DumpModelBucket(c->second, path + "/" + Hex(c->first), out);
      ++c;
    }
  }
}

inline std::string DumpModel(const ModelBucket& root) {
  std::string out;
  for (const auto& [name, b] : root.buckets) DumpModelBucket(b, Hex(name), &out);
  return out;
}

// Applies random transactions to a DB and to a model in lockstep.
class RandomWorkload {
 public:
  explicit RandomWorkload(uint64_t seed) : rng_(seed) {}

  ModelBucket& model() { return model_; }

  // One transaction of up to ops_max operations; commits with probability
  // 0.9, else rolls back (and the model is left unchanged).
  Status RunTx(DB* db, int ops_max) {
    std::unique_ptr<Tx> tx;
    CAIRN_RETURN_IF_ERROR(db->Begin(true, &tx));
    const bool rollback = rng_() % 10 == 0;
    // Only a rolled back transaction needs a scratch copy of the model. (If
    // the commit fails, the model is ahead of the DB: callers stop using it.)
    ModelBucket scratch;
    if (rollback) scratch = model_;
    ModelBucket* target = rollback ? &scratch : &model_;
    int ops = 1 + static_cast<int>(rng_() % ops_max);
    for (int i = 0; i < ops; ++i) CAIRN_RETURN_IF_ERROR(Op(tx.get(), target));
    if (rollback) return tx->Rollback();
    return tx->Commit();
  }

 private:
  std::string RandomKey(size_t space) {
    uint64_t n = rng_() % space;
    switch (rng_() % 4) {
      case 0: return "k" + std::to_string(n);
      case 1: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "seq%08llu", static_cast<unsigned long long>(n));
        return buf;
      }
      case 2: return std::string(1 + rng_() % 3, static_cast<char>(n % 256));
      default: return std::string(1 + rng_() % 300, static_cast<char>('a' + n % 26)) + std::to_string(n);
    }
  }

  std::string RandomValue() {
    size_t size;
    switch (rng_() % 20) {
      case 0: size = 0; break;
      case 1:
        size = 4096 + rng_() % 20000;  // overflow pages
        break;
      case 2: size = 1000 + rng_() % 3000; break;
      default: size = rng_() % 200;
    }
    std::string v(size, '\0');
    for (auto& c : v) c = static_cast<char>(rng_());
    return v;
  }

  // Picks a random bucket path (possibly empty = root) from the model.
  void Collect(const ModelBucket& b, std::vector<std::string>& path,
               std::vector<std::vector<std::string>>* out) {
    out->push_back(path);
    for (const auto& [name, child] : b.buckets) {
      path.push_back(name);
      Collect(child, path, out);
      path.pop_back();
    }
  }

  Status Op(Tx* tx, ModelBucket* root) {
    std::vector<std::vector<std::string>> paths;
    std::vector<std::string> scratch;
    Collect(*root, scratch, &paths);
    const std::vector<std::string> path = paths[rng_() % paths.size()];
    Bucket* b = tx->Root();
    ModelBucket* m = root;
    for (const std::string& name : path) {
      b = b->Nested(name);
      m = &m->buckets.at(name);
      if (b == nullptr) return Status::Corruption("model bucket missing in DB");
    }
    uint64_t dice = rng_() % 100;
    if (path.empty() || dice < 6) {
      if (path.size() >= 3) return Status::Ok();
      std::string name = "b" + std::to_string(rng_() % 8);
      if (m->keys.count(name)) return Status::Ok();
      Status s = b->CreateBucketIfNotExists(name);
      if (!s.ok()) return s;
      m->buckets[name];
      return Status::Ok();
    }
    if (dice < 8) {
      if (m->buckets.empty()) return Status::Ok();
      auto it = m->buckets.begin();
      std::advance(it, rng_() % m->buckets.size());
      CAIRN_RETURN_IF_ERROR(b->DeleteBucket(it->first));
      m->buckets.erase(it);
      return Status::Ok();
    }
    if (dice < 10) {
      uint64_t seq = 0;
      CAIRN_RETURN_IF_ERROR(b->NextSequence(&seq));
      m->sequence++;
      if (seq != m->sequence) return Status::Corruption("sequence mismatch");
      return Status::Ok();
    }
    if (dice < 30 && !m->keys.empty()) {
      auto it = m->keys.begin();
      std::advance(it, rng_() % std::min<size_t>(m->keys.size(), 64));
      if (rng_() % 2 == 0) it = m->keys.lower_bound(RandomKey(2000));
      if (it == m->keys.end()) return Status::Ok();
      CAIRN_RETURN_IF_ERROR(b->Delete(it->first));
      m->keys.erase(it);
      return Status::Ok();
    }
    if (dice < 33) {
      // A burst of sequential keys, as etcd's revision keys.
      size_t start = rng_() % 100000;
      for (int i = 0; i < 200; ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "rev%016zu", start + i);
        if (m->buckets.count(buf)) continue;
        std::string v(rng_() % 300, 'v');
        CAIRN_RETURN_IF_ERROR(b->Put(buf, v));
        m->keys[buf] = v;
      }
      return Status::Ok();
    }
    std::string key = RandomKey(2000);
    if (m->buckets.count(key)) return Status::Ok();
    std::string value = RandomValue();
    CAIRN_RETURN_IF_ERROR(b->Put(key, value));
    m->keys[key] = value;
    return Status::Ok();
  }

  std::mt19937_64 rng_;
  ModelBucket model_;
};

}  // namespace cairn::bolt::testing
