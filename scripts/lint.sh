#!/usr/bin/env bash
# clang-tidy over Cairn's own C++ (not generated code), with the checks in
# .clang-tidy, one file per run. clang-tidy 16: version 14 cannot parse
# libstdc++ 12's std::source_location. Exits non-zero on any finding or
# clang-tidy error (a crashed clang-tidy counts as a failure: xargs stops there).
set -uo pipefail
cd "$(dirname "$0")/.."
# Generated protobuf headers (proto/, raft/transport, server/etcdserver) are
# found under Bazel's output tree.
bazel build ${BAZEL_FLAGS:-} //... >/dev/null 2>&1 || { echo "lint: bazel build failed" >&2; exit 1; }
gen=$(bazel info ${BAZEL_FLAGS:-} bazel-bin 2>/dev/null)
out=$(git ls-files '*.cc' | grep -v '_test.cc$' | grep -v '^third_party/' |
  xargs -r -P"$(nproc)" -I{} clang-tidy-16 --quiet {} -- -std=c++20 -x c++ -I. -I"$gen" 2>&1 |
  grep -v 'warnings generated')
if grep -qiE '(warning|error)[: ]|terminated by signal' <<<"$out"; then
  echo "$out"
  exit 1
fi
