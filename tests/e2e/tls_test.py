"""Client TLS matrix: Debian's real etcdctl, curl and openssl s_client against Cairn AND the real
etcd 3.4 in the same run, outcomes compared: mutual TLS put/get/watch, HTTPS /health, /metrics and
the /v3 gateway, refused clients (no certificate, another CA, expired, revoked by CRL, plaintext on
the TLS port), TLS versions and cipher suites, auto-TLS; then Cairn's refusals of bad TLS
configuration (one line naming the flag or file, non-zero exit, no data dir)."""
import json
import os
import subprocess
import sys
import time

import e2e_lib
import tls_lib

cairn = e2e_lib.cairn_binary()
pki = tls_lib.make_pki(sys.argv[2])
f = e2e_lib.Failures()


def P(name):
    return os.path.join(pki, name)


def client(name="client"):
    return ["--cacert", P("ca.pem"), "--cert", P(name + ".pem"), "--key", P(name + "-key.pem")]


CURL_OK = ["--cacert", P("ca.pem"), "--cert", P("client.pem"), "--key", P("client-key.pem")]
MTLS = ["--cert-file", P("server.pem"), "--key-file", P("server-key.pem"), "--trusted-ca-file", P("ca.pem"),
        "--client-crl-file", P("crl.pem")]


