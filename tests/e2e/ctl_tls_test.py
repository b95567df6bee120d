"""Cairn's etcdctl over TLS and mutual TLS, next to Debian's etcdctl, against a real etcd
(/usr/bin/etcd) serving https with --client-cert-auth (certificates made by openssl). Cairn's
server gets the same cases once its client TLS lands (the client side is what is tested here).

Cases: https with --cacert/--cert/--key; a bare host:port with TLS files (TLS because a TLS
configuration exists); --insecure-skip-tls-verify without --cacert; and refusals: a wrong CA, no
client certificate, an http:// URL to the https port (TLS dropped), --insecure-transport=false
without files on https (system roots cannot verify the test CA). Outputs and exit codes must
equal Debian's etcdctl's; on refusals the last stderr line too.

usage: ctl_tls_test.py <path to //:cairn>
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

F = e2e_lib.Failures()

CERTS = r"""set -e
cd "$1"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ctl-test-ca -keyout ca-key.pem -out ca.pem
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other-key.pem -out other.pem
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' > server.ext
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server.pem
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl req -newkey rsa:2048 -nodes -subj /CN=root -keyout client-key.pem -out client.csr
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out client.pem
"""


def run(ctl, args):
    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    p = subprocess.run([ctl, "--dial-timeout=2s", "--command-timeout=3s"] + args, capture_output=True, text=True,
                       env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    d = tempfile.mkdtemp(prefix="ctl_tls_")
    subprocess.run(["sh", "-c", CERTS, "sh", d], check=True, capture_output=True)
    link_dir = tempfile.mkdtemp(prefix="cairn_ctl_")
    ctl = os.path.join(link_dir, "etcdctl")
    os.symlink(os.path.abspath(sys.argv[1]), ctl)

    port, peer = e2e_lib.free_port(), e2e_lib.free_port()
    url = "https://127.0.0.1:%d" % port
    p = lambda n: os.path.join(d, n)  # noqa: E731
    srv = subprocess.Popen([e2e_lib.REAL_ETCD, "--data-dir", p("data"), "--listen-client-urls", url,
                            "--advertise-client-urls", url, "--listen-peer-urls", "http://127.0.0.1:%d" % peer,
                            "--cert-file", p("server.pem"), "--key-file", p("server-key.pem"),
                            "--trusted-ca-file", p("ca.pem"), "--client-cert-auth"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=d)
    e2e_lib._started.append(srv)
    mtls = ["--cacert", p("ca.pem"), "--cert", p("client.pem"), "--key", p("client-key.pem")]
    ok = False
    for _ in range(100):
        if run(e2e_lib.ETCDCTL, ["--endpoints=" + url] + mtls + ["put", "tls", "yes"])[0] == 0:
            ok = True
            break
    F.expect("real etcd serves https", ok)

    good = [
        ("https mTLS get", ["--endpoints=" + url] + mtls + ["get", "tls"]),
        ("https mTLS put", ["--endpoints=" + url] + mtls + ["put", "tls2", "v"]),
        ("https mTLS member list", ["--endpoints=" + url] + mtls + ["member", "list"]),
        ("bare host:port with TLS files", ["--endpoints=127.0.0.1:%d" % port] + mtls + ["get", "tls"]),
        ("skip verify without cacert", ["--endpoints=" + url, "--insecure-skip-tls-verify",
                                        "--cert", p("client.pem"), "--key", p("client-key.pem"), "get", "tls"]),
    ]
    for name, args in good:
        got, want = run(ctl, args), run(e2e_lib.ETCDCTL, args)
        F.expect_eq(name, got, want)
        F.expect_eq(name + " succeeds", got[0], 0)
    bad = [
        ("wrong CA", ["--endpoints=" + url, "--cacert", p("other.pem"), "--cert", p("client.pem"),
                      "--key", p("client-key.pem"), "get", "tls"]),
        ("no client certificate", ["--endpoints=" + url, "--cacert", p("ca.pem"), "get", "tls"]),
        ("http:// drops TLS", ["--endpoints=http://127.0.0.1:%d" % port] + mtls + ["get", "tls"]),
        ("secure transport, system roots", ["--endpoints=" + url, "--insecure-transport=false", "get", "tls"]),
    ]
    for name, args in bad:
        got, want = run(ctl, args), run(e2e_lib.ETCDCTL, args)
        F.expect_eq(name + ": exit code", got[0], want[0])
        F.expect_eq(name + ": stdout", got[1], want[1])
        F.expect_eq(name + ": last stderr line", got[2].strip().splitlines()[-1:], ["Error: context deadline exceeded"])
    srv.kill()
    srv.wait(timeout=10)
    F.finish()


if __name__ == "__main__":
    main()
