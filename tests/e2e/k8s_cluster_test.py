"""A 3-member cluster started from `cairn k8s external` output, plus an events store from
`cairn k8s events --unit-out`, the way systemd would start them:
  * each member on its own "host": a network namespace with its own address (10.77.0.N on a
    bridge), its own mount namespace binding its own certificates (kubeadm layout, from `cairn certs kubeadm`) and
    data dir onto the paths the generated files name;
  * the unit's ExecStart run as written, with the unit's EnvironmentFile as its environment and
    NOTIFY_SOCKET pointing at a datagram socket this test owns: a member counts as started when
    it sends READY=1 (Type=notify), as systemd counts it;
  * clients and peers use mutual TLS as generated;
  * writes go through; a member restarted (SIGTERM, start again) catches up with the writes made
    while it was down; a fourth member joins as kubeadm joins (learner, `cairn k8s stacked --join`
    static pod command, promote); the events store answers on its own port (4002) with its own data;
  * every metric k8s/alerts.yaml reads is in a member's /metrics.

The whole test runs in a private network and mount namespace (unshare), so the fixed ports
(2379-2381, 4002-4004) collide with nothing. Args: cairn binary, alerts.yaml.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import k8s_lib  # noqa: E402

k8s_lib.use_debian_python()
import yaml  # noqa: E402

import e2e_lib  # noqa: E402

F = e2e_lib.Failures()
HOSTS = [("h1", "10.77.0.1"), ("h2", "10.77.0.2"), ("h3", "10.77.0.3")]
JOINER = ("h4", "10.77.0.4")  # a stacked member joining the running cluster (kubeadm join)
_holders = []


def sh(*cmd, check=True, timeout_s=60):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout_s)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr))
    return p


def make_network():
    sh("ip", "link", "set", "lo", "up")
    sh("ip", "link", "add", "br0", "type", "bridge")
    sh("ip", "addr", "add", "10.77.0.254/24", "dev", "br0")
    sh("ip", "link", "set", "br0", "up")
    holders = {}
    for i, (name, ip) in enumerate(HOSTS + [JOINER]):
        holder = subprocess.Popen(["unshare", "--net", "sleep", "3600"])
        _holders.append(holder)
        k8s_lib.wait_for("netns of " + name, lambda: os.readlink("/proc/%d/ns/net" % holder.pid) !=
                         os.readlink("/proc/self/ns/net"), 10)
        veth, peer = "v%d" % i, "v%dp" % i
        sh("ip", "link", "add", veth, "type", "veth", "peer", "name", peer)
        sh("ip", "link", "set", peer, "netns", str(holder.pid))
        sh("ip", "link", "set", veth, "master", "br0")
        sh("ip", "link", "set", veth, "up")
        ns = ["nsenter", "-t", str(holder.pid), "-n"]
        sh(*ns, "ip", "link", "set", "lo", "up")
        sh(*ns, "ip", "addr", "add", ip + "/24", "dev", peer)
        sh(*ns, "ip", "link", "set", peer, "up")
        holders[name] = holder.pid
    return holders


def unit_field(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + "="):
                return line.rstrip("\n").split("=", 1)[1]
    raise AssertionError("%s: no %s=" % (path, key))


class Member:
    """One unit on one host: ExecStart with EnvironmentFile (or a static pod's command, with
    `command`), NOTIFY_SOCKET, the host's namespaces, and bind mounts of the host's own files
    onto the generated paths."""

    def __init__(self, name, holder_pid, unit, env_file, binds, notify_dir, log_dir, command=None, path=None):
        self.name = name
        self.holder = holder_pid
        if command is None:
            self.exec_start = unit_field(unit, "ExecStart")
            self.env = k8s_lib.read_env(env_file)
        else:
            self.exec_start = " ".join("'%s'" % a for a in command)
            self.env = {}
        self.path = path or "/usr/bin:/bin"
        self.binds = binds
        self.notify_path = os.path.join(notify_dir, name)
        self.log_path = os.path.join(log_dir, name + ".log")
        self.proc = None
        self.sock = None

    def start(self):
        if os.path.exists(self.notify_path):
            os.unlink(self.notify_path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.notify_path)
        env = dict(self.env, NOTIFY_SOCKET=self.notify_path, PATH=self.path)
        mounts = " && ".join("mount --bind '%s' '%s'" % (src, dst) for src, dst in self.binds)
        cmd = ["nsenter", "-t", str(self.holder), "-n", "--", "unshare", "--mount", "--", "/bin/sh", "-c",
               "%s && exec %s" % (mounts, self.exec_start)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        e2e_lib._started.append(self.proc)

    def wait_ready(self, timeout_s=90):
        """systemd's Type=notify: started when READY=1 arrives."""
        self.sock.settimeout(1)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("%s exited %d before READY=1:\n%s" % (self.name, self.proc.returncode,
                                                                          self.log()[-3000:]))
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            if "READY=1" in msg.split("\n"):
                self.sock.close()
                return
        raise AssertionError("%s: no READY=1 within %ds:\n%s" % (self.name, timeout_s, self.log()[-3000:]))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def ctl(endpoint, *args, check=True, pki=None):
    cmd = [e2e_lib.ETCDCTL, "--endpoints", endpoint, "--dial-timeout=5s", "--command-timeout=20s"]
    cmd += ["--cacert", pki + "/etcd/ca.crt", "--cert", pki + "/apiserver-etcd-client.crt",
            "--key", pki + "/apiserver-etcd-client.key"]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60,
                       env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"})
    if check and p.returncode != 0:
        raise AssertionError("etcdctl %s: %s" % (" ".join(args), p.stderr))
    return p


