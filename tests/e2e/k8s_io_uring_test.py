"""The WAL's fallback under a container runtime's default seccomp profile (issue 14): the server
started with io_uring refused (tests/e2e/no_io_uring: a seccomp filter answering EPERM to
io_uring_setup/enter/register, as containerd's RuntimeDefault profile does) says so in one log
line, writes through pwrite+fdatasync, and its acknowledged writes survive kill -9. The same
server without the filter uses io_uring, so the filter is what makes the difference.

Args: cairn binary, no_io_uring wrapper.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()


def wal_lines(server):
    return [l for l in server.log().splitlines() if "WAL " in l and ("io_uring" in l or "pwrite" in l)]


def filtered_etcd(link, wrapper):
    """An executable `etcd` that runs `wrapper link ARGS...` (cairn sees argv[0] = the etcd link)."""
    d = tempfile.mkdtemp(prefix="no_io_uring_")
    path = os.path.join(d, "etcd")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec '%s' '%s' \"$@\"\n" % (wrapper, link))
    os.chmod(path, 0o755)
    return path


def main():
    link = e2e_lib.cairn_binary()
    wrapper = os.path.abspath(sys.argv[2])

    control = e2e_lib.Server(link).start()
    lines = wal_lines(control)
    F.expect("unfiltered server uses io_uring", any("using io_uring" in l for l in lines), "\n".join(lines))
    control.stop()

    s = e2e_lib.Server(filtered_etcd(link, wrapper)).start()
    lines = wal_lines(s)
    F.expect("one line says io_uring is unavailable and the WAL falls back",
             sum("io_uring unavailable" in l and "falling back" in l for l in lines) == 1, "\n".join(lines))
    F.expect("the WAL writes with pwrite+fdatasync", any("using pwrite+fdatasync" in l for l in lines),
             "\n".join(lines))
    for i in range(50):
        s.ctl("put", "k%02d" % i, "v%d" % i)
    s.kill9()
    s.start()
    _, out, _ = s.ctl("get", "--prefix", "k", "--keys-only")
    F.expect_eq("50 acknowledged writes survive kill -9", len([l for l in out.splitlines() if l]), 50)
    _, out, _ = s.ctl("get", "k49", "--print-value-only")
    F.expect_eq("value after restart", out.strip(), "v49")
    s.stop()
    F.finish()


if __name__ == "__main__":
    main()
