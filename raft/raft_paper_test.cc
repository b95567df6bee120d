// Tests named after sections of the Raft paper (Ongaro & Ousterhout, 2014),
// driving a single Raft state machine with hand-built messages, in the
// manner of etcd-raft's raft_paper_test.go.
#include <gtest/gtest.h>

#include <memory>

#include "raft/raft.h"
#include "raft/storage.h"

namespace cairn::raft {
namespace {

Entry E(Term t, Index i, std::string d = "") { return Entry{t, i, EntryType::kNormal, std::move(d)}; }

struct Fixture {
  explicit Fixture(NodeId id, std::vector<NodeId> peers, std::vector<Entry> log = {}, HardState hs = {}) {
    storage.SetInitialConfState(ConfState{peers, {}});
    storage.Append(log);
    storage.SetHardState(hs);
    Config cfg;
    cfg.id = id;
    cfg.election_ticks = 10;
    cfg.heartbeat_ticks = 1;
    cfg.storage = &storage;
    r = std::make_unique<Raft>(cfg);
  }
  // All outgoing messages, in order, draining both queues.
  std::vector<Message> Drain() {
    std::vector<Message> out;
    out.swap(r->msgs());
    for (Message& m : r->msgs_after_persist()) out.push_back(std::move(m));
    r->msgs_after_persist().clear();
    return out;
  }
  // Persist everything unstable and acknowledge it (Ready steps 1 and 4).
  void Persist() {
    if (!r->log().UnstableEntries().empty()) {
      const Entry& last = r->log().UnstableEntries().back();
      storage.Append(r->log().UnstableEntries());
      r->log().StableTo(last.index, last.term);
    }
    r->OnPersisted();
  }
  void BecomeLeader() {
    Message hup;
    hup.type = MessageType::kHup;
    hup.from = r->id();
    r->Step(hup);
    for (NodeId p : r->tracker().voters()) {
      if (p == r->id()) continue;
      Message v;
      v.type = MessageType::kVoteResp;
      v.from = p;
      v.to = r->id();
      v.term = r->term();
      r->Step(v);
    }
    Drain();
  }
  MemoryStorage storage;
  std::unique_ptr<Raft> r;
};

Message Msg(MessageType t, NodeId from, NodeId to, Term term) {
  Message m;
  m.type = t;
  m.from = from;
  m.to = to;
  m.term = term;
  return m;
}

// §5.1: a server that sees a larger term becomes a follower of that term.
TEST(Paper_5_1, UpdateTermFromMessage) {
  for (int role = 0; role < 3; ++role) {
    Fixture f(1, {1, 2, 3});
    if (role == 1) {
      f.r->Step(Msg(MessageType::kHup, 1, 1, 0));
    } else if (role == 2) {
      f.BecomeLeader();
    }
    f.r->Step(Msg(MessageType::kApp, 2, 1, 5));
    EXPECT_EQ(f.r->term(), 5u) << role;
    EXPECT_EQ(f.r->state(), StateRole::kFollower) << role;
    EXPECT_EQ(f.r->lead(), 2u) << role;
  }
}

// §5.1: requests with a stale term are ignored.
TEST(Paper_5_1, RejectStaleTermMessage) {
  Fixture f(1, {1, 2, 3}, {}, HardState{2, 0, 0});
  f.r->Step(Msg(MessageType::kApp, 2, 1, 1));
  EXPECT_EQ(f.r->term(), 2u);
  EXPECT_EQ(f.r->lead(), kNoNode);
  EXPECT_TRUE(f.Drain().empty());
}

// §5.2: servers start as followers.
TEST(Paper_5_2, StartAsFollower) {
  Fixture f(1, {1, 2, 3});
  EXPECT_EQ(f.r->state(), StateRole::kFollower);
}

// §5.2: the leader sends heartbeats every heartbeat interval.
TEST(Paper_5_2, LeaderBcastBeat) {
  Fixture f(1, {1, 2, 3});
  f.BecomeLeader();
  f.r->Tick();
  std::vector<Message> msgs = f.Drain();
  ASSERT_EQ(msgs.size(), 2u);
  for (const Message& m : msgs) {
    EXPECT_EQ(m.type, MessageType::kHeartbeat);
    EXPECT_EQ(m.term, 1u);
  }
}

// §5.2: a follower that hears nothing for an election timeout starts an
// election: increments its term, votes for itself, requests votes.
TEST(Paper_5_2, FollowerStartsElection) {
  Fixture f(1, {1, 2, 3});
  for (int i = 0; i < 20; ++i) f.r->Tick();
  EXPECT_EQ(f.r->state(), StateRole::kCandidate);
  EXPECT_EQ(f.r->term(), 1u);
  EXPECT_EQ(f.r->vote(), 1u);
  std::vector<Message> msgs = f.Drain();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].type, MessageType::kVote);
  EXPECT_EQ(msgs[0].to, 2u);
  EXPECT_EQ(msgs[1].to, 3u);
}

