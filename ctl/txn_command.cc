// etcdctl txn (txn_command.go): compares, success ops and failure ops read from stdin, each
// section ended by an empty line; -i prompts for each section.
#include <cstdio>
#include <iostream>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

bool interactive = false;

void Define(FlagSet* fs) {
  fs->Bool("interactive", &interactive, false, "Input transaction in interactive mode", 'i');
}

void Prompt(const char* s) {
  if (interactive) Out(std::string(s) + "\n");
}

// bufio.Reader.ReadString('\n'): false (EOF) when the line has no newline.
bool ReadLine(std::string* line) {
  line->clear();
  int c;
  while ((c = std::getchar()) != EOF) {
    if (c == '\n') return true;
    *line += static_cast<char>(c);
  }
  return false;
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n\v\f";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// fmt.Sscanf's %q: a "double-quoted" (Go escapes) or `back-quoted` string.
bool ScanQuoted(const std::string& s, size_t* i, std::string* out) {
  while (*i < s.size() && s[*i] == ' ') ++*i;
  if (*i >= s.size()) return false;
  const char q = s[*i];
  if (q == '`') {
    const size_t end = s.find('`', *i + 1);
    if (end == std::string::npos) return false;
    *out = s.substr(*i + 1, end - *i - 1);
    *i = end + 1;
    return true;
  }
  if (q != '"') return false;
  std::string v;
  for (size_t j = *i + 1; j < s.size(); ++j) {
    if (s[j] == '\\' && j + 1 < s.size()) {
      const char e = s[++j];
      v += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
      continue;
    }
    if (s[j] == '"') {
      *out = v;
      *i = j + 1;
      return true;
    }
    v += s[j];
  }
  return false;
}

etcdserverpb::Compare ParseCompare(const std::string& line) {
  const size_t lp = line.find('(');
  if (lp == std::string::npos) ExitWithError(kExitInvalidInput, "malformed comparison: " + line);
  const std::string target = line.substr(0, lp), rest = line.substr(lp + 1);
  std::string key, op, val;
  int n = 0;
  size_t i = 0;
  if (ScanQuoted(rest, &i, &key)) {
    ++n;
    if (i < rest.size() && rest[i] == ')') {
      ++i;
      while (i < rest.size() && rest[i] == ' ') ++i;
      size_t j = i;
      while (j < rest.size() && rest[j] != ' ') ++j;
      if (j > i) {
        op = rest.substr(i, j - i), ++n;
        i = j;
        if (ScanQuoted(rest, &i, &val)) ++n;
      }
    }
  }
  if (n != 3) {
    ExitWithError(kExitInvalidInput, "malformed comparison: " + line + "; got " + target + "(" +
                                         GoQuoteArg(key) + ") " + op + " " + GoQuoteArg(val));
  }
  etcdserverpb::Compare cmp;
  cmp.set_key(key);
  if (op == "=") {
    cmp.set_result(etcdserverpb::Compare::EQUAL);
  } else if (op == "!=") {
    cmp.set_result(etcdserverpb::Compare::NOT_EQUAL);
  } else if (op == ">") {
    cmp.set_result(etcdserverpb::Compare::GREATER);
  } else if (op == "<") {
    cmp.set_result(etcdserverpb::Compare::LESS);
  } else {
    // clientv3.Compare panics on an unknown operator; refuse it instead.
    ExitWithError(kExitInvalidInput, "malformed comparison: " + line + " (unknown operator " + op + ")");
  }
  int64_t v = 0;
  std::string why;
  const bool numeric = ParseDecInt64(val, &v, &why);
  if (target == "ver" || target == "version") {
    if (!numeric) ExitWithError(kExitInvalidInput, "invalid txn compare request: " + line);
    cmp.set_target(etcdserverpb::Compare::VERSION);
    cmp.set_version(v);
  } else if (target == "c" || target == "create") {
    if (!numeric) ExitWithError(kExitInvalidInput, "invalid txn compare request: " + line);
    cmp.set_target(etcdserverpb::Compare::CREATE);
    cmp.set_create_revision(v);
  } else if (target == "m" || target == "mod") {
    if (!numeric) ExitWithError(kExitInvalidInput, "invalid txn compare request: " + line);
    cmp.set_target(etcdserverpb::Compare::MOD);
    cmp.set_mod_revision(v);
  } else if (target == "val" || target == "value") {
    cmp.set_target(etcdserverpb::Compare::VALUE);
    cmp.set_value(val);
  } else if (target == "lease") {
    if (!numeric) ExitWithError(kExitInvalidInput, "invalid txn compare request: " + line);
    cmp.set_target(etcdserverpb::Compare::LEASE);
    cmp.set_lease(v);
  } else {
    ExitWithError(kExitInvalidInput, "malformed comparison: " + line + " (unknown target " + target + ")");
  }
  return cmp;
}

etcdserverpb::RequestOp ParseOp(const std::string& line) {
  std::vector<std::string> args = Argify(line);
  if (args.size() < 2) ExitWithError(kExitInvalidInput, "invalid txn compare request: " + line);
  const std::string cmd = args[0];
  args.erase(args.begin());
  FlagSet fs;
  std::vector<std::string> positional;
  std::string error;
  etcdserverpb::RequestOp op;
  if (cmd == "get") {
    DefineGetFlags(&fs);
    if (!fs.Parse(args, &positional, &error))
      ExitWithError(kExitInvalidInput, "invalid txn request: " + line);
    *op.mutable_request_range() = GetRequestFromArgs(positional);
  } else if (cmd == "put") {
    DefinePutFlags(&fs);
    if (!fs.Parse(args, &positional, &error))
      ExitWithError(kExitInvalidInput, "invalid txn request: " + line);
    *op.mutable_request_put() = PutRequestFromArgs(positional);
  } else if (cmd == "del") {
    DefineDelFlags(&fs);
    if (!fs.Parse(args, &positional, &error))
      ExitWithError(kExitInvalidInput, "invalid txn request: " + line);
    *op.mutable_request_delete_range() = DelRequestFromArgs(positional);
  } else {
    ExitWithError(kExitInvalidInput, "invalid txn request: " + line);
  }
  return op;
}

template <class F>
void ReadSection(F add) {
  std::string line;
  for (;;) {
    if (!ReadLine(&line)) ExitWithError(kExitInvalidInput, "EOF");
    line = Trim(line);
    if (line.empty()) return;
    add(line);
  }
}

int Run(Context& ctx) {
  if (!ctx.args.empty()) ExitWithError(kExitBadArgs, "txn command does not accept argument");
  client::Client& c = ctx.Client();
  etcdserverpb::TxnRequest req;
  Prompt("compares:");
  ReadSection([&](const std::string& l) { *req.add_compare() = ParseCompare(l); });
  Prompt("success requests (get, put, del):");
  ReadSection([&](const std::string& l) { *req.add_success() = ParseOp(l); });
  Prompt("failure requests (get, put, del):");
  ReadSection([&](const std::string& l) { *req.add_failure() = ParseOp(l); });
  etcdserverpb::TxnResponse resp;
  // txn.Commit uses context.Background(): no command timeout.
  const Status s =
      c.Unary(&etcdserverpb::KV::Stub::Txn, req, &resp, NoDeadline(), client::Idempotence::kMutable);
  if (!s.ok()) ExitWithError(kExitError, s.message());
  ctx.display().Txn(resp);
  return kExitSuccess;
}

}  // namespace

std::vector<Command> TxnCommands() {
  return {{"txn", "txn [options]", "Txn processes all the requests in one transaction", Define, Run}};
}

}  // namespace cairn::ctl
