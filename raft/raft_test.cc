// Behavioural tests of the Raft core, driven through RawNode by the in-memory
// Cluster harness. Section references are to the Raft paper (§) and thesis.
#include "raft/raft.h"

#include <gtest/gtest.h>

#include "raft/rawnode.h"
#include "raft/testing/cluster.h"

namespace cairn::raft {
namespace {

using testing::Cluster;

Entry E(Term t, Index i, std::string d = "") { return Entry{t, i, EntryType::kNormal, std::move(d)}; }

TEST(Election, SingleNodeBecomesLeaderAndCommitsAfterPersist) {
  Cluster c({1});
  c.node(1).Campaign();
  ASSERT_EQ(c.raft(1).state(), StateRole::kLeader);
  // Ready contract: the leader's own entry counts toward commit only after
  // it is persisted (Advance).
  Ready rd = c.node(1).GetReady();
  EXPECT_EQ(rd.entries.size(), 1u);
  EXPECT_TRUE(rd.committed_entries.empty());
  EXPECT_TRUE(rd.must_sync);
  c.storage(1).Append(rd.entries);
  c.storage(1).SetHardState(rd.hard_state);
  c.node(1).Advance();
  EXPECT_EQ(c.raft(1).log().committed(), 1u);
  c.Stabilize();
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(1), std::vector<std::string>{"a"});
}

TEST(Election, ThreeNodes) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(1).term(), 1u);
  for (NodeId id : {2, 3}) {
    EXPECT_EQ(c.raft(id).state(), StateRole::kFollower);
    EXPECT_EQ(c.raft(id).lead(), 1u);
    EXPECT_EQ(c.raft(id).vote(), 1u);
  }
}

TEST(Election, CandidateLosesWithoutQuorum) {
  Cluster c({1, 2, 3});
  c.Isolate(1);
  c.Elect(1);
  EXPECT_EQ(c.raft(1).state(), StateRole::kCandidate);
  EXPECT_EQ(c.raft(1).term(), 1u);
}

TEST(Election, VoteMessagesWaitForPersistence) {
  Cluster c({1, 2, 3});
  c.node(1).Campaign();
  Ready rd = c.node(1).GetReady();
  EXPECT_TRUE(rd.messages.empty());
  ASSERT_EQ(rd.messages_after_persist.size(), 2u);
  EXPECT_EQ(rd.messages_after_persist[0].type, MessageType::kVote);
  EXPECT_EQ(rd.hard_state.vote, 1u);
  c.node(1).Advance();
}

TEST(Election, RejectsVoteFromStaleLog) {  // §5.4.1
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  c.Heal();
  c.Isolate(1);
  c.Elect(3);  // 3's log lacks "a": 2 must refuse
  EXPECT_NE(c.raft(3).state(), StateRole::kLeader);
  c.Elect(2);
  EXPECT_EQ(c.raft(2).state(), StateRole::kLeader);
}

TEST(Election, TimeoutIsRandomizedWithinRange) {
  std::set<int> seen;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Cluster c({1}, {}, [&](Config* cfg) { cfg->random_seed = seed; });
    int t = c.raft(1).randomized_election_timeout();
    EXPECT_GE(t, 10);
    EXPECT_LT(t, 20);
    seen.insert(t);
  }
  EXPECT_GT(seen.size(), 3u);
}

TEST(Election, FollowerCampaignsAfterTimeout) {
  Cluster c({1, 2, 3});
  c.TickAll(25);
  c.Stabilize();
  EXPECT_NE(c.Leader(), kNoNode);
}

TEST(Replication, ProposalsReachEveryNodeInOrder) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.Propose(1, "v" + std::to_string(i)).ok());
  // A follower forwards to the leader.
  ASSERT_TRUE(c.Propose(2, "from2").ok());
  c.Stabilize();
  for (NodeId id : {1, 2, 3}) {
    ASSERT_EQ(c.applied_data(id).size(), 11u) << id;
    EXPECT_EQ(c.applied_data(id)[0], "v0");
    EXPECT_EQ(c.applied_data(id)[10], "from2");
  }
}

