"""A 3-member cluster with mutual TLS on clients and peers (certificates by openssl), Cairn and the
real etcd 3.4 in turn: all members healthy over mutual TLS, a write, one member killed with -9,
writes go on with two, the member restarts on its data dir and catches up; what Debian's etcdctl
sees is compared between the two implementations."""
import os
import subprocess
import sys
import time

import e2e_lib
import tls_lib

cairn = e2e_lib.cairn_binary()
pki = tls_lib.make_pki(sys.argv[2])
f = e2e_lib.Failures()
P = lambda n: os.path.join(pki, n)  # noqa: E731
CLIENT = ["--cacert", P("ca.pem"), "--cert", P("client.pem"), "--key", P("client-key.pem")]
TLS = ["--cert-file", P("server.pem"), "--key-file", P("server-key.pem"), "--trusted-ca-file", P("ca.pem"),
       "--client-cert-auth",
       "--peer-cert-file", P("server.pem"), "--peer-key-file", P("server-key.pem"),
       "--peer-trusted-ca-file", P("ca.pem"), "--peer-client-cert-auth"]


class Member:
    def __init__(self, binary, base, name, flags=None):
        self.binary, self.name = binary, name
        self.flags = TLS if flags is None else flags
        self.dir = os.path.join(base, name)
        os.makedirs(self.dir)
        self.client = "https://127.0.0.1:%d" % e2e_lib.free_port()
        self.peer = "https://127.0.0.1:%d" % e2e_lib.free_port()
        self.proc = None

    def start(self, cluster):
        args = [self.binary, "--name", self.name, "--data-dir", os.path.join(self.dir, "data"),
                "--listen-client-urls", self.client, "--advertise-client-urls", self.client,
                "--listen-peer-urls", self.peer, "--initial-advertise-peer-urls", self.peer,
                "--initial-cluster", cluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "tls-cluster", "--heartbeat-interval", "50",
                "--election-timeout", "500"] + self.flags
        self.proc = subprocess.Popen(args, stdout=open(os.path.join(self.dir, "log"), "ab"),
                                     stderr=subprocess.STDOUT, cwd=self.dir)
        e2e_lib._started.append(self.proc)

    def log(self):
        with open(os.path.join(self.dir, "log"), errors="replace") as fh:
            return fh.read()[-3000:]


def ctl(endpoints, *args, timeout_s=30):
    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    p = subprocess.run([e2e_lib.ETCDCTL, "--endpoints=" + ",".join(endpoints), "--dial-timeout=3s",
                        "--command-timeout=10s"] + CLIENT + list(args),
                       capture_output=True, text=True, env=env, timeout=timeout_s)
    return p.returncode, p.stdout, p.stderr


def kill_members(ms):
    for m in ms:
        if m.proc and m.proc.poll() is None:
            m.proc.kill()
            m.proc.wait()


def wait_healthy(members, timeout_s=40):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        ok = all(ctl([m.client], "endpoint", "health")[0] == 0 for m in members)
        if ok:
            return True
        for m in members:
            if m.proc.poll() is not None:
                raise RuntimeError("%s exited:\n%s" % (m.name, m.log()))
        time.sleep(0.2)
    raise RuntimeError("not healthy:\n" + "\n".join(m.log() for m in members))


def scenario(binary):
    import tempfile
    base = tempfile.mkdtemp(prefix="tls_cluster_")
    ms = [Member(binary, base, "m%d" % i) for i in range(1, 4)]
    cluster = ",".join("%s=%s" % (m.name, m.peer) for m in ms)
    out = {}
    try:
        for m in ms:
            m.start(cluster)
        wait_healthy(ms)
        out["put1"] = ctl([m.client for m in ms], "put", "k1", "v1")[:2]
        victim = ms[2]
        victim.proc.kill()
        victim.proc.wait()
        for _ in range(10):  # etcd may answer "leader changed" while the two elect a new leader
            r = ctl([m.client for m in ms[:2]], "put", "k2", "v2")
            if r[0] == 0:
                break
            print(binary, "put2 retried:", r[2].strip()[-200:])
            time.sleep(0.5)
        out["put2 (2 of 3)"] = r[:2]
        out["get (2 of 3)"] = ctl([ms[0].client], "get", "--prefix", "k")[1].split()
        victim.start(cluster)
        wait_healthy([victim])
        deadline = time.time() + 20
        got = None
        while time.time() < deadline:
            got = ctl([victim.client], "get", "--prefix", "k", "--consistency=s")[1].split()
            if got == ["k1", "v1", "k2", "v2"]:
                break
            time.sleep(0.2)
        out["restarted member (serializable)"] = got
        out["members"] = sorted(l.split(", ")[2] for l in ctl([ms[0].client], "member", "list")[1].splitlines())
        code, _, _ = ctl([ms[0].client], "get", "k1", "--cert", P("other.pem"), "--key", P("other-key.pem"))
        out["client cert from another CA refused"] = code != 0
    finally:
        kill_members(ms)
    return out


def auto_tls_scenario(binary):
    """--auto-tls and --peer-auto-tls: self-signed certificates on both sides, nothing verified."""
    import tempfile
    base = tempfile.mkdtemp(prefix="tls_cluster_auto_")
    ms = [Member(binary, base, "a%d" % i, flags=["--auto-tls", "--peer-auto-tls"]) for i in range(1, 4)]
    cluster = ",".join("%s=%s" % (m.name, m.peer) for m in ms)
    insecure = ["--insecure-transport=false", "--insecure-skip-tls-verify"]
    out = {}
    try:
        for m in ms:
            m.start(cluster)
        deadline = time.time() + 40
        while time.time() < deadline:
            if all(ctl([m.client], *(insecure + ["endpoint", "health"]))[0] == 0 for m in ms):
                break
            time.sleep(0.2)
        out["put"] = ctl([ms[0].client], *(insecure + ["put", "a", "1"]))[:2]
        out["get from another member"] = ctl([ms[2].client], *(insecure + ["get", "a"]))[1].split()
        out["peer certs"] = all(os.path.exists(os.path.join(m.dir, "data", "fixtures", "peer", "cert.pem"))
                                for m in ms)
    finally:
        kill_members(ms)
    return out


got = {impl: scenario(b) for impl, b in (("cairn", cairn), ("etcd", e2e_lib.REAL_ETCD))}
auto = {impl: auto_tls_scenario(b) for impl, b in (("cairn", cairn), ("etcd", e2e_lib.REAL_ETCD))}
print(auto)
f.expect_eq("peer auto-TLS (cairn vs etcd)", auto["cairn"], auto["etcd"])
f.expect_eq("peer auto-TLS: cairn", auto["cairn"], {"put": (0, "OK\n"), "get from another member": ["a", "1"],
                                                    "peer certs": True})
print(got)
for k, v in got["etcd"].items():
    f.expect_eq("%s (cairn vs etcd)" % k, got["cairn"].get(k), v)
f.expect_eq("cairn: restarted member caught up", got["cairn"]["restarted member (serializable)"],
            ["k1", "v1", "k2", "v2"])
f.finish()
