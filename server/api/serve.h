// The `etcd` / `cairn serve` entry point: flags -> data dir -> WAL + backend + MVCC + lessor ->
// server core -> gRPC services -> listeners, then serves until SIGTERM/SIGINT.
//
// Start-up order (each step completes before the next):
//   1. LoadServerConfig (prints usage/errors and returns etcd's exit code on bad flags);
//   2. <data-dir>/member/{wal,snap} created (0700) as etcd lays them out;
//   3. the WAL is opened (torn tail repaired, corruption refused with file and offset);
//   4. the backend (mem today; bolt member/snap/db later) and the stores are opened, and WAL
//      entries above the backend's consistent index are re-applied;
//   5. listeners start: --listen-client-urls (gRPC + HTTP on one port),
//      --listen-client-http-urls (HTTP only), --listen-metrics-urls;
//   6. "ready to serve client requests".
// Shutdown on SIGTERM/SIGINT: listeners stop accepting, gRPC drains (bounded), the log stops
// after applying what it has committed.
#pragma once

namespace cairn::api {

// argv[0] is the program name; the rest are etcd's flags. Returns the process exit code.
int RunServe(int argc, char** argv);

}  // namespace cairn::api