TEST(Replication, ProposeBatchTravelsInOneMessage) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.node(1).ProposeBatch({"a", "b", "c"}).ok());
  c.ProcessReady(1);
  int apps = 0;
  for (const Message& m : c.in_flight()) {
    if (m.type == MessageType::kApp) {
      ++apps;
      EXPECT_EQ(m.entries.size(), 3u);
    }
  }
  EXPECT_EQ(apps, 2);
  c.Stabilize();
  EXPECT_EQ(c.applied_data(3), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Replication, ProposalDroppedWithoutLeader) {
  Cluster c({1, 2, 3});
  Status s = c.Propose(1, "x");
  EXPECT_TRUE(IsProposalDropped(s)) << s.ToString();
  c.Isolate(1);
  c.Elect(1);  // candidate
  EXPECT_TRUE(IsProposalDropped(c.Propose(1, "x")));
}

TEST(Replication, FollowerAppendRespWaitsForPersistence) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.ProcessReady(1);
  c.DeliverAll();
  Ready rd = c.node(2).GetReady();
  ASSERT_EQ(rd.entries.size(), 1u);
  ASSERT_EQ(rd.messages_after_persist.size(), 1u);
  EXPECT_EQ(rd.messages_after_persist[0].type, MessageType::kAppResp);
  EXPECT_TRUE(rd.messages.empty());
  c.node(2).Advance();
}

TEST(Replication, OldTermEntryNotCommittedByCounting) {  // §5.4.2
  Cluster c({1, 2, 3});
  // Nodes 1 and 2 hold an uncommitted entry from term 1; 3 only the first.
  for (NodeId id : {1, 2}) {
    c.storage(id).Append({E(1, 1), E(1, 2, "old")});
    c.storage(id).SetHardState(HardState{1, 0, 1});
  }
  c.storage(3).Append({E(1, 1)});
  c.storage(3).SetHardState(HardState{1, 0, 1});
  for (NodeId id : {1, 2, 3}) c.Restart(id);
  c.Isolate(3);
  c.node(1).Campaign();
  c.ProcessReady(1);
  c.DeliverAll();
  c.ProcessReady(2);
  c.DeliverAll();  // vote granted
  ASSERT_EQ(c.raft(1).state(), StateRole::kLeader);
  ASSERT_EQ(c.raft(1).term(), 2u);
  c.ProcessReady(1);  // persists empty entry 3 (term 2); sends appends
  // Strip the term-2 entry from the append to node 2: it acks only index 2.
  for (Message& m : c.in_flight()) {
    if (m.type == MessageType::kApp && m.to == 2) {
      while (!m.entries.empty() && m.entries.back().term == 2) m.entries.pop_back();
    }
  }
  c.DeliverAll();
  c.ProcessReady(2);
  c.DeliverAll();
  EXPECT_EQ(c.raft(1).tracker().Get(2)->match, 2u);
  EXPECT_EQ(c.raft(1).log().committed(), 1u) << "entry of term 1 must not commit by counting";
  c.Stabilize();
  EXPECT_EQ(c.raft(1).log().committed(), 3u);  // the term-2 entry commits both
  EXPECT_EQ(c.applied_data(2), std::vector<std::string>{"old"});
}

TEST(Replication, FastBacktrackingSkipsWholeTerms) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  // Node 3 becomes leader alone (term 2..) and appends many divergent entries.
  c.Isolate(3);
  c.Elect(3);  // fails: stays candidate at term 2
  c.Heal();
  c.Isolate(1);
  c.Cut(2, 3);
  // Make 1 the leader again and give it many entries 3 never sees.
  c.Heal();
  c.Isolate(3);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.Propose(c.Leader(), "x" + std::to_string(i)).ok());
  c.Stabilize();
  // 3 now has a short log at a higher term; on heal it rejects once or twice.
  int rejects = 0;
  c.Heal();
  for (int round = 0; round < 100; ++round) {
    for (NodeId id : c.ids()) c.ProcessReady(id);
    for (const Message& m : c.in_flight()) rejects += (m.type == MessageType::kAppResp && m.reject);
    if (c.in_flight().empty()) {
      c.TickAll(1);
      if (round > 60) break;
      continue;
    }
    c.DeliverAll();
  }
  c.Stabilize();
  NodeId l = c.Leader();
  ASSERT_NE(l, kNoNode);
  EXPECT_LE(rejects, 6);
  EXPECT_EQ(c.applied_data(3).size(), c.applied_data(l).size());
}

