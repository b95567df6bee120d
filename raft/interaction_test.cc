// Data-driven scenario tests (CRAFT.md §9, after etcd-raft's interaction
// tests). Each file in raft/testdata/ scripts a small cluster step by step;
// every command's output is compared with the golden text below its "----".
//
// File format: blocks of
//     <command> <args...>
//     ----
//     <expected output lines, never blank>
//     <blank line>
// Lines starting with '#' between blocks are comments.
//
// Regenerate the golden output after an intended behaviour change:
//     CAIRN_REGEN_GOLDEN=1 bazel run //raft:interaction_test
// (bazel run sets BUILD_WORKSPACE_DIRECTORY, so the files in the source tree
// are rewritten; review the diff before committing).
//
// Commands:
//   cluster voters=1,2,3 [learners=4] [pre_vote] [check_quorum] [lease_read]
//           [max_msg_bytes=N] [max_inflight_msgs=N] [max_uncommitted_bytes=N]
//   campaign ID | propose ID DATA | propose-conf-change ID (v|l|r)NODE
//   read-index ID CTX | transfer-leader ID TO | report-snapshot ID TO ok|failed
//   tick ID [N] | tick-all [N] | process-ready ID... | deliver-msgs
//   stabilize | cut A B | isolate ID | heal | restart ID | add-node ID
//   snapshot ID COMPACT_INDEX | status ID | applied ID | log ID
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "raft/rawnode.h"
#include "raft/testing/cluster.h"

