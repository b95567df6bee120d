"""`make image` (image/build.sh) on the built binary, checked with the tools that consume images:
  * two builds with one SOURCE_DATE_EPOCH give byte-identical archives and one digest; another
    epoch gives another digest (the epoch is honoured);
  * `skopeo inspect` reads both archives: name, labels, ports, volume, env, cmd;
  * `umoci unpack`: the rootfs holds exactly the expected files (modes, owners, links, mtimes);
  * the server inside the rootfs (chroot; no container runtime here) answers a put/get, its
    busybox sh runs, and its etcdctl answers;
  * the image's `etcd` accepts the exact command lines `cairn k8s stacked` (kubeadm's) and
    `cairn k8s events` write,
    with certificates made by openssl, inside a private network namespace holding the node's
    address: kubeadm's probes (/livez, /readyz on 127.0.0.1:2381) answer 200; the mutual-TLS
    client check is skipped until client TLS (issue 11) lands;
  * `cairn k8s stacked`'s default image is the image's name and tag.

Args: cairn binary, image/build.sh.
"""
import hashlib
import json
import os
import stat
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
EPOCH = 1700000000
NAME = "localhost/cairn/etcd"


def run(cmd, timeout_s=120, env=None, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build(cairn, script, out, epoch):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), IMAGE_REVISION="0123456789abcdef",
               IMAGE_SOURCE="https://example.invalid/cairn")
    p = run([script, cairn, out], env=env, timeout_s=300)
    return p.stdout.split("sha256:")[1].split()[0]


def version(cairn):
    out = run([cairn, "version"]).stdout
    return [l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Cairn Version:")][0]


def test_reproducible(cairn, script, work):
    d1 = build(cairn, script, os.path.join(work, "b1"), EPOCH)
    d2 = build(cairn, script, os.path.join(work, "b2"), EPOCH)
    F.expect_eq("same epoch: same digest", d1, d2)
    for f in ("cairn-image.oci.tar", "cairn-image.docker.tar"):
        F.expect_eq("same epoch: identical " + f, sha256(os.path.join(work, "b1", f)),
                    sha256(os.path.join(work, "b2", f)))
    d3 = build(cairn, script, os.path.join(work, "b3"), EPOCH + 1)
    F.expect("another epoch: another digest", d3 != d1, d3)
    return os.path.join(work, "b1")


def test_inspect(out, tag):
    oci = os.path.join(out, "cairn-image.oci.tar")
    docker = os.path.join(out, "cairn-image.docker.tar")
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH))
    for src in ("oci-archive:%s:%s" % (oci, tag), "docker-archive:" + docker):
        info = json.loads(run(["skopeo", "inspect", src]).stdout)
        cfg = json.loads(run(["skopeo", "inspect", "--config", src]).stdout)
        F.expect_eq(src + " labels", info["Labels"], {
            "org.opencontainers.image.title": "cairn",
            "org.opencontainers.image.description": info["Labels"].get("org.opencontainers.image.description"),
            "org.opencontainers.image.version": tag,
            "org.opencontainers.image.revision": "0123456789abcdef",
            "org.opencontainers.image.source": "https://example.invalid/cairn",
            "org.opencontainers.image.created": created})
        F.expect_eq(src + " created", info["Created"], created)
        F.expect_eq(src + " one layer", len(info["Layers"]), 1)
        c = cfg["config"]
        F.expect_eq(src + " ports", sorted(c.get("ExposedPorts", {})), ["2379/tcp", "2380/tcp", "2381/tcp"])
        F.expect_eq(src + " volume", sorted(c.get("Volumes", {})), ["/var/lib/etcd"])
        F.expect_eq(src + " env", c.get("Env"), ["PATH=/usr/local/bin:/bin"])
        F.expect_eq(src + " cmd", c.get("Cmd"), ["etcd"])
        F.expect_eq(src + " entrypoint (none: kubeadm gives the command)", c.get("Entrypoint"), None)
    manifest = run(["tar", "-xOf", docker, "manifest.json"]).stdout
    F.expect_eq("docker-archive RepoTags", json.loads(manifest)[0]["RepoTags"], ["%s:%s" % (NAME, tag)])


def unpack(out, tag, work):
    layout = os.path.join(work, "layout")
    os.makedirs(layout)
    run(["tar", "-xf", os.path.join(out, "cairn-image.oci.tar"), "-C", layout])
    bundle = os.path.join(work, "bundle")
    run(["umoci", "unpack", "--image", "%s:%s" % (layout, tag), bundle])
    return os.path.join(bundle, "rootfs")