TEST(FlowControl, InflightMessagesBounded) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) {
    cfg->max_inflight_msgs = 3;
    cfg->max_msg_bytes = 1;
  });
  c.Elect(1);
  c.Cut(1, 2);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.Propose(1, "e" + std::to_string(i)).ok());
  c.ProcessReady(1);
  int apps_to_2 = 0;
  for (const Message& m : c.in_flight()) {
    if (m.type == MessageType::kApp && m.to == 2) {
      ++apps_to_2;
      EXPECT_LE(m.entries.size(), 1u) << "max_msg_bytes=1 allows one entry per message";
    }
  }
  EXPECT_EQ(apps_to_2, 3);
  EXPECT_TRUE(c.raft(1).tracker().Get(2)->IsPaused());
  c.Heal();
  c.Stabilize();
  EXPECT_EQ(c.applied_data(2).size(), 20u);
}

TEST(FlowControl, InflightBytesBounded) {
  Cluster c({1, 2}, {}, [](Config* cfg) {
    cfg->max_inflight_bytes = 100;
    cfg->max_msg_bytes = 60;
  });
  c.Elect(1);
  c.Cut(1, 2);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.Propose(1, std::string(50, 'a' + i)).ok());
  c.ProcessReady(1);
  EXPECT_LE(c.raft(1).tracker().Get(2)->inflights.Count(), 2u);
  EXPECT_TRUE(c.raft(1).tracker().Get(2)->IsPaused());
}

TEST(FlowControl, UncommittedBytesLimitDropsProposals) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->max_uncommitted_entries_bytes = 100; });
  c.Elect(1);
  c.Isolate(1);
  int accepted = 0;
  Status last;
  for (int i = 0; i < 10; ++i) {
    last = c.Propose(1, std::string(30, 'x'));
    accepted += last.ok();
  }
  EXPECT_EQ(accepted, 3);
  EXPECT_TRUE(IsProposalDropped(last));
  c.Heal();
  c.Stabilize();
  EXPECT_EQ(c.raft(1).uncommitted_bytes(), 0u);
  EXPECT_TRUE(c.Propose(1, "ok").ok());
}

TEST(PreVote, IsolatedNodeDoesNotBumpTermOrDisrupt) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->pre_vote = true; });
  c.Elect(1);
  c.Isolate(3);
  for (int i = 0; i < 100; ++i) {
    c.Tick(3);
    c.Stabilize();
  }
  EXPECT_EQ(c.raft(3).term(), 1u);
  EXPECT_EQ(c.raft(3).state(), StateRole::kPreCandidate);
  c.Heal();
  c.node(1).Tick();
  c.Stabilize();
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(1).term(), 1u);
  EXPECT_EQ(c.raft(3).lead(), 1u);
}

TEST(PreVote, ElectsLeaderNormally) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->pre_vote = true; });
  c.Elect(2);
  EXPECT_EQ(c.raft(2).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(2).term(), 1u);
}

TEST(CheckQuorum, IsolatedLeaderStepsDown) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  c.Isolate(1);
  for (int i = 0; i < 21; ++i) c.Tick(1);
  EXPECT_EQ(c.raft(1).state(), StateRole::kFollower);
}

TEST(CheckQuorum, ConnectedLeaderStays) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  for (int i = 0; i < 50; ++i) {
    c.Tick(1);
    c.Stabilize();
  }
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
}

TEST(CheckQuorum, LeaseMakesFollowersIgnoreVotes) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  c.node(3).Campaign();  // 2 heard from 1 recently: ignores the vote
  c.Stabilize();
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(2).term(), 1u);
}

TEST(CheckQuorum, StaleLeaderLearnsNewTerm) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  c.Isolate(1);
  c.TickAll(30);
  c.Stabilize();
  NodeId l = c.Leader();
  ASSERT_TRUE(l == 2 || l == 3);
  c.Heal();
  c.node(l).Tick();
  c.Stabilize();
  c.node(1).Tick();
  c.Stabilize();
  EXPECT_EQ(c.raft(1).state(), StateRole::kFollower);
  EXPECT_EQ(c.raft(1).term(), c.raft(l).term());
}

