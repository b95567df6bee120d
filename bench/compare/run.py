#!/usr/bin/env python3
"""Cairn vs etcd, side by side (issue 6): `make bench-compare`.

Starts a real etcd (--etcd, default /usr/bin/etcd) and Cairn (--cairn, default bin/etcd; any binary
that takes etcd's flags and serves the etcd v3 API works) with the same flags on fresh data dirs on
one disk (tmpfs refused), runs each workload with the same client (`cairn bench`, --bench) against
both, alternating which side goes first, samples each server's CPU time (utime+stime from
/proc/PID/stat) and memory (VmRSS, VmHWM from /proc/PID/status) during every run, probes the
disk's fdatasync latency, and writes the server section of docs/benchmarks.md (between the
server-comparison markers, leaving the rest of the file alone) plus an SVG chart it embeds.

Python 3 standard library only. Every server it starts is killed on exit (also on SIGINT/SIGTERM;
children get PR_SET_PDEATHSIG), every bench run is bounded by a timeout.
"""

import argparse
import ctypes
import json
import os
import platform
import re
import shutil
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import svg_chart

BEGIN_MARK = "<!-- server-comparison:begin -->"
END_MARK = "<!-- server-comparison:end -->"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_PERCENTILES = ["50", "99", "99.9"]

# ---------------------------------------------------------------------------------------------
# Servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pdeathsig():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


LIVE = []  # every Popen still to kill


def kill_all():
    for p in list(LIVE):
        try:
            p.kill()
            p.wait(timeout=10)
        except Exception:
            pass
        LIVE.remove(p)


class Cluster:
    """`members` processes of `binary` with etcd's flags on loopback; data under `root`."""

    def __init__(self, label, binary, root, members, tls=False):
        self.label, self.binary, self.root, self.members = label, binary, root, members
        self.tls = tls
        self.scheme = "https" if tls else "http"
        self.procs, self.client_ports, self.logs = [], [], []

    def start(self, bench, ready_timeout_s):
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        names = ["m%d" % i for i in range(self.members)]
        peer_ports = [free_port() for _ in names]
        self.client_ports = [free_port() for _ in names]
        cluster = ",".join("%s=http://127.0.0.1:%d" % (n, p) for n, p in zip(names, peer_ports))
        for i, name in enumerate(names):
            args = [
                self.binary,
                "--name", name,
                "--data-dir", os.path.join(self.root, name + ".etcd"),
                "--listen-client-urls", "%s://127.0.0.1:%d" % (self.scheme, self.client_ports[i]),
                "--advertise-client-urls", "%s://127.0.0.1:%d" % (self.scheme, self.client_ports[i]),
                "--listen-peer-urls", "http://127.0.0.1:%d" % peer_ports[i],
                "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % peer_ports[i],
                "--initial-cluster", cluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "bench-compare",
            ] + (tls_server_flags() if self.tls else [])
            log = open(os.path.join(self.root, name + ".log"), "wb")
            self.logs.append(log.name)
            p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 preexec_fn=_pdeathsig)
            log.close()
            LIVE.append(p)
            self.procs.append(p)
        deadline = time.time() + ready_timeout_s
        while time.time() < deadline:
            if any(p.poll() is not None for p in self.procs):
                return "exited: " + self.log_tail()
            if all(self._ready(bench, ep) for ep in self.endpoints()):
                return None
            time.sleep(0.3)
        return "not ready within %d s: %s" % (ready_timeout_s, self.log_tail())

    def _ready(self, bench, endpoint):
        # A linearizable range through the benchmark client: works for any etcd-API server.
        try:
            r = subprocess.run(shlex.split(bench) + ["--endpoints", endpoint, "--output", "json", "--dial-timeout", "1s"]
                               + (tls_client_flags() if self.tls else []) + ["range", "bench-compare-ready", "--total", "1"],
                               capture_output=True, text=True, timeout=10)
            return r.returncode == 0 and json.loads(r.stdout).get("failures", 1) == 0
        except Exception:
            return False

    def endpoints(self):
        if self.tls:
            return ["https://127.0.0.1:%d" % p for p in self.client_ports]
        return ["127.0.0.1:%d" % p for p in self.client_ports]

    def pids(self):
        return [p.pid for p in self.procs]

    def log_tail(self):
        """Why the servers stopped: each log's last error-level zap line (its msg and error
        fields), else the end of that log; identical reasons are given once."""
        out = []
        for path in self.logs:
            try:
                with open(path, "rb") as f:
                    lines = f.read().decode("utf-8", "replace").strip().splitlines()
            except OSError:
                continue
            reason = None
            for line in reversed(lines):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and rec.get("level") in ("error", "fatal", "panic"):
                    reason = ": ".join(str(rec[k]) for k in ("msg", "error") if rec.get(k))
                    break
            out.append(reason or " | ".join(lines[-3:])[-600:])
        return " || ".join(dict.fromkeys(out))[-1200:]

    def stop(self):
        for p in self.procs:
            try:
                p.kill()
                p.wait(timeout=10)
            except Exception:
                pass
            if p in LIVE:
                LIVE.remove(p)
        shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# /proc sampling


