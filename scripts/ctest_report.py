#!/usr/bin/env python3
"""Reads CTest's JUnit results (ctest --output-junit FILE).

    ctest_report.py skipped FILE...        one summary of the skipped entries of every run
    ctest_report.py compare PRESENT ABSENT the run with the vendor reference folder present must
                                           skip nothing; the run without it must differ only in
                                           skipping every *_vendor_reference entry

Entries named `*_vendor_reference` read the vendors' published reference folder; every other
entry runs on the project's own fixtures and must behave the same in both runs.
"""
import sys
import xml.etree.ElementTree as ET

REFERENCE_SUFFIX = "_vendor_reference"
ENABLE = ("enable them with: cmake -B build -DFPGW_VENDOR_REFERENCE_DIR=/path/to/vendors/reference "
          "(scripts/setup.sh sets it when ../shared/vendors/reference exists)")


def results(path):
    """{test name: 'passed' | 'failed' | 'skipped'} of one JUnit file."""
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status", "run")
        if case.find("skipped") is not None or status in ("notrun", "disabled"):
            out[case.get("name")] = "skipped"
        elif case.find("failure") is not None or case.find("error") is not None or status == "fail":
            out[case.get("name")] = "failed"
        else:
            out[case.get("name")] = "passed"
    return out


def skipped(paths):
    reference, other = set(), set()
    for path in paths:
        for name, status in results(path).items():
            if status == "skipped":
                (reference if name.endswith(REFERENCE_SUFFIX) else other).add(name)
    if reference:
        print(f"vendor reference absent: {len(reference)} reference-dependent test entries were "
              f"skipped ({', '.join(sorted(reference))}); {ENABLE}")
    else:
        print("vendor reference present: no reference-dependent test was skipped")
    if other:
        print(f"also skipped: {', '.join(sorted(other))}")
    return 0


def compare(present_path, absent_path):
    present, absent = results(present_path), results(absent_path)
    problems = []
    for name in sorted(set(present) | set(absent)):
        a, b = present.get(name, "missing"), absent.get(name, "missing")
        if name.endswith(REFERENCE_SUFFIX):
            if a != "passed":
                problems.append(f"{name}: {a} with the reference present (must pass)")
            if b != "skipped":
                problems.append(f"{name}: {b} with the reference absent (must be skipped)")
        elif a != b or a != "passed":
            problems.append(f"{name}: {a} with the reference, {b} without (must pass in both)")
    reference = [n for n in present if n.endswith(REFERENCE_SUFFIX)]
    if not reference:
        problems.append("no *_vendor_reference entry ran: the split is broken")
    for problem in problems:
        print("MISMATCH", problem)
    print(f"compared {len(set(present) | set(absent))} entries: {len(reference)} reference-dependent "
          f"(passed with the reference, skipped without), {len(problems)} mismatches")
    return 1 if problems else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "skipped":
        return skipped(argv[2:])
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
