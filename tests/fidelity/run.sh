#!/usr/bin/env bash
# Judges the sandbox from outside, against a `fpgw sandbox` started on a free loopback port:
#   sdk      the vendors' official SDKs (pinned in package.json), every *.test.mjs, with the
#            sandbox's CA trusted;
#   openapi  a standard OpenAPI validator (requirements.txt) checks its Fingerprint responses
#            against the vendor's published specifications, read in place from
#            FPGW_VENDOR_REFERENCE_DIR; skipped visibly when that folder is absent.
#   tests/fidelity/run.sh FPGW_BINARY sdk|openapi
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fpgw="$1"
mode="${2:-sdk}"
cd "$here"
case "$mode" in
  sdk)
    if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
      npm install --silent --no-audit --no-fund >&2
      touch node_modules
    fi
    ;;
  openapi)
    reference="${FPGW_VENDOR_REFERENCE_DIR:-}"
    if [ -z "$reference" ] || [ ! -d "$reference" ]; then
      echo "FPGW_VENDOR_REFERENCE_ABSENT: the vendor reference folder is ${reference:-not configured}${reference:+ (absent)}; enable with -DFPGW_VENDOR_REFERENCE_DIR=<shared>/vendors/reference"
      exit 0
    fi
    if [ ! -x .venv/bin/python ] || [ requirements.txt -nt .venv ]; then
      python3 -m venv .venv
      .venv/bin/pip install --quiet -r requirements.txt >&2
      touch .venv
    fi
    ;;
  *) echo "usage: run.sh FPGW_BINARY sdk|openapi" >&2; exit 2 ;;
esac
state="$(mktemp -d)"
"$fpgw" sandbox --listen=127.0.0.1:0 --state_dir="$state" 2>"$state/sandbox.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 1 100); do grep -q '"base_url"' "$state/sandbox.log" && break; sleep 0.1; done
url=$(grep -o '"base_url":"[^"]*"' "$state/sandbox.log" | head -1 | cut -d'"' -f4)
[ -n "$url" ] || { cat "$state/sandbox.log"; exit 1; }
export FPGW_SANDBOX_URL="$url" FPGW_SANDBOX_STATE="$state"
if [ "$mode" = sdk ]; then
  NODE_EXTRA_CA_CERTS="$state/ca.pem" node --test --test-reporter=spec ./*.test.mjs
else
  .venv/bin/python openapi_test.py
fi
