// The asynchronous KV API of EtcdServer over a scripted Log that commits only when the test says
// so: callbacks run exactly once, from the apply thread, with etcd's timeout after
// request_timeout, with "server stopped" at Stop, and never block the caller.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "server/etcdserver/errors.h"
#include "server/etcdserver/server.h"
#include "storage/backend/mem_backend.h"

namespace cairn::etcdserver {
namespace {

using std::chrono::milliseconds;

// Proposals wait in a queue until Commit(n) applies the first n of them (on the caller's thread,
// which plays the apply thread).
class ScriptedLog final : public Log {
 public:
  Status Start(Applier* applier, uint64_t applied_index) override {
    std::lock_guard<std::mutex> lock(mu_);
    applier_ = applier;
    index_ = applied_index;
    applied_ = applied_index;
    return Status::Ok();
  }
  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  Status Propose(std::string data) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return Status::Unavailable("etcdserver: server stopped");
    queued_.push_back(std::move(data));
    cv_.notify_all();
    return Status::Ok();
  }
  // Commits and applies the first `n` queued proposals (waits until they were proposed).
  void Commit(size_t n) {
    std::vector<LogEntry> entries;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return queued_.size() >= n; });
      for (size_t i = 0; i < n; ++i) {
        entries.push_back(LogEntry{++index_, 2, std::move(queued_.front())});
        queued_.pop_front();
      }
    }
    for (const LogEntry& e : entries) {
      applier_->Apply(e);
      std::lock_guard<std::mutex> lock(mu_);
      applied_ = e.index;
      cv_.notify_all();
    }
  }
  // Marks `n` more entries committed without applying them (a read point ahead of apply).
  void CommitAhead(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    ahead_ += n;
  }
  void ApplyAhead() {
    std::lock_guard<std::mutex> lock(mu_);
    applied_ = index_ + ahead_;
    index_ = applied_;
    ahead_ = 0;
    cv_.notify_all();
  }
  size_t queued() {
    std::lock_guard<std::mutex> lock(mu_);
    return queued_.size();
  }
  uint64_t committed_index() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return index_ + ahead_;
  }
  uint64_t applied_index() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_;
  }
  bool WaitApplied(uint64_t index, std::chrono::milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return applied_ >= index || stopped_; }) && applied_ >= index;
  }
  LeaderInfo leader() const override { return LeaderInfo{1, 2}; }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Applier* applier_ = nullptr;
  std::deque<std::string> queued_;
  uint64_t index_ = 0;
  uint64_t ahead_ = 0;
  uint64_t applied_ = 0;
  bool stopped_ = false;
};

// Collects one callback's outcome.
template <typename Resp>
struct Outcome {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  Status status;
  Resp resp;

  EtcdServer::Done<Resp> Callback() {
    return [this](const Status& st, Resp* r) {
      std::lock_guard<std::mutex> lock(mu);
      ++calls;
      status = st;
      if (r != nullptr) resp.Swap(r);
      cv.notify_all();
    };
  }
  bool WaitDone(milliseconds timeout = milliseconds(5000)) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, [&] { return calls > 0; });
  }
  int Calls() {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  }
};

