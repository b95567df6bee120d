"""HTTP endpoints beside gRPC: /health, /livez, /readyz, /version, /metrics on the client URL and
on --listen-metrics-urls, checked with curl (the client kubeadm probes and operators use); the
NOSPACE alarm with a tiny quota (health, alarm list/disarm, recovery after compact + defrag); the
/v3/ JSON gateway compared with the real etcd's; --listen-client-http-urls.

usage: http_test.py <path to cairn binary>
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def curl(url):
    p = subprocess.run(["curl", "-sS", "-m", "10", "-w", "\n%{http_code}", url], capture_output=True, text=True,
                       timeout=20)
    body, _, code = p.stdout.rpartition("\n")
    return int(code or 0), body


def nospace_checks(f):
    """A tiny quota (64 KiB: the bolt file starts near 24 KiB): writes fail with NOSPACE, /health reports the alarm, reads still work, and
    after compact + defrag + alarm disarm writes work again."""
    s = e2e_lib.Server(e2e_lib.cairn_binary(), extra_flags=["--quota-backend-bytes", "65536"]).start()
    try:
        err = ""
        for i in range(400):
            rc, _, e = s.ctl("put", "k", "v" * 200, check=False)
            if rc != 0:
                err = e
                break
        f.expect("put beyond quota fails with NOSPACE", "Error: etcdserver: mvcc: database space exceeded" in err, err)
        f.expect_eq("/health with NOSPACE", curl(s.endpoint + "/health"), (503, '{"health":"false","reason":"ALARM NOSPACE"}\n'))
        f.expect_eq("/health?exclude=NOSPACE", curl(s.endpoint + "/health?exclude=NOSPACE"),
                    (200, '{"health":"true","reason":""}'))
        _, o, _ = s.ctl("alarm", "list")
        f.expect_eq("alarm list", o, "memberID:10276657743932975437 alarm:NOSPACE \n")
        _, o, _ = s.ctl("get", "k", "--print-value-only")
        f.expect_eq("reads still work", o, "v" * 200 + "\n")
        _, o, _ = s.ctl("get", "k", "-w", "json")
        rev = e2e_lib.load_json(o)["header"]["revision"]
        s.ctl("compact", str(rev), "--physical")
        s.ctl("defrag")
        _, o, _ = s.ctl("alarm", "disarm")
        f.expect_eq("alarm disarm", o, "memberID:10276657743932975437 alarm:NOSPACE \n")
        rc, o, e = s.ctl("put", "k", "small", check=False)
        f.expect_eq("put after disarm", (rc, o), (0, "OK\n"))
    finally:
        s.stop()


def gateway_scenario(s):
    """JSON gateway requests; returns [(name, (status, body))]."""
    def post(path, body, method="POST"):
        p = subprocess.run(["curl", "-sS", "-m", "10", "-X", method, "-d", body, "-w", "\n%{http_code}",
                            s.endpoint + path], capture_output=True, text=True, timeout=20)
        out, _, code = p.stdout.rpartition("\n")
        return int(code or 0), out
    out = []
    out.append(("put", post("/v3/kv/put", '{"key":"Zm9v","value":"YmFy"}')))
    out.append(("range", post("/v3/kv/range", '{"key":"Zm9v"}')))
    out.append(("range v3beta", post("/v3beta/kv/range", '{"key":"Zm9v","keys_only":true}')))
    out.append(("empty key", post("/v3/kv/range", '{"key":""}')))
    out.append(("future rev", post("/v3/kv/range", '{"key":"Zm9v","revision":100}')))
    out.append(("GET", post("/v3/kv/range", '{"key":"Zm9v"}', method="GET")))
    out.append(("txn", post("/v3/kv/txn", '{"compare":[{"key":"Zm9v","target":"VALUE","value":"YmFy"}],'
                                         '"success":[{"request_put":{"key":"Zm9v","value":"YmF6"}}]}')))
    out.append(("delete", post("/v3/kv/deleterange", '{"key":"Zm9v","prev_kv":true}')))
    out.append(("member list", post("/v3/cluster/member/list", "{}")))
    return out


def gateway_checks(f, binary):
    s = e2e_lib.Server(binary).start()
    try:
        got = gateway_scenario(s)
    finally:
        s.stop()
    d = dict(got)
    f.expect_eq("gateway range", d["range"][0], 200)
    f.expect("gateway range body", '"kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1",'
             '"value":"YmFy"}],"count":"1"}' in d["range"][1], d["range"][1])
    f.expect_eq("gateway empty key", d["empty key"],
                (400, '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}'))
    if os.access(e2e_lib.REAL_ETCD, os.X_OK):
        etcd = e2e_lib.Server(e2e_lib.REAL_ETCD).start()
        try:
            want = gateway_scenario(etcd)
        finally:
            etcd.stop()
        for (name, g), (_, w) in zip(got, want):
            if name == "member list":  # client URLs differ by port
                g = (g[0], g[1].replace(str(s.client_port), "PORT"))
                w = (w[0], w[1].replace(str(etcd.client_port), "PORT"))
            f.expect_eq("gateway same as etcd: " + name, g, w)


def separate_http_listener_checks(f):
    """--listen-client-http-urls: HTTP moves there; the client URL keeps gRPC only (etcd 3.5)."""
    http_port = e2e_lib.free_port()
    s = e2e_lib.Server(e2e_lib.cairn_binary(),
                       extra_flags=["--listen-client-http-urls", "http://127.0.0.1:%d" % http_port])
    # Server.start() probes /health on the client URL, which is gRPC-only here: start by hand.
    url = s.endpoint
    args = [s.binary, "--data-dir", os.path.join(s.dir, "data"), "--listen-client-urls", url,
            "--advertise-client-urls", url, "--listen-client-http-urls", "http://127.0.0.1:%d" % http_port]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=s.dir)
    e2e_lib._started.append(proc)
    try:
        code = 0
        for _ in range(100):
            code, _ = curl("http://127.0.0.1:%d/health" % http_port)
            if code == 200:
                break
            time.sleep(0.1)
        f.expect_eq("http listener /health", code, 200)
        f.expect_eq("http listener /version", curl("http://127.0.0.1:%d/version" % http_port),
                    (200, '{"etcdserver":"3.5.17","etcdcluster":"3.5.0"}'))
        f.expect_eq("client URL has no HTTP", curl(url + "/health")[0], 404)
        rc, out, _ = s.ctl("put", "a", "b", check=False)
        f.expect_eq("client URL still serves gRPC", (rc, out), (0, "OK\n"))
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main():
    f = e2e_lib.Failures()
    s = e2e_lib.Server(e2e_lib.cairn_binary()).start()
    try:
        base = s.endpoint
        metrics = "http://127.0.0.1:%d" % s.metrics_port
        f.expect_eq("/health", curl(base + "/health"), (200, '{"health":"true","reason":""}'))
        f.expect_eq("/health serializable", curl(base + "/health?serializable=true"),
                    (200, '{"health":"true","reason":""}'))
        f.expect_eq("/version", curl(base + "/version"), (200, '{"etcdserver":"3.5.17","etcdcluster":"3.5.0"}'))
        f.expect_eq("/livez", curl(base + "/livez"), (200, "ok\n"))
        f.expect_eq("/readyz", curl(base + "/readyz"), (200, "ok\n"))
        f.expect_eq("metrics listener /health", curl(metrics + "/health"), (200, '{"health":"true","reason":""}'))
        s.ctl("put", "a", "b")
        for url in (base + "/metrics", metrics + "/metrics"):
            code, body = curl(url)
            f.expect_eq(url + " status", code, 200)
            for needle in ("etcd_server_has_leader 1", "etcd_server_is_leader 1",
                           'etcd_server_version{server_version="3.5.17"} 1',
                           'etcd_server_id{server_id="8e9e05c52164694d"} 1',
                           "etcd_disk_wal_fsync_duration_seconds_bucket", "etcd_mvcc_db_total_size_in_bytes",
                           "etcd_debugging_mvcc_current_revision 2", "etcd_mvcc_put_total 1",
                           'grpc_server_handled_total{grpc_code="OK",grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"} 1',
                           'grpc_server_started_total{grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"} 1'):
                f.expect(url + " has " + needle, needle in body)
        f.expect_eq("metrics listener has no /version", curl(metrics + "/version")[0], 404)
    finally:
        s.stop()
    nospace_checks(f)
    gateway_checks(f, e2e_lib.cairn_binary())
    separate_http_listener_checks(f)
    f.finish()


if __name__ == "__main__":
    main()
