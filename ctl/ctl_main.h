// `etcdctl` / `cairn ctl`: etcdctl 3.5's v3 command line (ctlv3/ctl.go): global flags anywhere,
// ETCDCTL_* variables for the global flags, unique command prefixes (cobra's prefix matching),
// "Error: ..." on stderr with etcdctl's exit codes. ETCDCTL_API=2 is refused (no v2 API).
#pragma once

namespace cairn::ctl {

// argv[0] is the face's name.
int CtlMain(int argc, char** argv);

}  // namespace cairn::ctl
