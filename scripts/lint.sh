#!/usr/bin/env bash
# clang-tidy over Cairn's own C++ (not generated code), with the checks in
# .clang-tidy. Headers of generated protobuf code come from bazel-bin, so run
# `make build` or `make test` first. Exits non-zero on any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(git ls-files '*.cc' | grep -v '_test.cc$' | grep -v '^third_party/' |
  xargs -r -P"$(nproc)" -n4 clang-tidy --quiet -- -std=c++20 -x c++ -I. -Ibazel-bin 2>&1 |
  grep -v 'warnings generated')
if grep -qE '(warning|error):' <<<"$out"; then
  echo "$out"
  exit 1
fi