def proc_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def proc_mem_kib(pid):
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


class Sampler:
    """Samples CPU and RSS of `pids` every 50 ms between start() and stop()."""

    def __init__(self, pids):
        self.pids = pids
        self.stop_event = threading.Event()
        self.peak_rss_kib = {pid: 0 for pid in pids}
        self.start_rss_kib = {}

    def start(self):
        self.cpu0 = {pid: proc_cpu_seconds(pid) for pid in self.pids}
        self.start_rss_kib = {pid: proc_mem_kib(pid)[0] for pid in self.pids}
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stop_event.is_set():
            self._sample()
            self.stop_event.wait(0.05)

    def _sample(self):
        for pid in self.pids:
            try:
                rss, _ = proc_mem_kib(pid)
                self.peak_rss_kib[pid] = max(self.peak_rss_kib[pid], rss)
            except OSError:
                pass

    def stop(self):
        self.stop_event.set()
        self.thread.join()
        self._sample()
        cpu = sum(proc_cpu_seconds(pid) - self.cpu0[pid] for pid in self.pids)
        hwm = max(proc_mem_kib(pid)[1] for pid in self.pids)
        return {
            "server_cpu_seconds": cpu,
            "peak_rss_kib": max(self.peak_rss_kib.values()),  # largest member
            "start_rss_kib": max(self.start_rss_kib.values()),
            "hwm_kib": hwm,
        }


# ---------------------------------------------------------------------------------------------
# Workloads


# Mutual-TLS workloads (tls=True): one test PKI made by the real openssl CLI at start-up
# (server/tls/testdata/make_certs.sh), servers on https:// client URLs with --cert-file,
# --key-file and --trusted-ca-file, the benchmark client with --cacert/--cert/--key.
PKI = {"dir": None}


def tls_server_flags():
    d = PKI["dir"]
    return ["--cert-file", os.path.join(d, "server.pem"), "--key-file", os.path.join(d, "server-key.pem"),
            "--trusted-ca-file", os.path.join(d, "ca.pem")]


def tls_client_flags():
    d = PKI["dir"]
    return ["--cacert", os.path.join(d, "ca.pem"), "--cert", os.path.join(d, "client.pem"), "--key",
            os.path.join(d, "client-key.pem")]


def make_pki(repo, work_dir):
    d = os.path.join(work_dir, "pki")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run(["sh", os.path.join(repo, "server/tls/testdata/make_certs.sh"), d], check=True,
                   capture_output=True, timeout=60)
    PKI["dir"] = d


def W(name, members, steps, target, kind="rps", **extra):
    return dict(name=name, members=members, steps=steps, target=target, kind=kind, **extra)


