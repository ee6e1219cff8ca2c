#!/usr/bin/env python3
"""Generates the configuration reference of docs/operations.md from the config proto's comments.

    config_reference.py            rewrite the reference between the markers of docs/operations.md
    config_reference.py --check    exit 1 with a diff when the file differs from what it would write
    config_reference.py --stdout   print the reference only

    --proto PATH   the schema (default proto/fpgw/config/v1/config.proto)
    --doc PATH     the document (default docs/operations.md)

The schema is the single source: every message reachable from `Config` gets a section (in the
order a reader meets them, breadth first from `Config`), every field its YAML name, type and
comment, every enum the values as they are written in YAML. The proto text is parsed here (a
small proto3 subset: messages, enums, oneofs, maps, options) because no descriptor carries the
comments without extra tooling; tests/scripts/config_reference_test.py checks the parse against
protoc's descriptor.
"""
import argparse
import difflib
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROTO = ROOT / "proto/fpgw/config/v1/config.proto"
DEFAULT_DOC = ROOT / "docs/operations.md"
BEGIN = "<!-- BEGIN GENERATED CONFIG REFERENCE -->"
END = "<!-- END GENERATED CONFIG REFERENCE -->"
ROOT_MESSAGE = "Config"
WRAP = 100

SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
           "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}
# Well-known types and how a YAML file writes them (src/config/config_loader.cc).
WELL_KNOWN = {"google.protobuf.Duration": "duration"}


class ProtoError(Exception):
    pass


# --- Parsing ------------------------------------------------------------------------------------

class Token:
    __slots__ = ("kind", "text", "line", "end_line")

    def __init__(self, kind, text, line, end_line=None):
        self.kind = kind  # "ident", "number", "string", "symbol", "comment"
        self.text = text
        self.line = line
        self.end_line = line if end_line is None else end_line

    def __repr__(self):
        return f"{self.kind}:{self.text!r}@{self.line}"