class ServerAsyncTest : public ::testing::Test {
 protected:
  void Boot(milliseconds request_timeout = milliseconds(5000)) {
    ServerOptions o;
    o.member_id = 1;
    o.request_timeout = request_timeout;
    o.on_proposals_pending = [this](int d) { pending_ += d; };
    o.on_proposal_failed = [this] { ++failed_; };
    ASSERT_TRUE(EtcdServer::Open(o, &backend_, &log_, &server_).ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  static etcdserverpb::PutRequest PutReq(const std::string& k, const std::string& v) {
    etcdserverpb::PutRequest r;
    r.set_key(k);
    r.set_value(v);
    return r;
  }

  backend::MemBackend backend_;
  ScriptedLog log_;
  std::unique_ptr<EtcdServer> server_;
  std::atomic<int> pending_{0};
  std::atomic<int> failed_{0};
};

TEST_F(ServerAsyncTest, PutAnswersFromTheApplyThreadAfterCommit) {
  Boot();
  Outcome<etcdserverpb::PutResponse> out;
  server_->PutAsync(PutReq("a", "1"), out.Callback());  // returns at once: nothing committed yet
  EXPECT_EQ(out.Calls(), 0);
  EXPECT_EQ(pending_.load(), 1);
  log_.Commit(1);
  ASSERT_TRUE(out.WaitDone());
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.resp.header().revision(), 2);
  EXPECT_EQ(out.resp.header().member_id(), 1u);
  EXPECT_EQ(pending_.load(), 0);
  EXPECT_EQ(failed_.load(), 0);
}

TEST_F(ServerAsyncTest, ManyInFlightWritesCompleteInOrderWithoutBlocking) {
  Boot();
  constexpr int kWrites = 500;
  std::vector<std::unique_ptr<Outcome<etcdserverpb::PutResponse>>> outs;
  for (int i = 0; i < kWrites; ++i) {
    outs.push_back(std::make_unique<Outcome<etcdserverpb::PutResponse>>());
    server_->PutAsync(PutReq("k" + std::to_string(i), "v"), outs.back()->Callback());
  }
  EXPECT_EQ(log_.queued(), static_cast<size_t>(kWrites));
  log_.Commit(kWrites);
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(outs[i]->WaitDone());
    EXPECT_EQ(outs[i]->calls, 1);
    EXPECT_EQ(outs[i]->resp.header().revision(), 2 + i);
  }
}

TEST_F(ServerAsyncTest, ValidationErrorsAnswerInlineWithEtcdsText) {
  Boot();
  Outcome<etcdserverpb::PutResponse> empty;
  server_->PutAsync(PutReq("", "v"), empty.Callback());
  ASSERT_EQ(empty.Calls(), 1);  // inline, before anything is proposed
  EXPECT_EQ(empty.status.message(), kErrEmptyKey);

  etcdserverpb::PutRequest ignore = PutReq("k", "v");
  ignore.set_ignore_value(true);
  Outcome<etcdserverpb::PutResponse> iv;
  server_->PutAsync(ignore, iv.Callback());
  ASSERT_EQ(iv.Calls(), 1);
  EXPECT_EQ(iv.status.message(), kErrValueProvided);

  Outcome<etcdserverpb::PutResponse> big;
  server_->PutAsync(PutReq("k", std::string(2 << 20, 'x')), big.Callback());
  ASSERT_EQ(big.Calls(), 1);
  EXPECT_EQ(big.status.message(), kErrRequestTooLarge);

  Outcome<etcdserverpb::DeleteRangeResponse> del;
  server_->DeleteRangeAsync(etcdserverpb::DeleteRangeRequest(), del.Callback());
  ASSERT_EQ(del.Calls(), 1);
  EXPECT_EQ(del.status.message(), kErrEmptyKey);

  etcdserverpb::TxnRequest txn;
  for (int i = 0; i < 129; ++i) txn.add_success()->mutable_request_put()->set_key("k" + std::to_string(i));
  Outcome<etcdserverpb::TxnResponse> ops;
  server_->TxnAsync(txn, ops.Callback());
  ASSERT_EQ(ops.Calls(), 1);
  EXPECT_EQ(ops.status.message(), kErrTooManyOps);

  Outcome<etcdserverpb::RangeResponse> range;
  server_->RangeAsync(etcdserverpb::RangeRequest(), range.Callback());
  ASSERT_EQ(range.Calls(), 1);
  EXPECT_EQ(range.status.message(), kErrEmptyKey);
  EXPECT_EQ(log_.queued(), 0u);
  EXPECT_EQ(pending_.load(), 0);
}

