#include "server/etcdserver/wait.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn::etcdserver {
namespace {

TEST(WaitRegistryTest, TriggerCompletesTheRegisteredWaiterOnce) {
  WaitRegistry<int> w;
  std::future<int> f = w.Register(1);
  EXPECT_TRUE(w.IsRegistered(1));
  std::thread t([&] { w.Trigger(1, 42); });
  EXPECT_EQ(f.get(), 42);
  t.join();
  EXPECT_FALSE(w.IsRegistered(1));
  w.Trigger(1, 43);  // a second trigger (re-applied entry) is a no-op
}

TEST(WaitRegistryTest, UnknownAndCanceledIdsAreIgnored) {
  WaitRegistry<int> w;
  w.Trigger(99, 1);
  std::future<int> f = w.Register(2);
  w.Cancel(2);
  w.Trigger(2, 5);
  EXPECT_THROW(f.get(), std::future_error);  // broken promise: nobody will answer
}

}  // namespace
}  // namespace cairn::etcdserver