def test_rootfs(rootfs):
    got = []
    for dirpath, dirnames, filenames in os.walk(rootfs):
        for n in sorted(dirnames) + sorted(filenames):
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            rel = "/" + os.path.relpath(p, rootfs)
            kind = "l" if stat.S_ISLNK(st.st_mode) else "d" if stat.S_ISDIR(st.st_mode) else "f"
            got.append((rel, kind, oct(stat.S_IMODE(st.st_mode)) if kind != "l" else os.readlink(p),
                        st.st_uid, st.st_gid, int(st.st_mtime)))
    want = [("/bin", "d", "0o755"), ("/bin/busybox", "f", "0o755"), ("/bin/sh", "l", "busybox"),
            ("/usr", "d", "0o755"), ("/usr/local", "d", "0o755"), ("/usr/local/bin", "d", "0o755"),
            ("/usr/local/bin/cairn", "f", "0o755")] + \
           [("/usr/local/bin/" + n, "l", "cairn") for n in ("cfssl", "cfssljson", "etcd", "etcdctl", "etcdutl")] + \
           [("/var", "d", "0o755"), ("/var/lib", "d", "0o755"), ("/var/lib/etcd", "d", "0o700")]
    want = [w + (0, 0, EPOCH) for w in want]
    F.expect_eq("rootfs: exactly these files", sorted(got), sorted(want))
    F.expect_eq("rootfs cairn is the built binary", sha256(os.path.join(rootfs, "usr/local/bin/cairn")),
                sha256(os.path.abspath(sys.argv[1])))


def test_chroot_serves(rootfs):
    ports = [k8s_lib.free_port() for _ in range(3)]
    url = "http://127.0.0.1:%d" % ports[0]
    log = open(os.path.join(os.path.dirname(rootfs), "chroot-server.log"), "wb")
    env = {"PATH": "/usr/local/bin:/bin"}
    p = subprocess.Popen(["/usr/sbin/chroot", rootfs, "etcd", "--data-dir", "/var/lib/etcd", "--listen-client-urls", url,
                          "--advertise-client-urls", url, "--listen-peer-urls", "http://127.0.0.1:%d" % ports[1],
                          "--listen-metrics-urls", "http://127.0.0.1:%d" % ports[2]],
                         stdout=log, stderr=subprocess.STDOUT, env=env)
    e2e_lib._started.append(p)
    try:
        k8s_lib.wait_for("the server in the image", lambda: k8s_lib.http_status(url + "/health") == 200, 60)
        ctl_env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
        run([e2e_lib.ETCDCTL, "--endpoints", url, "put", "image-key", "image-value"], env=ctl_env)
        got = run([e2e_lib.ETCDCTL, "--endpoints", url, "get", "image-key", "--print-value-only"], env=ctl_env)
        F.expect_eq("put/get against the server in the image", got.stdout.strip(), "image-value")
        F.expect("data in the image's volume", os.path.isdir(os.path.join(rootfs, "var/lib/etcd/member/wal")))
        sh = run(["/usr/sbin/chroot", rootfs, "/bin/sh", "-c", "echo sh-ok; busybox ls /usr/local/bin"], env=env)
        F.expect("busybox sh runs", sh.stdout.startswith("sh-ok\n") and "etcdctl" in sh.stdout, sh.stdout)
        ctl = run(["/usr/sbin/chroot", rootfs, "etcdctl", "--endpoints", url, "get", "image-key", "--print-value-only"],
                  env=env, check=False)
        F.expect_eq("the image's etcdctl gets the value", (ctl.returncode, ctl.stdout.strip()), (0, "image-value"))
    finally:
        p.terminate()
        p.wait(timeout=20)


def test_default_image_is_this_image(cairn, tag):
    _, out, _ = k8s_lib.run_k8s(cairn, "stacked", "--node-name", "cp1", "--advertise-address", "10.0.0.11")
    F.expect_eq("cairn k8s stacked default image", yaml.safe_load(out)["spec"]["containers"][0]["image"],
                "%s:%s" % (NAME, tag))


