#!/bin/sh
# Runs a Python script (first argument) with Debian's python3, the one python3-grpcio and
# python3-grpc-tools are installed for (scripts/setup.sh), whatever python3 comes first in PATH.
set -eu
script="$1"
shift
exec /usr/bin/python3 "$script" "$@"
