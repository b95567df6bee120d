"""`cairn k8s` output against its oracles:
  * `stacked` vs k8s/testdata/kubeadm-1.31-etcd.yaml (written from kubeadm's source): parsed with
    PyYAML and compared field by field; the only differences allowed are the image and Cairn's
    --quota-backend-bytes. The text is compared too (same layout as kubeadm's serializer).
  * every manifest deserializes into the kubernetes client's typed V1Pod without unknown fields
    and survives a typed round trip unchanged;
  * the ClusterConfiguration snippets name the manifest's image and quota;
  * `events` (ports, labels, the apiserver override, idempotent edit of kube-apiserver.yaml),
    `external` (units, env files, the etcd.external block);
  * bad input: one line naming the flag, exit 2, nothing written;
  * k8s/alerts.yaml: `promtool check rules` (Debian's prometheus) and the mixin's alert names.

Args: cairn binary, reference manifest, kube-apiserver.yaml sample, alerts.yaml.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import k8s_lib  # noqa: E402

k8s_lib.use_debian_python()
import yaml  # noqa: E402

import e2e_lib  # noqa: E402

CAIRN = os.path.abspath(sys.argv[1])
REFERENCE = sys.argv[2]
APISERVER_SAMPLE = sys.argv[3]
ALERTS = sys.argv[4]
F = e2e_lib.Failures()
MAIN_QUOTA = "8589934592"
DEFAULT_IMAGE = "localhost/cairn/etcd:0.1.0"


def command_flags(pod):
    return pod["spec"]["containers"][0]["command"]


def flag_value(pod, name):
    for arg in command_flags(pod)[1:]:
        k, _, v = arg.partition("=")
        if k == "--" + name:
            return v
    return None


def check_typed(tag, pod):
    F.expect_eq(tag + " unknown fields for V1Pod", k8s_lib.unknown_fields(pod, "V1Pod"), [])
    back = k8s_lib.typed_round_trip(pod, "V1Pod")
    F.expect_eq(tag + " typed round trip", k8s_lib.diff(k8s_lib.strip_empty(back), k8s_lib.strip_empty(pod)), [])


def test_stacked(work):
    out = os.path.join(work, "stacked")
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "stacked", "--node-name", "cp1", "--advertise-address", "10.0.0.11",
                                   "--out", out, "--kubeadm-config", os.path.join(work, "kubeadm.yaml"))
    with open(os.path.join(out, "etcd.yaml")) as f:
        text = f.read()
    F.expect_eq("only etcd.yaml in the manifest dir (no temp files)", os.listdir(out), ["etcd.yaml"])
    F.expect_eq("etcd.yaml mode", oct(os.stat(os.path.join(out, "etcd.yaml")).st_mode & 0o777), "0o600")
    got = yaml.safe_load(text)
    with open(REFERENCE) as f:
        ref_text = f.read()
    ref = yaml.safe_load(ref_text)

    # The two allowed differences, checked, then removed.
    F.expect_eq("image", got["spec"]["containers"][0]["image"], DEFAULT_IMAGE)
    F.expect_eq("quota flag", flag_value(got, "quota-backend-bytes"), MAIN_QUOTA)
    normalized = yaml.safe_load(text)
    normalized["spec"]["containers"][0]["image"] = ref["spec"]["containers"][0]["image"]
    normalized["spec"]["containers"][0]["command"] = [
        a for a in command_flags(normalized) if not a.startswith("--quota-backend-bytes=")]
    F.expect_eq("stacked vs kubeadm 1.31, field by field", k8s_lib.diff(normalized, ref), [])
    # Same text as kubeadm's serializer, but for those two lines.
    ref_lines = [l for l in ref_text.splitlines() if not l.startswith("#")]
    got_lines = [l.replace(DEFAULT_IMAGE, ref["spec"]["containers"][0]["image"]) for l in text.splitlines()
                 if not l.startswith("    - --quota-backend-bytes=")]
    F.expect_eq("stacked text vs kubeadm's layout", got_lines, ref_lines)
    check_typed("stacked", got)

    # The ClusterConfiguration snippet: printed (stdout after the files) and written.
    with open(os.path.join(work, "kubeadm.yaml")) as f:
        cfg = yaml.safe_load(f)
    F.expect("snippet printed", "kind: ClusterConfiguration" in stdout, stdout)
    local = cfg["etcd"]["local"]
    F.expect_eq("kubeadm apiVersion", cfg["apiVersion"], "kubeadm.k8s.io/v1beta4")
    F.expect_eq("kubeadm image (imageRepository/etcd:imageTag)",
                local["imageRepository"] + "/etcd:" + local["imageTag"], got["spec"]["containers"][0]["image"])
    F.expect_eq("kubeadm extraArgs", local["extraArgs"], [{"name": "quota-backend-bytes", "value": MAIN_QUOTA}])
    F.expect_eq("kubeadm dataDir", local["dataDir"], "/var/lib/etcd")

    # Without --out: the manifest alone on stdout, the snippet on stderr.
    _, stdout, stderr = k8s_lib.run_k8s(CAIRN, "stacked", "--node-name", "cp1", "--advertise-address", "10.0.0.11")
    F.expect_eq("stdout manifest == written manifest", stdout, text)
    F.expect("snippet on stderr", "imageRepository: localhost/cairn" in stderr, stderr)

    # A joining member: existing state and the full member list, joiner last.
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "stacked", "--node-name", "cp3", "--advertise-address", "10.0.0.13",
                                   "--join", "cp1=10.0.0.11,cp2=10.0.0.12", "--image", "reg.example:5000/k/etcd:v1")
    join = yaml.safe_load(stdout)
    F.expect_eq("join initial-cluster", flag_value(join, "initial-cluster"),
                "cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380,cp3=https://10.0.0.13:2380")
    F.expect_eq("join state", flag_value(join, "initial-cluster-state"), "existing")
    F.expect_eq("join image", join["spec"]["containers"][0]["image"], "reg.example:5000/k/etcd:v1")
    flags = [a.split("=")[0] for a in command_flags(join)[1:]]
    F.expect_eq("flags sorted as kubeadm sorts them", flags, sorted(flags))
    check_typed("join", join)

    # IPv6: kubeadm's ::1 for the local URLs and probes.
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "stacked", "--node-name", "cp6", "--advertise-address", "fd00::11")
    v6 = yaml.safe_load(stdout)
    F.expect_eq("v6 listen-client-urls", flag_value(v6, "listen-client-urls"),
                "https://[::1]:2379,https://[fd00::11]:2379")
    F.expect_eq("v6 metrics", flag_value(v6, "listen-metrics-urls"), "http://[::1]:2381")
    F.expect_eq("v6 probe host", v6["spec"]["containers"][0]["livenessProbe"]["httpGet"]["host"], "::1")
    check_typed("v6", v6)


def test_events(work):
    out = os.path.join(work, "events")
    units = os.path.join(work, "events-units")
    apiserver = os.path.join(work, "kube-apiserver.yaml")
    shutil.copy(APISERVER_SAMPLE, apiserver)
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "events", "--node-name", "cp1", "--advertise-address", "10.0.0.11",
                                   "--out", out, "--unit-out", units, "--apiserver-manifest", apiserver)
    want_flag = "--etcd-servers-overrides=/events#https://127.0.0.1:4002"
    F.expect("apiserver flag printed", want_flag + "\n" in stdout, stdout)
    with open(os.path.join(out, "etcd-events.yaml")) as f:
        pod = yaml.safe_load(f)
    check_typed("events", pod)
    F.expect_eq("events labels", pod["metadata"]["labels"], {"component": "etcd-events", "tier": "control-plane"})
    F.expect_eq("events: no kubeadm member annotation", pod["metadata"].get("annotations"), None)
    F.expect_eq("events client urls", flag_value(pod, "listen-client-urls"),
                "https://127.0.0.1:4002,https://10.0.0.11:4002")
    F.expect_eq("events peer url", flag_value(pod, "listen-peer-urls"), "https://10.0.0.11:4003")
    F.expect_eq("events metrics", flag_value(pod, "listen-metrics-urls"), "http://127.0.0.1:4004")
    F.expect_eq("events data dir", flag_value(pod, "data-dir"), "/var/lib/etcd-events")
    F.expect_eq("events quota", flag_value(pod, "quota-backend-bytes"), str(4 << 30))
    F.expect_eq("events compaction", (flag_value(pod, "auto-compaction-mode"),
                                      flag_value(pod, "auto-compaction-retention")), ("periodic", "10m"))
    F.expect_eq("events certs: the main etcd CA", flag_value(pod, "trusted-ca-file"),
                "/etc/kubernetes/pki/etcd/ca.crt")
    c = pod["spec"]["containers"][0]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        F.expect_eq("events %s port" % probe, c[probe]["httpGet"]["port"], 4004)
    F.expect_eq("events volumes", sorted((v["name"], v["hostPath"]["path"]) for v in pod["spec"]["volumes"]),
                [("etcd-certs", "/etc/kubernetes/pki/etcd"), ("etcd-events-data", "/var/lib/etcd-events")])

    # The systemd variant carries the same flags.
    env = k8s_lib.read_env(os.path.join(units, "etcd-events.env"))
    for arg in command_flags(pod)[1:]:
        k, _, v = arg[2:].partition("=")
        F.expect_eq("events env " + k, env.get("ETCD_" + k.upper().replace("-", "_")), v)
    F.expect_eq("events env: nothing else", len(env), len(command_flags(pod)) - 1)
    with open(os.path.join(units, "etcd-events.service")) as f:
        unit = f.read()
    F.expect("events unit", "Type=notify\n" in unit and "EnvironmentFile=/etc/etcd/etcd-events.env\n" in unit, unit)

    # kube-apiserver.yaml: the flag right after --etcd-servers, nothing else changed, idempotent.
    with open(APISERVER_SAMPLE) as f:
        before = f.read().splitlines()
    with open(apiserver) as f:
        after_text = f.read()
    after = after_text.splitlines()
    i = before.index("    - --etcd-servers=https://127.0.0.1:2379")
    F.expect_eq("apiserver edit", after, before[:i + 1] + ["    - " + want_flag] + before[i + 1:])
    api_pod = yaml.safe_load(after_text)
    check_typed("kube-apiserver.yaml after the edit", api_pod)
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "events", "--node-name", "cp1", "--advertise-address", "10.0.0.11",
                                   "--out", out, "--apiserver-manifest", apiserver)
    with open(apiserver) as f:
        F.expect_eq("apiserver edit idempotent", f.read(), after_text)
    F.expect("second run says so", "already has the override" in stdout, stdout)


def test_external(work):
    out = os.path.join(work, "external")
    members = "e1=10.0.0.21,e2=10.0.0.22,e3=10.0.0.23"
    _, stdout, _ = k8s_lib.run_k8s(CAIRN, "external", "--members", members, "--out", out)
    F.expect("certs steps printed",
             "cairn certs kubeadm --pki-dir /etc/kubernetes/pki --node-name e2 --advertise-address 10.0.0.22" in stdout,
             stdout)
    F.expect_eq("external files", sorted(os.listdir(out)), ["e1", "e2", "e3", "kubeadm-etcd-external.yaml"])
    for name, ip in [("e1", "10.0.0.21"), ("e2", "10.0.0.22"), ("e3", "10.0.0.23")]:
        env = k8s_lib.read_env(os.path.join(out, name, "etcd.env"))
        F.expect_eq(name + " ETCD_NAME", env.get("ETCD_NAME"), name)
        F.expect_eq(name + " ETCD_INITIAL_CLUSTER", env.get("ETCD_INITIAL_CLUSTER"),
                    "e1=https://10.0.0.21:2380,e2=https://10.0.0.22:2380,e3=https://10.0.0.23:2380")
        F.expect_eq(name + " ETCD_LISTEN_CLIENT_URLS", env.get("ETCD_LISTEN_CLIENT_URLS"),
                    "https://127.0.0.1:2379,https://%s:2379" % ip)
        F.expect_eq(name + " ETCD_CLIENT_CERT_AUTH", env.get("ETCD_CLIENT_CERT_AUTH"), "true")
        F.expect_eq(name + " ETCD_PEER_CERT_FILE", env.get("ETCD_PEER_CERT_FILE"), "/etc/kubernetes/pki/etcd/peer.crt")
        F.expect_eq(name + " ETCD_QUOTA_BACKEND_BYTES", env.get("ETCD_QUOTA_BACKEND_BYTES"), MAIN_QUOTA)
        F.expect_eq(name + " no ETCD_INITIAL_CLUSTER_STATE (new)", env.get("ETCD_INITIAL_CLUSTER_STATE"), None)
        with open(os.path.join(out, name, "etcd.service")) as f:
            unit = f.read()
        for line in ("Type=notify", "EnvironmentFile=/etc/etcd/etcd.env", "ExecStart=/usr/local/bin/etcd",
                     "Restart=always", "WantedBy=multi-user.target"):
            F.expect(name + " unit has " + line, line + "\n" in unit, unit)
    with open(os.path.join(out, "kubeadm-etcd-external.yaml")) as f:
        cfg = yaml.safe_load(f)
    F.expect_eq("etcd.external", cfg["etcd"]["external"], {
        "endpoints": ["https://10.0.0.21:2379", "https://10.0.0.22:2379", "https://10.0.0.23:2379"],
        "caFile": "/etc/kubernetes/pki/etcd/ca.crt",
        "certFile": "/etc/kubernetes/pki/apiserver-etcd-client.crt",
        "keyFile": "/etc/kubernetes/pki/apiserver-etcd-client.key"})
    F.expect_eq("external kind", (cfg["apiVersion"], cfg["kind"]), ("kubeadm.k8s.io/v1beta4", "ClusterConfiguration"))


BAD_INPUT = [
    (["bogus"], "unknown topology"),
    (["stacked", "--advertise-address", "10.0.0.1", "--out", "OUT"], "--node-name"),
    (["stacked", "--node-name", "a", "--out", "OUT"], "--advertise-address"),
    (["stacked", "--node-name", "a", "--advertise-address", "10.0.0.999", "--out", "OUT"], "--advertise-address"),
    (["stacked", "--node-name", "a", "--advertise-address", "host.example", "--out", "OUT"], "--advertise-address"),
    (["stacked", "--node-name", "a b", "--advertise-address", "10.0.0.1", "--out", "OUT"], "--node-name"),
    (["stacked", "--node-name", "a", "--advertise-address", "10.0.0.1", "--join", "b=10.0.0.2,c", "--out", "OUT"],
     "--join"),
    (["stacked", "--node-name", "a", "--advertise-address", "10.0.0.1", "--image", "etcd:latest", "--out", "OUT"],
     "--image"),
    (["stacked", "--node-name", "a", "--advertise-address", "10.0.0.1", "--quota-backend-bytes", "lots",
      "--out", "OUT"], "--quota-backend-bytes"),
    (["stacked", "--node-name", "a", "--advertise-address", "10.0.0.1", "--frobnicate", "--out", "OUT"],
     "--frobnicate"),
    (["external", "--members", "a=10.0.0.1,b", "--out", "OUT"], "--members"),
    (["external", "--members", "a=10.0.0.1,b=not-an-ip", "--out", "OUT"], "--members"),
    (["external", "--members", "a=10.0.0.1,a=10.0.0.2", "--out", "OUT"], "--members"),
    (["external", "--out", "OUT"], "--members"),
    (["external", "--members", "a=10.0.0.1"], "--out"),
    (["events", "--node-name", "a", "--advertise-address", "10.0.0.1", "--out", "OUT",
      "--apiserver-manifest", "MISSING"], "--apiserver-manifest"),
    (["events", "--node-name", "a", "--advertise-address", "10.0.0.1", "--out", "OUT",
      "--apiserver-manifest", "NOTAPOD"], "--apiserver-manifest"),
]


def test_bad_input(work):
    notapod = os.path.join(work, "notapod.yaml")
    with open(notapod, "w") as f:
        f.write("apiVersion: v1\nkind: ConfigMap\n")
    for args, want in BAD_INPUT:
        out = os.path.join(work, "bad-out")
        args = [a.replace("OUT", out).replace("MISSING", os.path.join(work, "missing.yaml"))
                 .replace("NOTAPOD", notapod) for a in args]
        rc, stdout, stderr = k8s_lib.run_k8s(CAIRN, *args, check_rc=None)
        tag = "bad input %s:" % " ".join(args)
        F.expect_eq(tag + " exit", rc, 2)
        F.expect_eq(tag + " one line", len(stderr.splitlines()), 1)
        F.expect(tag + " names " + want, want in stderr, stderr)
        F.expect_eq(tag + " stdout", stdout, "")
        F.expect(tag + " nothing written", not os.path.exists(out), str(os.listdir(work)))
    with open(notapod) as f:
        F.expect_eq("not-a-pod left alone", f.read(), "apiVersion: v1\nkind: ConfigMap\n")


def test_alerts():
    p = subprocess.run(["promtool", "check", "rules", ALERTS], capture_output=True, text=True, timeout=60)
    F.expect_eq("promtool check rules exit", p.returncode, 0)
    F.expect("promtool counts the rules", "SUCCESS: 14 rules found" in p.stdout, p.stdout + p.stderr)
    with open(ALERTS) as f:
        doc = yaml.safe_load(f)
    names = {r["alert"] for g in doc["groups"] for r in g["rules"]}
    for want in ("etcdNoLeader", "etcdHighNumberOfLeaderChanges", "etcdHighNumberOfFailedProposals",
                 "etcdHighFsyncDurations", "etcdHighCommitDurations", "etcdDatabaseQuotaLowSpace",
                 "etcdMembersDown", "etcdInsufficientMembers", "etcdGRPCRequestsSlow",
                 "etcdMemberCommunicationSlow", "etcdDatabaseHighFragmentationRatio"):
        F.expect("alert " + want, want in names)


def main():
    work = tempfile.mkdtemp(prefix="k8s_manifest_")
    test_stacked(work)
    test_events(work)
    test_external(work)
    test_bad_input(work)
    test_alerts()
    F.finish()


if __name__ == "__main__":
    main()
