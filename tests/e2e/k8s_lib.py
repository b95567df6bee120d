"""Helpers for the `cairn k8s` / image tests: Debian's python3-yaml and python3-kubernetes (the
oracles live in /usr/lib/python3/dist-packages, so a foreign python3 first on PATH re-executes
the test under /usr/bin/python3), running `cairn k8s`, and typed checks with the kubernetes
client's models."""
import os
import subprocess
import sys


def use_debian_python():
    try:
        import yaml  # noqa: F401
        import kubernetes  # noqa: F401
    except ImportError:
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        raise


def require_root(what):
    """The namespace and chroot tests need root; say so plainly instead of failing obscurely."""
    if os.geteuid() != 0:
        print("FAILED: %s needs root (unshare --net/--mount, chroot, ip link); run make test as root" % what)
        sys.exit(1)


def run_k8s(cairn, *args, check_rc=0):
    """Runs `cairn k8s ARGS`; returns (rc, stdout, stderr)."""
    p = subprocess.run([cairn, "k8s"] + list(args), capture_output=True, text=True, timeout=60)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError("cairn k8s %s: exit %d, want %d\nstdout: %s\nstderr: %s" %
                             (" ".join(args), p.returncode, check_rc, p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def read_env(path):
    """A systemd EnvironmentFile as the generators write it (KEY=VALUE lines, # comments)."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                env[k] = v
    return env


def unknown_fields(data, type_name, path="$"):
    """Every key of `data` (a manifest as parsed from YAML) that the kubernetes client's typed
    model `type_name` (e.g. "V1Pod") does not declare, as JSON paths."""
    import kubernetes.client as kc
    out = []
    if data is None:
        return out
    if type_name.startswith("list["):
        for i, item in enumerate(data):
            out += unknown_fields(item, type_name[5:-1], "%s[%d]" % (path, i))
        return out
    if type_name.startswith("dict("):
        inner = type_name[5:-1].split(", ", 1)[1]
        for k, v in data.items():
            out += unknown_fields(v, inner, "%s.%s" % (path, k))
        return out
    cls = getattr(kc, type_name, None)
    if cls is None:  # a primitive: str, int, bool, object, datetime
        return out
    by_json = {j: attr for attr, j in cls.attribute_map.items()}
    for k, v in data.items():
        if k not in by_json:
            out.append("%s.%s" % (path, k))
            continue
        out += unknown_fields(v, cls.openapi_types[by_json[k]], "%s.%s" % (path, k))
    return out


def typed_round_trip(data, type_name):
    """Deserializes `data` into the client's typed model and serializes it back (the client drops
    nulls and empty objects it does not know as set); returns the re-serialized dict."""
    from kubernetes.client import ApiClient
    api = ApiClient()
    obj = api._ApiClient__deserialize(data, type_name)
    return api.sanitize_for_serialization(obj)


def strip_empty(v):
    """Drops None values and empty maps, as a typed round trip does."""
    if isinstance(v, dict):
        out = {k: strip_empty(x) for k, x in v.items() if x is not None}
        return {k: x for k, x in out.items() if x != {}}
    if isinstance(v, list):
        return [strip_empty(x) for x in v]
    return v


def diff(a, b, path="$"):
    """Field-by-field differences between two parsed YAML documents, as readable lines."""
    if type(a) is not type(b):
        return ["%s: %r != %r" % (path, a, b)]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s.%s: missing (want %r)" % (path, k, b[k]))
            elif k not in b:
                out.append("%s.%s: unexpected %r" % (path, k, a[k]))
            else:
                out += diff(a[k], b[k], "%s.%s" % (path, k))
        return out
    if isinstance(a, list):
        out = []
        if len(a) != len(b):
            out.append("%s: %d items != %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else ["%s: %r != %r" % (path, a, b)]


def make_kubeadm_pki(cairn, pki_dir, nodes, ca_dir=None):
    """kubeadm's etcd certificate layout made by `cairn certs kubeadm` (issue 12; ECDSA P-256 for
    speed): under pki_dir, etcd/ca.{crt,key}, for each (name, ip) of `nodes` (the last one wins the
    server/peer names) etcd/server.{crt,key} and etcd/peer.{crt,key}, etcd/healthcheck-client.{crt,key}
    and apiserver-etcd-client.{crt,key}. `ca_dir`: reuse that directory's etcd CA, as a second
    control-plane node does with the copied CA. `cairn`: the //:cairn binary."""
    etcd = os.path.join(pki_dir, "etcd")
    os.makedirs(etcd, exist_ok=True)
    if ca_dir:
        for f in ("ca.crt", "ca.key"):
            with open(os.path.join(ca_dir, "etcd", f), "rb") as src, open(os.path.join(etcd, f), "wb") as dst:
                dst.write(src.read())
    for name, ip in nodes:
        p = subprocess.run([cairn, "certs", "kubeadm", "--pki-dir", pki_dir,
                            "--node-name", name, "--advertise-address", ip, "--key-algorithm", "ECDSA-P256",
                            "--renew"], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError("cairn certs kubeadm: %s%s" % (p.stdout, p.stderr))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url, timeout_s=2):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return None


def wait_for(what, cond, timeout_s=60, interval_s=0.1):
    import time
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(interval_s)
    raise AssertionError("timed out after %ds waiting for %s" % (timeout_s, what))

