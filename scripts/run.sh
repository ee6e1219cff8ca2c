#!/usr/bin/env bash
# The main job, from a fresh machine: installs and builds (scripts/setup.sh), starts fpgw in its
# embedded sandbox mode, shows real normalised evaluations through grpcurl (the raw JSON of each,
# then one table of the same fields side by side, one column per integration), then keeps serving
# on 127.0.0.1:50051 until Ctrl-C (FPGW_DEMO_EXIT=1 stops after the demo).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh build fpgw
grpcurl="$root/.deps/bin/grpcurl"
addr="${FPGW_LISTEN:-127.0.0.1:50051}"
log="$(mktemp)"
answers="$(mktemp -d)"

build/src/main/fpgw --listen="$addr" 2>"$log" &
fpgw_pid=$!
trap 'kill -TERM $fpgw_pid 2>/dev/null; wait $fpgw_pid 2>/dev/null; rm -rf "$log" "$answers"' EXIT
for _ in $(seq 1 100); do grep -q '"msg":"serving"' "$log" && break; sleep 0.1; done
cat "$log"

show() {  # show METHOD REQUEST [FILE the answer is also written to]
  echo
  echo "\$ grpcurl -plaintext -d '$2' $addr fpgw.v1.EvaluationService/$1"
  "$grpcurl" -plaintext -d "$2" "$addr" "fpgw.v1.EvaluationService/$1" \
    | tee "${3:-/dev/null}" || true
}
# One evaluation per sandbox integration: the example request fpgw logs for each.
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("msg") == "sandbox integration":
        print(entry["integration"], entry["try"])
' "$log" >"$answers/integrations"
echo
echo "== The raw answers: one Evaluate per sandbox integration, then a listing and an error =="
tables=()
while read -r integration request; do
  tables+=("$answers/$integration.json")
  show Evaluate "$request" "$answers/$integration.json"
done <"$answers/integrations"
show ListDeviceEvaluations '{"device":"visitorDemo000000001","page_size":2}'
show Evaluate '{"token":"sandbox-not-found"}'

echo
echo "== The evaluations above, side by side (— : not reported by that vendor) =="
echo
python3 "$root/scripts/evaluation_table.py" "${tables[@]}" || true

# What the calls above did, as Prometheus sees it (the metrics URL is in the "serving" line).
python3 - "$log" <<'PY' || true
import json, sys, urllib.request
url = next((json.loads(l).get("metrics") for l in open(sys.argv[1]) if '"msg":"serving"' in l), "")
if url:
    print(f"\n== Metrics: curl {url} (grpc_server_handled_total and fpgw_vendor_calls_total) ==\n")
    for line in urllib.request.urlopen(url, timeout=5).read().decode().splitlines():
        if line.startswith(("grpc_server_handled_total{", "fpgw_vendor_calls_total{")):
            print(line)
PY

if [ "${FPGW_DEMO_EXIT:-0}" = 1 ]; then exit 0; fi
echo
echo "fpgw is serving on $addr (sandbox mode). Try: $grpcurl -plaintext $addr list   — Ctrl-C to stop."
wait $fpgw_pid
