#include "server/etcdserver/wait.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cairn::etcdserver {
namespace {

using Clock = WaitRegistry<int>::Clock;
using std::chrono::seconds;

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

TEST(WaitRegistryTest, TriggerRunsTheCallbackOnce) {
  WaitRegistry<int> w;
  int got = 0;
  int calls = 0;
  w.Register(1, kT0 + seconds(5), [&](int r) {
    got = r;
    ++calls;
  });
  EXPECT_TRUE(w.IsRegistered(1));
  std::thread t([&] { EXPECT_TRUE(w.Trigger(1, 42)); });
  t.join();
  EXPECT_EQ(got, 42);
  EXPECT_FALSE(w.IsRegistered(1));
  EXPECT_FALSE(w.Trigger(1, 43));  // a second trigger (re-applied entry) is a no-op
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got, 42);
}

TEST(WaitRegistryTest, UnknownAndCanceledIdsAreIgnored) {
  WaitRegistry<int> w;
  EXPECT_FALSE(w.Trigger(99, 1));
  bool ran = false;
  w.Register(2, kT0 + seconds(5), [&](int) { ran = true; });
  WaitRegistry<int>::Callback taken = w.Cancel(2);
  EXPECT_TRUE(taken != nullptr);
  EXPECT_TRUE(w.Cancel(2) == nullptr);
  EXPECT_FALSE(w.Trigger(2, 5));
  EXPECT_TRUE(w.TakeExpired(kT0 + seconds(10)).empty());
  EXPECT_FALSE(ran);  // the canceler answers by itself
  taken(0);
  EXPECT_TRUE(ran);
  EXPECT_EQ(w.pending(), 0u);
}

TEST(WaitRegistryTest, TakeExpiredReturnsOnlyDueWaitersOldestFirst) {
  WaitRegistry<int> w;
  std::vector<int> order;
  w.Register(3, kT0 + seconds(3), [&](int r) { order.push_back(3 * 100 + r); });
  w.Register(1, kT0 + seconds(1), [&](int r) { order.push_back(1 * 100 + r); });
  w.Register(2, kT0 + seconds(2), [&](int r) { order.push_back(2 * 100 + r); });
  EXPECT_EQ(*w.NextDeadline(), kT0 + seconds(1));
  EXPECT_TRUE(w.TakeExpired(kT0).empty());
  auto due = w.TakeExpired(kT0 + seconds(2));
  ASSERT_EQ(due.size(), 2u);
  for (auto& done : due) done(-1);  // the caller answers with its timeout result
  EXPECT_EQ(order, (std::vector<int>{99, 199}));
  EXPECT_FALSE(w.IsRegistered(1));
  EXPECT_FALSE(w.IsRegistered(2));
  EXPECT_TRUE(w.IsRegistered(3));
  EXPECT_EQ(*w.NextDeadline(), kT0 + seconds(3));
}

TEST(WaitRegistryTest, TriggerAfterTimeoutIsANoOp) {
  WaitRegistry<int> w;
  int calls = 0;
  int got = 0;
  w.Register(7, kT0 + seconds(1), [&](int r) {
    ++calls;
    got = r;
  });
  auto due = w.TakeExpired(kT0 + seconds(1));
  ASSERT_EQ(due.size(), 1u);
  due[0](-1);
  EXPECT_FALSE(w.Trigger(7, 42));  // applied after the proposer was told "request timed out"
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got, -1);
}

TEST(WaitRegistryTest, TriggeredWaitersLeaveNoLiveDeadline) {
  WaitRegistry<int> w;
  w.Register(1, kT0 + seconds(1), [](int) {});
  EXPECT_TRUE(w.Trigger(1, 0));
  // The stale record may still wake the timer, but expires nobody.
  EXPECT_TRUE(w.TakeExpired(kT0 + seconds(5)).empty());
  EXPECT_FALSE(w.NextDeadline().has_value());
}

TEST(WaitRegistryTest, AReRegisteredIdKeepsItsNewDeadline) {
  WaitRegistry<int> w;
  w.Register(1, kT0 + seconds(1), [](int) {});
  EXPECT_TRUE(w.Trigger(1, 0));
  bool ran = false;
  w.Register(1, kT0 + seconds(9), [&](int) { ran = true; });
  EXPECT_TRUE(w.TakeExpired(kT0 + seconds(5)).empty());  // the old record is stale
  EXPECT_TRUE(w.IsRegistered(1));
  EXPECT_EQ(w.TakeExpired(kT0 + seconds(9)).size(), 1u);
  EXPECT_FALSE(ran);
}