def workloads(quick):
    """Each workload: steps of (bench args, measured?) run on a fresh server; the measured step's
    report is the result. `setup` steps prepare data (not measured)."""
    q = quick
    n_put = 10000 if q else 100000
    put_1000 = ["--clients", "1000", "--conns", "100", "put", "--key-size", "8", "--val-size", "256",
                "--sequential-keys", "--key-space-size", str(n_put), "--total", str(n_put)]
    rng = lambda c: ["--clients", "1000", "--conns", "100", "range", "foo", "--consistency", c,
                     "--total", str(10000 if q else 100000)]
    seed_foo = ("put-foo", None)
    list_objs, list_size = (1000, 10240) if q else (10000, 10240)
    rss_keys = 10000 if q else 100000
    return [
        W("put 1000 clients", 1, [(put_1000, "report")],
          "≥ 2× etcd's requests/s, ≤ ½ its server CPU per op", kind="put"),
        W("range l 1000 clients", 1, [seed_foo, (rng("l"), "report")], "≥ 3× etcd's requests/s", kind="range"),
        W("range s 1000 clients", 1, [seed_foo, (rng("s"), "report")], "≥ 3× etcd's requests/s", kind="range"),
        W("put 1 client", 1, [(["--clients", "1", "--conns", "1", "put", "--key-size", "8", "--val-size", "256",
                                "--sequential-keys", "--key-space-size", "100000",
                                "--total", str(300 if q else 3000)], "report")],
          "p50 ≤ etcd's", kind="p50"),
        W("k8s-list %d × %d KB, 5 concurrent full lists" % (list_objs, list_size // 1024), 1,
          [(["--clients", "50", "--conns", "10", "k8s-list", "--objects", str(list_objs), "--object-size",
             str(list_size), "--lists", "1"], "baseline"),
           (["--clients", "5", "--conns", "5", "k8s-list", "--skip-populate", "--objects", str(list_objs),
             "--lists", str(20 if q else 100)], "report")],
          "peak server RSS growth ≤ ¼ of etcd's, mean latency ≤ ⅓", kind="list", report_key="full"),
        W("watch-latency 1000 watchers", 1,
          [(["--clients", "1000", "--conns", "100", "watch-latency", "--put-total", str(50 if q else 500),
             "--put-rate", "100", "--val-size", "256"], "report")],
          "p99 ≤ ½ etcd's", kind="p99"),
        W("RSS after %d keys of 256 B" % rss_keys, 1,
          [(["--clients", "100", "--conns", "10", "put", "--key-size", "8", "--val-size", "256",
             "--sequential-keys", "--key-space-size", str(rss_keys), "--total", str(rss_keys)], "report")],
          "RSS ≤ ½ etcd's", kind="rss"),
        W("k8s-churn", 1,
          [(["--clients", "100", "--conns", "10", "k8s-churn", "--objects", "1000", "--total",
             str(5000 if q else 50000), "--watchers", "10"], "report")], "", kind="churn"),
        W("watch-fanout 1000 watchers", 1,
          [(["--conns", "100", "watch-fanout", "--watchers", "1000", "--put-total", str(100 if q else 1000),
             "--rate", "200", "--put-clients", "4"], "report")], "", kind="fanout", report_key="delivery"),
        W("put 1000 clients, 3 members", 3, [(put_1000, "report")], "≥ 2× etcd's requests/s", kind="rps3"),
        W("mutual-TLS put 1000 clients", 1, [(put_1000, "report")], "≥ 2× etcd's requests/s (both with mutual TLS)",
          kind="put", tls=True),
        W("mutual-TLS serializable range 1000 clients", 1, [seed_foo, (rng("s"), "report")],
          "≥ 3× etcd's requests/s (both with mutual TLS)", kind="range", tls=True),
    ]


def run_bench(bench, endpoints, args, timeout_s, tls=False):
    cmd = shlex.split(bench) + ["--endpoints", ",".join(endpoints), "--output", "json"] + (
        tls_client_flags() if tls else []) + args
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if r.returncode not in (0, 2):
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[-500:]))
    return json.loads(r.stdout.strip().splitlines()[-1])


def put_foo(endpoints, tls=False):
    """etcd's benchmark docs put key foo (256 B) before range runs; use etcdctl if present."""
    ctl = shutil.which("etcdctl")
    if ctl is None:
        return
    subprocess.run([ctl, "--endpoints", endpoints[0]] + (tls_client_flags() if tls else []) + ["put", "foo", "x" * 256],
                   env=dict(os.environ, ETCDCTL_API="3"), capture_output=True, timeout=30)