TEST(Learner, ReplicatesButNeverVotesOrCampaigns) {
  Cluster c({1, 2}, {3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(3), std::vector<std::string>{"a"});
  EXPECT_TRUE(c.raft(3).is_learner());
  c.Isolate(1);
  for (int i = 0; i < 50; ++i) c.Tick(3);
  c.Stabilize();
  EXPECT_EQ(c.raft(3).state(), StateRole::kFollower);
  EXPECT_EQ(c.raft(3).term(), 1u);
}

TEST(Learner, NotCountedInQuorum) {
  Cluster c({1, 2}, {3});
  c.Elect(1);
  c.Cut(1, 2);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  EXPECT_TRUE(c.applied_data(1).empty());
  EXPECT_EQ(c.raft(3).log().last_index(), 2u);  // learner has it
  EXPECT_EQ(c.raft(1).log().committed(), 1u);   // but it does not count
}

TEST(ConfChange, AddNodeCatchesUpAndVotes) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  c.AddEmptyNode(4);
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddNode, 4, ""}).ok());
  c.Stabilize();
  EXPECT_EQ(c.conf_state(1), (ConfState{{1, 2, 3, 4}, {}}));
  EXPECT_EQ(c.conf_state(4), (ConfState{{1, 2, 3, 4}, {}}));
  EXPECT_EQ(c.applied_data(4), std::vector<std::string>{"a"});
  // 4 voters: quorum is 3, so two down blocks commits.
  c.Isolate(2);
  c.Isolate(3);
  ASSERT_TRUE(c.Propose(1, "b").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(1).size(), 1u);
}

TEST(ConfChange, OneAtATime) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(1);  // keep the first change uncommitted
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 4, ""}).ok());
  Status s = c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 5, ""});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), ErrorName(Error::kConfChangeRejected));
  c.Heal();
  c.AddEmptyNode(4);
  c.Stabilize();
  EXPECT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 5, ""}).ok());
}

TEST(ConfChange, NewLeaderMustApplyOwnEntryFirst) {
  Cluster c({1, 2, 3});
  c.Isolate(2);
  c.Isolate(3);
  c.Elect(1);  // candidate only
  c.Heal();
  c.node(1).Campaign();
  c.ProcessReady(1);
  c.DeliverAll();
  c.ProcessReady(2);
  c.ProcessReady(3);
  c.DeliverAll();
  ASSERT_EQ(c.raft(1).state(), StateRole::kLeader);
  // The leader's empty entry is not applied yet: membership changes wait.
  EXPECT_FALSE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 4, ""}).ok());
  c.Stabilize();
  EXPECT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 4, ""}).ok());
}

TEST(ConfChange, PromoteLearner) {
  Cluster c({1, 2}, {3});
  c.Elect(1);
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddNode, 3, ""}).ok());
  c.Stabilize();
  EXPECT_EQ(c.conf_state(3), (ConfState{{1, 2, 3}, {}}));
  EXPECT_FALSE(c.raft(3).is_learner());
  c.Isolate(1);
  c.Elect(3);
  EXPECT_EQ(c.raft(3).state(), StateRole::kLeader);
}

TEST(ConfChange, DemotionRejected) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  EXPECT_FALSE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kAddLearner, 2, ""}).ok());
}

TEST(ConfChange, RemoveFollower) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kRemoveNode, 3, ""}).ok());
  c.Stabilize();
  EXPECT_EQ(c.conf_state(1), (ConfState{{1, 2}, {}}));
  c.Isolate(3);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(2), std::vector<std::string>{"a"});
}

TEST(ConfChange, RemovedLeaderStepsDown) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kRemoveNode, 1, ""}).ok());
  c.Stabilize();
  EXPECT_NE(c.raft(1).state(), StateRole::kLeader);
  EXPECT_TRUE(IsProposalDropped(c.Propose(1, "x")));
  c.Isolate(1);
  c.TickAll(30);
  c.Stabilize();
  NodeId l = c.Leader();
  ASSERT_TRUE(l == 2 || l == 3) << l;
  ASSERT_TRUE(c.Propose(l, "after").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(2), std::vector<std::string>{"after"});
}