def mtls_outcomes(srv):
    """Everything a client can observe of a mutual-TLS server, as comparable values."""
    out = {}
    code, so, se = srv.tls_ctl(client(), "put", "foo", "bar")
    out["put"] = (code, so.strip())
    code, so, se = srv.tls_ctl(client(), "get", "foo")
    out["get"] = (code, so.split())
    # A watch that sees one put, through the real etcdctl.
    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    watch = subprocess.Popen([e2e_lib.ETCDCTL, "--endpoints=" + srv.endpoint] + client() + ["watch", "foo"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.0)  # let the watch be created (no output until an event)
    srv.tls_ctl(client(), "put", "foo", "baz")
    lines = []
    deadline = time.time() + 10
    while len(lines) < 3 and time.time() < deadline:
        line = watch.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    watch.kill()
    watch.wait()
    out["watch"] = lines
    code, body, _ = tls_lib.curl(CURL_OK + [srv.endpoint + "/health"])
    out["health"] = (code, json.loads(body).get("health") if code == 0 else None)
    code, body, _ = tls_lib.curl(CURL_OK + [srv.endpoint + "/metrics"])
    out["metrics"] = (code, "etcd_server_has_leader 1" in body)
    code, body, _ = tls_lib.curl(CURL_OK + ["-X", "POST", "-d", '{"key":"Zm9v"}', srv.endpoint + "/v3/kv/range"])
    out["gateway"] = (code, [kv["value"] for kv in json.loads(body).get("kvs", [])] if code == 0 else body)
    # Refused clients: each etcdctl call fails, each curl fails; the server keeps serving.
    for name in ("other", "expired", "revoked"):
        code, _, _ = srv.tls_ctl(client(name), "get", "foo")
        out["etcdctl " + name] = code != 0
        code, _, _ = tls_lib.curl(["--cacert", P("ca.pem"), "--cert", P(name + ".pem"), "--key",
                                   P(name + "-key.pem"), srv.endpoint + "/health"])
        out["curl " + name] = code != 0
    code, _, _ = srv.tls_ctl(["--cacert", P("ca.pem")], "get", "foo")
    out["etcdctl no cert"] = code != 0
    code, _, _ = tls_lib.curl(["--cacert", P("ca.pem"), srv.endpoint + "/health"])
    out["curl no cert"] = code != 0
    code, _, err = tls_lib.curl(["http://127.0.0.1:%d/health" % srv.client_port])
    out["plaintext on TLS port"] = code  # 52: empty reply (closed without an answer)
    # TLS versions (defaults: 1.2 and 1.3, nothing older).
    for v in ("-tls1_2", "-tls1_3", "-tls1_1"):
        code, _ = tls_lib.s_client(srv.client_port, [v, "-CAfile", P("ca.pem"), "-cert", P("client.pem"),
                                                      "-key", P("client-key.pem")])
        out["s_client " + v] = code
    code, so, _ = srv.tls_ctl(client(), "get", "foo")
    out["still serving"] = (code, so.split())
    return out


def compare_servers(name, tls_flags, probe, outcomes):
    results = {}
    for label, binary in (("cairn", cairn), ("etcd", e2e_lib.REAL_ETCD)):
        srv = tls_lib.TlsServer(binary, tls_flags, probe).start()
        try:
            results[label] = outcomes(srv)
        finally:
            srv.stop()
        if label == "cairn" and name == "mtls":
            f.expect(name + ": cairn logs etcd's rejected connection",
                     '"msg":"rejected connection"' in srv.log() and '"remote-addr":"127.0.0.1:' in srv.log(),
                     srv.log()[-2000:])
    for key in results["etcd"]:
        f.expect_eq("%s: %s (cairn vs etcd)" % (name, key), results["cairn"].get(key), results["etcd"][key])
    return results


r = compare_servers("mtls", MTLS, CURL_OK, mtls_outcomes)
f.expect_eq("mtls: put", r["cairn"]["put"], (0, "OK"))
f.expect_eq("mtls: watch", r["cairn"]["watch"], ["PUT", "foo", "baz"])
f.expect_eq("mtls: refused", [r["cairn"][k] for k in r["cairn"] if k.startswith(("etcdctl ", "curl "))],
            [True] * 8)


# Cipher suites: TLS 1.2 restricted to one suite; TLS 1.3 unaffected (as in Go).
def cipher_outcomes(srv):
    out = {}
    base = ["-CAfile", P("ca.pem")]
    for label, args in (("tls1.2 allowed suite", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
                        ("tls1.2 other suite", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"]),
                        ("tls1.3", ["-tls1_3"])):
        out[label] = tls_lib.s_client(srv.client_port, args + base)[0]
    code, _, _ = tls_lib.curl(["--cacert", P("ca.pem"), "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384",
                               srv.endpoint + "/health"])
    out["curl tls1.2 other suite"] = code != 0
    return out


SERVER_ONLY = ["--cert-file", P("server.pem"), "--key-file", P("server-key.pem")]
r = compare_servers("ciphers", SERVER_ONLY + ["--cipher-suites", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
                    ["--cacert", P("ca.pem")], cipher_outcomes)
f.expect_eq("ciphers: cairn", r["cairn"], {"tls1.2 allowed suite": 0, "tls1.2 other suite": 1, "tls1.3": 0,
                                           "curl tls1.2 other suite": True})


# Auto-TLS: a self-signed certificate in <data-dir>/fixtures/client, clients skip verification.
def auto_outcomes(srv):
    out = {}
    # etcdctl 3.4 applies --insecure-skip-tls-verify only with --insecure-transport=false.
    code, so, _ = srv.tls_ctl(["--insecure-transport=false", "--insecure-skip-tls-verify"], "put", "a", "1")
    out["put"] = (code, so.strip())
    out["cert"] = os.path.exists(os.path.join(srv.dir, "data", "fixtures", "client", "cert.pem"))
    code, _, _ = tls_lib.curl(["--cacert", P("ca.pem"), srv.endpoint + "/health"])
    out["verified by another CA"] = code != 0
    return out


r = compare_servers("auto-tls", ["--auto-tls"], ["-k"], auto_outcomes)
f.expect_eq("auto-tls: cairn", r["cairn"], {"put": (0, "OK"), "cert": True, "verified by another CA": True})


# Cairn only (etcd 3.4 has no --tls-min/max-version): version bounds.
def versions(flags):
    srv = tls_lib.TlsServer(cairn, SERVER_ONLY + flags, ["--cacert", P("ca.pem")]).start()
    try:
        out = {v: tls_lib.s_client(srv.client_port, [v, "-CAfile", P("ca.pem")])[0] for v in ("-tls1_2", "-tls1_3")}
        for label, args in (("curl --tlsv1.3", ["--tlsv1.3"]), ("curl --tls-max 1.2", ["--tls-max", "1.2"])):
            out[label] = tls_lib.curl(["--cacert", P("ca.pem")] + args + [srv.endpoint + "/health"])[0] == 0
        return out
    finally:
        srv.stop()


f.expect_eq("--tls-max-version TLS1.2", versions(["--tls-max-version", "TLS1.2"]),
            {"-tls1_2": 0, "-tls1_3": 1, "curl --tlsv1.3": False, "curl --tls-max 1.2": True})
f.expect_eq("--tls-min-version TLS1.3", versions(["--tls-min-version", "TLS1.3"]),
            {"-tls1_2": 1, "-tls1_3": 0, "curl --tlsv1.3": True, "curl --tls-max 1.2": False})


# The same TLS from ETCD_* variables and from --config-file's client-transport-security block.
def served_with(env=None, config=None):
    port = e2e_lib.free_port()
    url = "https://127.0.0.1:%d" % port
    d = os.path.join(pki, "cfg-%d" % port)
    os.makedirs(d)
    args = [cairn]
    if config is not None:
        path = os.path.join(d, "etcd.yaml")
        with open(path, "w") as fh:
            fh.write(config % {"url": url, "data": os.path.join(d, "data"),
                               "peer": "http://127.0.0.1:%d" % e2e_lib.free_port()})
        args += ["--config-file", path]
    else:
        args += ["--data-dir", os.path.join(d, "data"), "--listen-client-urls", url, "--advertise-client-urls", url,
                 "--listen-peer-urls", "http://127.0.0.1:%d" % e2e_lib.free_port()]
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.Popen(args, stdout=open(os.path.join(d, "log"), "w"), stderr=subprocess.STDOUT, env=full_env)
    e2e_lib._started.append(p)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            code, out, _ = tls_lib.curl(CURL_OK + [url + "/health"], timeout_s=2)
            if code == 0:
                break
            time.sleep(0.1)
        no_cert = tls_lib.curl(["--cacert", P("ca.pem"), url + "/health"])[0] != 0
        tls13 = tls_lib.s_client(port, ["-tls1_3", "-CAfile", P("ca.pem"), "-cert", P("client.pem"), "-key",
                                        P("client-key.pem")])[0]
        return code, no_cert, tls13
    finally:
        p.kill()
        p.wait()


f.expect_eq("ETCD_* variables", served_with(env={
    "ETCD_CERT_FILE": P("server.pem"), "ETCD_KEY_FILE": P("server-key.pem"), "ETCD_TRUSTED_CA_FILE": P("ca.pem"),
    "ETCD_TLS_MAX_VERSION": "TLS1.2"}), (0, True, 1))
f.expect_eq("--config-file client-transport-security", served_with(config="""
data-dir: %(data)s
listen-client-urls: %(url)s
advertise-client-urls: %(url)s
listen-peer-urls: %(peer)s
tls-max-version: TLS1.2
client-transport-security:
  cert-file: """ + P("server.pem") + """
  key-file: """ + P("server-key.pem") + """
  trusted-ca-file: """ + P("ca.pem") + """
  client-cert-auth: true
"""), (0, True, 1))


# --listen-client-http-urls and --listen-metrics-urls with https: TLS there too, plaintext refused.
def http_only_urls():
    """With --listen-client-http-urls the client URL serves gRPC only (etcd), HTTP is there."""
    client, http_port, metrics_port = (e2e_lib.free_port() for _ in range(3))
    url = "https://127.0.0.1:%d" % client
    d = os.path.join(pki, "http-only-%d" % client)
    os.makedirs(d)
    p = subprocess.Popen([cairn, "--data-dir", os.path.join(d, "data"), "--listen-client-urls", url,
                          "--advertise-client-urls", url,
                          "--listen-peer-urls", "http://127.0.0.1:%d" % e2e_lib.free_port(),
                          "--listen-client-http-urls", "https://127.0.0.1:%d" % http_port,
                          "--listen-metrics-urls", "https://127.0.0.1:%d" % metrics_port] + MTLS,
                         stdout=open(os.path.join(d, "log"), "w"), stderr=subprocess.STDOUT)
    e2e_lib._started.append(p)
    try:
        deadline = time.time() + 20
        while time.time() < deadline and tls_lib.curl(CURL_OK + ["https://127.0.0.1:%d/health" % http_port],
                                                      timeout_s=2)[0] != 0:
            time.sleep(0.1)
        out = {}
        for label, port in (("client-http", http_port), ("metrics", metrics_port)):
            out[label + " TLS"] = tls_lib.curl(CURL_OK + ["https://127.0.0.1:%d/health" % port])[0]
            out[label + " plaintext"] = tls_lib.curl(["http://127.0.0.1:%d/health" % port])[0]
        return out
    finally:
        p.kill()
        p.wait()


f.expect_eq("https client-http URL", http_only_urls(),
            {"client-http TLS": 0, "client-http plaintext": 52, "metrics TLS": 0, "metrics plaintext": 52})


# Bad configuration: one line naming the flag/file, exit non-zero, no data dir.
def refused(flags, want):
    d = os.path.join(pki, "refused-%d" % abs(hash(tuple(flags))))
    os.makedirs(d)
    port = e2e_lib.free_port()
    url = "https://127.0.0.1:%d" % port
    p = subprocess.run([cairn, "--data-dir", os.path.join(d, "data"), "--listen-client-urls", url,
                        "--advertise-client-urls", url,
                        "--listen-peer-urls", "http://127.0.0.1:%d" % e2e_lib.free_port()] + flags,
                       capture_output=True, text=True, timeout=20)
    err = [l for l in (p.stdout + p.stderr).splitlines() if '"level":"error"' in l or "error" in l.lower()]
    f.expect("refused %s: exit code" % flags, p.returncode != 0, str(p.returncode))
    f.expect("refused %s: names %r" % (flags, want), any(want in l for l in err), (p.stdout + p.stderr)[-1500:])
    f.expect("refused %s: no data dir" % flags, not os.path.exists(os.path.join(d, "data")))


refused([], "TLS key/cert (--cert-file, --key-file) must be provided for client url https://")
refused(["--cert-file", P("server.pem"), "--key-file", P("nope.pem")], "--key-file " + P("nope.pem"))
refused(["--cert-file", P("server.pem"), "--key-file", P("client-key.pem")], "does not match --cert-file")
refused(SERVER_ONLY + ["--trusted-ca-file", P("nope-ca.pem")], "--trusted-ca-file " + P("nope-ca.pem"))
refused(SERVER_ONLY + ["--client-crl-file", P("ca.cnf")], "--client-crl-file " + P("ca.cnf"))
refused(SERVER_ONLY + ["--tls-min-version", "TLS1.1"],
        'unexpected TLS version \\"TLS1.1\\" (must be one of: TLS1.2, TLS1.3)')
refused(SERVER_ONLY + ["--cipher-suites", "TLS_NOPE"], 'unexpected TLS cipher suite \\"TLS_NOPE\\"')
f.finish()
