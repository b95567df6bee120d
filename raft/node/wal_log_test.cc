#include "raft/node/wal_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace cairn::raft::node {
namespace {

std::string TempDir() {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/wallogXXXXXX";
  return mkdtemp(tmpl.data());
}

WalLogOptions Opts(const std::string& dir) {
  WalLogOptions o;
  o.dir = dir + "/wal";
  o.wal_options.segment_bytes = 64 << 10;
  o.wal_options.log = [](std::string_view) {};
  o.initial_conf_state.voters = {1, 2, 3};
  return o;
}

Entry E(Index i, Term t, std::string data, EntryType type = EntryType::kNormal) {
  return Entry{t, i, type, std::move(data)};
}

TEST(WalLog, EntryTypeByteRoundTrips) {
  Entry e = E(5, 2, "cc", EntryType::kConfChange);
  Entry back;
  ASSERT_TRUE(FromWalEntry(ToWalEntry(e), &back).ok());
  EXPECT_EQ(back, e);
  EXPECT_TRUE(FromWalEntry(wal::Entry{1, 1, ""}, &back).IsCorruption());
  EXPECT_TRUE(FromWalEntry(wal::Entry{1, 1, std::string("\x07x", 2)}, &back).IsCorruption());
}

TEST(WalLog, PersistThenReopenRestoresStorage) {
  const std::string dir = TempDir();
  {
    std::unique_ptr<WalLog> log;
    ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
    Ready rd;
    rd.entries = {E(1, 1, "a"), E(2, 1, "b"), E(3, 1, "c", EntryType::kConfChange)};
    rd.hard_state = HardState{1, 1, 2};
    ASSERT_TRUE(log->Persist(rd).ok());
    EXPECT_EQ(log->storage().LastIndex(), 3u);
    // A conflicting suffix from a new leader replaces index 3.
    Ready rd2;
    rd2.entries = {E(3, 2, "c2")};
    rd2.hard_state = HardState{2, 2, 3};
    ASSERT_TRUE(log->Persist(rd2).ok());
  }
  std::unique_ptr<WalLog> log;
  ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
  EXPECT_EQ(log->hard_state(), (HardState{2, 2, 3}));
  std::vector<Entry> ents;
  ASSERT_EQ(log->storage().Entries(1, 4, kNoLimit, &ents), Error::kOk);
  ASSERT_EQ(ents.size(), 3u);
  EXPECT_EQ(ents[1], E(2, 1, "b"));
  EXPECT_EQ(ents[2], E(3, 2, "c2"));
  HardState hs;
  ConfState cs;
  ASSERT_EQ(log->storage().InitialState(&hs, &cs), Error::kOk);
  EXPECT_EQ(cs.voters, (std::vector<NodeId>{1, 2, 3}));
  log.reset();  // the WAL may still be preparing its next segment in dir
  std::filesystem::remove_all(dir);
}

TEST(WalLog, CommitOnlyReadyIsNotSyncedButRidesOnTheNextAppend) {
  const std::string dir = TempDir();
  {
    std::unique_ptr<WalLog> log;
    ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
    Ready rd;
    rd.entries = {E(1, 1, "a"), E(2, 1, "b")};
    rd.hard_state = HardState{1, 1, 0};
    rd.must_sync = true;
    bool wrote = false;
    ASSERT_TRUE(log->Persist(rd, &wrote).ok());
    EXPECT_TRUE(wrote);
    Ready commit_only;
    commit_only.hard_state = HardState{1, 1, 2};
    commit_only.must_sync = false;
    ASSERT_TRUE(log->Persist(commit_only, &wrote).ok());
    EXPECT_FALSE(wrote);
    EXPECT_EQ(log->hard_state().commit, 2u);  // visible to the core at once
  }
  {
    std::unique_ptr<WalLog> log;
    ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
    EXPECT_EQ(log->hard_state().commit, 0u);  // not durable: lost by the "crash"
    Ready rd;
    rd.hard_state = HardState{1, 1, 2};
    ASSERT_TRUE(log->Persist(rd).ok());  // commit-only, deferred
    Ready next;
    next.entries = {E(3, 1, "c")};
    next.must_sync = true;  // no hard state change of its own
    ASSERT_TRUE(log->Persist(next).ok());
  }
  std::unique_ptr<WalLog> log;
  ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
  EXPECT_EQ(log->hard_state(), (HardState{1, 1, 2}));  // rode on the entry append
  EXPECT_EQ(log->storage().LastIndex(), 3u);
  log.reset();  // the WAL may still be preparing its next segment in dir
  std::filesystem::remove_all(dir);
}

TEST(WalLog, SnapshotFromLeaderIsPersistedWithHardState) {
  const std::string dir = TempDir();
  Snapshot snap;
  snap.metadata.index = 10;
  snap.metadata.term = 3;
  snap.metadata.conf_state.voters = {1, 2, 3};
  snap.data = "state";
  {
    std::unique_ptr<WalLog> log;
    ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
    Ready rd;
    rd.snapshot = snap;
    rd.hard_state = HardState{3, 0, 10};
    rd.entries = {E(11, 3, "after")};
    ASSERT_TRUE(log->Persist(rd).ok());
    EXPECT_EQ(log->storage().FirstIndex(), 11u);
  }
  // Reopening without the application's snapshot is refused: the WAL needs it.
  std::unique_ptr<WalLog> log;
  Status s = WalLog::Open(Opts(dir), &log);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  WalLogOptions o = Opts(dir);
  o.snapshot = snap;
  ASSERT_TRUE(WalLog::Open(o, &log).ok());
  EXPECT_EQ(log->storage().FirstIndex(), 11u);
  EXPECT_EQ(log->storage().LastIndex(), 11u);
  EXPECT_EQ(log->hard_state().commit, 10u);
  log.reset();  // the WAL may still be preparing its next segment in dir
  std::filesystem::remove_all(dir);
}

TEST(WalLog, CompactReleasesAndReopensFromSnapshot) {
  const std::string dir = TempDir();
  Snapshot snap;
  {
    std::unique_ptr<WalLog> log;
    ASSERT_TRUE(WalLog::Open(Opts(dir), &log).ok());
    for (Index i = 1; i <= 200; ++i) {
      Ready rd;
      rd.entries = {E(i, 1, std::string(1000, 'v'))};
      rd.hard_state = HardState{1, 1, i};
      ASSERT_TRUE(log->Persist(rd).ok());
    }
    const size_t segments_before = log->wal().segment_files().size();
    ASSERT_GT(segments_before, 1u);
    ASSERT_TRUE(log->Compact(150, ConfState{{1, 2, 3}, {}}, "app-state").ok());
    EXPECT_LT(log->wal().segment_files().size(), segments_before);
    EXPECT_EQ(log->storage().FirstIndex(), 151u);
    ASSERT_EQ(log->storage().GetSnapshot(&snap), Error::kOk);
    EXPECT_TRUE(log->Compact(201, ConfState{{1, 2, 3}, {}}, "x").code() == Status::Code::kInvalidArgument);
  }
  WalLogOptions o = Opts(dir);
  o.snapshot = snap;
  std::unique_ptr<WalLog> log;
  ASSERT_TRUE(WalLog::Open(o, &log).ok());
  EXPECT_EQ(log->storage().FirstIndex(), 151u);
  EXPECT_EQ(log->storage().LastIndex(), 200u);
  log.reset();  // the WAL may still be preparing its next segment in dir
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::raft::node