def summarize(w, report, proc):
    """One result row from a bench JSON report and the /proc samples."""
    if "report_key" in w:
        rep = report[w["report_key"]]
    elif w["kind"] == "churn":
        rep = dict(report["update"])
        ok = sum(report[k].get("successes", 0) for k in ("create", "update", "delete", "event"))
        rep["successes"] = ok
        rep["failures"] = sum(report[k].get("failures", 0) for k in ("create", "update", "delete", "event"))
        rep["requests_per_second"] = ok / max(1e-9, rep.get("total_seconds", 0))
    else:
        rep = report
    pct = rep.get("latency_percentiles_seconds", {})
    ops = rep.get("successes", 0)
    if w["kind"] == "fanout":
        ops = report["put"].get("successes", 0)
    return {
        "rps": rep.get("requests_per_second", 0.0),
        "mean_s": rep.get("average_seconds", 0.0),
        "p": {k: pct.get(k) for k in ["10", "25", "50", "75", "90", "95", "99", "99.9"]},
        "ops": ops,
        "failures": rep.get("failures", 0),
        "cpu_ms_per_1000_ops": 1e6 * proc["server_cpu_seconds"] / ops if ops else None,
        "server_cpu_seconds": proc["server_cpu_seconds"],
        "peak_rss_kib": proc["peak_rss_kib"],
        "start_rss_kib": proc["start_rss_kib"],
        "rss_growth_kib": proc["peak_rss_kib"] - proc["start_rss_kib"],
        "end_rss_kib": proc.get("end_rss_kib"),
    }


def median_run(w, runs):
    """The run with the median value of the workload's headline metric (an error if any failed)."""
    if not runs:
        return {"error": "no result"}
    for r in runs:
        if r is None or "error" in r:
            return r or {"error": "no result"}
    key = {"p50": lambda r: r["p"]["50"] or 0, "p99": lambda r: r["p"]["99"] or 0,
           "rss": lambda r: r["end_rss_kib"] or 0, "list": lambda r: r["mean_s"]}.get(w["kind"], lambda r: r["rps"])
    ranked = sorted(runs, key=key)
    chosen = dict(ranked[len(ranked) // 2])
    chosen["rounds"] = len(runs)
    return chosen


def start_perf(cluster, w):
    """perf record (call graphs, 499 Hz) of the server processes during the measured run."""
    perf = shutil.which("perf")
    if perf is None:
        return None
    data = os.path.join(cluster.root, "perf.data")
    p = subprocess.Popen([perf, "record", "-q", "-F", "499", "-g", "-o", data, "-p",
                          ",".join(str(pid) for pid in cluster.pids())],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_pdeathsig)
    LIVE.append(p)
    time.sleep(0.3)
    return p, data


def stop_perf(perf):
    """Stops perf record; the top of `perf report` (self time by symbol) as text, or None."""
    if perf is None:
        return None
    p, data = perf
    try:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
    except Exception:
        p.kill()
    if p in LIVE:
        LIVE.remove(p)
    try:
        r = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                            "--sort", "dso,symbol", "--percent-limit", "1.5"],
                           capture_output=True, text=True, timeout=120)
        lines = [l.rstrip(" -") for l in r.stdout.splitlines() if l.strip() and not l.startswith("#")]
        return "\n".join(lines[:25]) or None
    except Exception:
        return None


def run_workload(w, side, binary, args, root):
    tls = w.get("tls", False)
    cluster = Cluster(side, binary, os.path.join(root, side), w["members"], tls=tls)
    try:
        err = cluster.start(args.bench, 30 if w["members"] == 1 else 40)
        if err:
            return {"error": "%s did not start (%d member%s): %s" % (side, w["members"], "s" * (w["members"] > 1),
                                                                     err)}
        result = None
        for step, role in w["steps"]:
            if step == "put-foo":
                put_foo(cluster.endpoints(), tls=tls)
                continue
            sampler = Sampler(cluster.pids())
            perf = start_perf(cluster, w) if args.perf and side == "cairn" and role == "report" else None
            sampler.start()
            try:
                report = run_bench(args.bench, cluster.endpoints(), step, args.bench_timeout, tls=tls)
            finally:
                proc = sampler.stop()
                profile = stop_perf(perf)
            if role == "report":
                time.sleep(0.5)  # settle, then the resident set after the run
                proc["end_rss_kib"] = max(proc_mem_kib(pid)[0] for pid in cluster.pids())
                result = summarize(w, report, proc)
                if profile:
                    result["profile"] = profile
        return result
    except Exception as e:  # a failed run is reported, not fatal
        return {"error": "%s: %s" % (side, e)}
    finally:
        cluster.stop()


