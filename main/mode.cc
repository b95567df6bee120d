#include "main/mode.h"

#include <string_view>

namespace cairn {

ModeChoice ChooseMode(int argc, const char* const* argv) {
  std::string_view program = argc > 0 ? argv[0] : "cairn";
  if (auto slash = program.rfind('/'); slash != std::string_view::npos) program.remove_prefix(slash + 1);
  if (program == "etcd") return {Mode::kServe, 1};
  if (program == "etcdctl") return {Mode::kCtl, 1};
  if (program == "etcdutl") return {Mode::kUtl, 1};
  if (program == "cfssl") return {Mode::kCfssl, 1};
  if (program == "cfssljson") return {Mode::kCfssljson, 1};

  if (argc < 2) return {Mode::kHelp, 1};
  std::string_view word = argv[1];
  if (word == "serve") return {Mode::kServe, 2};
  if (word == "ctl") return {Mode::kCtl, 2};
  if (word == "etcdutl") return {Mode::kUtl, 2};
  if (word == "certs") return {Mode::kCerts, 2};
  if (word == "k8s") return {Mode::kK8s, 2};
  if (word == "bench") return {Mode::kBench, 2};
  if (word == "snapshot") return {Mode::kSnapshot, 2};
  if (word == "--version" || word == "version") return {Mode::kVersion, 2};
  if (word == "--help" || word == "-h" || word == "help") return {Mode::kHelp, 2};
  return {Mode::kUnknown, 1};
}

}  // namespace cairn
