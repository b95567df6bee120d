// Crash safety of the node driver: a single-member cluster whose WAL goes
// through FaultEnv crashes at every mutating step in turn. After Crash()
// (unsynced writes rolled back) and a restart, every entry the application
// had applied before the crash is applied again, in the same order: nothing
// is handed to the apply thread before it is durable (node.h step 2 before 4).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "raft/node/node.h"
#include "storage/io/fault_env.h"

namespace cairn::raft::node {
namespace {

using namespace std::chrono_literals;

class NullTransport final : public Transport {
 public:
  void Send(std::vector<Message>) override {}
};

struct App {
  std::mutex mu;
  std::vector<std::string> applied;
  std::vector<std::string> Copy() {
    std::lock_guard<std::mutex> lk(mu);
    return applied;
  }
};

NodeOptions Options(const std::string& dir, io::Env* env, Transport* t, App* app) {
  NodeOptions o;
  o.raft.id = 1;
  o.log.dir = dir;
  o.log.wal_options.env = env;
  o.log.wal_options.use_io_uring = false;               // through the Env, so FaultEnv sees it
  o.log.wal_options.preallocate_in_background = false;  // deterministic steps
  o.log.wal_options.segment_bytes = 16 << 10;           // cross segment cuts too
  o.log.wal_options.log = [](std::string_view) {};
  o.log.initial_conf_state.voters = {1};
  o.transport = t;
  o.tick_interval = 0ms;
  o.apply = [app](ApplyBatch&& b) {
    std::lock_guard<std::mutex> lk(app->mu);
    for (Entry& e : b.entries) {
      if (!e.data.empty()) app->applied.push_back(std::move(e.data));
    }
  };
  return o;
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(NodeCrash, AppliedEntriesSurviveACrashAtEveryStep) {
  constexpr int kProposals = 12;
  const std::string value(3000, 'x');  // a few segment cuts over the run
  NullTransport transport;
  int crashes = 0;
  for (uint64_t crash_at = 1;; ++crash_at) {
    ASSERT_LT(crash_at, 400u) << "the run never completed";
    const char* tmp = getenv("TEST_TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/nodecrashXXXXXX";
    const std::string dir = mkdtemp(tmpl.data());
    io::FaultEnv env(io::DefaultEnv());
    env.SetCrashAtStep(crash_at);
    App before;
    {
      std::unique_ptr<Node> n;
      if (Node::Start(Options(dir + "/wal", &env, &transport, &before), &n).ok()) {
        if (n->Campaign().ok() && WaitFor([&] { return n->leader() == 1 || !n->failed().ok(); }, 5s)) {
          for (int i = 0; i < kProposals && n->failed().ok(); ++i) {
            if (!n->Propose(value + std::to_string(i)).ok()) break;
            WaitFor([&] { return before.Copy().size() == size_t(i) + 1 || !n->failed().ok(); }, 5s);
          }
        }
        n->Stop();
      }
    }
    const bool crashed = env.crashed();
    ASSERT_TRUE(env.Crash().ok());
    const std::vector<std::string> applied = before.Copy();
    if (!crashed) {
      EXPECT_EQ(applied.size(), size_t(kProposals));
      std::filesystem::remove_all(dir);
      break;
    }
    ++crashes;
    // Restart on the real Env from what survived.
    App after;
    std::unique_ptr<Node> n;
    Status s = Node::Start(Options(dir + "/wal", io::DefaultEnv(), &transport, &after), &n);
    ASSERT_TRUE(s.ok()) << "crash at step " << crash_at << ": " << s.ToString();
    ASSERT_TRUE(n->Campaign().ok());
    // The new term's first entry commits everything in the log.
    ASSERT_TRUE(WaitFor([&] { return after.Copy().size() >= applied.size(); }, 5s))
        << "crash at step " << crash_at << ": applied " << applied.size() << " before, "
        << after.Copy().size() << " after";
    const auto got = after.Copy();
    EXPECT_TRUE(std::equal(applied.begin(), applied.end(), got.begin())) << "crash at step " << crash_at;
    n->Stop();
    std::filesystem::remove_all(dir);
  }
  std::printf("crash points tested: %d\n", crashes);
  EXPECT_GT(crashes, 10);
}

}  // namespace
}  // namespace cairn::raft::node