# ---------------------------------------------------------------------------------------------
# Machine


def fsync_probe(directory, count=200, size=4096):
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    lat = []
    try:
        block = os.urandom(size)
        for _ in range(count):
            t = time.perf_counter()
            os.write(fd, block)
            os.fdatasync(fd)
            lat.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.unlink(path)
    lat.sort()
    return {"count": count, "bytes": size, "p50_ms": 1e3 * lat[len(lat) // 2],
            "p99_ms": 1e3 * lat[min(len(lat) - 1, int(len(lat) * 0.99))], "mean_ms": 1e3 * statistics.mean(lat)}


def filesystem_of(path):
    path = os.path.realpath(path)
    best = ("", "?", "?")
    with open("/proc/mounts") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best[0]):
                best = (mnt, fstype, dev)
    return {"mount": best[0], "type": best[1], "device": best[2]}


def machine_info(root):
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model, "memory_gib": mem_kib / 1048576, "kernel": platform.release(),
            "fs": filesystem_of(root), "fsync": fsync_probe(root)}


def version_of(binary):
    try:
        r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        return " ".join((r.stdout + r.stderr).split("\n")[:3]).strip()
    except Exception as e:
        return "unknown (%s)" % e


# ---------------------------------------------------------------------------------------------
# Verdicts and the markdown


def ratio(c, e):
    return c / e if c is not None and e else None


def fmt_ratio(r):
    return "–" if r is None else "%.2f×" % r


def verdict(w, e, c):
    if e is None or c is None or "error" in e or "error" in c:
        reason = (e or {}).get("error") or (c or {}).get("error") or "no result"
        return "not run: " + reason.split(": ", 1)[-1][:300]
    k = w["kind"]
    if k in ("put", "range", "rps3"):
        need = {"put": 2.0, "range": 3.0, "rps3": 2.0}[k]
        r = ratio(c["rps"], e["rps"])
        parts = []
        if r is None or r < need:
            parts.append("requests/s %s (target ≥ %.0f×)" % (fmt_ratio(r), need))
        if k == "put":
            rc = ratio(c["cpu_ms_per_1000_ops"], e["cpu_ms_per_1000_ops"])
            if rc is None or rc > 0.5:
                parts.append("CPU/op %s (target ≤ 0.5×)" % fmt_ratio(rc))
        return "met" if not parts else "missed by " + "; ".join(parts)
    if k == "p50":
        r = ratio(c["p"]["50"], e["p"]["50"])
        return "met" if r is not None and r <= 1 else "missed by p50 %s of etcd's (target ≤ 1×)" % fmt_ratio(r)
    if k == "p99":
        r = ratio(c["p"]["99"], e["p"]["99"])
        return "met" if r is not None and r <= 0.5 else "missed by p99 %s of etcd's (target ≤ 0.5×)" % fmt_ratio(r)
    if k == "rss":
        r = ratio(c["end_rss_kib"], e["end_rss_kib"])
        detail = " (%s vs %s MiB)" % (mib(c["end_rss_kib"]), mib(e["end_rss_kib"]))
        return ("met" if r is not None and r <= 0.5 else "missed by RSS %s of etcd's (target ≤ 0.5×)" % fmt_ratio(r)) + detail
    if k == "list":
        rg = ratio(max(1, c["rss_growth_kib"]), max(1, e["rss_growth_kib"]))
        rl = ratio(c["mean_s"], e["mean_s"])
        parts = []
        if rg is None or rg > 0.25:
            parts.append("RSS growth %s (%s vs %s MiB; target ≤ 0.25×)" % (
                fmt_ratio(rg), mib(c["rss_growth_kib"]), mib(e["rss_growth_kib"])))
        if rl is None or rl > 1 / 3:
            parts.append("mean latency %s (%s vs %s ms; target ≤ 0.33×)" % (fmt_ratio(rl), ms(c["mean_s"]),
                                                                              ms(e["mean_s"])))
        return "met" if not parts else "missed by " + "; ".join(parts)
    return ""


