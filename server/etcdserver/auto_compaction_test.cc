#include "server/etcdserver/auto_compaction.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "server/etcdserver/single_node_log.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

// A policy that asks to compact at current - 2 on every short tick.
class EveryTick : public mvcc::AutoCompactor {
 public:
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(20); }
  std::optional<mvcc::Revision> OnTimer(TimePoint, mvcc::Revision current) override {
    if (current - 2 <= last_) return std::nullopt;
    return current - 2;
  }
  void OnCompacted(TimePoint, mvcc::Revision rev, bool ok) override {
    if (ok) last_ = rev;
  }
  mvcc::Revision last_ = 0;
};

TEST(AutoCompactionTest, CompactsThroughTheServer) {
  char tmpl[] = "/tmp/auto_compaction_testXXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    wal::Options wo;
    wo.log = [](std::string_view) {};
    wo.segment_bytes = 1 << 20;
    std::unique_ptr<wal::Wal> w;
    ASSERT_TRUE(wal::Wal::Open(dir, wo, &w).ok());
    backend::MemBackend b;
    SingleNodeLog log(w.get(), SingleNodeLog::Options{.member_id = 1});
    std::unique_ptr<EtcdServer> s;
    ASSERT_TRUE(EtcdServer::Open(ServerOptions{}, &b, &log, &s).ok());
    for (int i = 0; i < 10; i++) {
      etcdserverpb::PutRequest p;
      p.set_key("k");
      p.set_value(std::to_string(i));
      etcdserverpb::PutResponse r;
      ASSERT_TRUE(s->Put(p, &r).ok());
    }
    int attempts = 0;
    AutoCompaction ac(s.get(), std::make_unique<EveryTick>(),
                      [&](const std::string&, int64_t, const Status&) { attempts++; });
    ac.Start();
    for (int i = 0; i < 200 && s->kv()->compact_revision() != 9; i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ac.Stop();
    EXPECT_EQ(s->kv()->compact_revision(), 9);  // current 11 - 2
    EXPECT_GE(attempts, 2);                     // "starting" and "completed"
    s->Stop();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::etcdserver
