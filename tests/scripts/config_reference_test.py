#!/usr/bin/env python3
"""scripts/config_reference.py: its proto parse against protoc's descriptors (every message,
field, number, label, type, oneof and enum value), the Markdown it renders from a sample schema
(tests/testdata/config_reference/sample.proto), and --check on a scratch copy of the real files.

protoc is required (FPGW_PROTOC, else the one on PATH): without it the comparison fails rather
than skips, since a parse nobody compares can drift from the schema unnoticed."""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import config_reference  # noqa: E402

PROTO_ROOT = ROOT / "proto"
CONFIG_PROTO = PROTO_ROOT / "fpgw/config/v1/config.proto"
SAMPLE = ROOT / "tests/testdata/config_reference/sample.proto"
DOC = ROOT / "docs/operations.md"


# --- protoc's descriptor, decoded from the wire format with the standard library ----------------

def decode(data):
    """{field number: [values]} of one protobuf message: ints for varints, bytes otherwise."""
    out, pos = {}, 0

    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while pos < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value = varint()
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length = varint()
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def text(msg, number, default=""):
    return msg[number][0].decode() if number in msg else default


def integer(msg, number, default=0):
    value = msg[number][0] if number in msg else default
    return value - (1 << 64) if value >= 1 << 63 else value


SCALAR_TYPES = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64",
                7: "fixed32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32",
                16: "sfixed64", 17: "sint32", 18: "sint64"}
LABEL_REPEATED = 3


def protoc_schema(proto, include):
    """{"messages": {full name: {field: (...)}}, "enums": {full name: {value: number}}} of one
    file, from `protoc --descriptor_set_out`."""
    protoc = os.environ.get("FPGW_PROTOC") or shutil.which("protoc")
    if not protoc:
        raise AssertionError("protoc not found (set FPGW_PROTOC): the parse cannot be checked")
    well_known = os.environ.get("FPGW_PROTOBUF_INCLUDE", "/usr/include")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.pb"
        subprocess.run([protoc, f"-I{include}", f"-I{well_known}", f"--descriptor_set_out={out}",
                        str(proto)], check=True)
        files = decode(out.read_bytes())[1]
    assert len(files) == 1
    file = decode(files[0])
    package = text(file, 2)
    messages, enums, map_entries = {}, {}, {}

    def enum(scope, raw):
        e = decode(raw)
        enums[f"{scope}.{text(e, 1)}"] = {
            text(v, 1): (integer(v, 2), bool(integer(decode(v[3][0]), 1)) if 3 in v else False)
            for v in map(decode, e.get(2, []))}

    def message(scope, raw):
        m = decode(raw)
        name = f"{scope}.{text(m, 1)}"
        options = decode(m[7][0]) if 7 in m else {}
        if integer(options, 7):  # map_entry: the synthetic message of a map field
            fields = {text(f, 1): f for f in map(decode, m[2])}
            map_entries[name] = (fields["key"], fields["value"])
            return
        for nested in m.get(3, []):
            message(name, nested)
        for nested in m.get(4, []):
            enum(name, nested)
        oneofs = [text(decode(o), 1) for o in m.get(8, [])]
        messages[name] = {}
        for f in map(decode, m.get(2, [])):
            proto3_optional = bool(integer(f, 17))
            oneof = None
            if 9 in f and not proto3_optional:  # the synthetic oneof of `optional` is not one
                oneof = oneofs[integer(f, 9)]
            messages[name][text(f, 1)] = {
                "number": integer(f, 3),
                "repeated": integer(f, 4) == LABEL_REPEATED,
                "optional": proto3_optional,
                "deprecated": bool(integer(decode(f[8][0]), 3)) if 8 in f else False,
                "oneof": oneof,
                "type": f,
            }

    for raw in file.get(4, []):
        message(package, raw)
    for raw in file.get(5, []):
        enum(package, raw)

    def type_name(f):
        if integer(f, 5) in SCALAR_TYPES:
            return SCALAR_TYPES[integer(f, 5)]
        name = text(f, 6).lstrip(".")
        if name in map_entries:
            key, value = map_entries[name]
            return f"map<{type_name(key)}, {type_name(value)}>"
        return name

    for fields in messages.values():
        for field in fields.values():
            field["type"] = type_name(field["type"])
    return {"messages": messages, "enums": enums}