def ms(v):
    return "–" if v is None else ("%.3f" % (v * 1e3) if v < 0.01 else "%.1f" % (v * 1e3))


def mib(kib):
    return "–" if kib is None else "%.0f" % (kib / 1024)


def row(label, r):
    if r is None or "error" in r:
        return "| | %s | not run | | | | | | |" % label
    cpu = "–" if r["cpu_ms_per_1000_ops"] is None else "%.0f" % r["cpu_ms_per_1000_ops"]
    return "| | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        label, "%.0f" % r["rps"] if r["rps"] >= 100 else "%.2f" % r["rps"], ms(r["p"]["50"]), ms(r["p"]["99"]), ms(r["p"]["99.9"]), cpu, mib(r["peak_rss_kib"]),
        mib(r["end_rss_kib"]))


def ratio_row(e, c):
    if not e or not c or "error" in e or "error" in c:
        return None
    cells = [fmt_ratio(ratio(c["rps"], e["rps"]))]
    for p in PAGE_PERCENTILES:
        cells.append(fmt_ratio(ratio(c["p"][p], e["p"][p])))
    cells.append(fmt_ratio(ratio(c["cpu_ms_per_1000_ops"], e["cpu_ms_per_1000_ops"])))
    cells.append(fmt_ratio(ratio(c["peak_rss_kib"], e["peak_rss_kib"])))
    cells.append(fmt_ratio(ratio(c["end_rss_kib"], e["end_rss_kib"])))
    return "| | **Cairn/etcd** | " + " | ".join(cells) + " |"


