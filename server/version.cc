#include "server/version.h"

#ifndef CAIRN_GIT_SHA
#define CAIRN_GIT_SHA "unknown"
#endif

namespace cairn {

const char* GitSha() { return CAIRN_GIT_SHA; }

std::string VersionText() {
  std::string text;
  text += "etcd Version: ";
  text += kEtcdServerVersion;
  text += "\nGit SHA: ";
  text += GitSha();
  text += "\nCairn Version: ";
  text += kCairnVersion;
  text += "\nCompiler: ";
#if defined(__clang__)
  text += "clang " __clang_version__;
#elif defined(__GNUC__)
  text += "g++ " __VERSION__;
#else
  text += "unknown";
#endif
  text += "\nOS/Arch: linux/";
#if defined(__x86_64__)
  text += "amd64";
#elif defined(__aarch64__)
  text += "arm64";
#else
  text += "unknown";
#endif
  text += "\n";
  return text;
}

}  // namespace cairn
