#!/usr/bin/env python3
"""Prints fpgw evaluations side by side: one column per answer, one row per normalised field.

    evaluation_table.py [--width N] FILE...

Each FILE holds what `grpcurl ... fpgw.v1.EvaluationService/Evaluate` printed: one or more JSON
documents, each an EvaluateResponse (`{"evaluation": {...}}`) or a bare Evaluation; JSON lines
work too. A column is named after the evaluation's integration (`source.integration`), else
after the file. A file without an evaluation (the call failed) is listed under the table.

Field names are read in both spellings of the proto JSON mapping (`device_id`, `deviceId`).
"—" marks a field the vendor did not report: unset means unknown in fpgw's Evaluation, never
"false" or 0. Values longer than their column end with "…". Standard library only.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ABSENT = "—"
ELLIPSIS = "…"
GAP = "  "
MIN_COLUMN = 10
DEFAULT_WIDTH = 120


# --- Reading ------------------------------------------------------------------------------------

def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def get(obj, dotted):
    """The value at `dotted` ("signals.bot.result"), whichever JSON spelling was used; None when
    any step is missing."""
    for key in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj[key] if key in obj else obj.get(camel(key))
        if obj is None:
            return None
    return obj


def documents(text):
    """Every JSON value in `text`: one, several concatenated (grpcurl prints one per response), or
    JSON lines."""
    decoder, pos, out = json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return out
        value, pos = decoder.raw_decode(text, pos)
        out.append(value)


def evaluations(path):
    """[(column name, evaluation)] of one file; [] when it holds none."""
    try:
        docs = documents(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        return []
    out = []
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        evaluation = doc.get("evaluation", doc if "source" in doc else None)
        if isinstance(evaluation, dict):
            name = get(evaluation, "source.integration") or Path(path).stem
            out.append((name, evaluation))
    return out


# --- Cells --------------------------------------------------------------------------------------

def enum(value, prefix):
    """"BOT_RESULT_NOT_DETECTED" -> "not detected"; a number (an enum value the reader's schema did
    not know) stays as it is."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    value = str(value)
    if value.startswith(prefix):
        value = value[len(prefix):]
    if value == "UNSPECIFIED":
        return None
    return value.lower().replace("_", " ")


def tristate(value):
    return {"TRISTATE_TRUE": "yes", "TRISTATE_FALSE": "no", 1: "yes", 2: "no"}.get(value)


