#!/bin/bash
# A db written by Debian's real etcd 3.4 must pass bbolt's checks and show
# etcd's schema and the known history of make_etcd_db.sh.
# Usage: etcd_fixture_test.sh ORACLE MAKE_ETCD_DB
set -euo pipefail

oracle=$1
make_etcd_db=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
out=$tmp/etcd
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

"$make_etcd_db" "$out"

result=$("$oracle" check "$out/db") || fail "check exited non-zero: $result"
[[ $result == ok ]] || fail "check printed '$result'"
"$oracle" dump "$out/db" >"$out/dump.txt"

for bucket in key meta lease members members_removed cluster auth authUsers authRoles alarm; do
  grep -qx "B $(hex "$bucket")" "$out/dump.txt" || fail "no '$bucket' bucket in the dump"
done

key_hex=$(hex key)
revisions=$(grep -c "^K $key_hex " "$out/dump.txt" || true)
[[ $revisions == "$(cat "$out/revisions.txt")" ]] ||
  fail "key bucket holds $revisions revisions, want $(cat "$out/revisions.txt")"
# The delete of "beta" is a tombstone: revision key ends in 't' (0x74).
grep -Eq "^K $key_hex [0-9a-f]{34}74 " "$out/dump.txt" || fail "no tombstone revision in the key bucket"
# Every live key's name and value are inside some revision's mvccpb.KeyValue.
while read -r k v _; do
  grep -q "^K $key_hex [0-9a-f]* [0-9a-f]*$(hex "$k")[0-9a-f]*$(hex "$v")" "$out/dump.txt" ||
    fail "no revision holds key '$k' with value '$v'"
done <"$out/expected.txt"

grep -q "^K $(hex lease) $(cat "$out/lease_id.txt") " "$out/dump.txt" ||
  fail "lease $(cat "$out/lease_id.txt") not in the lease bucket"
grep -q "^K $(hex meta) $(hex consistent_index) " "$out/dump.txt" || fail "no meta/consistent_index"

if ((failures > 0)); then
  echo "$failures failure(s); dump:" >&2
  cut -c1-160 "$out/dump.txt" >&2
  exit 1
fi
echo "PASS"