def run_pod_in_image(rootfs, pod, name, adv):
    """Runs a static pod's exact command in the image's rootfs (its hostPath volumes as
    directories there) until kubelet's three probes answer 200."""
    c = pod["spec"]["containers"][0]
    for m in c["volumeMounts"]:
        os.makedirs(rootfs + m["mountPath"], exist_ok=True)
    log_path = os.path.join(os.path.dirname(rootfs), name + ".log")
    log = open(log_path, "wb")
    p = subprocess.Popen(["/usr/sbin/chroot", rootfs] + c["command"], stdout=log, stderr=subprocess.STDOUT,
                         env={"PATH": "/usr/local/bin:/bin"})
    e2e_lib._started.append(p)
    try:
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            g = c[probe]["httpGet"]
            url = "%s://%s:%d%s" % (g["scheme"].lower(), g["host"], g["port"], g["path"])
            try:
                k8s_lib.wait_for(name + " " + probe + " " + url,
                                 lambda: p.poll() is not None or k8s_lib.http_status(url) == 200, 60)
            except AssertionError as e:
                F.expect(name + " " + probe, False, str(e))
            F.expect(name + " still running for " + probe, p.poll() is None, open(log_path).read()[-3000:])
        ignored = [json.loads(l).get("flag") for l in open(log_path) if "has no effect in Cairn" in l]
        print("%s: flags Cairn accepts without effect (logged as such): %s" % (name, ignored or "none"))
        port = int(c["command"][[a.split("=")[0] for a in c["command"]].index("--advertise-client-urls")]
                   .rsplit(":", 1)[1])
        pki = rootfs + "/etc/kubernetes/pki/etcd/"
        ctl = [e2e_lib.ETCDCTL, "--endpoints", "https://%s:%d" % (adv, port), "--cacert", pki + "ca.crt",
               "--cert", pki + "healthcheck-client.crt", "--key", pki + "healthcheck-client.key"]
        env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
        run(ctl + ["put", "kubeadm-key", name], env=env)
        got = run(ctl + ["get", "kubeadm-key", "--print-value-only"], env=env)
        F.expect_eq(name + ": mutual-TLS put/get with kubeadm's certificates", got.stdout.strip(), name)
    finally:
        p.terminate()
        p.wait(timeout=20)


def inner_kubeadm(rootfs, cairn):
    """Runs in a private network namespace (unshare --net): the node's address on a veth link,
    the exact kubeadm command line inside the image's rootfs."""
    adv = "10.99.0.1"
    run(["ip", "link", "set", "lo", "up"])
    run(["ip", "link", "add", "node0", "type", "veth", "peer", "name", "node0p"])
    run(["ip", "addr", "add", adv + "/24", "dev", "node0"])
    run(["ip", "link", "set", "node0", "up"])
    run(["ip", "link", "set", "node0p", "up"])
    k8s_lib.make_kubeadm_pki(cairn, rootfs + "/etc/kubernetes/pki", [("cp1", adv)])
    # The stacked member, then the events store (one after the other; k8s_cluster_test runs the
    # two side by side).
    for topology, name in (("stacked", "etcd"), ("events", "etcd-events")):
        _, out, _ = k8s_lib.run_k8s(cairn, topology, "--node-name", "cp1", "--advertise-address", adv)
        run_pod_in_image(rootfs, yaml.safe_load(out), name, adv)
    F.finish()


def main():
    k8s_lib.require_root("image_test")
    if sys.argv[1] == "--inner-kubeadm":
        return inner_kubeadm(sys.argv[2], sys.argv[3])
    cairn = os.path.abspath(sys.argv[1])
    script = os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="image_test_")
    tag = version(cairn)
    out = test_reproducible(cairn, script, work)
    test_inspect(out, tag)
    rootfs = unpack(out, tag, work)
    test_rootfs(rootfs)
    test_default_image_is_this_image(cairn, tag)
    test_chroot_serves(rootfs)
    # A fresh rootfs for the kubeadm command line (its own empty data volume).
    rootfs2 = unpack(out, tag, os.path.join(work, "kubeadm"))
    p = subprocess.run(["unshare", "--net", "--", "/usr/bin/python3", os.path.abspath(__file__), "--inner-kubeadm",
                        rootfs2, cairn], capture_output=True, text=True, timeout=300)
    sys.stdout.write(p.stdout)
    F.expect_eq("kubeadm command line in the image (network namespace)", p.returncode, 0)
    if p.returncode != 0:
        sys.stdout.write(p.stderr[-3000:])
    F.finish()


if __name__ == "__main__":
    main()