def number(value):
    """0.9612 -> "0.961", 3 -> "3", "42" (an int64 as JSON string) -> "42"."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return format(round(value, 3), "g")
    return str(value)


def timestamp(value):
    """RFC 3339 without the fraction: "2025-10-09T09:06:40.123Z" -> "2025-10-09T09:06:40Z"."""
    if value is None:
        return None
    return re.sub(r"\.\d+(?=Z|[+-]\d\d:\d\d$)", "", str(value))


def joined(*parts, sep=" "):
    """Present parts joined; None when none is present."""
    present = [p for p in parts if p not in (None, "")]
    return sep.join(present) if present else None


def vendor(e):
    return joined(enum(get(e, "source.vendor"), "VENDOR_"), get(e, "source.api_version"))


def reasons(e):
    values = get(e, "verdict.reasons") or []
    return ", ".join(values) if values else None


def bot(e):
    result = enum(get(e, "signals.bot.result"), "BOT_RESULT_")
    kind = get(e, "signals.bot.type") or get(e, "signals.bot.name")
    return joined(result, f"({kind})" if kind else None)


def suspect(e):
    flagged = tristate(get(e, "signals.suspect")) == "yes"
    return joined(number(get(e, "signals.suspect_score")), "(flagged)" if flagged else None)


def location(e):
    country = (get(e, "network.geolocation.country_code")
               or get(e, "network.geolocation.country_name"))
    return joined(country, get(e, "network.geolocation.city"), sep=" / ")


def asn(e):
    num = get(e, "network.asn.number")
    return joined(f"AS{num}" if num is not None else None, get(e, "network.asn.name"))


def browser(e):
    return joined(get(e, "client.browser_name"), get(e, "client.browser_major_version"))


def os_name(e):
    return (joined(get(e, "client.os"), get(e, "client.os_version"))
            or get(e, "client.os_architecture"))


def detected(path):
    return lambda e: tristate(get(e, f"signals.{path}.detected"))


def tampering(e):
    score = number(get(e, "signals.tampering.anomaly_score"))
    return joined(tristate(get(e, "signals.tampering.signal.detected")),
                  f"({score})" if score is not None else None)


def partial(e):
    """Whether some vendor fields were unusable: drifted from the schema, or failed at the vendor.
    Always known (a plain bool and lists in the Evaluation)."""
    if not get(e, "partial"):
        return "no"
    drift, failed = len(get(e, "drift") or []), len(get(e, "signal_failures") or [])
    details = [f"{drift} drift" if drift else "", f"{failed} failed" if failed else ""]
    return joined("yes", ", ".join(d for d in details if d) or None, sep=": ")


# The rows, in order: (label, cell of an evaluation or None when absent). Labels stay within ten
# characters, so that five columns of twenty fit in 120.
ROWS = [
    ("vendor", vendor),
    ("status", lambda e: enum(get(e, "source.status"), "EVALUATION_STATUS_")),
    ("verdict", lambda e: enum(get(e, "verdict.action"), "ACTION_")),
    ("verdict by", lambda e: enum(get(e, "verdict.origin"), "VERDICT_ORIGIN_")),
    ("reasons", reasons),
    ("bot", bot),
    ("suspect", suspect),
    ("device id", lambda e: get(e, "identity.device_id")),
    ("confidence", lambda e: number(get(e, "identity.confidence"))),
    ("returning", lambda e: tristate(get(e, "identity.returning_visitor"))),
    ("event id", lambda e: get(e, "identity.event_id")),
    ("ip", lambda e: get(e, "network.ip_address")),
    ("location", location),
    ("asn", asn),
    ("browser", browser),
    ("os", os_name),
    ("incognito", detected("incognito")),
    ("vpn", detected("vpn.signal")),
    ("proxy", detected("proxy.signal")),
    ("tor", detected("tor")),
    ("tampering", tampering),
    ("authentic", lambda e: tristate(get(e, "signals.tampering.authentic_device"))),
    ("events 24h", lambda e: number(get(e, "signals.velocity.events.last_24_hours"))),
    ("event time", lambda e: timestamp(get(e, "source.event_time"))),
    ("partial", partial),
]


# --- Layout -------------------------------------------------------------------------------------

def fit(text, width):
    return text if len(text) <= width else text[:width - 1] + ELLIPSIS


def column_widths(natural, available):
    """Natural widths, the widest capped just enough that all fit in `available`; None when even
    MIN_COLUMN each does not fit."""
    if sum(natural) <= available:
        return natural
    if MIN_COLUMN * len(natural) > available:
        return None
    cap = max(natural)
    while cap > MIN_COLUMN and sum(min(w, cap) for w in natural) > available:
        cap -= 1
    widths = [min(w, cap) for w in natural]
    spare = available - sum(widths)
    for i, w in enumerate(natural):
        if spare and w > widths[i]:
            widths[i] += 1
            spare -= 1
    return widths


def render(columns, width=DEFAULT_WIDTH):
    """The table of `columns` ([(name, evaluation)]) as lines no wider than `width` (columns that
    do not fit side by side continue in a further block below)."""
    labels = ["field"] + [label for label, _ in ROWS]
    label_width = max(len(label) for label in labels)
    cells = [[name] + [cell(e) or ABSENT for _, cell in ROWS] for name, e in columns]
    natural = [max(len(c) for c in col) for col in cells]

    blocks, start = [], 0
    while start < len(cells):
        count = len(cells) - start
        while True:
            available = width - label_width - len(GAP) * count
            widths = column_widths(natural[start:start + count], available)
            if widths is not None or count == 1:
                break
            count -= 1
        widths = widths or [max(MIN_COLUMN, available)]
        blocks.append((cells[start:start + count], widths))
        start += count

    lines = []
    for cols, widths in blocks:
        if lines:
            lines.append("")
        for row, label in enumerate(labels):
            parts = [label.ljust(label_width)]
            parts += [fit(col[row], w).ljust(w) for col, w in zip(cols, widths)]
            lines.append(GAP.join(parts).rstrip())
            if row == 0:
                lines.append(GAP.join(["-" * label_width] + ["-" * w for w in widths]))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--width", type=int, default=DEFAULT_WIDTH,
                        help=f"widest line, in characters (default {DEFAULT_WIDTH})")
    args = parser.parse_args(argv)

    columns, failed = [], []
    for path in args.files:
        found = evaluations(path)
        columns += found
        if not found:
            failed.append(Path(path).stem)
    if columns:
        print("\n".join(render(columns, args.width)))
    if failed:
        print(f"\nNo evaluation from: {', '.join(failed)} (the call failed; see its output above).")
    return 0 if columns else 1


if __name__ == "__main__":
    sys.exit(main())
