"""Start-up on an existing data dir (DESIGN.md §7): a graceful restart (SIGTERM, exit 0) keeps
every key and revision; a WAL damaged in the middle is refused with a message that names the
segment file, and the server exits non-zero instead of serving.

usage: restart_test.py <path to cairn binary>
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def main():
    f = e2e_lib.Failures()
    binary = e2e_lib.cairn_binary()
    s = e2e_lib.Server(binary).start()
    for i in range(30):
        s.ctl("put", "k%02d" % i, "v%d" % i)
    _, before, _ = s.ctl("get", "--prefix", "k", "-w", "json")

    # A second server on the same data dir is refused while the first runs.
    other = "http://127.0.0.1:%d" % e2e_lib.free_port()
    other_peer = "http://127.0.0.1:%d" % e2e_lib.free_port()
    p = subprocess.run([binary, "--data-dir", os.path.join(s.dir, "data"), "--listen-client-urls", other,
                        "--advertise-client-urls", other, "--listen-peer-urls", other_peer],
                       capture_output=True, text=True, timeout=30, cwd=s.dir)
    f.expect("second server on the data dir: non-zero exit", p.returncode != 0, p.returncode)
    f.expect("second server on the data dir: says why", "is locked by another process" in p.stderr,
             p.stderr[-1500:])

    # A server whose client or peer address is taken exits at once with Go's bind error, as etcd,
    # before it creates its data dir.
    for what, flags in [("client", ["--listen-client-urls", s.endpoint, "--advertise-client-urls", s.endpoint,
                                    "--listen-peer-urls", other_peer]),
                        ("peer", ["--listen-client-urls", other, "--advertise-client-urls", other,
                                  "--listen-peer-urls", "http://127.0.0.1:%d" % s.peer_port])]:
        fresh = os.path.join(s.dir, "fresh-" + what)
        p = subprocess.run([binary, "--data-dir", fresh] + flags, capture_output=True, text=True, timeout=30,
                           cwd=s.dir)
        f.expect_eq("%s address taken: exit code" % what, p.returncode, 1)
        f.expect("%s address taken: Go's bind error" % what, "bind: address already in use" in p.stderr,
                 p.stderr[-1500:])
        f.expect("%s address taken: no data dir created" % what, not os.path.exists(fresh), fresh)
    _, still, _ = s.ctl("get", "--prefix", "k", "-w", "json")
    f.expect_eq("first server unaffected", e2e_lib.load_json(still)["kvs"], e2e_lib.load_json(before)["kvs"])

    f.expect_eq("SIGTERM exit code", s.stop(), 0)
    f.expect("graceful stop is logged", "stopped etcd server" in s.log(), s.log()[-500:])

    s.start()
    _, after, _ = s.ctl("get", "--prefix", "k", "-w", "json")
    b, a = e2e_lib.load_json(before), e2e_lib.load_json(after)
    f.expect_eq("keys after graceful restart", a["kvs"], b["kvs"])
    f.expect_eq("revision after graceful restart", a["header"]["revision"], b["header"]["revision"])
    f.expect("term advanced", a["header"]["raft_term"] > b["header"]["raft_term"], (a["header"], b["header"]))
    s.stop()

    # Damage one byte early in the first segment (inside an acknowledged group, with later groups).
    segments = sorted(glob.glob(os.path.join(s.dir, "data", "member", "wal", "*.wal")))
    f.expect("a WAL segment exists", len(segments) >= 1, segments)
    if segments:
        with open(segments[0], "r+b") as seg:
            seg.seek(48 + 20)
            byte = seg.read(1)
            seg.seek(48 + 20)
            seg.write(bytes([byte[0] ^ 0xFF]))
        args = [binary, "--data-dir", os.path.join(s.dir, "data"), "--listen-client-urls", s.endpoint,
                "--advertise-client-urls", s.endpoint]
        p = subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=s.dir)
        f.expect("corrupt WAL: non-zero exit", p.returncode != 0, p.returncode)
        f.expect("corrupt WAL: the message names the segment", os.path.basename(segments[0]) in p.stderr,
                 p.stderr[-1500:])
        f.expect("corrupt WAL: never ready", "ready to serve client requests" not in p.stderr, p.stderr[-1500:])

    f.finish()


if __name__ == "__main__":
    main()