namespace cairn::raft {
namespace {

struct Block {
  std::vector<std::string> comments;  // lines before the command
  std::string command;
  std::string expected;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep)) {
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

std::vector<Block> Parse(const std::string& text) {
  std::vector<Block> blocks;
  std::istringstream is(text);
  std::string line;
  Block cur;
  enum { kCmd, kSep, kOut } state = kCmd;
  while (std::getline(is, line)) {
    if (state == kCmd) {
      if (line.empty() || line[0] == '#') {
        cur.comments.push_back(line);
        continue;
      }
      cur.command = line;
      state = kSep;
    } else if (state == kSep) {
      if (line != "----") ADD_FAILURE() << "expected ---- after " << cur.command;
      state = kOut;
    } else {
      if (line.empty()) {
        blocks.push_back(cur);
        cur = Block{};
        state = kCmd;
      } else {
        cur.expected += line + "\n";
      }
    }
  }
  if (state == kOut) blocks.push_back(cur);
  return blocks;
}

class Runner {
 public:
  std::string Run(const std::string& command) {
    std::vector<std::string> a = Split(command, ' ');
    out_.str("");
    out_.clear();
    const std::string& cmd = a[0];
    auto id = [&](size_t i) { return static_cast<NodeId>(std::stoull(a.at(i))); };
    if (cmd == "cluster") {
      std::vector<NodeId> voters, learners;
      std::map<std::string, std::string> kv;
      for (size_t i = 1; i < a.size(); ++i) {
        auto eq = a[i].find('=');
        kv[a[i].substr(0, eq)] = eq == std::string::npos ? "" : a[i].substr(eq + 1);
      }
      for (auto& v : Split(kv["voters"], ',')) voters.push_back(std::stoull(v));
      for (auto& v : Split(kv["learners"], ',')) learners.push_back(std::stoull(v));
      c_ = std::make_unique<testing::Cluster>(voters, learners, [kv](Config* cfg) {
        cfg->pre_vote = kv.count("pre_vote") > 0;
        cfg->check_quorum = kv.count("check_quorum") > 0;
        if (kv.count("lease_read")) cfg->read_only_option = ReadOnlyOption::kLeaseBased;
        if (kv.count("max_msg_bytes")) cfg->max_msg_bytes = std::stoull(kv.at("max_msg_bytes"));
        if (kv.count("max_inflight_msgs")) cfg->max_inflight_msgs = std::stoull(kv.at("max_inflight_msgs"));
        if (kv.count("max_uncommitted_bytes")) {
          cfg->max_uncommitted_entries_bytes = std::stoull(kv.at("max_uncommitted_bytes"));
        }
      });
      c_->set_log(&out_);
    } else if (cmd == "campaign") {
      Report(c_->node(id(1)).Campaign());
    } else if (cmd == "propose") {
      Report(c_->Propose(id(1), a.at(2)));
    } else if (cmd == "propose-conf-change") {
      const std::string& s = a.at(2);
      ConfChange cc;
      cc.type = s[0] == 'v'   ? ConfChangeType::kAddNode
                : s[0] == 'l' ? ConfChangeType::kAddLearner
                              : ConfChangeType::kRemoveNode;
      cc.node_id = std::stoull(s.substr(1));
      Report(c_->ProposeConfChange(id(1), cc));
    } else if (cmd == "read-index") {
      Report(c_->node(id(1)).ReadIndex(a.at(2)));
    } else if (cmd == "transfer-leader") {
      c_->node(id(1)).TransferLeader(id(2));
    } else if (cmd == "report-snapshot") {
      c_->node(id(1)).ReportSnapshot(id(2), a.at(3) == "failed");
    } else if (cmd == "tick") {
      c_->Tick(id(1), a.size() > 2 ? std::stoi(a[2]) : 1);
    } else if (cmd == "tick-all") {
      c_->TickAll(a.size() > 1 ? std::stoi(a[1]) : 1);
    } else if (cmd == "process-ready") {
      for (size_t i = 1; i < a.size(); ++i) c_->ProcessReady(id(i));
    } else if (cmd == "deliver-msgs") {
      c_->DeliverAll();
    } else if (cmd == "stabilize") {
      c_->Stabilize();
    } else if (cmd == "cut") {
      c_->Cut(id(1), id(2));
    } else if (cmd == "isolate") {
      c_->Isolate(id(1));
    } else if (cmd == "heal") {
      c_->Heal();
    } else if (cmd == "restart") {
      c_->Restart(id(1));
    } else if (cmd == "add-node") {
      c_->AddEmptyNode(id(1));
    } else if (cmd == "snapshot") {
      c_->SnapshotAndCompact(id(1), std::stoull(a.at(2)));
    } else if (cmd == "status") {
      const Raft& r = c_->raft(id(1));
      out_ << StateRoleName(r.state()) << " term=" << r.term() << " vote=" << r.vote() << " lead=" << r.lead()
           << " " << r.log().Describe() << " last=" << r.log().last_index() << "\n";
      if (r.state() == StateRole::kLeader) {
        for (const auto& [pid, pr] : r.tracker().progress()) out_ << pid << ": " << pr.Describe() << "\n";
      }
    } else if (cmd == "applied") {
      out_ << "[";
      const auto& d = c_->applied_data(id(1));
      for (size_t i = 0; i < d.size(); ++i) out_ << (i ? " " : "") << d[i];
      out_ << "]\n";
    } else if (cmd == "log") {
      const RaftLog& log = c_->raft(id(1)).log();
      std::vector<Entry> ents;
      log.Slice(log.first_index(), log.last_index() + 1, kNoLimit, &ents);
      for (const Entry& e : ents) out_ << DescribeEntry(e) << "\n";
    } else {
      out_ << "unknown command " << cmd << "\n";
    }
    std::string s = out_.str();
    return s.empty() ? "ok\n" : s;
  }

 private:
  void Report(const Status& s) {
    if (!s.ok()) out_ << "error: " << s.ToString() << "\n";
  }
  std::unique_ptr<testing::Cluster> c_;
  std::ostringstream out_;
};

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Interaction, Testdata) {
  const char* regen = std::getenv("CAIRN_REGEN_GOLDEN");
  const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  bool rewrite = regen != nullptr && std::string(regen) == "1";
  std::filesystem::path dir = rewrite && ws ? std::filesystem::path(ws) / "raft/testdata" : "raft/testdata";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::vector<Block> blocks = Parse(ReadAll(f));
    Runner r;
    std::string rewritten;
    for (const Block& b : blocks) {
      std::string got = r.Run(b.command);
      for (const std::string& c : b.comments) rewritten += c + "\n";
      rewritten += b.command + "\n----\n" + got + "\n";
      if (!rewrite) {
        EXPECT_EQ(got, b.expected) << "command: " << b.command;
      }
    }
    if (rewrite) {
      std::ofstream out(f);
      out << rewritten;
    }
  }
}

}  // namespace
}  // namespace cairn::raft
