#!/usr/bin/env python3
"""scripts/evaluation_table.py on the project's own fixtures (tests/testdata/evaluation_table):
the cells it reads from each spelling of the JSON mapping, "—" for what a vendor did not report,
columns that line up, lines that fit, and truncation."""
import contextlib
import io
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import evaluation_table  # noqa: E402

DATA = ROOT / "tests/testdata/evaluation_table"
FILES = [DATA / "fingerprint_v4.json", DATA / "stytch.json", DATA / "cside_pending.json"]


def columns():
    out = []
    for path in FILES:
        out += evaluation_table.evaluations(path)
    return out


def table(lines):
    """{row label: [cell per column]} of a rendered table, cut where the separator line's dash runs
    start, with the column names and those starts."""
    header, separator = lines[0], lines[1]
    runs = [i for i, c in enumerate(separator) if c == "-" and (i == 0 or separator[i - 1] == " ")]
    starts = runs[1:]
    bounds = starts + [None]

    def cells(line):
        return [line[bounds[i]:bounds[i + 1]].strip() for i in range(len(starts))]

    rows = {}
    for line in lines[2:]:
        if not line:
            break
        rows[line[:starts[0]].strip()] = cells(line)
    return cells(header), starts, rows


class EvaluationTableTest(unittest.TestCase):
    def test_one_column_per_integration_named_by_source(self):
        lines = evaluation_table.render(columns())
        names, _, _ = table(lines)
        self.assertEqual(names, ["fingerprint-v4", "stytch", "cside"])

    def test_cells_hold_the_normalised_values(self):
        _, _, rows = table(evaluation_table.render(columns()))
        self.assertEqual(rows["vendor"], ["fingerprint v4", "stytch v1", "cside v2"])
        self.assertEqual(rows["status"], ["completed", "completed", "pending"])
        self.assertEqual(rows["verdict"], ["block", "challenge", "—"])
        self.assertEqual(rows["verdict by"], ["vendor rule", "vendor verdict", "—"])
        self.assertEqual(rows["reasons"],
                         ["—", "VIRTUAL_MACHINE, HEADLESS_BROWSER_AUTOMATION", "—"])
        self.assertEqual(rows["bot"], ["bad (selenium)", "—", "—"])
        self.assertEqual(rows["suspect"], ["24 (flagged)", "—", "—"])
        self.assertEqual(rows["device id"][0], "Ya6EMKfoDxefW1GVEzb1")
        self.assertEqual(rows["confidence"], ["0.961", "—", "—"])
        self.assertEqual(rows["returning"], ["yes", "—", "—"])
        self.assertEqual(rows["event id"], ["1760000000123.demo01", "—", "—"])
        self.assertEqual(rows["ip"], ["203.0.113.42", "198.51.100.7", "—"])
        # Stytch gives a country name without its code.
        self.assertEqual(rows["location"], ["JP / Tokyo", "Germany / Berlin", "—"])
        self.assertEqual(rows["asn"], ["AS64500 Example Net", "—", "—"])
        self.assertEqual(rows["browser"], ["Chrome Mobile 130", "—", "—"])
        # Stytch reports no OS name, only its OS-and-architecture string.
        self.assertEqual(rows["os"], ["Android 14", "MAC_OS_ARM", "—"])
        self.assertEqual(rows["incognito"], ["yes", "—", "—"])
        # Reported false is "no"; not reported at all is "—".
        self.assertEqual(rows["vpn"], ["no", "—", "—"])
        self.assertEqual(rows["proxy"], ["yes", "—", "—"])
        self.assertEqual(rows["tor"], ["no", "—", "—"])
        self.assertEqual(rows["tampering"], ["no (0.017)", "—", "—"])
        self.assertEqual(rows["authentic"], ["—", "no", "—"])
        self.assertEqual(rows["events 24h"], ["12", "—", "—"])
        # The fraction of a second is dropped, the zone kept.
        self.assertEqual(rows["event time"],
                         ["2026-12-02T09:59:58Z", "2026-12-02T09:59:59Z", "—"])
        self.assertEqual(rows["partial"], ["yes: 1 drift, 1 failed", "no", "no"])

    def test_reads_camel_case_json_names_too(self):
        # stytch.json is written with lowerCamelCase names (protojson's default spelling).
        _, _, rows = table(evaluation_table.render(columns()))
        self.assertEqual(rows["device id"][1], "visitor-2f1c3a7e-8b4d-4e15-9c6a-0d3b5e7f9a21")

    def test_every_cell_starts_under_its_header(self):
        lines = evaluation_table.render(columns())
        names, starts, _ = table(lines)
        self.assertEqual(len(lines), 2 + len(evaluation_table.ROWS))
        # Each header starts exactly where its column's dashes start.
        self.assertEqual([lines[0].index(name) for name in names], starts)
        for line in lines[2:]:
            for start in starts:
                # Each column is preceded by the two-space gap and starts with a value.
                self.assertEqual(line[start - 2:start], "  ", line)
                self.assertNotEqual(line[start:start + 1], " ", line)

    def test_lines_fit_and_long_values_are_truncated(self):
        lines = evaluation_table.render(columns(), width=60)
        self.assertTrue(all(len(line) <= 60 for line in lines), "\n".join(lines))
        _, _, rows = table(lines)
        stytch_device = rows["device id"][1]
        self.assertTrue(stytch_device.endswith("…"), stytch_device)
        stytch_id = "visitor-2f1c3a7e-8b4d-4e15-9c6a-0d3b5e7f9a21"
        self.assertTrue(stytch_id.startswith(stytch_device[:-1]), stytch_device)
        # Short values are not cut.
        self.assertEqual(rows["ip"], ["203.0.113.42", "198.51.100.7", "—"])

    def test_default_width_fits_120_columns(self):
        lines = evaluation_table.render(columns() * 2)
        self.assertTrue(all(len(line) <= 120 for line in lines), "\n".join(lines))

    def test_five_columns_of_twenty_fit_in_120(self):
        # The sandbox demo's shape: five integrations whose 20-character ids show whole.
        lines = evaluation_table.render(columns() + columns()[:2])
        self.assertEqual(max(len(line) for line in lines), 120)
        _, _, rows = table(lines)
        self.assertEqual(rows["device id"][0], "Ya6EMKfoDxefW1GVEzb1")
        self.assertEqual(rows["event time"][0], "2026-12-02T09:59:58Z")
        # The pending cside column needs little room and leaves the rest to the longest values.
        self.assertEqual(rows["device id"][1], "visitor-2f1c3a7e-8b4d-4…")
        self.assertEqual(rows["status"][2], "pending")

    def test_columns_that_do_not_fit_continue_below(self):
        lines = evaluation_table.render(columns() * 2, width=50)
        headers = [line for line in lines if line.startswith("field")]
        self.assertGreater(len(headers), 1)
        self.assertEqual(sum(len(h.split()) - 1 for h in headers), 6)
        self.assertTrue(all(len(line) <= 50 for line in lines), "\n".join(lines))

    def test_failed_call_is_named_under_the_table(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = evaluation_table.main([str(f) for f in FILES] +
                                         [str(DATA / "cside_public_failed.json")])
        self.assertEqual(code, 0)
        text = out.getvalue()
        self.assertIn("No evaluation from: cside_public_failed", text)
        self.assertEqual(table(text.splitlines())[0], ["fingerprint-v4", "stytch", "cside"])

    def test_no_evaluation_at_all_fails(self):
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(evaluation_table.main([str(DATA / "cside_public_failed.json")]), 1)

    def test_concatenated_documents_are_all_read(self):
        text = (DATA / "cside_pending.json").read_text() + (DATA / "stytch.json").read_text()
        docs = evaluation_table.documents(text)
        self.assertEqual([d["evaluation"]["source"]["integration"] for d in docs],
                         ["cside", "stytch"])


if __name__ == "__main__":
    unittest.main()
