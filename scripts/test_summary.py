#!/usr/bin/env python3
"""Counts test cases across Bazel's test.xml files and prints
"N passed, N failed[, N skipped]" as the last line.

A test target whose XML is missing (crash, timeout before writing) counts as
one failure; so does a target whose log says FAILED while its XML has none.
"""
import os
import sys
import xml.etree.ElementTree as ET


def count(xml_path):
    passed = failed = skipped = 0
    root = ET.parse(xml_path).getroot()
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.get("status") == "notrun" or case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    logs = sys.argv[1] if len(sys.argv) > 1 else "bazel-testlogs"
    totals = [0, 0, 0]
    failing = []
    for dirpath, _, files in os.walk(logs, followlinks=True):
        if "test.log" not in files:
            continue
        target = os.path.relpath(dirpath, logs)
        xml_path = os.path.join(dirpath, "test.xml")
        try:
            p, f, s = count(xml_path)
        except (OSError, ET.ParseError):
            p, f, s = 0, 1, 0
        if f == 0:
            with open(os.path.join(dirpath, "test.log"), errors="replace") as log:
                if "[  FAILED  ]" in log.read():
                    f = 1
        if f:
            failing.append(target)
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    for target in failing:
        print(f"FAILED: //{target}")
    line = f"{totals[0]} passed, {totals[1]} failed"
    if totals[2]:
        line += f", {totals[2]} skipped"
    print(line)


if __name__ == "__main__":
    main()
