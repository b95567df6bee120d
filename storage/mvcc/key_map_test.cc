#include "storage/mvcc/key_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace cairn::mvcc {
namespace {

// Each key carries one revision; the model is a std::map from key to that revision's main.
using Model = std::map<std::string, Revision>;

std::vector<std::pair<std::string, Revision>> Contents(const KeyMap& m, std::string_view from = "") {
  std::vector<std::pair<std::string, Revision>> out;
  m.ForEachFrom(from, [&](std::string_view k, const KeyIndex& ki) {
    out.emplace_back(std::string(k), ki.modified().main);
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, Revision>> Contents(const Model& m, std::string_view from = "") {
  return {m.lower_bound(std::string(from)), m.end()};
}

TEST(KeyMapTest, InOrderGrowthFillsChunks) {
  KeyMap m;
  char buf[16];
  for (int i = 0; i < 10 * static_cast<int>(KeyMap::kChunkSlots); ++i) {
    std::snprintf(buf, sizeof(buf), "%08d", i);
    m.FindOrInsert(buf).Put({i + 1, 0});
  }
  EXPECT_EQ(m.CheckInvariants(), 10u);  // every chunk full
  EXPECT_EQ(m.size(), 10 * KeyMap::kChunkSlots);
  ASSERT_NE(m.Find("00000100"), nullptr);
  EXPECT_EQ(m.Find("00000100")->modified().main, 101);
  EXPECT_EQ(m.Find("0000010"), nullptr);
  EXPECT_EQ(m.Find(""), nullptr);
  EXPECT_EQ(m.Find("99999999"), nullptr);
}

TEST(KeyMapTest, EmptyMap) {
  KeyMap m;
  EXPECT_EQ(m.Find("a"), nullptr);
  EXPECT_TRUE(Contents(m).empty());
  m.EraseIf([](KeyIndex&) { return true; });
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.CheckInvariants(), 0u);
}

TEST(KeyMapTest, EraseEverythingThenReuse) {
  KeyMap m;
  for (int i = 0; i < 300; ++i) m.FindOrInsert(std::to_string(i)).Put({i + 1, 0});
  m.EraseIf([](KeyIndex&) { return true; });
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.CheckInvariants(), 0u);
  m.FindOrInsert("x").Put({1000, 0});
  EXPECT_EQ(Contents(m), (std::vector<std::pair<std::string, Revision>>{{"x", 1000}}));
}

// Randomized comparison with std::map under in-order, reverse and random insertion, lookups,
// scans from random keys and erasure of random subsets. A failure prints the seed.
TEST(KeyMapTest, MatchesStdMap) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    KeyMap m;
    Model model;
    Revision rev = 1;
    const int shape = static_cast<int>(seed % 3);  // 0 in order, 1 reverse, 2 random
    const int key_space = 50 + static_cast<int>(rng() % 2000);
    auto key_of = [&](int i) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "k%06d", i);
      return std::string(buf);
    };
    int next = shape == 1 ? key_space : 0;
    for (int step = 0; step < 3000; ++step) {
      const uint32_t op = rng() % 100;
      if (op < 60) {
        int i;
        if (shape == 0) {
          i = next++;
        } else if (shape == 1) {
          i = next > 0 ? --next : static_cast<int>(rng() % key_space);
        } else {
          i = static_cast<int>(rng() % key_space);
        }
        const std::string k = key_of(i) + (rng() % 4 == 0 ? "/x" : "");
        const bool existed = model.count(k) > 0;
        KeyIndex& ki = m.FindOrInsert(k);
        ASSERT_EQ(ki.modified().main != 0, existed) << k;
        ki.Put({rev, 0});
        model[k] = rev++;
      } else if (op < 80) {
        const std::string k = key_of(static_cast<int>(rng() % key_space));
        const KeyIndex* ki = m.Find(k);
        auto it = model.find(k);
        ASSERT_EQ(ki != nullptr, it != model.end()) << k;
        if (ki != nullptr) ASSERT_EQ(ki->modified().main, it->second);
      } else if (op < 95) {
        const std::string from = key_of(static_cast<int>(rng() % (key_space + 2)));
        // An early stop after `limit` keys, as Range with a limit does.
        const size_t limit = 1 + rng() % 100;
        std::vector<std::string> got;
        m.ForEachFrom(from, [&](std::string_view k, const KeyIndex&) {
          got.emplace_back(k);
          return got.size() < limit;
        });
        std::vector<std::string> want;
        for (auto it = model.lower_bound(from); it != model.end() && want.size() < limit; ++it) {
          want.push_back(it->first);
        }
        ASSERT_EQ(got, want) << "from " << from;
      } else {
        // Erase keys whose revision has a random residue (a random subset of any density).
        const Revision mod = 1 + static_cast<Revision>(rng() % 5);
        m.EraseIf([&](KeyIndex& ki) { return ki.modified().main % mod == 0; });
        std::erase_if(model, [&](const auto& kv) { return kv.second % mod == 0; });
      }
      ASSERT_EQ(m.size(), model.size());
      if (step % 97 == 0) {
        m.CheckInvariants();
        ASSERT_EQ(Contents(m), Contents(model));
      }
    }
    m.CheckInvariants();
    ASSERT_EQ(Contents(m), Contents(model));
    std::vector<std::string> all;
    m.ForEach([&](std::string_view k, const KeyIndex&) { all.emplace_back(k); });
    ASSERT_EQ(all.size(), model.size());
  }
}

}  // namespace
}  // namespace cairn::mvcc
