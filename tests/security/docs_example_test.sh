#!/usr/bin/env bash
# Runs the example at the end of docs/security.md as written: every block marked with an
# `<!-- example: ... -->` comment, in order, in one shell. Markers:
#   run            the block must exit 0
#   file NAME      the block is written to NAME
#   expect TEXT    the block must exit 0 and print TEXT
#   fail TEXT      the block must exit non-zero and print TEXT
# Only the places change: the demo folder, and free ports for the sandbox (8443) and fpgw (50051);
# `sleep 2` waits for the "serving" log line of what was just started instead.
#
# usage: docs_example_test.sh FPGW_BINARY TOOLS_BIN docs/security.md
set -uo pipefail
fpgw_bin=$1
tools=$2
doc=$3
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null; sleep 0.2; rm -rf "$work"' EXIT

for tool in grpcurl; do
  if [[ ! -x "$tools/$tool" ]]; then
    echo "skip docs example: $tool is not installed (scripts/setup.sh installs it)"
    echo "FPGW_DOCS_EXAMPLE_SKIPPED"
    exit 0
  fi
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sandbox_port=$(free_port)
gateway_port=$(free_port)

# The script: one function per step, then the checks.
python3 - "$doc" "$work/demo" "$sandbox_port" "$gateway_port" >"$work/example.sh" <<'PY'
import re, shlex, sys
doc, demo, sandbox_port, gateway_port = sys.argv[1:]
text = open(doc).read()
steps = re.findall(r"<!-- example: (\w+) ?([^\n]*?) -->\n```\w*\n(.*?)```", text, re.S)
if not steps:
    sys.exit("no example steps found")
print("set -u")
print("trap 'kill $(jobs -p) 2>/dev/null' EXIT")
print('wait_ready() { for _ in $(seq 1 300); do for log in *.log; do grep -q "serving" "$log" || continue 2; done; return 0; done; echo "not serving:"; cat *.log; return 1; }')
print("failures=0")
for n, (kind, arg, code) in enumerate(steps, 1):
    code = code.replace("/tmp/fpgw-demo", demo).replace("8443", sandbox_port).replace("50051", gateway_port)
    code = re.sub(r"^sleep 2$", "wait_ready", code, flags=re.M)
    label = f"step {n} ({kind} {arg})".strip()
    if kind == "file":
        print(f"cat > {shlex.quote(arg)} <<'FPGW_DOC_EOF'\n{code}FPGW_DOC_EOF")
        print(f"echo 'ok   {label}'")
        continue
    # In this shell (not a subshell): a `cd` or a background job of one step lasts.
    print(f"{{\n{code}\n}} > \"$FPGW_STEP_OUT\" 2>&1; rc=$?; out=$(cat \"$FPGW_STEP_OUT\")")
    if kind == "run":
        cond = "[[ $rc == 0 ]]"
    elif kind == "expect":
        cond = f"[[ $rc == 0 && $out == *{shlex.quote(arg)}* ]]"
    elif kind == "fail":
        cond = f"[[ $rc != 0 && $out == *{shlex.quote(arg)}* ]]"
    else:
        sys.exit(f"unknown marker {kind}")
    print(f"if {cond}; then echo {shlex.quote('ok   ' + label)}; else echo {shlex.quote('FAIL ' + label)} \"(exit $rc)\"; echo \"$out\" | sed 's/^/     /'; failures=$((failures + 1)); fi")
print('echo "$failures step(s) failed"')
print("exit $failures")
PY
[[ -s "$work/example.sh" ]] || exit 1
export PATH="$(dirname "$fpgw_bin"):$tools:$PATH"
export FPGW_STEP_OUT="$work/step.out"
# The example's commands run from wherever they cd to; the ports are free, the folder is new.
bash "$work/example.sh"