TEST(Snapshot, LaggingFollowerReceivesSnapshot) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.Propose(1, "v" + std::to_string(i)).ok());
  c.Stabilize();
  c.SnapshotAndCompact(1, 8);
  c.Heal();
  int snaps = 0;
  for (int round = 0; round < 20; ++round) {
    c.Tick(1);
    for (NodeId id : c.ids()) c.ProcessReady(id);
    for (const Message& m : c.in_flight()) snaps += m.type == MessageType::kSnap;
    c.DeliverAll();
  }
  c.Stabilize();
  EXPECT_EQ(snaps, 1);
  EXPECT_EQ(c.applied_data(3), c.applied_data(1));
  EXPECT_EQ(c.raft(1).tracker().Get(3)->state, ProgressState::kReplicate);
  ASSERT_TRUE(c.Propose(1, "after").ok());
  c.Stabilize();
  EXPECT_EQ(c.applied_data(3).back(), "after");
}

TEST(Snapshot, FailedSnapshotIsRetried) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.Propose(1, "v").ok());
  c.Stabilize();
  c.SnapshotAndCompact(1, 6);
  c.Heal();
  c.DropType(MessageType::kSnap);
  c.Tick(1);
  c.Stabilize();
  ASSERT_EQ(c.raft(1).tracker().Get(3)->state, ProgressState::kSnapshot);
  c.node(1).ReportSnapshot(3, /*failed=*/true);
  EXPECT_EQ(c.raft(1).tracker().Get(3)->state, ProgressState::kProbe);
  EXPECT_EQ(c.raft(1).tracker().Get(3)->pending_snapshot, 0u);
  c.UndropType(MessageType::kSnap);
  for (int i = 0; i < 3; ++i) {
    c.Tick(1);
    c.Stabilize();
  }
  EXPECT_EQ(c.applied_data(3).size(), 5u);
}

TEST(Snapshot, RestartFromSnapshotAndEntries) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(c.Propose(1, "v" + std::to_string(i)).ok());
  c.Stabilize();
  c.SnapshotAndCompact(2, 4);
  c.Restart(2);
  EXPECT_EQ(c.raft(2).term(), 1u);
  EXPECT_EQ(c.raft(2).vote(), 1u);
  EXPECT_EQ(c.raft(2).log().committed(), 7u);
  c.Stabilize();
  EXPECT_EQ(c.applied_data(2).size(), 6u);
  EXPECT_EQ(c.applied_data(2), c.applied_data(1));
}

TEST(Restart, KeepsTermVoteAndLog) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  c.Restart(1);
  EXPECT_EQ(c.raft(1).state(), StateRole::kFollower);
  EXPECT_EQ(c.raft(1).term(), 1u);
  EXPECT_EQ(c.raft(1).vote(), 1u);
  EXPECT_EQ(c.raft(1).log().last_index(), 2u);
  c.Stabilize();
  EXPECT_EQ(c.applied_data(1), std::vector<std::string>{"a"});
  c.Elect(1);
  EXPECT_EQ(c.raft(1).term(), 2u);
}

TEST(ReadIndex, LeaderReadAfterHeartbeatQuorum) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.Stabilize();
  ASSERT_TRUE(c.node(1).ReadIndex("r1").ok());
  EXPECT_TRUE(c.read_states(1).empty());  // needs a heartbeat round
  c.Stabilize();
  ASSERT_EQ(c.read_states(1).size(), 1u);
  EXPECT_EQ(c.read_states(1)[0].index, 2u);
  EXPECT_EQ(c.read_states(1)[0].request_ctx, "r1");
}

TEST(ReadIndex, FollowerReadForwarded) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.node(2).ReadIndex("f").ok());
  c.Stabilize();
  ASSERT_EQ(c.read_states(2).size(), 1u);
  EXPECT_EQ(c.read_states(2)[0].index, 1u);
}

TEST(ReadIndex, IsolatedLeaderCannotServe) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(1);
  ASSERT_TRUE(c.node(1).ReadIndex("r").ok());
  c.Stabilize();
  EXPECT_TRUE(c.read_states(1).empty());
}

