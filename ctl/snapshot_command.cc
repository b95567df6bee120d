// etcdctl snapshot save (snapshot_command.go + client/v3/snapshot Save); status and restore are
// etcdutl's (utl/), reached with 3.5's deprecation line as etcdctl 3.5 does.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "base/humanize.h"
#include "ctl/commands.h"
#include "utl/snapshot.h"

namespace cairn::ctl {
namespace {

void Log(const std::string& msg, const std::string& fields) {
  std::fprintf(stderr,
               "{\"level\":\"info\",\"ts\":\"%s\",\"caller\":\"snapshot/v3_snapshot.go\",\"msg\":\"%s\"%s}\n",
               ZapTimestamp().c_str(), msg.c_str(), fields.c_str());
}

int Save(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "snapshot save expects one argument");
  const std::string path = ctx.args[0];
  if (ctx.g.endpoints.size() != 1) {
    std::string list = "[";
    for (size_t i = 0; i < ctx.g.endpoints.size(); ++i) list += (i ? " " : "") + ctx.g.endpoints[i];
    ExitWithError(kExitInterrupted,
                  "snapshot must be requested to one selected node, not multiple " + list + "]");
  }
  // Without --command-timeout the save has no deadline.
  const auto deadline = ctx.flags.Changed("command-timeout") ? ctx.CommandDeadline() : NoDeadline();
  client::Client& c = ctx.Client();
  const std::string part = path + ".part";
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    ExitWithError(kExitInterrupted,
                  "could not open " + part + " (open " + part + ": " + std::strerror(errno) + ")");
  }
  Log("created temporary db file", ",\"path\":\"" + part + "\"");
  const int i = c.PickReady(deadline);
  if (i < 0) {
    ::close(fd);
    ::unlink(part.c_str());
    ExitWithError(kExitInterrupted, "context deadline exceeded");
  }
  etcdserverpb::Maintenance::Stub stub(c.channel(static_cast<size_t>(i)));
  grpc::ClientContext gctx;
  gctx.set_deadline(deadline);
  c.Prepare(&gctx);
  auto reader = stub.Snapshot(&gctx, etcdserverpb::SnapshotRequest());
  Log("fetching snapshot", ",\"endpoint\":\"" + ctx.g.endpoints[0] + "\"");
  etcdserverpb::SnapshotResponse chunk;
  int64_t size = 0;
  bool write_failed = false;
  while (reader->Read(&chunk)) {
    const std::string& b = chunk.blob();
    if (::write(fd, b.data(), b.size()) != static_cast<ssize_t>(b.size())) write_failed = true;
    size += static_cast<int64_t>(b.size());
  }
  const grpc::Status st = reader->Finish();
  auto fail = [&](const std::string& m) {
    ::close(fd);
    ::unlink(part.c_str());
    ExitWithError(kExitInterrupted, m);
  };
  if (!st.ok()) fail(client::GoErrorString(st, st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED));
  if (write_failed) fail("write " + part + ": " + std::strerror(errno));
  if (size % 512 != 32) fail("sha256 checksum not found [bytes: " + std::to_string(size) + "]");
  if (::fsync(fd) != 0) fail("fsync " + part + ": " + std::strerror(errno));
  ::close(fd);
  Log("fetched snapshot", ",\"endpoint\":\"" + ctx.g.endpoints[0] + "\",\"size\":\"" +
                              HumanizeBytes(static_cast<uint64_t>(size)) + "\"");
  if (::rename(part.c_str(), path.c_str()) != 0) {
    ExitWithError(kExitInterrupted,
                  "could not rename " + part + " to " + path + " (" + std::strerror(errno) + ")");
  }
  Log("saved", ",\"path\":\"" + path + "\"");
  Out("Snapshot saved at " + path + "\n");
  return kExitSuccess;
}

// The raw command line after "snapshot status|restore", for etcdutl's parser.
int Status(Context& ctx) {
  std::fputs("Deprecated: Use `etcdutl snapshot status` instead.\n\n", stderr);
  return utl::SnapshotCommand("status", ctx.raw_args);
}

int Restore(Context& ctx) {
  std::fputs("Deprecated: Use `etcdutl snapshot restore` instead.\n\n", stderr);
  return utl::SnapshotCommand("restore", ctx.raw_args);
}

}  // namespace

std::vector<Command> SnapshotCommands() {
  return {{"snapshot save", "save <filename>", "Stores an etcd node backend snapshot to a given file",
           nullptr, Save},
          {"snapshot status", "status <filename>",
           "[deprecated] Gets backend snapshot status of a given file", nullptr, Status, true},
          {"snapshot restore", "restore <filename> [options]",
           "[deprecated] Restores an etcd member snapshot to an etcd directory", nullptr, Restore, true}};
}

}  // namespace cairn::ctl
