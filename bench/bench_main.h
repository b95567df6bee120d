// Entry point of `cairn bench`, an etcd tools/benchmark-compatible load generator.
//
//   cairn bench [global flags] <put|range|txn-put|watch-latency|lease-keepalive> [flags] [args]
//
// argv[0] is the program name (ignored, as in main()); argv[1..] are the subcommand, its flags
// and arguments, in any order. Flags and output follow etcd 3.5's benchmark tool; Cairn adds
// `--output json` and a "Client CPU time" line after the report. Returns the exit code.
#pragma once

namespace cairn::bench {

int BenchMain(int argc, char** argv);

}  // namespace cairn::bench

// Unqualified alias for the top-level dispatcher.
inline int BenchMain(int argc, char** argv) { return cairn::bench::BenchMain(argc, argv); }