_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<newline>\n)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<symbol>[{}\[\]()<>;=,.:])
""", re.VERBOSE | re.DOTALL)


def tokenize(text):
    tokens, line, pos = [], 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ProtoError(f"line {line}: unexpected {text[pos]!r}")
        kind, value = m.lastgroup, m.group()
        if kind == "newline":
            line += 1
        elif kind in ("line_comment", "block_comment"):
            end = line + value.count("\n")
            tokens.append(Token("comment", value, line, end))
            line = end
        elif kind != "space":
            tokens.append(Token(kind, value, line))
        pos = m.end()
    return tokens


def comment_text(comments):
    """The text of consecutive comment tokens, markers removed; blank lines separate paragraphs."""
    lines = []
    for c in comments:
        if c.text.startswith("//"):
            lines.append(c.text[2:])
        else:
            body = c.text[2:-2].split("\n")
            lines.extend(re.sub(r"^\s*\* ?", "", part) if i else part
                         for i, part in enumerate(body))
    # One leading space is the comment style; keep deeper indentation out too.
    lines = [ln[1:] if ln.startswith(" ") else ln for ln in lines]
    return "\n".join(lines).strip()


class _Options:
    """Something with proto options, which may mark it deprecated."""

    @property
    def deprecated(self):
        return self.options.get("deprecated") == "true"


class Field(_Options):
    def __init__(self, name, number, type_name, label, comment, options, oneof=None,
                 map_types=None):
        self.name = name
        self.number = number
        self.type_name = type_name      # as written: "string", "Listener", "google.protobuf.Any"
        self.label = label              # "", "repeated" or "optional"
        self.comment = comment
        self.options = options          # {"deprecated": "true", ...}
        self.oneof = oneof              # name of the containing oneof, or None
        self.map_types = map_types      # (key type, value type) for map<K, V>
        self.resolved = None            # Message or Enum after resolve(), None for scalars

    @property
    def repeated(self):
        return self.label == "repeated" or self.map_types is not None


class EnumValue(_Options):
    def __init__(self, name, number, comment, options):
        self.name = name
        self.number = number
        self.comment = comment
        self.options = options



class Message(_Options):
    def __init__(self, name, full_name, comment):
        self.package = ""
        self.name = name
        self.full_name = full_name
        self.comment = comment
        self.fields = []
        self.oneofs = {}                # name -> comment
        self.messages = []
        self.enums = []
        self.options = {}



class Enum(_Options):
    def __init__(self, name, full_name, comment):
        self.package = ""
        self.name = name
        self.full_name = full_name
        self.comment = comment
        self.values = []
        self.options = {}



class ProtoFile:
    def __init__(self):
        self.package = ""
        self.comment = ""
        self.messages = []
        self.enums = []
        self.types = {}                 # full name -> Message | Enum

    def all_messages(self):
        def walk(messages):
            for m in messages:
                yield m
                yield from walk(m.messages)
        return list(walk(self.messages))

    def all_enums(self):
        out = list(self.enums)
        for m in self.all_messages():
            out.extend(m.enums)
        return out


class Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        self.last_line = 0              # line of the last non-comment token consumed
        self.pending = []               # comments since the last non-comment token

    # Token access. Comments are collected on the way and handed out as leading/trailing comments.
    def _skip_comments(self):
        while self.pos < len(self.tokens) and self.tokens[self.pos].kind == "comment":
            self.pending.append(self.tokens[self.pos])
            self.pos += 1

    def peek(self):
        self._skip_comments()
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self):
        tok = self.peek()
        if tok is None:
            raise ProtoError("unexpected end of file")
        self.pos += 1
        self.last_line = tok.line
        self.pending = []
        return tok

    def expect(self, text):
        tok = self.next()
        if tok.text != text:
            raise ProtoError(f"line {tok.line}: expected {text!r}, found {tok.text!r}")
        return tok

    def ident(self):
        tok = self.next()
        if tok.kind != "ident":
            raise ProtoError(f"line {tok.line}: expected a name, found {tok.text!r}")
        return tok.text

    def leading_comment(self):
        """protoc's rule: the comment block right above the next token, with no blank line between
        it and the token, and not on the line of the previous token (that one is trailing)."""
        tok = self.peek()
        block = []
        expected_end = tok.line - 1 if tok else None
        for c in reversed(self.pending):
            if c.end_line != expected_end or c.line == self.last_line:
                break
            block.insert(0, c)
            expected_end = c.line - 1
        return comment_text(block)

    def trailing_comment(self):
        """A comment that starts on the line of the token just consumed."""
        if self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            if tok.kind == "comment" and tok.line == self.last_line:
                return comment_text([tok])
        return ""

    # Grammar.
    def parse(self):
        proto = ProtoFile()
        first = self.peek()
        # The file comment: the comment block the file starts with, if `syntax` follows it.
        if self.pending and first is not None:
            proto.comment = comment_text(self.pending)
        while self.peek() is not None:
            tok = self.peek()
            if tok.text == "syntax":
                self.next()
                self.expect("=")
                syntax = self.next().text.strip("\"'")
                if syntax != "proto3":
                    raise ProtoError(f"only proto3 is supported, not {syntax}")
                self.expect(";")
            elif tok.text == "package":
                self.next()
                proto.package = self.ident()
                self.expect(";")
            elif tok.text == "import":
                self.next()
                if self.peek().text in ("public", "weak"):
                    self.next()
                self.next()
                self.expect(";")
            elif tok.text == "option":
                self.option_statement()
            elif tok.text == "message":
                proto.messages.append(self.message(proto.package))
            elif tok.text == "enum":
                proto.enums.append(self.enum(proto.package))
            elif tok.text == "service":
                self.next()
                self.ident()
                self.skip_block()
            elif tok.text == ";":
                self.next()
            else:
                raise ProtoError(f"line {tok.line}: unexpected {tok.text!r}")
        self.resolve(proto)
        return proto

    def skip_block(self):
        self.expect("{")
        depth = 1
        while depth:
            text = self.next().text
            depth += {"{": 1, "}": -1}.get(text, 0)

    def option_statement(self):
        self.expect("option")
        name = self.option_name()
        self.expect("=")
        value = self.constant()
        self.expect(";")
        return name, value

    def option_name(self):
        """`deprecated`, `(my.ext)`, `(.my.ext).field`."""
        if self.peek().text == "(":
            self.next()
            dot = self.next().text if self.peek().text == "." else ""
            name = f"({dot}{self.ident()})"
            self.expect(")")
        else:
            name = self.ident()
        while self.peek().text == ".":
            self.next()
            name += "." + self.ident()
        return name

    def constant(self):
        tok = self.next()
        if tok.text == "{":             # an aggregate value: skip it whole
            depth = 1
            while depth:
                text = self.next().text
                depth += {"{": 1, "}": -1}.get(text, 0)
            return "{...}"
        if tok.kind == "string":
            return tok.text[1:-1]
        return tok.text

    def field_options(self):
        options = {}
        if self.peek().text != "[":
            return options
        self.next()
        while True:
            name = self.option_name()
            self.expect("=")
            options[name] = self.constant()
            if self.next().text == "]":
                return options

    def message(self, scope):
        comment = self.leading_comment()
        self.expect("message")
        name = self.ident()
        msg = Message(name, f"{scope}.{name}" if scope else name, comment)
        self.expect("{")
        self.message_body(msg)
        return msg

    def message_body(self, msg, oneof=None):
        while True:
            tok = self.peek()
            if tok is None:
                raise ProtoError(f"message {msg.name} is not closed")
            if tok.text == "}":
                self.next()
                return
            if tok.text == ";":
                self.next()
            elif tok.text == "message" and oneof is None:
                msg.messages.append(self.message(msg.full_name))
            elif tok.text == "enum" and oneof is None:
                msg.enums.append(self.enum(msg.full_name))
            elif tok.text == "option":
                name, value = self.option_statement()
                if oneof is None:
                    msg.options[name] = value
            elif tok.text in ("reserved", "extensions"):
                while self.next().text != ";":
                    pass
            elif tok.text == "oneof" and oneof is None:
                comment = self.leading_comment()
                self.next()
                oneof_name = self.ident()
                msg.oneofs[oneof_name] = comment
                self.expect("{")
                self.message_body(msg, oneof=oneof_name)
            else:
                msg.fields.append(self.field(oneof))

    def field(self, oneof):
        comment = self.leading_comment()
        label = ""
        map_types = None
        if self.peek().text in ("repeated", "optional"):
            label = self.next().text
        if self.peek().text == "map":
            self.next()
            self.expect("<")
            key = self.ident()
            self.expect(",")
            value = self.ident()
            self.expect(">")
            type_name = f"map<{key}, {value}>"
            map_types = (key, value)
        else:
            type_name = self.ident()
        name = self.ident()
        number, options, comment = self.numbered_tail(comment)
        return Field(name, number, type_name, label, comment, options, oneof, map_types)

    def numbered_tail(self, comment):
        """`= N [options];` and a trailing comment, of a field or an enum value: (N, options,
        the leading comment with the trailing one appended)."""
        self.expect("=")
        number = int(self.next().text, 0)
        options = self.field_options()
        self.expect(";")
        trailing = self.trailing_comment()
        if trailing:
            comment = f"{comment}\n{trailing}".strip()
        return number, options, comment

    def enum(self, scope):
        comment = self.leading_comment()
        self.expect("enum")
        name = self.ident()
        enum = Enum(name, f"{scope}.{name}" if scope else name, comment)
        self.expect("{")
        while True:
            tok = self.peek()
            if tok.text == "}":
                self.next()
                return enum
            if tok.text == ";":
                self.next()
            elif tok.text == "option":
                key, value = self.option_statement()
                enum.options[key] = value
            elif tok.text == "reserved":
                while self.next().text != ";":
                    pass
            else:
                value_comment = self.leading_comment()
                value_name = self.ident()
                number, options, value_comment = self.numbered_tail(value_comment)
                enum.values.append(EnumValue(value_name, number, value_comment, options))

    # Type resolution, with protobuf's scoping: innermost scope first, then outwards.
    @staticmethod
    def resolve(proto):
        for t in proto.all_messages() + proto.all_enums():
            t.package = proto.package
            proto.types[t.full_name] = t
        for m in proto.all_messages():
            for f in m.fields:
                type_name = f.map_types[1] if f.map_types else f.type_name
                if type_name in SCALARS:
                    continue
                if type_name.startswith("."):
                    f.resolved = proto.types.get(type_name[1:])
                    continue
                scope = m.full_name
                while f.resolved is None:
                    candidate = f"{scope}.{type_name}" if scope else type_name
                    f.resolved = proto.types.get(candidate)
                    if not scope:
                        break
                    scope = scope.rpartition(".")[0]
                # Not found here: an imported type (google.protobuf.Duration), shown by name.


def parse(text):
    return Parser(text).parse()


# --- Rendering ----------------------------------------------------------------------------------

def enum_prefix(enum):
    """What every value name starts with: the zero value's name before UNSPECIFIED (buf's
    ENUM_VALUE_PREFIX rule, as the config loader strips it)."""
    zero = enum.values[0].name if enum.values else ""
    cut = zero.rfind("UNSPECIFIED")
    return zero[:cut] if cut >= 0 else ""


def yaml_enum_name(enum, value):
    """How a YAML file writes `value`: lower case, without the enum's prefix."""
    prefix = enum_prefix(enum)
    name = value.name[len(prefix):] if prefix and value.name.startswith(prefix) else value.name
    return name.lower()


