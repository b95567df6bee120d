// `cairn snapshot restore|status`: etcdctl 3.4's `snapshot` command line (flag names, defaults,
// messages, exit codes) over restore.h and storage/backend's snapshot status.
//
//   restore FILE [--name default] [--initial-cluster default=http://localhost:2380]
//           [--initial-cluster-token etcd-cluster] [--initial-advertise-peer-urls http://localhost:2380]
//           [--data-dir <name>.etcd] [--wal-dir <data-dir>/member/wal] [--skip-hash-check]
//   status FILE [-w|--write-out simple|json|table|fields]
//
// Exit codes (etcdctl's): 0 ok; 1 error ("Error: <message>" on stderr, as cobra/ExitWithError
// print it; also bad flags); 4 unsupported output format; 128 wrong number of arguments.
// Flags follow pflag: --f=v, --f v, -w v, -wv, bools as --f or --f=true; "--" ends flags;
// etcdctl's global connection flags are accepted and ignored.
#pragma once

namespace cairn::snapshot {

// argv[0] is the command word ("snapshot"); argv[1] the subcommand.
int RunSnapshot(int argc, char** argv);

}  // namespace cairn::snapshot