def parsed_schema(proto):
    """The same shape from config_reference's own parse."""
    parsed = config_reference.parse(proto.read_text(encoding="utf-8"))

    def type_name(f):
        def one(name, resolved):
            return resolved.full_name if resolved is not None else name

        if f.map_types:
            return f"map<{f.map_types[0]}, {one(f.map_types[1], f.resolved)}>"
        return one(f.type_name, f.resolved)

    return {
        "messages": {m.full_name: {f.name: {"number": f.number, "repeated": f.repeated,
                                            "optional": f.label == "optional",
                                            "deprecated": f.deprecated, "oneof": f.oneof,
                                            "type": type_name(f)} for f in m.fields}
                     for m in parsed.all_messages()},
        "enums": {e.full_name: {v.name: (v.number, v.deprecated) for v in e.values}
                  for e in parsed.all_enums()},
    }


class ParseMatchesProtocTest(unittest.TestCase):
    def assert_same(self, proto, include):
        want = protoc_schema(proto, include)
        got = parsed_schema(proto)
        self.assertEqual(sorted(got["messages"]), sorted(want["messages"]))
        for name, fields in want["messages"].items():
            self.assertEqual(got["messages"][name], fields, name)
        self.assertEqual(got["enums"], want["enums"])
        return want

    def test_config_proto(self):
        want = self.assert_same(CONFIG_PROTO, PROTO_ROOT)
        # The comparison covers the whole schema, not an empty one.
        self.assertIn("fpgw.config.v1.Integration", want["messages"])
        self.assertEqual(want["messages"]["fpgw.config.v1.Server"]["listen"]["deprecated"], True)

    def test_evaluation_proto(self):
        # The public API: maps, imported types, more enums; the same parser must hold there too.
        self.assert_same(PROTO_ROOT / "fpgw/v1/evaluation.proto", PROTO_ROOT)

    def test_sample_proto(self):
        self.assert_same(SAMPLE, SAMPLE.parent)


# --- Comments and rendering ---------------------------------------------------------------------