TEST(WaitRegistryTest, RegisterReportsANewEarliestDeadline) {
  WaitRegistry<int> w;
  EXPECT_TRUE(w.Register(1, kT0 + seconds(5), [](int) {}));
  EXPECT_FALSE(w.Register(2, kT0 + seconds(6), [](int) {}));
  EXPECT_TRUE(w.Register(3, kT0 + seconds(1), [](int) {}));
}

TEST(WaitRegistryTest, StaleDeadlineRecordsStayBounded) {
  WaitRegistry<int> w;
  w.Register(0, kT0 + seconds(100), [](int) {});  // one long-lived waiter
  for (uint64_t id = 1; id <= 100000; ++id) {
    w.Register(id, kT0 + seconds(10), [](int) {});
    ASSERT_TRUE(w.Trigger(id, 0));
  }
  EXPECT_EQ(w.pending(), 1u);
  EXPECT_LE(w.deadline_records(), 1024u);
  EXPECT_EQ(w.TakeExpired(kT0 + seconds(100)).size(), 1u);
}

TEST(WaitRegistryTest, CallbacksMayReenterTheRegistry) {
  WaitRegistry<int> w;
  bool inner = false;
  w.Register(1, kT0 + seconds(1), [&](int) {
    // e.g. a completion that proposes again
    w.Register(2, kT0 + seconds(2), [&](int) { inner = true; });
  });
  EXPECT_TRUE(w.Trigger(1, 0));
  EXPECT_TRUE(w.Trigger(2, 0));
  EXPECT_TRUE(inner);
}

TEST(WaitRegistryTest, FutureWaitersGetTheResultOrABrokenPromise) {
  WaitRegistry<int> w;
  std::future<int> answered = w.Register(1);
  std::future<int> canceled = w.Register(2);
  EXPECT_FALSE(w.NextDeadline().has_value());  // no deadline: the caller times out by itself
  std::thread t([&] { EXPECT_TRUE(w.Trigger(1, 42)); });
  EXPECT_EQ(answered.get(), 42);
  t.join();
  EXPECT_TRUE(w.Cancel(2) != nullptr);
  EXPECT_THROW(canceled.get(), std::future_error);  // nobody will answer
  EXPECT_TRUE(w.TakeExpired(kT0 + std::chrono::hours(1000)).empty());
}

TEST(WaitRegistryTest, TakeAllTakesEveryWaiterWithOrWithoutDeadline) {
  WaitRegistry<int> w;
  int answered = 0;
  w.Register(1, kT0 + seconds(1), [&](int r) { answered += r; });
  std::future<int> f = w.Register(2);
  auto all = w.TakeAll();
  ASSERT_EQ(all.size(), 2u);
  for (auto& done : all) done(7);
  EXPECT_EQ(answered, 7);
  EXPECT_EQ(f.get(), 7);
  EXPECT_EQ(w.pending(), 0u);
  EXPECT_FALSE(w.NextDeadline().has_value());
  EXPECT_FALSE(w.Trigger(1, 0));
}

TEST(WaitRegistryTest, ConcurrentTriggerAndExpiryAnswerEachWaiterExactlyOnce) {
  WaitRegistry<int> w;
  constexpr int kWaiters = 2000;
  std::vector<std::atomic<int>> calls(kWaiters);
  for (int i = 0; i < kWaiters; ++i) {
    w.Register(i, kT0 + seconds(1), [&calls, i](int) { calls[i].fetch_add(1); });
  }
  std::thread applier([&] {
    for (int i = 0; i < kWaiters; ++i) w.Trigger(i, 0);
  });
  std::thread timer([&] {
    for (auto& done : w.TakeExpired(kT0 + seconds(1))) done(-1);
  });
  applier.join();
  timer.join();
  for (int i = 0; i < kWaiters; ++i) ASSERT_EQ(calls[i].load(), 1) << i;
  EXPECT_EQ(w.pending(), 0u);
}

}  // namespace
}  // namespace cairn::etcdserver
