"""Black-box harness: start `cairn` (as `etcd`) or the real Debian etcd on free loopback ports in
a temporary directory, with bounded waits, and always kill what was started.

Every wait is bounded; every started process is killed at exit (atexit + try/finally), by its
own pid only.
"""
import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ETCDCTL = "/usr/bin/etcdctl"
REAL_ETCD = "/usr/bin/etcd"
_started = []


def _kill_all():
    for p in _started:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


atexit.register(_kill_all)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cairn_binary():
    """The //:cairn binary from the test's runfiles, exposed under the name `etcd`."""
    src = os.path.abspath(sys.argv[1])
    d = tempfile.mkdtemp(prefix="cairn_bin_")
    link = os.path.join(d, "etcd")
    os.symlink(src, link)
    return link


class Server:
    """One server process. `binary` is the cairn `etcd` link or REAL_ETCD."""

    def __init__(self, binary, data_dir=None, extra_flags=()):
        self.binary = binary
        self.dir = data_dir or tempfile.mkdtemp(prefix="e2e_")
        self.client_port = free_port()
        self.metrics_port = free_port()
        self.peer_port = free_port()
        self.extra = list(extra_flags)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.client_port

    def start(self, timeout_s=20):
        url = self.endpoint
        args = [self.binary, "--data-dir", os.path.join(self.dir, "data"),
                "--listen-client-urls", url, "--advertise-client-urls", url,
                "--listen-peer-urls", "http://127.0.0.1:%d" % self.peer_port,
                "--listen-metrics-urls", "http://127.0.0.1:%d" % self.metrics_port] + self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        _started.append(self.proc)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %d:\n%s" % (self.proc.returncode, self.log()))
            try:
                with urllib.request.urlopen(url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except Exception:
                pass
            time.sleep(0.1)
        raise RuntimeError("server not healthy within %ds:\n%s" % (timeout_s, self.log()))

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self, timeout_s=15):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                raise RuntimeError("server did not stop on SIGTERM within %ds" % timeout_s)
        return self.proc.returncode if self.proc else None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def ctl(self, *args, stdin=None, timeout_s=20, check=True):
        """Runs etcdctl; returns (exit code, stdout, stderr)."""
        env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
        cmd = [ETCDCTL, "--endpoints=" + self.endpoint, "--dial-timeout=5s", "--command-timeout=15s"]
        p = subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, env=env,
                           timeout=timeout_s)
        if check and p.returncode != 0:
            raise AssertionError("etcdctl %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def http_get(self, path, port=None, timeout_s=5):
        port = port or self.client_port
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout_s) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


class Failures:
    def __init__(self):
        self.items = []

    def expect_eq(self, what, got, want):
        if got != want:
            self.items.append("%s:\n  got:  %r\n  want: %r" % (what, got, want))

    def expect(self, what, cond, detail=""):
        if not cond:
            self.items.append("%s %s" % (what, detail))

    def finish(self):
        if self.items:
            print("FAILED checks:\n" + "\n".join(self.items))
            sys.exit(1)
        print("all checks passed")


def load_json(text):
    return json.loads(text)


REPLAY_MSG = "replayed WAL entries above the backend's consistent index"


def replay_lines(server):
    """The server's start-up replay records (one per start), oldest first: dicts with
    consistent-index, replayed-entries, applied-index."""
    out = []
    for line in server.log().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and rec.get("msg") == REPLAY_MSG:
            out.append(rec)
    return out


def bbolt_check(oracle, db, timeout_s=60):
    """Real bbolt's Tx.Check over a db file not open for writing: (exit code, output tail)."""
    p = subprocess.run([oracle, "check", db], capture_output=True, text=True, timeout=timeout_s)
    return p.returncode, (p.stdout + p.stderr)[-1500:]