TEST(ReadIndex, NoLeaderDropped) {
  Cluster c({1, 2, 3});
  EXPECT_TRUE(IsProposalDropped(c.node(2).ReadIndex("x")));
}

TEST(ReadIndex, PostponedUntilCurrentTermCommit) {
  Cluster c({1, 2, 3});
  c.Isolate(2);
  c.Isolate(3);
  c.Elect(1);
  c.Heal();
  c.node(1).Campaign();
  c.ProcessReady(1);
  c.DeliverAll();
  c.ProcessReady(2);
  c.ProcessReady(3);
  c.DeliverAll();
  ASSERT_EQ(c.raft(1).state(), StateRole::kLeader);
  ASSERT_TRUE(c.node(1).ReadIndex("early").ok());
  EXPECT_EQ(c.raft(1).pending_read_count(), 1u);
  c.Stabilize();
  ASSERT_EQ(c.read_states(1).size(), 1u);
  EXPECT_EQ(c.read_states(1)[0].index, c.raft(1).log().committed());
}

TEST(ReadIndex, PendingReadsBounded) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->max_pending_reads = 2; });
  c.Elect(1);
  c.Isolate(1);
  EXPECT_TRUE(c.node(1).ReadIndex("a").ok());
  EXPECT_TRUE(c.node(1).ReadIndex("b").ok());
  EXPECT_TRUE(IsProposalDropped(c.node(1).ReadIndex("c")));
  c.Heal();
  c.Tick(1);  // the next heartbeat carries the newest pending context
  c.Stabilize();
  EXPECT_EQ(c.read_states(1).size(), 2u);
  EXPECT_TRUE(c.node(1).ReadIndex("d").ok());
}

TEST(ReadIndex, LeaseBasedNeedsCheckQuorum) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) {
    cfg->check_quorum = true;
    cfg->read_only_option = ReadOnlyOption::kLeaseBased;
  });
  c.Elect(1);
  c.Isolate(1);
  ASSERT_TRUE(c.node(1).ReadIndex("lease").ok());
  c.ProcessReady(1);
  ASSERT_EQ(c.read_states(1).size(), 1u);  // served from the lease, no round trip
}

TEST(Transfer, ToUpToDateFollower) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.node(1).TransferLeader(2);
  c.Stabilize();
  EXPECT_EQ(c.raft(2).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(1).state(), StateRole::kFollower);
  EXPECT_EQ(c.raft(1).lead(), 2u);
}

TEST(Transfer, ToLaggingFollowerCatchesUpFirst) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) {
    cfg->check_quorum = true;
    cfg->pre_vote = true;
  });
  c.Elect(1);
  c.Isolate(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.Propose(1, "v").ok());
  c.Stabilize();
  c.Heal();
  c.node(1).TransferLeader(3);
  EXPECT_EQ(c.raft(1).lead_transferee(), 3u);
  EXPECT_TRUE(IsProposalDropped(c.Propose(1, "during")));
  c.Stabilize();
  EXPECT_EQ(c.raft(3).state(), StateRole::kLeader);
  EXPECT_EQ(c.applied_data(3).size(), 5u);
}

TEST(Transfer, AbortedAfterElectionTimeout) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  c.node(1).TransferLeader(3);
  EXPECT_EQ(c.raft(1).lead_transferee(), 3u);
  for (int i = 0; i < 10; ++i) c.Tick(1);
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
  EXPECT_TRUE(c.Propose(1, "ok").ok());
}

TEST(ConfChange, RemovingLaggingNodeLetsPendingEntryCommit) {
  Cluster c({1, 2});
  c.Elect(1);
  c.Cut(1, 2);
  ASSERT_TRUE(c.Propose(1, "stuck").ok());
  c.Stabilize();
  EXPECT_TRUE(c.applied_data(1).empty());
  // Apply a removal of 2 directly (as if committed earlier): quorum shrinks
  // to {1} and the pending entry commits.
  c.node(1).ApplyConfChange(ConfChange{ConfChangeType::kRemoveNode, 2, ""});
  c.Stabilize();
  EXPECT_EQ(c.applied_data(1), std::vector<std::string>{"stuck"});
}

