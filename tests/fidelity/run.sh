#!/usr/bin/env bash
# Judges the sandbox from outside: installs the vendors' official SDKs (pinned in package.json)
# and a standard OpenAPI validator (requirements.txt), starts `fpgw sandbox` on a free loopback
# port, runs every *.test.mjs against it with the sandbox's CA trusted, then validates its
# Fingerprint responses against the vendor's OpenAPI specifications (FPGW_VENDOR_REFERENCE_DIR).
#   tests/fidelity/run.sh FPGW_BINARY
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fpgw="$1"
cd "$here"
if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
  npm install --silent --no-audit --no-fund >&2
  touch node_modules
fi
if [ ! -x .venv/bin/python ] || [ requirements.txt -nt .venv ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet -r requirements.txt >&2
  touch .venv
fi
state="$(mktemp -d)"
"$fpgw" sandbox --listen=127.0.0.1:0 --state_dir="$state" 2>"$state/sandbox.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 1 100); do grep -q '"base_url"' "$state/sandbox.log" && break; sleep 0.1; done
url=$(grep -o '"base_url":"[^"]*"' "$state/sandbox.log" | head -1 | cut -d'"' -f4)
[ -n "$url" ] || { cat "$state/sandbox.log"; exit 1; }
export FPGW_SANDBOX_URL="$url" FPGW_SANDBOX_STATE="$state"
NODE_EXTRA_CA_CERTS="$state/ca.pem" node --test --test-reporter=spec ./*.test.mjs
.venv/bin/python openapi_test.py
