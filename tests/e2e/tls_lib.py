"""TLS helpers for the e2e tests: a test PKI made by the real openssl CLI
(server/tls/testdata/make_certs.sh) and servers (Cairn or the real etcd) on https client URLs."""
import os
import ssl
import subprocess
import tempfile
import urllib.request

import e2e_lib

HERE = os.path.dirname(os.path.abspath(__file__))


def make_pki(make_certs):
    d = tempfile.mkdtemp(prefix="pki_")
    subprocess.run(["sh", make_certs, d], check=True, capture_output=True, timeout=60)
    return d


class TlsServer(e2e_lib.Server):
    """A server whose client URL is https://127.0.0.1:port; `tls_flags` are the TLS flags.
    `probe` is the curl argument list that proves health (--cacert/--cert/--key, or -k)."""

    def __init__(self, binary, tls_flags, probe, extra_flags=()):
        super().__init__(binary, extra_flags=list(tls_flags) + list(extra_flags))
        self.probe = probe

    @property
    def endpoint(self):
        return "https://127.0.0.1:%d" % self.client_port

    def start(self, timeout_s=20):
        """e2e_lib.Server.start, its /health probe made over TLS with the probe's certificates."""
        ctx = ssl.create_default_context()
        if "-k" in self.probe:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        opts = dict(zip(self.probe[::2], self.probe[1::2]))
        if "--cacert" in opts:
            ctx.load_verify_locations(opts["--cacert"])
        if "--cert" in opts:
            ctx.load_cert_chain(opts["--cert"], opts["--key"])
        urllib.request.install_opener(urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx)))
        try:
            return super().start(timeout_s)
        finally:
            urllib.request.install_opener(None)

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