TEST(ConfChange, LearnerCannotCampaign) {
  Cluster c({1, 2}, {3});
  c.node(3).Campaign();
  c.Stabilize();
  EXPECT_EQ(c.raft(3).state(), StateRole::kFollower);
  EXPECT_EQ(c.raft(3).term(), 0u);
}

TEST(ConfChange, ResponseFromRemovedNodeIgnored) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.ProposeConfChange(1, ConfChange{ConfChangeType::kRemoveNode, 3, ""}).ok());
  c.Stabilize();
  Message m;
  m.type = MessageType::kAppResp;
  m.from = 3;
  m.to = 1;
  m.term = 1;
  m.index = 100;
  EXPECT_FALSE(c.node(1).Step(m).ok());
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
}

TEST(Snapshot, NotSentToInactiveFollower) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  c.Isolate(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.Propose(1, "v").ok());
  c.Stabilize();
  c.SnapshotAndCompact(1, 4);
  // Two check-quorum rounds: 3 is marked inactive.
  for (int i = 0; i < 20; ++i) {
    c.Tick(1);
    c.Stabilize();
  }
  ASSERT_FALSE(c.raft(1).tracker().Get(3)->recent_active);
  c.in_flight().clear();
  c.node(1).mutable_raft().Step([] {
    Message m;
    m.type = MessageType::kProp;
    m.from = 1;
    m.entries.resize(1);
    m.entries[0].data = "w";
    return m;
  }());
  c.ProcessReady(1);
  for (const Message& m : c.in_flight()) EXPECT_NE(m.type, MessageType::kSnap);
}

TEST(Snapshot, FollowerIgnoresStaleSnapshot) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.Propose(1, "v").ok());
  c.Stabilize();
  Message m;
  m.type = MessageType::kSnap;
  m.from = 1;
  m.to = 2;
  m.term = 1;
  m.snapshot.metadata.index = 2;  // below 2's commit index (4)
  m.snapshot.metadata.term = 1;
  m.snapshot.metadata.conf_state = ConfState{{1, 2, 3}, {}};
  ASSERT_TRUE(c.node(2).Step(m).ok());
  Ready rd = c.node(2).GetReady();
  EXPECT_TRUE(rd.snapshot.empty());
  ASSERT_EQ(rd.messages_after_persist.size(), 1u);
  EXPECT_EQ(rd.messages_after_persist[0].index, 4u);  // answers with its commit index
  c.node(2).Advance();
}

TEST(Transfer, RequestAtFollowerIsForwarded) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.node(2).TransferLeader(3);
  c.Stabilize();
  EXPECT_EQ(c.raft(3).state(), StateRole::kLeader);
}

TEST(Transfer, ToSelfAndToNonMemberAreIgnored) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.node(1).TransferLeader(1);
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
  c.node(1).TransferLeader(9);
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
  c.Stabilize();
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
}

TEST(Transfer, SecondTransferToAnotherNodeReplacesFirst) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  c.node(1).TransferLeader(3);
  EXPECT_EQ(c.raft(1).lead_transferee(), 3u);
  c.node(1).TransferLeader(2);
  EXPECT_EQ(c.raft(1).lead_transferee(), 2u);
  c.Stabilize();
  EXPECT_EQ(c.raft(2).state(), StateRole::kLeader);
}

TEST(Transfer, RemovingTransfereeAbortsTransfer) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.Isolate(3);
  c.node(1).TransferLeader(3);
  c.node(1).ApplyConfChange(ConfChange{ConfChangeType::kRemoveNode, 3, ""});
  EXPECT_EQ(c.raft(1).lead_transferee(), kNoNode);
}

TEST(Transfer, BypassesLeaseAndPreVote) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) {
    cfg->check_quorum = true;
    cfg->pre_vote = true;
  });
  c.Elect(1);
  c.node(1).TransferLeader(3);
  c.Stabilize();
  EXPECT_EQ(c.raft(3).state(), StateRole::kLeader);
  EXPECT_EQ(c.raft(3).term(), 2u);
}