// §5.2: a candidate wins with a majority of votes, loses with a majority of
// rejections, and stays a candidate otherwise.
TEST(Paper_5_2, LeaderElectionInOneRoundRPC) {
  struct Case {
    size_t size;
    std::map<NodeId, bool> votes;
    StateRole want;
  } cases[] = {
      {1, {}, StateRole::kLeader},
      {3, {{2, true}, {3, true}}, StateRole::kLeader},
      {3, {{2, true}}, StateRole::kLeader},
      {5, {{2, true}, {3, true}, {4, true}, {5, true}}, StateRole::kLeader},
      {5, {{2, true}, {3, true}}, StateRole::kLeader},
      {3, {{2, false}, {3, false}}, StateRole::kFollower},
      {5, {{2, false}, {3, false}, {4, false}}, StateRole::kFollower},
      {3, {}, StateRole::kCandidate},
      {5, {{2, true}}, StateRole::kCandidate},
      {5, {{2, false}, {3, false}}, StateRole::kCandidate},
  };
  for (const Case& c : cases) {
    std::vector<NodeId> peers;
    for (NodeId i = 1; i <= c.size; ++i) peers.push_back(i);
    Fixture f(1, peers);
    f.r->Step(Msg(MessageType::kHup, 1, 1, 0));
    for (auto [id, granted] : c.votes) {
      Message m = Msg(MessageType::kVoteResp, id, 1, 1);
      m.reject = !granted;
      f.r->Step(m);
    }
    EXPECT_EQ(f.r->state(), c.want) << "size " << c.size;
    EXPECT_EQ(f.r->term(), 1u);
  }
}

// §5.2: each server votes for at most one candidate per term, first come
// first served.
TEST(Paper_5_2, FollowerVote) {
  struct Case {
    NodeId vote, nvote;
    bool wreject;
  } cases[] = {{0, 2, false}, {0, 3, false}, {2, 2, false}, {3, 3, false}, {2, 3, true}, {3, 2, true}};
  for (const Case& c : cases) {
    Fixture f(1, {1, 2, 3}, {}, HardState{1, c.vote, 0});
    f.r->Step(Msg(MessageType::kVote, c.nvote, 1, 1));
    std::vector<Message> msgs = f.Drain();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].type, MessageType::kVoteResp);
    EXPECT_EQ(msgs[0].reject, c.wreject) << c.vote << " " << c.nvote;
  }
}

// §5.2: a candidate that hears from a leader of its term becomes a follower.
TEST(Paper_5_2, CandidateFallback) {
  Fixture f(1, {1, 2, 3});
  f.r->Step(Msg(MessageType::kHup, 1, 1, 0));
  ASSERT_EQ(f.r->state(), StateRole::kCandidate);
  f.r->Step(Msg(MessageType::kApp, 2, 1, 1));
  EXPECT_EQ(f.r->state(), StateRole::kFollower);
  EXPECT_EQ(f.r->lead(), 2u);
}