def anchor(kind_and_name):
    """GitHub's heading anchor of a heading text."""
    text = kind_and_name.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def local_name(t):
    """The name inside the package: "Integration", "Tenant.Settings" for a nested type."""
    return t.full_name[len(t.package) + 1:] if t.package else t.full_name


def heading(t):
    return f"enum {local_name(t)}" if isinstance(t, Enum) else local_name(t)


def link(t):
    return f"[{local_name(t)}](#{anchor(heading(t))})"


def type_text(field):
    def one(type_name, resolved):
        if resolved is not None:
            return link(resolved)
        if type_name in WELL_KNOWN:
            return WELL_KNOWN[type_name]
        return type_name

    if field.map_types:
        return f"map of {field.map_types[0]} to {one(field.map_types[1], field.resolved)}"
    text = one(field.type_name, field.resolved)
    if field.label == "repeated":
        return f"list of {text}"
    return text


def paragraphs(text):
    """Comment text as Markdown paragraphs: lines of one paragraph joined, blank lines kept."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def wrap(text, first_indent="", indent=""):
    return textwrap.fill(text, width=WRAP, initial_indent=first_indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def item(head, comment):
    """A list item: `head` — the comment, wrapped, further paragraphs indented under it."""
    parts = paragraphs(comment)
    first = f"{head} — {parts[0]}" if parts else head
    lines = [wrap(first, "- ", "  ")]
    for p in parts[1:]:
        lines.append("")
        lines.append(wrap(p, "  ", "  "))
    return "\n".join(lines)


def order(proto):
    """Messages and enums in the order a reader meets them: depth first from Config (a message,
    the enums its fields introduce, then each message they introduce with its own subtree), so
    that everything under `server` comes before `http`. Types that only deprecated fields use are
    introduced after the rest, so that a type is first met where the current schema uses it.
    Anything unreachable comes last."""
    root = proto.types.get(f"{proto.package}.{ROOT_MESSAGE}" if proto.package else ROOT_MESSAGE)
    if not isinstance(root, Message):
        raise ProtoError(f"no message {ROOT_MESSAGE}")
    seen, out = set(), []

    def visit(msg):
        seen.add(msg.full_name)
        out.append(msg)
        for deprecated in (False, True):
            fields = [f for f in msg.fields
                      if f.deprecated == deprecated and f.resolved is not None]
            for f in fields:
                if isinstance(f.resolved, Enum) and f.resolved.full_name not in seen:
                    seen.add(f.resolved.full_name)
                    out.append(f.resolved)
            for f in fields:
                if isinstance(f.resolved, Message) and f.resolved.full_name not in seen:
                    visit(f.resolved)

    visit(root)
    out.extend(m for m in proto.all_messages() if m.full_name not in seen)
    out.extend(e for e in proto.all_enums() if e.full_name not in seen)
    return out


def yaml_paths(proto):
    """{message full name: [YAML paths where it is written]} from Config."""
    root = proto.types[f"{proto.package}.{ROOT_MESSAGE}" if proto.package else ROOT_MESSAGE]
    paths = {root.full_name: [""]}
    queue = [(root, "")]
    while queue:
        msg, path = queue.pop(0)
        for f in msg.fields:
            t = f.resolved
            if not isinstance(t, Message):
                continue
            sub = f"{path}.{f.name}" if path else f.name
            if f.map_types:
                sub += ".<key>"
            elif f.repeated:
                sub += "[]"
            first = t.full_name not in paths
            paths.setdefault(t.full_name, []).append(sub)
            if first:
                queue.append((t, sub))
    return paths


def render_message(msg, paths):
    out = [f"### {heading(msg)}", ""]
    where = paths.get(msg.full_name, [])
    if where and where != [""]:
        out.append(wrap("At " + ", ".join(f"`{p}`" for p in where) + "."))
        out.append("")
    if msg.deprecated:
        out += ["**Deprecated.**", ""]
    for p in paragraphs(msg.comment):
        out += [wrap(p), ""]
    if not msg.fields:
        out += ["No fields.", ""]
        return out
    for field in msg.fields:
        flags = []
        if field.label == "optional":
            flags.append("optional: unset differs from 0")
        if field.oneof:
            siblings = [f"`{f.name}`" for f in msg.fields
                        if f.oneof == field.oneof and f is not field]
            flags.append(f"one of `{field.oneof}`, not with {', '.join(siblings)}")
        if field.deprecated:
            flags.append("**deprecated**")
        kind = type_text(field)
        if flags:
            kind += "; " + "; ".join(flags)
        out.append(item(f"`{field.name}` ({kind})", field.comment))
    out.append("")
    return out


def render_enum(enum):
    out = [f"### {heading(enum)}", ""]
    if enum.deprecated:
        out += ["**Deprecated.**", ""]
    for p in paragraphs(enum.comment):
        out += [wrap(p), ""]
    prefix = enum_prefix(enum)
    example = next((v for v in enum.values if v.number != 0), None)
    if example is not None:
        short = yaml_enum_name(enum, example)
        if prefix:
            how = (f"Written in YAML in lower case without the `{prefix}` prefix (`{short}`); the "
                   f"full name (`{example.name}`) is accepted too.")
        else:
            how = f"Written in YAML by name, in any case (`{short}`)."
        out += [wrap(how), ""]
    for value in enum.values:
        if value.number == 0:
            head = f"*field left out* (`{value.name}` = 0)"
        else:
            head = f"`{yaml_enum_name(enum, value)}` (`{value.name}` = {value.number})"
        if value.deprecated:
            head += " **deprecated**"
        out.append(item(head, value.comment))
    out.append("")
    return out


def render(proto):
    paths = yaml_paths(proto)
    out = ["<!-- Generated by scripts/config_reference.py from "
           "proto/fpgw/config/v1/config.proto: edit the proto's comments, then run the script. -->",
           ""]
    for p in paragraphs(proto.comment):
        out += [wrap(p), ""]
    out += [wrap("Types: `duration` is a string such as \"250ms\", \"2s\" or \"30m\" (not "
                 "negative, at most 24h); `bool` is `true` or `false`; a list is a YAML sequence "
                 "(`[a, b]`); an enum value is written as its section says. A field left out "
                 "takes the default its description gives."), ""]
    types = order(proto)
    out += [wrap("Sections: " + " · ".join(link(t) for t in types) + "."), ""]
    for t in types:
        out += render_message(t, paths) if isinstance(t, Message) else render_enum(t)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def splice(document, reference):
    begin = document.find(BEGIN)
    end = document.find(END)
    if begin < 0 or end < 0 or end < begin:
        raise ProtoError(f"the document needs the markers {BEGIN} and {END}, in that order")
    return document[:begin + len(BEGIN)] + "\n" + reference + document[end:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proto", type=Path, default=DEFAULT_PROTO)
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 with a diff when the document is not current")
    mode.add_argument("--stdout", action="store_true", help="print the reference only")
    args = parser.parse_args(argv)

    try:
        reference = render(parse(args.proto.read_text(encoding="utf-8")))
        if args.stdout:
            sys.stdout.write(reference)
            return 0
        current = args.doc.read_text(encoding="utf-8")
        wanted = splice(current, reference)
    except (OSError, ProtoError) as e:
        print(f"config_reference.py: {e}", file=sys.stderr)
        return 2
    if args.check:
        if current == wanted:
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(keepends=True), wanted.splitlines(keepends=True),
            fromfile=f"{args.doc} (as is)", tofile=f"{args.doc} (generated from {args.proto})"))
        print(f"\n{args.doc} is stale: run scripts/config_reference.py to regenerate it.",
              file=sys.stderr)
        return 1
    if current != wanted:
        args.doc.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
