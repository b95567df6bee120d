#!/usr/bin/env bash
# Fetches mimalloc's source from Debian's source package into
# /var/cache/cairn/mimalloc (Debian ships no static libmimalloc.a). Bazel
# compiles it into //third_party:mimalloc. Idempotent and quiet when present.
#
# The deb-src entry is derived from the machine's own Debian sources file, so
# it uses the same mirror and the same Signed-By key.
set -euo pipefail

DEST=/var/cache/cairn/mimalloc
[[ -f "$DEST/src/static.c" ]] && exit 0

SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
SRC_LIST=/etc/apt/sources.list.d/cairn-deb-src.sources
if [[ ! -f "$SRC_LIST" ]]; then
  base=/etc/apt/sources.list.d/debian.sources
  [[ -f "$base" ]] || { echo "fetch_mimalloc: $base not found; add a deb-src entry by hand" >&2; exit 1; }
  sed 's/^Types: deb$/Types: deb-src/' "$base" | $SUDO tee "$SRC_LIST" >/dev/null
  $SUDO apt-get update -qq >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq mimalloc >/dev/null 2>&1) ||
  { echo "fetch_mimalloc: apt-get source mimalloc failed" >&2; exit 1; }
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'mimalloc-*' | head -1)
$SUDO mkdir -p "$(dirname "$DEST")"
$SUDO rm -rf "$DEST"
$SUDO cp -r "$dir" "$DEST"