def markdown(args, machine, versions, results, svg_rel, elapsed_s, command):
    fs, fsync = machine["fs"], machine["fsync"]
    out = [BEGIN_MARK]
    out.append("Generated by `bench/compare/run.py` (%s mode, %.0f s) on %s UTC. Regenerate with:" % (
        "quick" if args.quick else "full", elapsed_s, time.strftime("%Y-%m-%d %H:%M", time.gmtime())))
    out += ["", "```", "make bench-compare COMPARE_FLAGS=%s" % shlex.quote(" ".join(args.compare_flags)) if
            args.compare_flags else "make bench-compare", "```", "", "which runs:", "", "```", command, "```", ""]
    if os.path.realpath(args.cairn) == os.path.realpath(args.etcd):
        out += ["> **Sanity run:** the \"Cairn\" side is the same etcd binary (`%s`), so every ratio should be "
                "≈ 1× and the spread shows the noise of this machine." % args.cairn, ""]
    out += ["**Machine:** %d cores (%s), %.1f GiB memory, Linux %s. Data dirs on %s (%s, %s); "
            "fdatasync probe (%d × %d B write+fdatasync): p50 %.2f ms, p99 %.2f ms, mean %.2f ms." % (
                machine["cores"], machine["cpu"], machine["memory_gib"], machine["kernel"], fs["mount"], fs["type"],
                fs["device"], fsync["count"], fsync["bytes"], fsync["p50_ms"], fsync["p99_ms"], fsync["mean_ms"]),
            "",
            "**Versions:** etcd `%s` — %s; Cairn `%s` — %s; client `%s` (the same for both)." % (
                args.etcd, versions["etcd"], args.cairn, versions["cairn"], display_path(args.bench, args.repo)),
            "",
            "Both servers get the same flags (`--name --data-dir --listen-client-urls --advertise-client-urls "
            "--listen-peer-urls --initial-advertise-peer-urls --initial-cluster --initial-cluster-state new`, "
            "everything else default), a fresh data dir per workload, and run one after the other (the side "
            "that goes first alternates); each side runs each workload %d time(s) and the run with the median "
            "headline metric is shown." % args.rounds + " Server CPU = utime+stime of the server processes (all members) "
            "during the measured run; peak RSS = largest VmRSS sampled every 50 ms during the run (largest "
            "member); end RSS = VmRSS 0.5 s after the run. Latencies in ms.", "",
            "![Cairn vs etcd: throughput and latency distributions](%s)" % svg_rel, "",
            "| workload | server | req/s | p50 | p99 | p99.9 | server CPU ms / 1000 ops | peak RSS MiB | "
            "end RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|"]
    for w, e, c in results:
        out.append("| **%s** | | | | | | | | |" % w["name"])
        out.append(row("etcd", e))
        out.append(row("Cairn", c))
        rr = ratio_row(e, c)
        if rr:
            out.append(rr)
    out += ["", "Notes: k8s-list reports per-list latency (a full list of every object); its RSS growth is "
            "the peak during the lists minus the RSS after prepopulation. watch-latency counts one op per "
            "event delivered (watchers × puts), latency from put acknowledgement to event arrival. "
            "k8s-churn: req/s of all writes, latency percentiles of the updates. watch-fanout: delivery "
            "latency (put ack → event at each watcher), CPU per 1000 puts.", "",
            "### Targets (issue 6)", "", "| workload | target | status |", "|---|---|---|"]
    for w, e, c in results:
        if w["target"]:
            out.append("| %s | %s | %s |" % (w["name"], w["target"], verdict(w, e, c)))
    errors = [(w, r) for w, e, c in results for r in (e, c) if r and "error" in r]
    if errors:
        out += ["", "Runs that failed:", ""]
        for w, r in errors:
            out.append("- %s: %s" % (w["name"], r["error"][:500].replace("|", "\\|")))
    profiled = [(w, c) for w, e, c in results if c and "profile" in c and w["target"] and
                verdict(w, e, c).startswith("missed")]
    if profiled:
        out += ["", "### Where Cairn's time goes in the missed targets (`perf record -g`, self time)", ""]
        for w, c in profiled:
            out += ["<details><summary>%s</summary>" % w["name"], "", "```", c["profile"], "```", "", "</details>"]
    elif not args.perf:
        out += ["", "Profiles of missed targets: run with `--perf` (perf record of the Cairn side)."]
    out.append(END_MARK)
    return "\n".join(out) + "\n"