TEST(CheckQuorum, FreesStuckCandidate) {
  Cluster c({1, 2, 3}, {}, [](Config* cfg) { cfg->check_quorum = true; });
  c.Elect(1);
  c.Isolate(1);
  c.node(3).Campaign();  // 2 ignores: it still has a leader (lease)
  c.Stabilize();
  c.Heal();
  c.Isolate(3);
  // 3 keeps campaigning alone, raising its term.
  for (int i = 0; i < 3; ++i) {
    c.node(3).Campaign();
    c.Stabilize();
  }
  Term t3 = c.raft(3).term();
  ASSERT_GT(t3, c.raft(1).term());
  c.Heal();
  // The leader's heartbeat reaches 3, which answers with its higher term: the
  // leader steps down and a new election (which 3's shorter log cannot win
  // unless equal) settles everyone on one term.
  for (int i = 0; i < 100 && !(c.Leader() != kNoNode && c.raft(c.Leader()).term() > t3 - 1); ++i) {
    c.TickAll();
    c.Stabilize();
  }
  NodeId l = c.Leader();
  ASSERT_NE(l, kNoNode);
  EXPECT_GE(c.raft(l).term(), t3);
  EXPECT_EQ(c.raft(3).term(), c.raft(l).term());
}

TEST(ReadIndex, DuplicateContextIsServedOnce) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.node(1).ReadIndex("same").ok());
  ASSERT_TRUE(c.node(1).ReadIndex("same").ok());
  c.Stabilize();
  EXPECT_EQ(c.read_states(1).size(), 1u);
}

TEST(Election, LeaderIgnoresCampaign) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  c.node(1).Campaign();
  c.Stabilize();
  EXPECT_EQ(c.raft(1).term(), 1u);
  EXPECT_EQ(c.raft(1).state(), StateRole::kLeader);
}

TEST(RawNode, StatusShowsProgressOnlyOnLeader) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  NodeStatus s = c.node(1).GetStatus();
  EXPECT_EQ(s.soft_state.role, StateRole::kLeader);
  EXPECT_EQ(s.hard_state.term, 1u);
  EXPECT_EQ(s.progress.size(), 3u);
  EXPECT_EQ(s.progress.at(2).match, 1u);
  EXPECT_EQ(s.conf_state, (ConfState{{1, 2, 3}, {}}));
  NodeStatus f = c.node(2).GetStatus();
  EXPECT_TRUE(f.progress.empty());
  EXPECT_EQ(f.soft_state.leader, 1u);
  EXPECT_EQ(f.applied, 1u);
}

TEST(RawNode, CommitOnlyReadyNeedsNoSync) {
  Cluster c({1, 2, 3});
  c.Elect(1);
  ASSERT_TRUE(c.Propose(1, "a").ok());
  c.ProcessReady(1);
  c.DeliverAll();
  c.ProcessReady(2);
  c.ProcessReady(3);
  c.DeliverAll();  // acks reach the leader: commit advances
  Ready rd = c.node(1).GetReady();
  EXPECT_TRUE(rd.entries.empty());
  EXPECT_EQ(rd.hard_state.commit, 2u);
  EXPECT_FALSE(rd.must_sync);
  EXPECT_EQ(rd.committed_entries.size(), 1u);
  c.node(1).Advance();
}

TEST(RawNode, StepRejectsLocalMessages) {
  Cluster c({1});
  Message m;
  m.type = MessageType::kHup;
  EXPECT_FALSE(c.node(1).Step(m).ok());
}

TEST(RawNode, ConfigValidation) {
  MemoryStorage s;
  Config cfg;
  cfg.storage = &s;
  std::unique_ptr<RawNode> n;
  EXPECT_FALSE(RawNode::Create(cfg, &n).ok());  // id 0
  cfg.id = 1;
  cfg.election_ticks = 1;
  EXPECT_FALSE(RawNode::Create(cfg, &n).ok());
  cfg.election_ticks = 10;
  EXPECT_TRUE(RawNode::Create(cfg, &n).ok());
}

TEST(Types, ConfChangeRoundTrip) {
  ConfChange cc{ConfChangeType::kAddLearner, 42, "http://x:2380"};
  ConfChange out;
  ASSERT_TRUE(DecodeConfChange(EncodeConfChange(cc), &out));
  EXPECT_EQ(out, cc);
  EXPECT_FALSE(DecodeConfChange("short", &out));
}

}  // namespace
}  // namespace cairn::raft
