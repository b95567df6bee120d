// The one `cairn` binary: dispatches to the face its name or first word asks
// for (main/mode.h). Each face is called with the remaining arguments and argv[0] set to the
// word that named it.
#include <absl/synchronization/mutex.h>

#include <cstdio>
#include <cstring>

#include "bench/bench_main.h"
#include "certs/certs_main.h"
#include "ctl/ctl_main.h"
#include "k8s/k8s_main.h"
#include "server/api/serve.h"
#include "main/mode.h"
#include "server/snapshot/snapshot_main.h"
#include "utl/utl_main.h"
#include "server/version.h"

namespace {

constexpr char kUsage[] =
    "Usage: cairn COMMAND [ARGS...]\n"
    "\n"
    "An etcd-compatible, Raft-replicated key-value store.\n"
    "\n"
    "Commands:\n"
    "  serve      run the server (same flags as etcd; also reached as `etcd`)\n"
    "  ctl        etcdctl-compatible client (also reached as `etcdctl`; docs/etcdctl.md)\n"
    "  etcdutl    offline data-dir tools: snapshot status/restore, defrag (also reached as `etcdutl`)\n"
    "  certs      kubeadm etcd PKI and cfssl-compatible gencert (also `cfssl`, `cfssljson`; docs/certs.md)\n"
    "  k8s        Kubernetes manifests and units: stacked, external, events (docs/kubernetes.md)\n"
    "  bench      etcd-benchmark-compatible load generator\n"
    "  snapshot   snapshot restore and status\n"
    "  version    print versions (also --version)\n";

bool HasVersionFlag(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian builds abseil without NDEBUG, so every absl::Mutex lock inside gRPC runs the deadlock
  // detector (a global graph under a global lock): ~2% of server CPU under load (docs/benchmarks.md).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const cairn::ModeChoice choice = cairn::ChooseMode(argc, argv);
  // The face's own argv: argv[0] is the word that named it, then its arguments.
  const int face_argc = argc - choice.words_consumed + 1;
  char** const face_argv = argv + choice.words_consumed - 1;
  switch (choice.mode) {
    case cairn::Mode::kVersion: std::fputs(cairn::VersionText().c_str(), stdout); return 0;
    case cairn::Mode::kHelp: std::fputs(kUsage, stdout); return 0;
    case cairn::Mode::kServe:
      if (HasVersionFlag(argc, argv, choice.words_consumed)) {
        std::fputs(cairn::VersionText().c_str(), stdout);
        return 0;
      }
      return cairn::api::RunServe(face_argc, face_argv);
    case cairn::Mode::kCtl: return cairn::ctl::CtlMain(face_argc, face_argv);
    case cairn::Mode::kUtl: return cairn::utl::UtlMain(face_argc, face_argv);
    case cairn::Mode::kCerts: return cairn::certs::CertsMain(face_argc, face_argv);
    case cairn::Mode::kCfssl: return cairn::certs::CfsslMain(face_argc, face_argv);
    case cairn::Mode::kCfssljson: return cairn::certs::CfssljsonMain(face_argc, face_argv);
    case cairn::Mode::kK8s: return cairn::k8s::K8sMain(face_argc, face_argv);
    case cairn::Mode::kBench: return cairn::bench::BenchMain(face_argc, face_argv);
    case cairn::Mode::kSnapshot: return cairn::snapshot::RunSnapshot(face_argc, face_argv);
    case cairn::Mode::kUnknown:
      std::fprintf(stderr, "cairn: unknown command %s\n\n%s", argv[1], kUsage);
      return 2;
  }
  return 2;
}
