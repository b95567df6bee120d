#!/bin/bash
# Self-test of the bbolt oracle: `write` is deterministic and produces rich
# files that bbolt's own checks accept; `check` rejects corrupted files.
# Usage: oracle_selftest.sh ORACLE
set -euo pipefail

oracle=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
page_bytes=4096
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# --- positive: several seeds, both freelist modes (odd seeds: NoFreelistSync) ---
for seed in 1 2 3 4; do
  db=$tmp/seed$seed.db
  "$oracle" write "$db" "$seed" 4000
  out=$("$oracle" check "$db") || fail "seed $seed: check exited non-zero: $out"
  [[ $out == ok ]] || fail "seed $seed: check printed '$out'"

  "$oracle" dump "$db" >"$tmp/dump$seed.a"
  "$oracle" dump "$db" >"$tmp/dump$seed.b"
  cmp -s "$tmp/dump$seed.a" "$tmp/dump$seed.b" || fail "seed $seed: dump differs between two runs"
  "$oracle" write "$tmp/again$seed.db" "$seed" 4000
  "$oracle" dump "$tmp/again$seed.db" >"$tmp/dump$seed.c"
  cmp -s "$tmp/dump$seed.a" "$tmp/dump$seed.c" || fail "seed $seed: write is not deterministic"

  d=$tmp/dump$seed.a
  lines=$(wc -l <"$d")
  ((lines > 500)) || fail "seed $seed: dump has only $lines lines"
  grep -Eq '^B [0-9a-f]+/[0-9a-f]+/[0-9a-f]+$' "$d" || fail "seed $seed: no bucket nested 3 deep"
  awk -v min=$((2 * 2 * page_bytes)) '$1 == "K" && length($4) > min { found = 1 } END { exit !found }' "$d" ||
    fail "seed $seed: no value over two pages"
  grep -Eq '^K [0-9a-f/]+ [0-9a-f]+ -$' "$d" || fail "seed $seed: no empty value"
  grep -Evq '^(B [0-9a-f]+(/[0-9a-f]+)*|K [0-9a-f]+(/[0-9a-f]+)* [0-9a-f]+ ([0-9a-f]+|-))$' "$d" &&
    fail "seed $seed: malformed dump line: $(grep -Ev '^(B [0-9a-f/]+|K [0-9a-f/]+ [0-9a-f]+ ([0-9a-f]+|-))$' "$d" | head -1)"
  # Byte order: the B/K names at each level must be sorted; check root buckets.
  grep -E '^B [0-9a-f]+$' "$d" | LC_ALL=C sort -c 2>/dev/null || fail "seed $seed: root buckets not in byte order"
done
cmp -s "$tmp/dump1.a" "$tmp/dump2.a" && fail "seeds 1 and 2 gave the same dump"

# Other page sizes (Cairn must honour the meta's page size).
for page in 1024 16384; do
  "$oracle" write "$tmp/page$page.db" 5 2000 -page_size "$page"
  [[ $("$oracle" check "$tmp/page$page.db") == ok ]] || fail "page size $page: check failed"
done

# --- negative: corrupted copies must fail check ---
# Reads the little-endian unsigned integer of $3 bytes at offset $2 of file $1.
read_uint() {
  local bytes
  bytes=$(od -An -v -tu1 -j "$2" -N "$3" "$1")
  local value=0 shift=0 b
  for b in $bytes; do
    value=$((value + (b << shift)))
    shift=$((shift + 8))
  done
  echo "$value"
}