// §5.3: the leader appends the proposal to its log and sends it to every
// follower with the preceding index and term.
TEST(Paper_5_3, LeaderStartReplication) {
  Fixture f(1, {1, 2, 3});
  f.BecomeLeader();
  f.Persist();
  // Followers acknowledge the empty entry so they move to replicate.
  for (NodeId p : {2, 3}) {
    Message m = Msg(MessageType::kAppResp, p, 1, 1);
    m.index = 1;
    f.r->Step(m);
  }
  f.Drain();
  Message prop = Msg(MessageType::kProp, 1, 1, 0);
  prop.entries.push_back(E(0, 0, "some data"));
  ASSERT_EQ(f.r->Step(prop), Error::kOk);
  EXPECT_EQ(f.r->log().last_index(), 2u);
  std::vector<Message> msgs = f.Drain();
  ASSERT_EQ(msgs.size(), 2u);
  for (const Message& m : msgs) {
    EXPECT_EQ(m.type, MessageType::kApp);
    EXPECT_EQ(m.index, 1u);
    EXPECT_EQ(m.log_term, 1u);
    EXPECT_EQ(m.commit, 1u);
    ASSERT_EQ(m.entries.size(), 1u);
    EXPECT_EQ(m.entries[0], E(1, 2, "some data"));
  }
}

// §5.3: the leader commits an entry once a majority has it (counting itself
// only once its own copy is persisted).
TEST(Paper_5_3, LeaderCommitEntry) {
  Fixture f(1, {1, 2, 3});
  f.BecomeLeader();
  Message m = Msg(MessageType::kAppResp, 2, 1, 1);
  m.index = 1;
  f.r->Step(m);
  EXPECT_EQ(f.r->log().committed(), 0u) << "leader's own entry is not yet persisted";
  f.Persist();
  EXPECT_EQ(f.r->log().committed(), 1u);
}

// §5.3: a follower commits up to the leader's commit index (bounded by the
// entries it actually has from this leader).
TEST(Paper_5_3, FollowerCommitEntry) {
  Fixture f(1, {1, 2, 3});
  Message m = Msg(MessageType::kApp, 2, 1, 1);
  m.entries = {E(1, 1, "a"), E(1, 2, "b")};
  m.commit = 5;
  f.r->Step(m);
  EXPECT_EQ(f.r->log().committed(), 2u);
}

// §5.3: a follower rejects an append whose preceding entry does not match,
// with a hint for fast backtracking.
TEST(Paper_5_3, FollowerCheckMsgApp) {
  struct Case {
    Term log_term;
    Index index;
    bool wreject;
    Index wreject_hint;
  } cases[] = {
      {0, 0, false, 0},                   // match with committed entries
      {1, 1, false, 0},                   // match
      {2, 2, false, 0}, {1, 2, true, 1},  // term mismatch at 2: hint 1 (term 1 <= 1)
      {3, 3, true, 2},                    // index beyond our log: hint our last index
  };
  for (const Case& c : cases) {
    Fixture f(1, {1, 2, 3}, {E(1, 1), E(2, 2)}, HardState{2, 0, 1});
    Message m = Msg(MessageType::kApp, 2, 1, 2);
    m.log_term = c.log_term;
    m.index = c.index;
    f.r->Step(m);
    std::vector<Message> msgs = f.Drain();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].type, MessageType::kAppResp);
    EXPECT_EQ(msgs[0].reject, c.wreject) << c.index;
    if (c.wreject) {
      EXPECT_EQ(msgs[0].reject_hint, c.wreject_hint) << c.index;
    }
  }
}