def flags_beyond_make(argv):
    """The arguments `make bench-compare` does not supply itself (its COMPARE_FLAGS)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--cairn", "--etcd", "--bench"):
            skip = True
        elif a != "--perf" and not a.startswith(("--cairn=", "--etcd=", "--bench=")):
            out.append(a)
    return out


def display_path(arg, repo):
    """A command-line argument as a reader can retype it: repo paths relative to the repo, Bazel's
    output tree as bazel-bin/... (what `make bench-compare` passes)."""
    m = re.search(r"/bazel-out/[^/]+/bin/(.*)$", arg)
    if m:
        return "bazel-bin/" + m.group(1)
    return os.path.relpath(arg, repo) if arg.startswith(repo + "/") else arg


def write_section(path, section):
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if BEGIN_MARK in text and END_MARK in text:
        a = text.index(BEGIN_MARK)
        b = text.index(END_MARK) + len(END_MARK)
        text = text[:a] + section.rstrip("\n") + text[b:]
    elif text:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = "# Benchmarks\n\n## Server side by side with etcd\n\n" + section
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------------------------------------


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cairn", default=os.path.join(repo, "bin/etcd"), help="Cairn binary (etcd flags)")
    ap.add_argument("--etcd", default="/usr/bin/etcd", help="reference etcd binary")
    ap.add_argument("--bench", default=os.path.join(repo, "bazel-bin/bench/bench_tool"),
                    help="the benchmark client command: bench_tool, or e.g. 'bin/cairn bench'")
    ap.add_argument("--quick", action="store_true", help="small totals: about 1-2 minutes")
    ap.add_argument("--only", default="", help="comma-separated substrings: run matching workloads only")
    ap.add_argument("--work-dir", default="/var/tmp/cairn-bench-compare",
                    help="data dirs (must be on a real disk, not tmpfs)")
    ap.add_argument("--allow-tmpfs", action="store_true")
    ap.add_argument("--markdown", default=os.path.join(repo, "docs/benchmarks.md"))
    ap.add_argument("--svg", default=os.path.join(repo, "docs/benchmarks-server.svg"))
    ap.add_argument("--json", default="", help="also write the raw results here")
    ap.add_argument("--perf", action="store_true",
                    help="perf record the Cairn side of every measured run; the markdown shows the profile "
                         "of each missed target")
    ap.add_argument("--rounds", type=int, default=0,
                    help="runs per side and workload, the median is reported (0: 1 quick, 3 full)")
    ap.add_argument("--bench-timeout", type=int, default=0, help="seconds per bench run (0: 120 quick, 900 full)")
    args = ap.parse_args()
    args.compare_flags = flags_beyond_make(sys.argv[1:])
    args.repo = repo
    args.bench_timeout = args.bench_timeout or (120 if args.quick else 900)
    args.rounds = args.rounds or (1 if args.quick else 3)
    for b in (args.cairn, args.etcd, shlex.split(args.bench)[0]):
        if not os.access(b, os.X_OK):
            sys.exit("not executable: %s" % b)
    os.makedirs(args.work_dir, exist_ok=True)
    fs = filesystem_of(args.work_dir)
    if fs["type"] in ("tmpfs", "ramfs") and not args.allow_tmpfs:
        sys.exit("%s is on %s; fsync-bound numbers would be meaningless (use --work-dir on a disk)" % (
            args.work_dir, fs["type"]))

    def on_signal(signum, frame):
        kill_all()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    command = " ".join(shlex.quote(display_path(a, repo)) for a in [os.path.abspath(sys.argv[0])] + sys.argv[1:])
    t0 = time.time()
    try:
        machine = machine_info(args.work_dir)
        versions = {"etcd": version_of(args.etcd), "cairn": version_of(args.cairn)}
        selected = [w for w in workloads(args.quick)
                    if not args.only or any(s.strip() and s.strip() in w["name"] for s in args.only.split(","))]
        if any(w.get("tls") for w in selected):
            make_pki(repo, args.work_dir)
        results = []
        for i, w in enumerate(selected):
            runs = {"etcd": [], "cairn": []}
            failed = set()  # a side that failed once is not run again for this workload
            for rnd in range(args.rounds):
                order = [("etcd", args.etcd), ("cairn", args.cairn)]
                if (i + rnd) % 2 == 1:
                    order.reverse()  # alternate which side runs first
                for side, binary in order:
                    if side in failed:
                        continue
                    print("[%5.0fs] %-40s %-5s round %d" % (time.time() - t0, w["name"], side, rnd + 1),
                          file=sys.stderr, flush=True)
                    r = run_workload(w, side, binary, args, args.work_dir)
                    runs[side].append(r)
                    if r and "error" in r:
                        print("         " + r["error"][:300], file=sys.stderr, flush=True)
                        failed.add(side)
            got = {side: median_run(w, rs) for side, rs in runs.items()}
            if w["kind"] == "rps3" and got.get("cairn") and "error" in got["cairn"]:
                got["cairn"]["error"] = "Cairn binary did not run a 3-member cluster (" + got["cairn"]["error"][:200] + ")"
            results.append((w, got.get("etcd"), got.get("cairn")))
    finally:
        kill_all()
    elapsed = time.time() - t0
    svg_rel = os.path.relpath(args.svg, os.path.dirname(os.path.abspath(args.markdown)))
    with open(args.svg, "w") as f:
        f.write(svg_chart.render(results, "etcd", "Cairn"))
    write_section(args.markdown, markdown(args, machine, versions, results, svg_rel, elapsed, command))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "versions": versions,
                       "results": [{"workload": w["name"], "etcd": e, "cairn": c} for w, e, c in results]}, f,
                      indent=1)
    for w, e, c in results:
        if w["target"]:
            print("%-40s %s" % (w["name"], verdict(w, e, c)), file=sys.stderr)
    print("wrote %s and %s in %.0f s" % (args.markdown, args.svg, elapsed), file=sys.stderr)


if __name__ == "__main__":
    main()
