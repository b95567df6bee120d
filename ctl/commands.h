// The command files' entry points (one per *_command.cc) and the small helpers they share
// (etcdctl's command/util.go).
#pragma once

#include <string>
#include <vector>

#include "ctl/command.h"
#include "proto/rpc.pb.h"

namespace cairn::ctl {

std::vector<Command> GetCommands();
std::vector<Command> PutCommands();
std::vector<Command> DelCommands();
std::vector<Command> TxnCommands();
std::vector<Command> CompactionCommands();
std::vector<Command> AlarmCommands();
std::vector<Command> DefragCommands();
std::vector<Command> EndpointCommands();
std::vector<Command> MemberCommands();
std::vector<Command> LeaseCommands();
std::vector<Command> SnapshotCommands();
std::vector<Command> VersionCommands();
std::vector<Command> WatchCommands();
std::vector<Command> AuthCommands();
std::vector<Command> UserCommands();
std::vector<Command> RoleCommands();
std::vector<Command> MoveLeaderCommands();
std::vector<Command> MakeMirrorCommands();

// The request a get/put/del command line would send (txn reuses them). They exit like the
// commands on bad arguments. Define* registers the command's flags on a fresh FlagSet.
void DefineGetFlags(FlagSet* fs);
etcdserverpb::RangeRequest GetRequestFromArgs(const std::vector<std::string>& args);
void DefinePutFlags(FlagSet* fs);
etcdserverpb::PutRequest PutRequestFromArgs(const std::vector<std::string>& args);
void DefineDelFlags(FlagSet* fs);
etcdserverpb::DeleteRangeRequest DelRequestFromArgs(const std::vector<std::string>& args);

// argOrStdin: args[i], or all of stdin (false when neither has anything).
bool ArgOrStdin(const std::vector<std::string>& args, size_t i, std::string* out);
// strconv.ParseInt(s, 16, 64).
bool ParseHexInt64(const std::string& s, int64_t* out);
// strconv.ParseInt(s, 10, 64) with Go's error text in *error.
bool ParseDecInt64(const std::string& s, int64_t* out, std::string* error);
// fmt's %q of a string (Go's strconv.Quote).
std::string GoQuoteArg(const std::string& s);
// argify: splits an interactive line into arguments ("double" and 'single' quoted words).
std::vector<std::string> Argify(const std::string& line);

}  // namespace cairn::ctl
