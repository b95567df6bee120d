#include "server/corruption/checker.h"

#include <gtest/gtest.h>

#include <map>

namespace cairn::corruption {
namespace {

class FakeHasher : public Hasher {
 public:
  uint64_t MemberId() override { return 0xa; }
  Status HashByRev(int64_t, KvHash* out) override {
    *out = local_[std::min<size_t>(calls_++, local_.size() - 1)];
    return Status::Ok();
  }
  std::vector<PeerHash> PeerHashByRev(int64_t rev) override {
    asked_.push_back(rev);
    return peers_;
  }
  Status LinearizableReadNotify() override { return Status::Ok(); }
  void TriggerCorruptAlarm(uint64_t id) override { alarms_.push_back(id); }

  std::vector<KvHash> local_;
  size_t calls_ = 0;
  std::vector<PeerHash> peers_;
  std::vector<int64_t> asked_;
  std::vector<uint64_t> alarms_;
};

KvHash H(uint32_t hash, int64_t rev, int64_t compact) { return KvHash{hash, rev, compact, rev}; }

PeerHash Peer(uint64_t id, KvHash h) {
  PeerHash p;
  p.id = id;
  p.ok = true;
  p.hash = h;
  p.endpoints = {"http://127.0.0.1:1"};
  return p;
}

PeerHash Failed(uint64_t id, std::string error) {
  PeerHash p;
  p.id = id;
  p.error = std::move(error);
  return p;
}

struct Logs {
  std::shared_ptr<logging::MemorySink> sink = std::make_shared<logging::MemorySink>();
  logging::Logger lg{sink, logging::Level::kInfo};
  bool Has(std::string_view msg) {
    for (const std::string& l : sink->Lines()) {
      if (l.find("\"msg\":\"" + std::string(msg) + "\"") != std::string::npos) return true;
    }
    return false;
  }
};

TEST(InitialCheck, PassesWhenPeersAgreeOrCannotAnswer) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2)};
  h.peers_ = {Peer(0xb, H(7, 10, 2)),
              Failed(0xc, "etcdserver: mvcc: required revision is a future revision")};
  Logs logs;
  EXPECT_TRUE(InitialCheck(h, logs.lg, std::chrono::seconds(1)).ok());
  EXPECT_EQ(h.asked_, std::vector<int64_t>{10});
  EXPECT_TRUE(logs.Has("cannot fetch hash from slow remote peer"));
  EXPECT_TRUE(logs.Has("initial corruption checking passed; no corruption"));
}

TEST(InitialCheck, RefusesOnDifferentHashAtSameCompactRevision) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2)};
  h.peers_ = {Peer(0xb, H(8, 10, 2))};
  Logs logs;
  Status st = InitialCheck(h, logs.lg, std::chrono::seconds(1));
  EXPECT_EQ(st.message(), "a found data inconsistency with peers");
  EXPECT_TRUE(logs.Has("found different hash values from remote peer"));
}

TEST(InitialCheck, DifferentCompactRevisionIsOnlyAWarning) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2)};
  h.peers_ = {Peer(0xb, H(8, 10, 5))};
  Logs logs;
  EXPECT_TRUE(InitialCheck(h, logs.lg, std::chrono::seconds(1)).ok());
  EXPECT_TRUE(logs.Has("found different compact revision values from remote peer"));
}

TEST(PeriodicCheck, AlarmsOnceForAFollowerWithAnotherHash) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2), H(7, 10, 2)};
  h.peers_ = {Peer(0xb, H(7, 10, 2)), Peer(0xc, H(9, 10, 2)), Peer(0xd, H(9, 12, 2))};
  Logs logs;
  EXPECT_TRUE(PeriodicCheck(h, logs.lg).ok());
  EXPECT_EQ(h.alarms_, std::vector<uint64_t>{0});
  EXPECT_TRUE(logs.Has("same compact revision then hashes must match"));
  EXPECT_TRUE(logs.Has("revision from follower must be less than or equal to leader's"));
  EXPECT_TRUE(logs.Has("finished peer corruption check"));
}

TEST(PeriodicCheck, NoAlarmWhenConsistent) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2), H(8, 11, 2)};
  h.peers_ = {Peer(0xb, H(7, 10, 2)), Failed(0xc, "unavailable")};
  Logs logs;
  EXPECT_TRUE(PeriodicCheck(h, logs.lg).ok());
  EXPECT_TRUE(h.alarms_.empty());
}

TEST(PeriodicCheck, LeaderHashChangingAtSameRevisionAlarms) {
  FakeHasher h;
  h.local_ = {H(7, 10, 2), H(8, 10, 2)};
  Logs logs;
  EXPECT_TRUE(PeriodicCheck(h, logs.lg).ok());
  EXPECT_EQ(h.alarms_, std::vector<uint64_t>{0});
  EXPECT_TRUE(logs.Has("found hash mismatch"));
}

TEST(CompactHashCheck, MinorityMemberGetsTheAlarm) {
  FakeHasher h;
  h.peers_ = {Peer(0xb, H(7, 20, 10)), Peer(0xc, H(9, 20, 10))};
  Logs logs;
  int64_t latest = 0;
  CompactHashCheck(h, logs.lg, {H(7, 20, 10)}, &latest);
  EXPECT_EQ(h.alarms_, std::vector<uint64_t>{0xc});
  EXPECT_TRUE(logs.Has("Detected compaction hash mismatch"));
}

TEST(CompactHashCheck, ConsistentClusterAdvancesTheCheckedRevision) {
  FakeHasher h;
  h.peers_ = {Peer(0xb, H(7, 20, 10)), Peer(0xc, H(7, 20, 10))};
  Logs logs;
  int64_t latest = 0;
  CompactHashCheck(h, logs.lg, {H(7, 20, 10), H(5, 10, 0)}, &latest);
  EXPECT_EQ(latest, 20);
  EXPECT_EQ(h.asked_, std::vector<int64_t>{20});
  EXPECT_TRUE(h.alarms_.empty());
  CompactHashCheck(h, logs.lg, {H(7, 20, 10)}, &latest);
  EXPECT_EQ(h.asked_.size(), 1u);  // nothing above 20 left to check
}

TEST(CompactHashCheck, NoMajorityAlarmsTheWholeCluster) {
  FakeHasher h;
  h.peers_ = {Peer(0xb, H(8, 20, 10))};
  Logs logs;
  int64_t latest = 0;
  CompactHashCheck(h, logs.lg, {H(7, 20, 10)}, &latest);
  ASSERT_FALSE(h.alarms_.empty());
  EXPECT_EQ(h.alarms_[0], 0u);
}

}  // namespace
}  // namespace cairn::corruption
