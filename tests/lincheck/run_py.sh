#!/bin/sh
# Runs a Python script (first argument) with the remaining arguments.
set -eu
script="$1"
shift
exec python3 "$script" "$@"