def section(markdown, title):
    """The lines of `### title` up to the next heading."""
    lines = markdown.splitlines()
    start = lines.index(f"### {title}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[start + 1:end])


def anchors(markdown):
    """GitHub's anchors of every heading, as the renderer computes them."""
    return {config_reference.anchor(m.group(1))
            for m in re.finditer(r"^#+ (.+)$", markdown, re.MULTILINE)}


class CommentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proto = config_reference.parse(SAMPLE.read_text(encoding="utf-8"))
        cls.fields = {f"{m.name}.{f.name}": f for m in cls.proto.all_messages() for f in m.fields}

    def test_leading_trailing_and_block_comments(self):
        self.assertEqual(self.fields["Config.server"].comment, "The server.")
        self.assertEqual(self.fields["Config.tenants"].comment, "Every tenant.")
        self.assertEqual(self.fields["Server.mode"].comment, "A block comment\non two lines.")
        self.assertEqual(self.fields["Server.grace"].comment,
                         "How long to wait.\n\nA second paragraph.")
        self.assertEqual(self.fields["Settings.uids"].comment, "")

    def test_detached_comment_is_not_attached(self):
        config = self.proto.types["sample.v1.Config"]
        self.assertEqual(config.comment, "The root.")
        self.assertTrue(self.proto.comment.startswith("A small schema"))

    def test_trailing_comment_is_not_the_next_fields(self):
        self.assertEqual(self.fields["Config.legacy"].comment, "The old way.")


class RenderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.md = config_reference.render(config_reference.parse(SAMPLE.read_text(encoding="utf-8")))

    def test_sections_start_from_config_in_reading_order(self):
        headings = re.findall(r"^### (.+)$", self.md, re.MULTILINE)
        self.assertEqual(headings, ["Config", "Server", "enum Mode", "Tenant", "enum Tenant.Kind",
                                    "Tenant.Settings", "Orphan"])

    def test_fields_with_yaml_name_type_and_comment(self):
        config = section(self.md, "Config")
        self.assertIn("- `server` ([Server](#server)) — The server.", config)
        self.assertIn("- `tenants` (list of [Tenant](#tenant)) — Every tenant.", config)
        self.assertIn("- `legacy` (string; **deprecated**) — The old way.", config)
        self.assertIn("- `labels` (map of string to string) — Labels by name.", config)
        server = section(self.md, "Server")
        self.assertIn("At `server`.", server)
        self.assertIn("- `grace` (duration) — How long to wait.\n\n  A second paragraph.", server)
        self.assertIn("- `sample_rate` (double; optional: unset differs from 0)", server)
        tenant = section(self.md, "Tenant")
        self.assertIn("- `env` (string; one of `source`, not with `file`) — From the environment.",
                      tenant)
        self.assertIn("At `tenants[].settings`, `tenants[].limits.<key>`.",
                      section(self.md, "Tenant.Settings"))

    def test_enum_values_as_yaml_writes_them(self):
        mode = section(self.md, "enum Mode")
        self.assertIn("without the `MODE_` prefix (`fast`)", mode)
        self.assertIn("- *field left out* (`MODE_UNSPECIFIED` = 0) — Default: FAST.", mode)
        self.assertIn("- `fast` (`MODE_FAST` = 1) — The fast path.", mode)
        self.assertIn("- `safe_and_slow` (`MODE_SAFE_AND_SLOW` = 2)\n", mode)
        self.assertIn("- `old` (`MODE_OLD` = 3) **deprecated** — Do not use.", mode)

    def test_every_link_has_its_heading(self):
        targets = set(re.findall(r"\]\(#([^)]+)\)", self.md))
        self.assertTrue(targets)
        self.assertLessEqual(targets, anchors(self.md))

    def test_lines_are_wrapped(self):
        long = [ln for ln in self.md.splitlines()[1:] if len(ln) > config_reference.WRAP]
        self.assertEqual(long, [])


class RealReferenceTest(unittest.TestCase):
    def test_yaml_enum_names_match_the_loader(self):
        proto = config_reference.parse(CONFIG_PROTO.read_text(encoding="utf-8"))
        vendor = proto.types["fpgw.config.v1.Vendor"]
        names = [config_reference.yaml_enum_name(vendor, v) for v in vendor.values[1:]]
        self.assertEqual(names, ["cside", "stytch", "fingerprint"])
        # The loader's own test config writes these forms (tests/testdata/config/valid.yaml).
        valid = (ROOT / "tests/testdata/config/valid.yaml").read_text()
        self.assertIn("vendor: fingerprint", valid)
        self.assertIn("authentication: [mtls, bearer]", valid)
        auth = proto.types["fpgw.config.v1.CallerAuthentication"]
        self.assertIn("mtls", [config_reference.yaml_enum_name(auth, v) for v in auth.values])

    def test_links_of_operations_md_resolve(self):
        doc = DOC.read_text(encoding="utf-8")
        targets = set(re.findall(r"\]\(#([^)]+)\)", doc))
        self.assertEqual(targets - anchors(doc), set())


class CheckTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.proto = Path(tmp.name) / "config.proto"
        self.doc = Path(tmp.name) / "operations.md"
        shutil.copy(CONFIG_PROTO, self.proto)
        shutil.copy(DOC, self.doc)

    def run_script(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = config_reference.main(["--proto", str(self.proto), "--doc", str(self.doc),
                                          *args])
        return code, out.getvalue(), err.getvalue()

    def test_current_copy_passes(self):
        self.assertEqual(self.run_script("--check"), (0, "", ""))

    def test_edited_comment_fails_with_a_diff_until_regenerated(self):
        proto = self.proto.read_text()
        old = "SIGTERM/SIGINT. Default 10s."
        self.assertTrue(old in proto, "the comment this test edits has changed")
        self.proto.write_text(proto.replace(old, "SIGTERM/SIGINT. Default 12s.", 1))
        code, diff, err = self.run_script("--check")
        self.assertEqual(code, 1)
        added = [ln for ln in diff.splitlines() if ln.startswith("+") and "Default 12s." in ln]
        removed = [ln for ln in diff.splitlines() if ln.startswith("-") and "Default 10s." in ln]
        self.assertEqual(len(added), 1, diff)
        self.assertEqual(len(removed), 1, diff)
        self.assertIn("is stale", err)
        before = self.doc.read_text()
        self.assertEqual(self.run_script()[0], 0)
        self.assertEqual(self.run_script("--check"), (0, "", ""))
        # Only the generated part changed.
        after = self.doc.read_text()
        self.assertEqual(before.split(config_reference.BEGIN)[0],
                         after.split(config_reference.BEGIN)[0])
        self.assertEqual(before.split(config_reference.END)[1],
                         after.split(config_reference.END)[1])

    def test_missing_markers_is_an_error(self):
        self.doc.write_text("# Operations\n")
        code, _, err = self.run_script("--check")
        self.assertEqual(code, 2)
        self.assertIn("markers", err)


if __name__ == "__main__":
    unittest.main()