write_byte() { # file offset byte
  printf "$(printf '\\%03o' "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# Prints the page ids of every leaf page (page header: id u64, flags u16,
# count u16, overflow u32; leaf flag 0x02), skipping overflow continuations.
leaf_pages() {
  local file=$1 pages p flags overflow
  pages=$(($(stat -c %s "$file") / page_bytes))
  p=2
  while ((p < pages)); do
    flags=$(read_uint "$file" $((p * page_bytes + 8)) 2)
    overflow=$(read_uint "$file" $((p * page_bytes + 12)) 4)
    if ((flags == 2)); then echo "$p"; fi
    if ((flags == 1 || flags == 2 || flags == 16)) && ((overflow < pages)); then
      p=$((p + 1 + overflow))
    else
      p=$((p + 1))
    fi
  done
}

check_must_fail() { # case-name file expected-output-regex
  local out rc=0
  out=$("$oracle" check "$2" 2>&1) || rc=$?
  if ((rc == 0)); then
    fail "$1: check accepted a corrupted file (printed '$out')"
  elif ! grep -Eq "$3" <<<"$out"; then
    fail "$1: check failed (exit $rc) without the expected error /$3/: $(head -3 <<<"$out")"
  else
    echo "$1: check rejected it (exit $rc): $(head -2 <<<"$out" | tr '\n' ' ')"
  fi
}

base=$tmp/neg.db
"$oracle" write "$base" 6 1500
leaves=$(leaf_pages "$base")
nleaves=$(echo "$leaves" | wc -w)
((nleaves > 5)) || fail "only $nleaves leaf pages found in $base"

# A: every leaf page's type flag set to an invalid value (bbolt's tx.Check
#    reports "invalid type"; cursors refuse the page).
cp "$base" "$tmp/a.db"
for p in $leaves; do write_byte "$tmp/a.db" $((p * page_bytes + 8)) 32; done
check_must_fail "A (leaf type flags)" "$tmp/a.db" "invalid|panicked"

# B: in every leaf page with at least two elements, the first key's first
#    byte becomes 0xff: keys fall out of order / cannot be found by Seek.
#    (leafPageElement: flags u32, pos u32, ksize u32, vsize u32; key at
#    element address + pos.)
cp "$base" "$tmp/b.db"
for p in $leaves; do
  off=$((p * page_bytes))
  count=$(read_uint "$tmp/b.db" $((off + 10)) 2)
  ((count >= 2)) || continue
  pos=$(read_uint "$tmp/b.db" $((off + 16 + 4)) 4)
  write_byte "$tmp/b.db" $((off + 16 + pos)) 255
done
check_must_fail "B (first key of each leaf)" "$tmp/b.db" "not after|not found again"

# C: the file truncated to half its size.
cp "$base" "$tmp/c.db"
truncate -s $(($(stat -c %s "$base") / 2 / page_bytes * page_bytes)) "$tmp/c.db"
check_must_fail "C (truncated)" "$tmp/c.db" "shorter than its high-water mark"

# D: both meta pages' checksums damaged (last byte of each meta's checksum,
#    at page offset 16 + 56 + 7).
cp "$base" "$tmp/d.db"
for p in 0 1; do write_byte "$tmp/d.db" $((p * page_bytes + 16 + 63)) 0; write_byte "$tmp/d.db" $((p * page_bytes + 16 + 62)) 0; done
check_must_fail "D (both metas)" "$tmp/d.db" "checksum|invalid"

# E: the persisted freelist emptied (seed 6 is even: freelist synced). The
#    free pages become "unreachable unfreed" for bbolt's own tx.Check().
#    meta (at page offset 16): magic u32, version u32, page_size u32,
#    flags u32, root {pgid u64, sequence u64}, freelist u64, pgid u64, txid u64.
cp "$base" "$tmp/e.db"
meta=0
(($(read_uint "$base" $((page_bytes + 16 + 48)) 8) > $(read_uint "$base" $((16 + 48)) 8))) && meta=1
freelist=$(read_uint "$base" $((meta * page_bytes + 16 + 32)) 8)
free_count=$(read_uint "$base" $((freelist * page_bytes + 10)) 2)
if ((free_count == 0 || free_count == 0xffff)); then
  fail "E: freelist page $freelist holds $free_count ids; need a small non-empty freelist"
else
  write_byte "$tmp/e.db" $((freelist * page_bytes + 10)) 0
  write_byte "$tmp/e.db" $((freelist * page_bytes + 11)) 0
  check_must_fail "E (freelist of $free_count pages emptied)" "$tmp/e.db" "unreachable unfreed"
fi

# The untouched original still passes (the corruptions above hit copies).
[[ $("$oracle" check "$base") == ok ]] || fail "original file no longer passes check"

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "PASS"