TEST_F(ServerAsyncTest, UnappliedWriteTimesOutWithEtcdsErrorAndALateApplyIsIgnored) {
  Boot(milliseconds(50));
  Outcome<etcdserverpb::PutResponse> out;
  const auto start = std::chrono::steady_clock::now();
  server_->PutAsync(PutReq("a", "1"), out.Callback());
  ASSERT_TRUE(out.WaitDone());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(50));
  EXPECT_EQ(out.status.message(), kErrTimeout);
  EXPECT_EQ(pending_.load(), 0);
  EXPECT_EQ(failed_.load(), 1);
  log_.Commit(1);  // applied after the client was told it timed out: no second answer
  EXPECT_EQ(out.Calls(), 1);
  // The write still happened, as in etcd (a timeout does not mean it failed).
  etcdserverpb::RangeRequest r;
  r.set_key("a");
  r.set_serializable(true);
  etcdserverpb::RangeResponse rr;
  ASSERT_TRUE(server_->Range(r, &rr).ok());
  EXPECT_EQ(rr.kvs_size(), 1);
}

TEST_F(ServerAsyncTest, BlockingPutTimesOutToo) {
  Boot(milliseconds(30));
  etcdserverpb::PutResponse resp;
  Status st = server_->Put(PutReq("a", "1"), &resp);
  EXPECT_EQ(st.message(), kErrTimeout);
}

TEST_F(ServerAsyncTest, StopAnswersPendingWritesAndRefusesNewOnes) {
  Boot();
  Outcome<etcdserverpb::PutResponse> pending;
  server_->PutAsync(PutReq("a", "1"), pending.Callback());
  server_->Stop();
  ASSERT_EQ(pending.Calls(), 1);
  EXPECT_EQ(pending.status.message(), kErrStopped);
  Outcome<etcdserverpb::PutResponse> late;
  server_->PutAsync(PutReq("b", "1"), late.Callback());
  ASSERT_EQ(late.Calls(), 1);
  EXPECT_EQ(late.status.message(), kErrStopped);
  EXPECT_EQ(pending_.load(), 0);
}

TEST_F(ServerAsyncTest, LinearizableReadIsInlineWhenAppliedElseWaitsForTheReadPoint) {
  Boot();
  Outcome<etcdserverpb::PutResponse> put;
  server_->PutAsync(PutReq("a", "1"), put.Callback());
  log_.Commit(1);
  ASSERT_TRUE(put.WaitDone());

  etcdserverpb::RangeRequest r;
  r.set_key("a");
  Outcome<etcdserverpb::RangeResponse> now;
  server_->RangeAsync(r, now.Callback());
  ASSERT_EQ(now.Calls(), 1);  // everything committed is applied: served inline
  ASSERT_TRUE(now.status.ok());
  EXPECT_EQ(now.resp.kvs_size(), 1);

  log_.CommitAhead(1);  // committed but not applied: the read must wait
  Outcome<etcdserverpb::RangeResponse> later;
  server_->RangeAsync(r, later.Callback());
  etcdserverpb::TxnRequest ro;
  ro.add_success()->mutable_request_range()->set_key("a");
  Outcome<etcdserverpb::TxnResponse> txn;
  server_->TxnAsync(ro, txn.Callback());
  EXPECT_FALSE(later.WaitDone(milliseconds(50)));
  EXPECT_EQ(txn.Calls(), 0);
  log_.ApplyAhead();
  ASSERT_TRUE(later.WaitDone());
  ASSERT_TRUE(txn.WaitDone());
  EXPECT_TRUE(later.status.ok());
  EXPECT_EQ(later.resp.kvs_size(), 1);
  EXPECT_TRUE(txn.status.ok());
  EXPECT_EQ(txn.resp.responses_size(), 1);

  r.set_serializable(true);  // never waits
  log_.CommitAhead(1);
  Outcome<etcdserverpb::RangeResponse> ser;
  server_->RangeAsync(r, ser.Callback());
  EXPECT_EQ(ser.Calls(), 1);
  log_.ApplyAhead();
}

TEST_F(ServerAsyncTest, LinearizableReadTimesOutWhenTheReadPointIsNeverApplied) {
  Boot(milliseconds(30));
  log_.CommitAhead(1);
  etcdserverpb::RangeRequest r;
  r.set_key("a");
  Outcome<etcdserverpb::RangeResponse> out;
  server_->RangeAsync(r, out.Callback());
  ASSERT_TRUE(out.WaitDone());
  EXPECT_EQ(out.status.message(), kErrTimeout);
  log_.ApplyAhead();
}

}  // namespace
}  // namespace cairn::etcdserver
