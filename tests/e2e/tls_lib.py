"""TLS helpers for the e2e tests: a test PKI made by the real openssl CLI
(server/tls/testdata/make_certs.sh) and servers (Cairn or the real etcd) on https client URLs."""
import os
import subprocess
import tempfile
import time

import e2e_lib

HERE = os.path.dirname(os.path.abspath(__file__))


def make_pki(make_certs):
    d = tempfile.mkdtemp(prefix="pki_")
    subprocess.run(["sh", make_certs, d], check=True, capture_output=True, timeout=60)
    return d


class TlsServer(e2e_lib.Server):
    """A server whose client URL is https://127.0.0.1:port; `tls_flags` are the TLS flags.
    `probe` is the curl argument list that proves health (client certificate or -k)."""

    def __init__(self, binary, tls_flags, probe, extra_flags=()):
        super().__init__(binary, extra_flags=list(tls_flags) + list(extra_flags))
        self.probe = probe

    @property
    def endpoint(self):
        return "https://127.0.0.1:%d" % self.client_port

    def start(self, timeout_s=20):
        url = self.endpoint
        args = [self.binary, "--data-dir", os.path.join(self.dir, "data"),
                "--listen-client-urls", url, "--advertise-client-urls", url,
                "--listen-peer-urls", "http://127.0.0.1:%d" % self.peer_port,
                "--listen-metrics-urls", "http://127.0.0.1:%d" % self.metrics_port] + self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        e2e_lib._started.append(self.proc)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %d:\n%s" % (self.proc.returncode, self.log()))
            code, out, _ = curl(self.probe + [url + "/health"], timeout_s=2)
            if code == 0 and '"health":"true"' in out:
                return self
            time.sleep(0.1)
        raise RuntimeError("server not healthy within %ds:\n%s" % (timeout_s, self.log()))

    def tls_ctl(self, client_args, *args, timeout_s=20):
        env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
        cmd = [e2e_lib.ETCDCTL, "--endpoints=" + self.endpoint, "--dial-timeout=3s",
               "--command-timeout=5s"] + list(client_args)
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=env, timeout=timeout_s)
        return p.returncode, p.stdout, p.stderr


def curl(args, timeout_s=10):
    p = subprocess.run(["curl", "-sS", "--max-time", str(timeout_s)] + list(args), capture_output=True,
                       text=True, timeout=timeout_s + 5)
    return p.returncode, p.stdout, p.stderr


def s_client(port, args, timeout_s=10):
    """openssl s_client handshake only: (exit code, output)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief"] + list(args),
                       input="", capture_output=True, text=True, timeout=timeout_s)
    return p.returncode, p.stdout + p.stderr
