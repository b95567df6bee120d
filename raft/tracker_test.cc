// Tests for quorum arithmetic, inflights, progress and the tracker.
#include "raft/tracker.h"

#include <gtest/gtest.h>

#include "raft/inflights.h"
#include "raft/progress.h"
#include "raft/quorum.h"

namespace cairn::raft {
namespace {

TEST(Quorum, CommittedIndex) {
  std::map<NodeId, Index> m{{1, 5}, {2, 3}, {3, 9}};
  auto f = [&](NodeId id) { return m.count(id) ? m[id] : Index{0}; };
  EXPECT_EQ(MajorityCommittedIndex({1, 2, 3}, f), 5u);
  EXPECT_EQ(MajorityCommittedIndex({1, 2, 3, 4}, f), 3u);  // 4 has 0
  EXPECT_EQ(MajorityCommittedIndex({3}, f), 9u);
  EXPECT_EQ(MajorityCommittedIndex({}, f), UINT64_MAX);
}

TEST(Quorum, VoteResult) {
  EXPECT_EQ(MajorityVoteResult({1, 2, 3}, {{1, true}}), VoteResult::kPending);
  EXPECT_EQ(MajorityVoteResult({1, 2, 3}, {{1, true}, {2, true}}), VoteResult::kWon);
  EXPECT_EQ(MajorityVoteResult({1, 2, 3}, {{1, true}, {2, false}, {3, false}}), VoteResult::kLost);
  EXPECT_EQ(MajorityVoteResult({1, 2, 3, 4}, {{1, true}, {2, true}}), VoteResult::kPending);
  // Votes of non-voters do not count.
  EXPECT_EQ(MajorityVoteResult({1, 2, 3}, {{1, true}, {4, true}}), VoteResult::kPending);
}

TEST(Inflights, CountAndBytesLimits) {
  Inflights in(3, 100);
  in.Add(1, 10);
  in.Add(2, 10);
  EXPECT_FALSE(in.Full());
  in.Add(3, 10);
  EXPECT_TRUE(in.Full());
  in.FreeLE(2);
  EXPECT_EQ(in.Count(), 1u);
  EXPECT_EQ(in.Bytes(), 10u);
  in.Add(4, 95);
  EXPECT_TRUE(in.Full());  // bytes
  in.FreeLE(4);
  EXPECT_EQ(in.Count(), 0u);
  // Wraps around the ring.
  for (Index i = 5; i < 50; ++i) {
    in.Add(i, 1);
    in.FreeLE(i);
  }
  EXPECT_EQ(in.Count(), 0u);
}

TEST(Progress, ProbePausesAfterOneSend) {
  Progress pr(10, 0);
  pr.next = 5;
  EXPECT_FALSE(pr.IsPaused());
  pr.UpdateOnEntriesSend(2, 10, 5);
  EXPECT_TRUE(pr.IsPaused());
  EXPECT_EQ(pr.next, 5u);  // probe does not advance next optimistically
  EXPECT_TRUE(pr.MaybeUpdate(6));
  EXPECT_FALSE(pr.IsPaused());
  pr.BecomeReplicate();
  EXPECT_EQ(pr.next, 7u);
  pr.UpdateOnEntriesSend(3, 10, 7);
  EXPECT_EQ(pr.next, 10u);
  EXPECT_EQ(pr.inflights.Count(), 1u);
}

TEST(Progress, MaybeDecrTo) {
  Progress pr(10, 0);
  pr.state = ProgressState::kReplicate;
  pr.match = 5;
  pr.next = 10;
  EXPECT_FALSE(pr.MaybeDecrTo(4, 4));  // stale
  EXPECT_TRUE(pr.MaybeDecrTo(9, 9));
  EXPECT_EQ(pr.next, 6u);
  Progress p2(10, 0);
  p2.next = 10;
  EXPECT_FALSE(p2.MaybeDecrTo(8, 8));  // not our latest probe
  EXPECT_TRUE(p2.MaybeDecrTo(9, 3));
  EXPECT_EQ(p2.next, 4u);
}

TEST(Progress, SnapshotToProbeResumesAfterSnapshot) {
  Progress pr(10, 0);
  pr.BecomeSnapshot(20);
  EXPECT_TRUE(pr.IsPaused());
  pr.BecomeProbe();
  EXPECT_EQ(pr.next, 21u);
}

TEST(Tracker, LearnersDoNotCount) {
  ProgressTracker t(10, 0);
  t.Reset(ConfState{{1, 2, 3}, {4}}, 1);
  t.Get(1)->match = 10;
  t.Get(4)->match = 10;
  t.Get(2)->match = 1;
  EXPECT_EQ(t.Committed(), 1u);
  t.Get(2)->match = 10;
  EXPECT_EQ(t.Committed(), 10u);
  t.AddVoter(4, 1);  // promote keeps progress
  EXPECT_TRUE(t.IsVoter(4));
  EXPECT_EQ(t.Get(4)->match, 10u);
  EXPECT_FALSE(t.Get(4)->is_learner);
  t.Remove(2);
  EXPECT_EQ(t.GetConfState(), (ConfState{{1, 3, 4}, {}}));
}

}  // namespace
}  // namespace cairn::raft
