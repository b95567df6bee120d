"""`cairn certs kubeadm` output used by real servers with mutual TLS:

1. Debian's real etcd 3.4, 3 members, mutual TLS on clients AND peers, each member with its own
   node's certificates (node m1 makes the CA; m2 and m3 get a copy of etcd/ca.{crt,key} and make
   their own leaves, as kubeadm's second control-plane node does; m1 RSA-2048, m2 ECDSA-P256, m3
   ECDSA-P384). Debian's etcdctl reaches it with
   the healthcheck-client and apiserver-etcd-client certificates; without a client certificate it
   is refused.
2. A 3-member Cairn cluster with PEER mutual TLS from the same files: it elects a leader and
   replicates; a peer connection without a client certificate is refused, one with the node's
   peer certificate is accepted (as on the real etcd's peer port).
3. Cairn with CLIENT mutual TLS (etcdctl with the kubeadm client certificates).
Usage: certs_tls_test.py CAIRN_BINARY
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import certs_lib as cl
import e2e_lib


F = e2e_lib.Failures()
NODES = ("m1", "m2", "m3")
# Each node's leaves use another of kubeadm's key algorithms (the CA is m1's RSA-2048), so both
# TLS stacks meet RSA and ECDSA peers and clients.
KEY_ALGORITHMS = {"m1": "RSA-2048", "m2": "ECDSA-P256", "m3": "ECDSA-P384"}


def make_pki(cairn, work):
    """{node: pki dir}: m1 creates the CA, m2/m3 reuse a copy of it (KEY_ALGORITHMS per node)."""
    pkis = {}
    for i, node in enumerate(NODES):
        pki = os.path.join(work, "pki-" + node)
        if i > 0:
            os.makedirs(os.path.join(pki, "etcd"))
            for f in ("ca.crt", "ca.key"):
                shutil.copy2(os.path.join(pkis["m1"], "etcd", f), os.path.join(pki, "etcd", f))
        rc, out, err = cl.run([cairn, "certs", "kubeadm", "--pki-dir", pki, "--node-name", node,
                               "--advertise-address", "127.0.0.1", "--key-algorithm", KEY_ALGORITHMS[node]])
        if rc != 0:
            raise AssertionError("cairn certs kubeadm for %s: %s" % (node, err.decode()))
        pkis[node] = pki
    return pkis


def tls_flags(pki, client_tls):
    e = os.path.join(pki, "etcd")
    flags = ["--peer-cert-file", os.path.join(e, "peer.crt"), "--peer-key-file", os.path.join(e, "peer.key"),
             "--peer-trusted-ca-file", os.path.join(e, "ca.crt"), "--peer-client-cert-auth"]
    if client_tls:
        flags += ["--cert-file", os.path.join(e, "server.crt"), "--key-file", os.path.join(e, "server.key"),
                  "--trusted-ca-file", os.path.join(e, "ca.crt"), "--client-cert-auth"]
    return flags


class Member:
    def __init__(self, name, work):
        self.name = name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.client_port, self.peer_port, self.metrics_port = (e2e_lib.free_port() for _ in range(3))
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    def log(self):
        with open(self.log_path, "rb") as fh:
            return fh.read().decode(errors="replace")[-3000:]


def healthy(metrics_port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % metrics_port, timeout=2) as r:
            return r.status == 200 and '"health":"true"' in r.read().decode().replace(" ", "")
    except (OSError, ValueError):
        return False


def start_cluster(binary, work, pkis, client_tls, tag):
    members = [Member("%s-%s" % (tag, n), work) for n in NODES]
    scheme = "https" if client_tls else "http"
    ic = ",".join("%s=https://127.0.0.1:%d" % (m.name, m.peer_port) for m in members)
    for m, node in zip(members, NODES):
        client_url = "%s://127.0.0.1:%d" % (scheme, m.client_port)
        args = [binary, "--name", m.name, "--data-dir", os.path.join(m.dir, "data"),
                "--listen-client-urls", client_url, "--advertise-client-urls", client_url,
                "--listen-peer-urls", "https://127.0.0.1:%d" % m.peer_port,
                "--initial-advertise-peer-urls", "https://127.0.0.1:%d" % m.peer_port,
                "--initial-cluster", ic, "--initial-cluster-state", "new",
                "--initial-cluster-token", "certs-" + tag,
                "--listen-metrics-urls", "http://127.0.0.1:%d" % m.metrics_port,
                "--heartbeat-interval", "50", "--election-timeout", "1000"] + tls_flags(pkis[node], client_tls)
        log = open(m.log_path, "ab")
        m.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=m.dir)
        log.close()
        e2e_lib._started.append(m.proc)
    deadline = time.time() + 60
    pending = list(members)
    while pending and time.time() < deadline:
        for m in list(pending):
            if m.proc.poll() is not None:
                raise AssertionError("%s exited %d:\n%s" % (m.name, m.proc.returncode, m.log()))
            if healthy(m.metrics_port):
                pending.remove(m)
        time.sleep(0.1)
    if pending:
        raise AssertionError("not healthy within 60s: %s\n%s" % ([m.name for m in pending], pending[0].log()))
    return members


def stop(members):
    for m in members:
        if m.proc and m.proc.poll() is None:
            m.proc.terminate()
            try:
                m.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                m.proc.kill()
                m.proc.wait(timeout=10)


def etcdctl(endpoints, pki, cert_base, *args):
    """Debian's etcdctl with the kubeadm CA and the client certificate `cert_base` (None: none)."""
    cmd = [e2e_lib.ETCDCTL, "--endpoints=" + ",".join(endpoints), "--dial-timeout=5s", "--command-timeout=15s"]
    if pki is not None:
        cmd += ["--cacert", os.path.join(pki, "etcd/ca.crt")]
    if cert_base is not None:
        cmd += ["--cert", os.path.join(pki, cert_base + ".crt"), "--key", os.path.join(pki, cert_base + ".key")]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60,
                       env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"})
    return p.returncode, p.stdout, p.stderr


