#!/bin/sh
# Runs a Python e2e script (first argument) with the remaining arguments; see e2e_lib.py.
# Under Bazel, temporary data dirs go to the test's own TEST_TMPDIR (removed by Bazel), not /tmp:
# every server preallocates 128 MB of WAL.
set -eu
script="$1"
shift
if [ -n "${TEST_TMPDIR:-}" ]; then
  export TMPDIR="$TEST_TMPDIR"
fi
exec python3 "$script" "$@"
