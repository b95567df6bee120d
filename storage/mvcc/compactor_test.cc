#include "storage/mvcc/compactor.h"

#include <gtest/gtest.h>

namespace cairn::mvcc {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using TP = AutoCompactor::TimePoint;

// etcd periodic_test.go TestPeriodicHourly: retention 2 h -> a sample every 6 min, 21 kept; the
// revision getter returns 1, 2, 3, ... per sample. First compaction after 2 h at revision 1,
// then every hour at 10, 20, 30.
TEST(PeriodicCompactorTest, HourlyLikeEtcd) {
  TP t0{hours(100)};
  Revision next_rev = 1;
  PeriodicCompactor pc(hours(2), t0, next_rev++);
  EXPECT_EQ(pc.interval(), minutes(6));
  EXPECT_EQ(pc.retentions(), 21u);
  TP now = t0;
  std::vector<std::pair<int, Revision>> compactions;  // (tick, rev)
  for (int tick = 1; tick <= 50; ++tick) {
    now += minutes(6);
    auto r = pc.OnTimer(now, next_rev++);
    if (r) {
      compactions.emplace_back(tick, *r);
      pc.OnCompacted(now, *r, true);
    }
  }
  EXPECT_EQ(compactions, (std::vector<std::pair<int, Revision>>{{20, 1}, {30, 10}, {40, 20}, {50, 30}}));
}

// etcd TestPeriodicMinutes: retention 5 min -> every 5 min once the first 5 min passed.
TEST(PeriodicCompactorTest, MinutesLikeEtcd) {
  TP t0{hours(100)};
  Revision next_rev = 1;
  PeriodicCompactor pc(minutes(5), t0, next_rev++);
  EXPECT_EQ(pc.interval(), seconds(30));
  TP now = t0;
  std::vector<Revision> revs;
  for (int tick = 1; tick <= 60; ++tick) {
    now += seconds(30);
    auto r = pc.OnTimer(now, next_rev++);
    if (r) {
      revs.push_back(*r);
      pc.OnCompacted(now, *r, true);
    }
  }
  EXPECT_EQ(revs, (std::vector<Revision>{1, 10, 20, 30, 40, 50}));
}

TEST(PeriodicCompactorTest, FailureRetriesEveryTickAndPauseSkips) {
  TP t0{hours(1)};
  PeriodicCompactor pc(seconds(10), t0, 5);
  EXPECT_EQ(pc.interval(), seconds(1));
  TP now = t0;
  for (int i = 0; i < 9; ++i) {
    now += seconds(1);
    EXPECT_FALSE(pc.OnTimer(now, 5 + i).has_value());
  }
  now += seconds(1);
  auto r = pc.OnTimer(now, 20);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 5);
  pc.OnCompacted(now, *r, false);  // failed: retried on the next tick
  now += seconds(1);
  EXPECT_TRUE(pc.OnTimer(now, 21).has_value());
  pc.OnCompacted(now, 6, true);
  pc.Pause();
  now += seconds(20);
  EXPECT_FALSE(pc.OnTimer(now, 22).has_value());
  pc.Resume();
  now += seconds(1);
  EXPECT_TRUE(pc.OnTimer(now, 23).has_value());
}

TEST(RevisionCompactorTest, KeepsRetentionRevisions) {
  RevisionCompactor rc(100);
  TP now{};
  EXPECT_EQ(rc.interval(), minutes(5));
  EXPECT_FALSE(rc.OnTimer(now, 50).has_value());  // current - retention <= 0
  auto r = rc.OnTimer(now, 150);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 50);
  rc.OnCompacted(now, 50, true);
  EXPECT_FALSE(rc.OnTimer(now, 150).has_value()) << "same revision again is skipped";
  EXPECT_EQ(rc.OnTimer(now, 151).value_or(0), 51);
  rc.Pause();
  EXPECT_FALSE(rc.OnTimer(now, 400).has_value());
}

}  // namespace
}  // namespace cairn::mvcc
