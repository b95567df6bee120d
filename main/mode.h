// Mode: which face of the one `cairn` binary a command line asks for.
//
// The mode comes from argv[0]'s base name (`etcd`, `etcdctl`, `etcdutl`,
// `cfssl`, `cfssljson`) or, for `cairn`, from its first word (`serve`, `ctl`,
// `etcdutl`, `certs`, `k8s`, `bench`, `snapshot`). `words_consumed` says how many leading argv entries named the
// mode (1 for a base name, 2 for `cairn WORD`), so the mode's own parser sees
// the remaining arguments.
#pragma once

#include <string_view>

namespace cairn {

enum class Mode {
  kServe,
  kCtl,
  kUtl,
  kCerts,
  kCfssl,
  kCfssljson,
  kK8s,
  kBench,
  kSnapshot,
  kVersion,
  kHelp,
  kUnknown
};

struct ModeChoice {
  Mode mode;
  int words_consumed;
};

ModeChoice ChooseMode(int argc, const char* const* argv);

}  // namespace cairn