def peer_handshake(port, pki, with_cert, http2):
    """Connects to a peer port with TLS trusting the kubeadm CA, presenting the node's peer
    certificate or none, and sends a first request (`http2`: Cairn's gRPC peers get the HTTP/2
    preface; etcd's rafthttp peers GET /version over HTTP/1.1). True when the server answers."""
    ctx = ssl.create_default_context(cafile=os.path.join(pki, "etcd/ca.crt"))
    ctx.check_hostname = False
    ctx.set_alpn_protocols(["h2"] if http2 else ["http/1.1"])
    if with_cert:
        ctx.load_cert_chain(os.path.join(pki, "etcd/peer.crt"), os.path.join(pki, "etcd/peer.key"))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw) as s:
                # TLS 1.3: a refused client certificate arrives as an alert on the first read.
                if http2:  # the HTTP/2 preface and an empty SETTINGS frame
                    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
                else:
                    s.sendall(b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                s.settimeout(5)
                data = s.recv(9)
                return len(data) > 0
    except (ssl.SSLError, ConnectionError, socket.timeout, OSError):
        return False


def check_peer_port(label, port, pki, http2):
    F.expect("%s: peer port accepts another node's peer certificate" % label,
             peer_handshake(port, pki, with_cert=True, http2=http2))
    F.expect("%s: peer port refuses a peer without a certificate" % label,
             not peer_handshake(port, pki, with_cert=False, http2=http2))


def client_checks(label, endpoints, pki):
    rc, out, err = etcdctl(endpoints, pki, "etcd/healthcheck-client", "endpoint", "health")
    F.expect("%s: etcdctl endpoint health with healthcheck-client" % label,
             rc == 0 and (out + err).count("is healthy") == len(endpoints), out + err)
    rc, out, err = etcdctl(endpoints[:1], pki, "apiserver-etcd-client", "put", "/registry/certs", "ok")
    F.expect("%s: put with apiserver-etcd-client" % label, rc == 0 and "OK" in out, out + err)
    rc, out, err = etcdctl(endpoints[-1:], pki, "apiserver-etcd-client", "get", "/registry/certs", "--print-value-only")
    F.expect_eq("%s: get from another member with apiserver-etcd-client" % label, (rc, out.strip()), (0, "ok"))
    rc, out, err = etcdctl(endpoints[:1], pki, None, "get", "/registry/certs")
    F.expect("%s: etcdctl without a client certificate is refused" % label, rc != 0, out + err)


def main():
    cairn_faces = cl.faces(sys.argv[1])
    cairn_etcd = os.path.join(os.path.dirname(cairn_faces["cairn"]), "etcd")
    os.symlink(os.path.abspath(sys.argv[1]), cairn_etcd)
    work = tempfile.mkdtemp(prefix="certs_tls_")
    pkis = make_pki(cairn_faces["cairn"], work)
    for node in NODES[1:]:
        ok, detail = cl.openssl_verify(os.path.join(pkis["m1"], "etcd/ca.crt"), os.path.join(pkis[node], "etcd/peer.crt"))
        F.expect("%s's peer certificate verifies with m1's CA" % node, ok, detail)

    # 1. Real etcd, mutual TLS on clients and peers.
    members = []
    try:
        members = start_cluster(e2e_lib.REAL_ETCD, work, pkis, client_tls=True, tag="etcd")
        endpoints = ["https://127.0.0.1:%d" % m.client_port for m in members]
        client_checks("real etcd", endpoints, pkis["m1"])
        rc, out, err = etcdctl(endpoints[:1], pkis["m1"], "etcd/healthcheck-client", "member", "list")
        F.expect("real etcd: 3 members with https peer URLs", rc == 0 and out.count("https://127.0.0.1:") >= 3, out + err)
        check_peer_port("real etcd", members[0].peer_port, pkis["m2"], http2=False)
    except AssertionError as e:
        F.items.append("real etcd: %s" % e)
    finally:
        stop(members)

    # 2. Cairn, mutual TLS on peers (clients over http until client TLS lands).
    members = []
    try:
        members = start_cluster(cairn_etcd, work, pkis, client_tls=False, tag="cairn")
        endpoints = ["http://127.0.0.1:%d" % m.client_port for m in members]
        rc, out, err = etcdctl(endpoints[:1], None, None, "put", "/peer-mtls", "replicated")
        F.expect("cairn: put", rc == 0 and "OK" in out, out + err)
        rc, out, err = etcdctl(endpoints[-1:], None, None, "get", "/peer-mtls", "--print-value-only")
        F.expect_eq("cairn: replicated over peer mTLS to another member", (rc, out.strip()), (0, "replicated"))
        rc, out, err = etcdctl(endpoints[:1], None, None, "member", "list")
        F.expect("cairn: 3 members with https peer URLs", rc == 0 and out.count("https://127.0.0.1:") >= 3, out + err)
        check_peer_port("cairn", members[0].peer_port, pkis["m2"], http2=True)
    except AssertionError as e:
        F.items.append("cairn peer mTLS: %s" % e)
    finally:
        stop(members)

    # 3. Cairn, mutual TLS on clients too.
    members = []
    try:
        members = start_cluster(cairn_etcd, work, pkis, client_tls=True, tag="cairn-tls")
        client_checks("cairn", ["https://127.0.0.1:%d" % m.client_port for m in members], pkis["m1"])
    except AssertionError as e:
        F.items.append("cairn client mTLS: %s" % e)
    finally:
        stop(members)
    shutil.rmtree(work, ignore_errors=True)
    F.finish()


if __name__ == "__main__":
    main()
