// `etcdutl` / `cairn etcdutl`: etcdutl 3.5's command line.
//   etcdutl snapshot status <file> [-w simple|json|table|fields]
//   etcdutl snapshot restore <file> [--name --initial-cluster --initial-cluster-token
//           --initial-advertise-peer-urls --data-dir --wal-dir --skip-hash-check
//           --bump-revision N --mark-compacted]
//   etcdutl defrag --data-dir <dir>
//   etcdutl version
// Exit codes as etcdutl's (cobrautl): 1 error, 128 bad arguments.
#pragma once

namespace cairn::utl {

// argv[0] is the face's name.
int UtlMain(int argc, char** argv);

}  // namespace cairn::utl