def count_keys(out):
    return len([l for l in out.splitlines() if l.strip()])


def inner(cairn, alerts):
    work = tempfile.mkdtemp(prefix="k8s_cluster_")
    notify_dir = tempfile.mkdtemp(prefix="cn-", dir="/tmp")  # sun_path is 108 bytes
    try:
        run_cluster(cairn, alerts, work, notify_dir)
    finally:
        shutil.rmtree(notify_dir, ignore_errors=True)
        for h in _holders:
            h.kill()
            h.wait(timeout=10)
    F.finish()


def run_cluster(cairn, alerts, work, notify_dir):
    holders = make_network()
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir)
    os.symlink(cairn, os.path.join(bindir, "etcd"))
    pki, data, events_data = os.path.join(work, "pki"), os.path.join(work, "data"), os.path.join(work, "events-data")
    for d in (pki, data, events_data):
        os.makedirs(d)
    out = os.path.join(work, "out")
    members_arg = ",".join("%s=%s" % h for h in HOSTS)
    k8s_lib.run_k8s(cairn, "external", "--members", members_arg, "--out", out, "--pki-dir", pki,
                    "--data-dir", data, "--etcd-binary", os.path.join(bindir, "etcd"))
    k8s_lib.run_k8s(cairn, "events", "--node-name", "h1", "--advertise-address", HOSTS[0][1],
                    "--unit-out", os.path.join(out, "h1-events"), "--pki-dir", pki, "--data-dir", events_data,
                    "--etcd-binary", os.path.join(bindir, "etcd"))

    # Each host's own files: certificates (one CA) and data dirs.
    host_files = {}
    first_pki = None
    for name, ip in HOSTS:
        hp = os.path.join(work, name, "pki")
        k8s_lib.make_kubeadm_pki(cairn, hp, [(name, ip)], ca_dir=first_pki)
        first_pki = first_pki or hp
        hd, he = os.path.join(work, name, "data"), os.path.join(work, name, "events-data")
        os.makedirs(hd)
        os.makedirs(he)
        host_files[name] = [(hp, pki), (hd, data), (he, events_data)]

    members = {name: Member(name, holders[name], os.path.join(out, name, "etcd.service"),
                            os.path.join(out, name, "etcd.env"), host_files[name], notify_dir, work)
               for name, _ in HOSTS}
    for m in members.values():
        m.start()
    for m in members.values():
        m.wait_ready()
    eps = {name: "https://%s:2379" % ip for name, ip in HOSTS}
    all_eps = ",".join(eps.values())

    p = ctl(all_eps, "member", "list", "-w", "json", pki=first_pki)
    names = sorted(m["name"] for m in json.loads(p.stdout)["members"])
    F.expect_eq("members", names, ["h1", "h2", "h3"])
    peer_urls = sorted(u for m in json.loads(p.stdout)["members"] for u in m["peerURLs"])
    F.expect_eq("peer URLs (TLS)", peer_urls, ["https://%s:2380" % ip for _, ip in HOSTS])
    for i in range(20):
        ctl(eps["h1"], "put", "k%03d" % i, "v%d" % i, pki=first_pki)

    # A member restart: h2 down, writes continue on the other two, h2 back and caught up.
    members["h2"].stop()
    # A put proposed while the old leader's loss is being noticed can wait out the request
    # timeout; an operator (and kube-apiserver) retries: so does this, bounded.
    k8s_lib.wait_for("a write after h2 stopped", lambda: ctl(eps["h3"], "put", "k020", "v20", check=False,
                                                             pki=first_pki).returncode == 0, 90, 0.5)
    for i in range(21, 40):
        ctl(eps["h3"], "put", "k%03d" % i, "v%d" % i, pki=first_pki)
    members["h2"].start()
    members["h2"].wait_ready()

    def h2_caught_up():
        p = ctl(eps["h2"], "get", "--prefix", "k", "--keys-only", "--consistency=s", check=False, pki=first_pki)
        return p.returncode == 0 and count_keys(p.stdout) == 40
    try:
        k8s_lib.wait_for("h2 catching up", h2_caught_up, 60, 0.2)
    except AssertionError as e:
        F.expect("restarted member catches up", False, str(e))
    p = ctl(eps["h2"], "get", "k039", "--print-value-only", pki=first_pki)
    F.expect_eq("linearizable read on the restarted member", p.stdout.strip(), "v39")
    p = ctl(all_eps, "endpoint", "health", check=False, pki=first_pki)
    F.expect_eq("all endpoints healthy after the restart", (p.stdout + p.stderr).count("is healthy"), 3)

    # kubeadm join --control-plane: the member added as a learner, its static pod written by
    # `cairn k8s stacked --join` (existing state, full member list), then promoted.
    name, ip = JOINER
    jp = os.path.join(work, name, "pki")
    k8s_lib.make_kubeadm_pki(cairn, jp, [(name, ip)], ca_dir=first_pki)
    os.makedirs(os.path.join(work, name, "data"))
    ctl(all_eps, "member", "add", name, "--learner", "--peer-urls=https://%s:2380" % ip, pki=first_pki)
    _, out_yaml, _ = k8s_lib.run_k8s(cairn, "stacked", "--node-name", name, "--advertise-address", ip, "--join",
                                     members_arg, "--pki-dir", pki, "--data-dir", data)
    pod = yaml.safe_load(out_yaml)
    command = pod["spec"]["containers"][0]["command"]
    F.expect("joiner: --initial-cluster-state=existing", "--initial-cluster-state=existing" in command, command)
    joiner = Member(name, holders[name], None, None, [(jp, pki), (os.path.join(work, name, "data"), data)],
                    notify_dir, work, command=command, path=bindir + ":/usr/bin:/bin")
    joiner.start()
    joiner.wait_ready()

    def promoted():
        p = ctl(all_eps, "member", "list", "-w", "json", check=False, pki=first_pki)
        ids = [m["ID"] for m in json.loads(p.stdout)["members"] if m.get("name") == name] if p.returncode == 0 else []
        return ids and ctl(all_eps, "member", "promote", "%x" % ids[0], check=False, pki=first_pki).returncode == 0
    try:
        k8s_lib.wait_for("promoting " + name, promoted, 60, 0.5)
    except AssertionError as e:
        F.expect("joiner promoted", False, str(e))
    j_ep = "https://%s:2379" % ip
    ctl(j_ep, "put", "joined", "yes", pki=first_pki)
    p = ctl(eps["h1"], "get", "joined", "--print-value-only", pki=first_pki)
    F.expect_eq("write through the joined member", p.stdout.strip(), "yes")
    p = ctl(j_ep, "get", "--prefix", "k", "--keys-only", pki=first_pki)
    F.expect_eq("joined member has the data", count_keys(p.stdout), 40)
    p = ctl(all_eps, "member", "list", "-w", "json", pki=first_pki)
    F.expect_eq("4 voting members", sorted((m.get("name"), m.get("isLearner", False))
                                           for m in json.loads(p.stdout)["members"]),
                [("h1", False), ("h2", False), ("h3", False), ("h4", False)])

    # The events store: its own unit, ports and data.
    ev = Member("h1-events", holders["h1"], os.path.join(out, "h1-events", "etcd-events.service"),
                os.path.join(out, "h1-events", "etcd-events.env"), host_files["h1"], notify_dir, work)
    ev.start()
    ev.wait_ready()
    ev_ep = "https://%s:4002" % HOSTS[0][1]
    ctl(ev_ep, "put", "/registry/events/default/e1", "event", pki=first_pki)
    p = ctl(ev_ep, "get", "/registry/events/default/e1", "--print-value-only", pki=first_pki)
    F.expect_eq("events store answers on 4002", p.stdout.strip(), "event")
    p = ctl(ev_ep, "get", "--prefix", "k", "--keys-only", pki=first_pki)
    F.expect_eq("events store has its own data", count_keys(p.stdout), 0)
    p = ctl(eps["h1"], "get", "/registry/events/default/e1", "--keys-only", pki=first_pki)
    F.expect_eq("main store does not have the event", count_keys(p.stdout), 0)
    F.expect("events data in its own dir", os.path.isdir(os.path.join(work, "h1", "events-data", "member", "wal")))
    p = sh("nsenter", "-t", str(holders["h1"]), "-n", "curl", "-s", "http://127.0.0.1:4004/readyz")
    F.expect_eq("events metrics/probe port 4004", p.stdout.strip(), "ok")

    # Every metric the alerts read is exported by a member of a 3-member cluster.
    metrics = sh("nsenter", "-t", str(holders["h1"]), "-n", "curl", "-s", "http://127.0.0.1:2381/metrics").stdout
    exported = set(re.findall(r"^# TYPE (\S+)", metrics, re.M))
    with open(alerts) as f:
        doc = yaml.safe_load(f)
    used = set()
    for g in doc["groups"]:
        for r in g["rules"]:
            expr = re.sub(r"\{[^}]*\}", "", r["expr"])  # label matchers
            expr = re.sub(r"\b(?:by|without)\s*\([^)]*\)", "", expr)  # grouping labels
            for name in re.findall(r"\b((?:etcd|grpc)_[a-z_]+)", expr):
                used.add(re.sub(r"_(bucket|sum|count)$", "", name))
    F.expect_eq("alert metrics missing from /metrics", sorted(used - exported), [])

    for m in list(members.values()) + [joiner, ev]:
        m.stop()


def main():
    k8s_lib.require_root("k8s_cluster_test")
    if sys.argv[1] == "--inner":
        return inner(sys.argv[2], sys.argv[3])
    cairn = os.path.abspath(sys.argv[1])
    alerts = os.path.abspath(sys.argv[2])
    p = subprocess.run(["unshare", "--net", "--mount", "--", "/usr/bin/python3", os.path.abspath(__file__),
                        "--inner", cairn, alerts], timeout=600)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