// §5.3: a follower deletes conflicting entries and appends new ones.
TEST(Paper_5_3, FollowerAppendEntries) {
  struct Case {
    Index index;
    Term term;
    std::vector<Entry> ents;
    std::vector<Term> want_terms;
  } cases[] = {
      {2, 2, {E(3, 3)}, {1, 2, 3}},
      {1, 1, {E(3, 2), E(4, 3)}, {1, 3, 4}},
      {0, 0, {E(1, 1)}, {1, 2}},
      {0, 0, {E(3, 1)}, {3}},
  };
  for (const Case& c : cases) {
    Fixture f(1, {1, 2, 3}, {E(1, 1), E(2, 2)});
    Message m = Msg(MessageType::kApp, 2, 1, 2);
    m.log_term = c.term;
    m.index = c.index;
    m.entries = c.ents;
    f.r->Step(m);
    std::vector<Term> got;
    for (Index i = 1; i <= f.r->log().last_index(); ++i) got.push_back(f.r->log().ZeroTermOnErr(i));
    EXPECT_EQ(got, c.want_terms) << c.index;
  }
}

// §5.4.1: a vote request carries the candidate's last log index and term; a
// voter denies candidates whose log is less up to date.
TEST(Paper_5_4_1, VoteRequestAndUpToDateCheck) {
  Fixture f(1, {1, 2, 3}, {E(1, 1), E(2, 2)}, HardState{2, 0, 0});
  f.r->Step(Msg(MessageType::kHup, 1, 1, 0));
  std::vector<Message> msgs = f.Drain();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].index, 2u);
  EXPECT_EQ(msgs[0].log_term, 2u);

  struct Case {
    Term log_term;
    Index index;
    bool wreject;
  } cases[] = {{1, 1, true}, {1, 3, true}, {2, 1, true}, {2, 2, false}, {2, 3, false}, {3, 1, false}};
  for (const Case& c : cases) {
    Fixture v(1, {1, 2, 3}, {E(1, 1), E(2, 2)}, HardState{2, 0, 0});
    Message m = Msg(MessageType::kVote, 2, 1, 3);
    m.log_term = c.log_term;
    m.index = c.index;
    v.r->Step(m);
    std::vector<Message> out = v.Drain();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].reject, c.wreject) << c.log_term << "/" << c.index;
  }
}

// §5.4.2: a leader commits only entries of its current term by counting
// replicas; earlier entries commit indirectly.
TEST(Paper_5_4_2, LeaderOnlyCommitsLogFromCurrentTerm) {
  struct Case {
    Index ack_index;
    Index want_commit;
  } cases[] = {{1, 0}, {2, 0}, {3, 3}};
  for (const Case& c : cases) {
    Fixture f(1, {1, 2}, {E(1, 1), E(2, 2)}, HardState{2, 0, 0});
    f.BecomeLeader();  // term 3, appends empty entry at 3
    f.Persist();
    Message m = Msg(MessageType::kAppResp, 2, 1, f.r->term());
    m.index = c.ack_index;
    f.r->Step(m);
    EXPECT_EQ(f.r->log().committed(), c.want_commit) << c.ack_index;
  }
}

// Regression (simulator, harsh mix with torn writes): a node whose hard state
// was never persisted (term 0) but whose log holds entries must not answer a
// vote it rejects with a term-0 message (which would read as local); it
// stays silent instead.
TEST(Regression, TermZeroNodeRejectsVoteSilently) {
  Fixture f(1, {1, 2, 3}, {E(1, 1), E(1, 2)});
  ASSERT_EQ(f.r->term(), 0u);
  Message pv = Msg(MessageType::kPreVote, 2, 1, 1);  // stale log (0/0)
  f.r->Step(pv);
  EXPECT_TRUE(f.Drain().empty());
  Message v = Msg(MessageType::kVote, 2, 1, 1);
  f.r->Step(v);  // a real vote bumps our term first: rejection carries term 1
  std::vector<Message> out = f.Drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].reject);
  EXPECT_EQ(out[0].term, 1u);
}

}  // namespace
}  // namespace cairn::raft
