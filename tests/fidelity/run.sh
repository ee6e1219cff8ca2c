#!/usr/bin/env bash
# Judges the sandbox from outside, against a `fpgw sandbox` started on a free loopback port:
#   sdk      the vendors' official SDKs: every vendor's tests/vendors/<vendor>/fidelity/ folder (a
#            package.json and package-lock.json pinning that vendor's SDK, and its *.test.mjs,
#            which read the sandbox through tests/fidelity/sandbox.mjs), with the sandbox's CA
#            trusted;
#   openapi  a standard OpenAPI validator (requirements.txt) checks its Fingerprint responses
#            against the vendor's published specifications, read in place from
#            FPGW_VENDOR_REFERENCE_DIR; skipped visibly when that folder is absent.
#   tests/fidelity/run.sh FPGW_BINARY sdk|openapi
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vendors="$(cd "$here/../vendors" && pwd)"
fpgw="$1"
mode="${2:-sdk}"
cd "$here"
case "$mode" in
  sdk)
    folders=()
    for dir in "$vendors"/*/fidelity; do
      [ -f "$dir/package.json" ] && folders+=("$dir")
    done
    if [ ${#folders[@]} -eq 0 ]; then
      echo "no vendor fidelity folder (tests/vendors/*/fidelity/package.json)" >&2
      exit 1
    fi
    for dir in "${folders[@]}"; do
      if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules" ] ||
         [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
        # The lockfile records no registry URL, whichever npm config runs this.
        (cd "$dir" && npm install --silent --no-audit --no-fund \
          --omit-lockfile-registry-resolved >&2)
        touch "$dir/node_modules"
      fi
    done
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
  failed=()
  for dir in "${folders[@]}"; do
    vendor="$(basename "$(dirname "$dir")")"
    echo "== $vendor"
    (cd "$dir" && NODE_EXTRA_CA_CERTS="$state/ca.pem" node --test --test-reporter=spec ./*.test.mjs) ||
      failed+=("$vendor")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "fidelity failed for: ${failed[*]}" >&2
    exit 1
  fi
else
  .venv/bin/python openapi_test.py
fi
