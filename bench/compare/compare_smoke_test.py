#!/usr/bin/env python3
"""Smoke test of the comparison driver (run.py) with etcd on both sides, plus unit checks of its
pure parts. Runs a quick subset of the workloads (about 15 s) and a side whose binary cannot
start; checks the markdown section (markers, rows, target statuses), that the text around the
markers survives, and that the chart is well-formed SVG. Needs /usr/bin/etcd (Debian etcd-server)."""

import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402

BENCH = os.path.join(os.environ.get("TEST_SRCDIR", ""), os.environ.get("TEST_WORKSPACE", "cairn"),
                     "bench/bench_tool")
if not os.path.exists(BENCH):
    BENCH = os.path.join(os.path.dirname(HERE), "bench_tool")


def read(path):
    with open(path) as f:
        return f.read()


class PureParts(unittest.TestCase):
    def test_write_section_keeps_the_rest(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b.md")
            with open(path, "w") as f:
                f.write("# Benchmarks\n\nstorage\n\n%s\nold\n%s\n\ntail\n" % (run.BEGIN_MARK, run.END_MARK))
            run.write_section(path, run.BEGIN_MARK + "\nnew\n" + run.END_MARK + "\n")
            text = read(path)
            self.assertEqual(text, "# Benchmarks\n\nstorage\n\n%s\nnew\n%s\n\ntail\n" % (run.BEGIN_MARK,
                                                                                     run.END_MARK))
            fresh = os.path.join(d, "fresh.md")
            run.write_section(fresh, "S\n")
            self.assertEqual(read(fresh), "# Benchmarks\n\n## Server side by side with etcd\n\nS\n")

    def test_verdicts(self):
        def r(rps, p50=0.001, cpu=10.0):
            return {"rps": rps, "p": {"50": p50, "99": p50 * 2, "99.9": p50 * 3}, "cpu_ms_per_1000_ops": cpu,
                    "end_rss_kib": 1000, "rss_growth_kib": 100, "mean_s": p50}
        put = {"kind": "put"}
        self.assertEqual(run.verdict(put, r(100, cpu=10), r(250, cpu=4)), "met")
        self.assertTrue(run.verdict(put, r(100, cpu=10), r(150, cpu=4)).startswith("missed by requests/s 1.50×"))
        self.assertIn("CPU/op 0.60×", run.verdict(put, r(100, cpu=10), r(300, cpu=6)))
        self.assertEqual(run.verdict({"kind": "p50"}, r(1, p50=0.002), r(1, p50=0.002)), "met")
        self.assertTrue(run.verdict({"kind": "rps3"}, r(1), {"error": "cairn: x"}).startswith("not run"))


class EtcdVsEtcd(unittest.TestCase):
    def test_quick_subset(self):
        with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as d:
            md = os.path.join(d, "benchmarks.md")
            svg = os.path.join(d, "chart.svg")
            with open(md, "w") as f:
                f.write("# Storage section by the lead\n")
            cmd = [sys.executable, os.path.join(HERE, "run.py"), "--quick", "--cairn", "/usr/bin/etcd",
                   "--bench", BENCH, "--work-dir", os.path.join(d, "work"), "--markdown", md, "--svg", svg,
                   "--only", "put 1 client,range s,k8s-churn", "--allow-tmpfs"]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=150)
            self.assertEqual(r.returncode, 0, r.stderr)
            text = read(md)
            self.assertTrue(text.startswith("# Storage section by the lead\n\n" + run.BEGIN_MARK), text)
            self.assertIn(run.END_MARK, text)
            self.assertIn("Sanity run", text)
            self.assertIn("| **put 1 client** |", text)
            self.assertIn("| **k8s-churn** |", text)
            self.assertEqual(text.count("| | **Cairn/etcd** |"), 3, text)
            self.assertRegex(text, r"\| put 1 client \| p50 ≤ etcd's \| (met|missed by .*) \|")
            self.assertRegex(text, r"fdatasync probe \(200 × 4096 B")
            root = ET.parse(svg).getroot()
            self.assertTrue(root.tag.endswith("svg"))
            self.assertGreaterEqual(len(root.findall("{http://www.w3.org/2000/svg}polyline")), 6)

            # A "Cairn" that cannot start: the workload is reported as not run, the driver succeeds.
            r = subprocess.run(cmd[:4] + ["/bin/false"] + cmd[5:-3] + ["--only", "put 1 client", "--allow-tmpfs"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(read(md), r"\| put 1 client \| p50 ≤ etcd's \| not run: .* \|")


if __name__ == "__main__":
    unittest.main(verbosity=2)
