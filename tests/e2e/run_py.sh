#!/bin/sh
# Runs a Python e2e script (first argument) with the remaining arguments; see e2e_lib.py.
set -eu
script="$1"
shift
exec python3 "$script" "$@"
