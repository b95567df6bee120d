#!/bin/bash
# make_etcd_db.sh OUTDIR
#
# Produces a real etcd-written bbolt file as a fixture: starts Debian's etcd
# 3.4 (/usr/bin/etcd) on free loopback ports with a fresh data dir, applies a
# known sequence of writes with Debian's etcdctl (v3 API), stops etcd with
# SIGTERM (a clean shutdown commits the backend), and leaves in OUTDIR:
#
#   db                 copy of member/snap/db (etcd's bbolt file; NoFreelistSync)
#   expected.txt       the live keys afterwards, sorted: "<key> <value> <lease-id-hex or 0>"
#   revisions.txt      number of revisions written (= keys in the "key" bucket)
#   lease_id.txt       the lease id, 16 lowercase hex digits (its key in the "lease" bucket)
#   etcdctl_get.json   `etcdctl get "" --prefix -w json` (create/mod revisions, versions)
#   etcd.log           etcd's log
#
# Waits are bounded (~20 s to start, ~10 s to stop); etcd is killed on every
# exit path; only 127.0.0.1 is used.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1
etcd_bin=${ETCD_BIN:-/usr/bin/etcd}
etcdctl_bin=${ETCDCTL_BIN:-/usr/bin/etcdctl}
mkdir -p "$outdir"

work=$(mktemp -d "${TMPDIR:-/tmp}/etcd_fixture.XXXXXX")
etcd_pid=""

stop_etcd() {
  [[ -n $etcd_pid ]] || return 0
  if kill -0 "$etcd_pid" 2>/dev/null; then
    kill -TERM "$etcd_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$etcd_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$etcd_pid" 2>/dev/null; then
      echo "etcd did not stop within 10 s; killing it" >&2
      kill -KILL "$etcd_pid" 2>/dev/null || true
    fi
  fi
  wait "$etcd_pid" 2>/dev/null || true
  etcd_pid=""
}
cleanup() {
  stop_etcd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A port in [20000, 60000) that nothing listens on now (etcd may still lose a
# race for it; start_etcd retries with new ports).
pick_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

ctl() {
  ETCDCTL_API=3 "$etcdctl_bin" --endpoints="http://127.0.0.1:$client_port" \
    --dial-timeout=2s --command-timeout=5s "$@"
}

# Starts etcd and waits until it serves; returns 1 if it died or never came up.
start_etcd() {
  client_port=$(pick_port)
  peer_port=$(pick_port)
  [[ $client_port != "$peer_port" ]] || return 1
  rm -rf "$work/data"
  "$etcd_bin" --name fixture --data-dir "$work/data" \
    --listen-client-urls "http://127.0.0.1:$client_port" \
    --advertise-client-urls "http://127.0.0.1:$client_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "fixture=http://127.0.0.1:$peer_port" \
    --initial-cluster-state new --initial-cluster-token cairn-fixture \
    --logger zap --log-outputs "$work/etcd.log" >"$work/etcd.stdout" 2>&1 &
  etcd_pid=$!
  local deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$etcd_pid" 2>/dev/null; then
      wait "$etcd_pid" 2>/dev/null || true
      etcd_pid=""
      return 1
    fi
    if ctl endpoint health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "etcd did not become healthy within 20 s" >&2
  stop_etcd
  return 1
}

started=0
for attempt in 1 2 3; do
  if start_etcd; then
    started=1
    break
  fi
  echo "etcd start attempt $attempt failed; log tail:" >&2
  tail -5 "$work/etcd.log" "$work/etcd.stdout" >&2 2>/dev/null || true
done
((started)) || { echo "could not start etcd" >&2; exit 1; }

# The known history. Each put and each delete is one revision.
ctl put foo bar >/dev/null
ctl put foo baz >/dev/null # overwrite
ctl put alpha 1 >/dev/null
ctl put beta 2 >/dev/null
ctl put gamma 3 >/dev/null
ctl del beta >/dev/null
lease_id=$(ctl lease grant 3600 | awk '/^lease / { print $2 }')
[[ $lease_id =~ ^[0-9a-f]+$ ]] || { echo "bad lease id '$lease_id'" >&2; exit 1; }
ctl put leased v --lease="$lease_id" >/dev/null
ctl put /registry/pods/default/p1 '{"kind":"Pod"}' >/dev/null
revisions=8
ctl get "" --prefix -w json >"$outdir/etcdctl_get.json"

stop_etcd
[[ -f $work/data/member/snap/db ]] || { echo "no member/snap/db after shutdown" >&2; exit 1; }
cp "$work/data/member/snap/db" "$outdir/db"
cp "$work/etcd.log" "$outdir/etcd.log" 2>/dev/null || true
lease_hex=$(printf '%016x' "0x$lease_id")
echo "$lease_hex" >"$outdir/lease_id.txt"
echo "$revisions" >"$outdir/revisions.txt"
LC_ALL=C sort >"$outdir/expected.txt" <<EXPECTED
/registry/pods/default/p1 {"kind":"Pod"} 0
alpha 1 0
foo baz 0
gamma 3 0
leased v $lease_hex
EXPECTED
echo "wrote $outdir/db ($(stat -c %s "$outdir/db") bytes), lease $lease_hex"
