#!/usr/bin/env bash
# End-to-end: drives the built fpgw binary with real clients (grpcurl, grpc-health-probe) on
# loopback — sandbox mode, config mode against a standalone `fpgw sandbox` over TLS, a Unix
# socket, graceful drain on SIGTERM, check-config, normalize, --help and --version.
#
#   e2e_test.sh FPGW_BINARY TOOLS_BIN_DIR TESTDATA_DIR
set -uo pipefail
fpgw="$1"
tools="$2"
testdata="$3"
grpcurl="$tools/grpcurl"
probe="$tools/grpc-health-probe"
work="$(mktemp -d)"
pids=()
passed=0
failed=0

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

check() {  # check NAME COMMAND...
  local name="$1"
  shift
  if "$@" >"$work/last.out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/     /' "$work/last.out" | head -20
  fi
}

wait_for_log() {  # wait_for_log FILE PATTERN
  for _ in $(seq 1 100); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:"
  cat "$1"
  return 1
}

json_assert() {  # json_assert FILE PYTHON_EXPR (with `d` bound to the parsed JSON)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert ($2), json.dumps(d)[:800]" "$1"
}

# --- 1. Sandbox mode: no config. ---------------------------------------------------------------
"$fpgw" --listen=127.0.0.1:0 >"$work/sandbox_mode.log" 2>&1 &
gw=$!
pids+=("$gw")
wait_for_log "$work/sandbox_mode.log" '"msg":"serving"' || exit 1
addr=$(grep -o '"listen":"[^"]*"' "$work/sandbox_mode.log" | head -1 | cut -d'"' -f4)

check "first log line announces sandbox mode" bash -c "head -1 '$work/sandbox_mode.log' | grep -q 'SANDBOX MODE'"
check "grpcurl list shows both services, health and reflection" bash -c "
  out=\$('$grpcurl' -plaintext '$addr' list) &&
  grep -qx fpgw.v1.EvaluationService <<<\"\$out\" && grep -qx fpgw.v1.AdminService <<<\"\$out\" &&
  grep -qx grpc.health.v1.Health <<<\"\$out\""
check "reflection describes grpc.health.v1 and the Evaluation message" bash -c "
  '$grpcurl' -plaintext '$addr' describe grpc.health.v1.Health | grep -q Check &&
  '$grpcurl' -plaintext '$addr' describe fpgw.v1.Evaluation | grep -q signals"
check "grpc-health-probe reports SERVING" "$probe" -addr "$addr"
check "grpc-health-probe reports SERVING for EvaluationService" "$probe" -addr "$addr" -service fpgw.v1.EvaluationService

"$grpcurl" -plaintext -d '{"token":"1760000000123.e2eTst","fingerprint":{"ruleset_id":"rs_e2e"}}' \
  "$addr" fpgw.v1.EvaluationService/Evaluate >"$work/evaluate.json" 2>&1
check "Evaluate fills identity, verdict, signals, network and client" json_assert "$work/evaluate.json" \
  "len(d['evaluation']['identity']['device_id'])==20 and d['evaluation']['verdict']['action'] in ('ACTION_ALLOW','ACTION_BLOCK') and 'vpn' in d['evaluation']['signals'] and d['evaluation']['network']['ip_address'] and d['evaluation']['client']['browser_name'] and d['evaluation']['source']['vendor']=='VENDOR_FINGERPRINT'"

check "ListDeviceEvaluations pages through more than one page" bash -c "
  token=''; pages=0; total=0
  while :; do
    '$grpcurl' -plaintext -d \"{\\\"device\\\":\\\"visitorE2e0000000001\\\",\\\"page_size\\\":10,\\\"page_token\\\":\\\"\$token\\\"}\" \
      '$addr' fpgw.v1.EvaluationService/ListDeviceEvaluations > '$work/page.json' || exit 1
    n=\$(python3 -c \"import json; print(len(json.load(open('$work/page.json')).get('evaluations',[])))\")
    total=\$((total + n)); pages=\$((pages + 1))
    token=\$(python3 -c \"import json; print(json.load(open('$work/page.json')).get('next_page_token',''))\")
    [ -z \"\$token\" ] && break
    [ \$pages -gt 10 ] && exit 1
  done
  echo pages=\$pages total=\$total; [ \$pages -gt 1 ] && [ \$total -eq 23 ]"

check "a hostile token is INVALID_ARGUMENT naming the field" bash -c "
  out=\$('$grpcurl' -plaintext -d '{\"token\":\"../../visitors/x\"}' '$addr' fpgw.v1.EvaluationService/Evaluate 2>&1);
  grep -q 'InvalidArgument' <<<\"\$out\" && grep -q 'token' <<<\"\$out\""
check "an unknown token is NOT_FOUND with ErrorInfo" bash -c "
  out=\$('$grpcurl' -plaintext -format-error -d '{\"token\":\"sandbox-not-found\"}' '$addr' fpgw.v1.EvaluationService/Evaluate 2>&1);
  grep -q '\"code\": 5' <<<\"\$out\" && grep -q 'TOKEN_NOT_FOUND' <<<\"\$out\""

# Graceful drain: an in-flight slow call completes, then the process exits 0.
"$grpcurl" -plaintext -max-time 20 -d '{"token":"sandbox-slow"}' "$addr" fpgw.v1.EvaluationService/Evaluate \
  >"$work/inflight.json" 2>&1 &
inflight=$!
sleep 0.7
kill -TERM "$gw"
wait "$gw"
gw_status=$?
wait "$inflight"
inflight_status=$?
check "SIGTERM drains and exits 0" test "$gw_status" -eq 0
check "the in-flight call finished during the drain" test "$inflight_status" -eq 0
check "the drain was logged" grep -q '"msg":"draining"' "$work/sandbox_mode.log"

# --- 2. Config mode against a standalone sandbox, TCP + Unix socket. -------------------------
mkdir -p "$work/sandbox" "$work/secrets"
"$fpgw" sandbox --listen=127.0.0.1:0 --state_dir="$work/sandbox" >"$work/sandbox.log" 2>&1 &
pids+=("$!")
wait_for_log "$work/sandbox.log" '"msg":"sandbox serving"' || exit 1
base_url=$(grep -o '"base_url":"[^"]*"' "$work/sandbox.log" | head -1 | cut -d'"' -f4)
cp "$work/sandbox/fingerprint_v4.key" "$work/secrets/fingerprint-key"
key=$(cat "$work/secrets/fingerprint-key")
cat >"$work/fpgw.yaml" <<EOF
server:
  listeners:
    - {address: "127.0.0.1:0", authentication: [local]}
    - {address: "unix:$work/fpgw.sock", authentication: [unix_uid]}
  callers:
    # This test's own uid is the app on the socket; local tools use loopback.
    - {name: e2e-app, tenant: e2e, unix_uids: [$(id -u)]}
    - {name: local-tools, tenant: e2e, local: true}
  drain_grace_period: 4s
  drain_delay: 3s
http:
  ca_bundle_path: $work/sandbox/ca.pem
secret_stores:
  directory: $work/secrets
tenants:
  - name: e2e
    integrations:
      - name: fingerprint
        vendor: fingerprint
        region: ap
        base_url: $base_url/v4
        credential: {file: fingerprint-key}
EOF
check "check-config accepts the file" "$fpgw" check-config "$work/fpgw.yaml"
check "a --listen override cannot open a local-trust listener to other hosts" bash -c "
  ! '$fpgw' check-config --listen=0.0.0.0:50051 '$work/fpgw.yaml' 2>'$work/override.err' &&
  grep -q 'server.listeners\[0\].authentication\[0\]: local trust works on loopback' '$work/override.err'"
check "FPGW_LISTEN goes through the same check" bash -c "
  ! FPGW_LISTEN=0.0.0.0:50051 timeout 10 '$fpgw' --config='$work/fpgw.yaml' 2>'$work/override2.err' &&
  grep -q 'server.listeners\[0\].authentication\[0\]' '$work/override2.err'"
check "sandbox mode refuses to serve other hosts" bash -c "
  ! timeout 20 '$fpgw' --listen=0.0.0.0:0 2>'$work/override3.err' >/dev/null &&
  grep -q 'local trust works on loopback' '$work/override3.err'"
# A proxy and a TLS key-log file in the environment must change nothing: vendor keys go straight
# to the vendor, and no TLS secret is written anywhere.
HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
  SSLKEYLOGFILE="$work/tls-keys.log" "$fpgw" --config="$work/fpgw.yaml" >"$work/config_mode.log" 2>&1 &
gw2=$!
pids+=("$gw2")
wait_for_log "$work/config_mode.log" '"msg":"serving"' || exit 1
"$grpcurl" -unix -plaintext -d '{"token":"1760000000555.unixTs"}' "$work/fpgw.sock" \
  fpgw.v1.EvaluationService/Evaluate >"$work/unix.json" 2>&1
check "Evaluate over the Unix socket in config mode" json_assert "$work/unix.json" \
  "d['evaluation']['source']['region']=='ap' and d['evaluation']['identity']['event_id']=='1760000000555.unixTs'"
check "grpc-health-probe over the Unix socket" "$probe" -addr "unix://$work/fpgw.sock"
check "proxy variables in the environment are ignored (the call above went direct)" \
  json_assert "$work/unix.json" "d['evaluation']['identity']['event_id']=='1760000000555.unixTs'"
check "SSLKEYLOGFILE is ignored: no TLS key was written" test ! -e "$work/tls-keys.log"
check "core dumps are off in the serving process" bash -c "
  grep -E '^Max core file size +0 +0 ' /proc/$gw2/limits"
check "a random page-token key is warned about" grep -q 'page_tokens.keys is empty' "$work/config_mode.log"
check "the uid socket is open to every uid (the peer uid decides, not the umask)" bash -c "
  [ \"\$(stat -c %a '$work/fpgw.sock')\" = 666 ]"
if [[ $(id -u) == 0 ]]; then
  # Another uid that the file system lets through is still refused: the peer uid decides.
  chmod a+x "$work"
  check "a process of another uid is refused on the Unix socket" bash -c "
    ! setpriv --reuid=65534 --regid=65534 --clear-groups '$grpcurl' -unix -plaintext \
      -d '{\"token\":\"1760000000555.unixTs\"}' '$work/fpgw.sock' fpgw.v1.EvaluationService/Evaluate \
      >/dev/null 2>&1 && grep -q 'its uid names no caller.*\"uid\":\"65534\"' '$work/config_mode.log'"
else
  echo "skip a process of another uid is refused on the Unix socket (needs root to switch uid)"
fi
"$grpcurl" -unix -plaintext -d '{"token":"sandbox-rate-limited"}' "$work/fpgw.sock" fpgw.v1.EvaluationService/Evaluate >/dev/null 2>&1
kill -TERM "$gw2"
# During the drain delay the server still answers, and health says NOT_SERVING (exit code 4).
"$probe" -addr "unix://$work/fpgw.sock" >"$work/probe_draining.out" 2>&1
probe_status=$?
check "health turns NOT_SERVING at once on SIGTERM" test "$probe_status" -eq 4
wait "$gw2"
check "config-mode server exits 0 on SIGTERM" test $? -eq 0
check "no log line or error carries the vendor key" bash -c "! grep -qF '$key' '$work/config_mode.log' '$work/unix.json'"

# The README's example config is valid as written.
python3 - "$testdata/../../README.md" >"$work/readme.yaml" <<'PY'
import re, sys
print(re.search(r"## Configuration.*?```yaml\n(.*?)```", open(sys.argv[1]).read(), re.S).group(1))
PY
check "the README's example config passes check-config" "$fpgw" check-config "$work/readme.yaml"

# --- 3. Bad config: refuse to start, naming the field. ------------------------------------------
printf 'tenants:\n  - name: t\n    integrations:\n      - name: x\n        vendor: fingerprint\n        colour: red\n        credential: {env: K}\n' >"$work/bad.yaml"
check "check-config names the bad field and fails" bash -c "
  ! '$fpgw' check-config '$work/bad.yaml' 2>'$work/bad.err' && grep -q 'tenants\\[0\\].integrations\\[0\\].colour: unknown field' '$work/bad.err'"
check "the server refuses to start on a bad config" bash -c "
  ! timeout 10 '$fpgw' --config='$work/bad.yaml' 2>'$work/bad2.err' && grep -q 'colour' '$work/bad2.err'"

# --- 4. normalize. --------------------------------------------------------------------------------
"$fpgw" normalize "$testdata/fingerprint_v4/event_mobile_vpn.json" >"$work/norm.json" 2>&1
check "normalize prints the Evaluation" json_assert "$work/norm.json" \
  "d['identity']['device_id']=='vis0000000000000A1b2' and d['signals']['vpn']['signal']['detected']=='TRISTATE_TRUE'"
check "normalize reads stdin and shows the raw payload with --full" bash -c "
  '$fpgw' normalize --full - <'$testdata/fingerprint_v4/event_mobile_vpn.json' | grep -q future_field_from_vendor"
check "normalize refuses an HTML body with a clear error" bash -c "
  ! echo '<html>502</html>' | '$fpgw' normalize - 2>'$work/html.err' && grep -q 'not valid JSON' '$work/html.err'"
# --lines: one payload per line (vendors mixed, a broken line and a blank one), one answer each.
python3 -c "import json,sys; [print(json.dumps(json.load(open(f))) if f.endswith('.json') else f) for f in sys.argv[1:]]" \
  "$testdata/fingerprint_v4/event_mobile_vpn.json" '{"event_id": ' '' "$testdata/cside/verify_completed.json" \
  >"$work/batch.ndjson"
"$fpgw" normalize --lines "$work/batch.ndjson" >"$work/batch.out" 2>"$work/batch.err"
batch_status=$?
check "normalize --lines answers every line in order, naming the broken one, and exits 1" bash -c "
  [ $batch_status -eq 1 ] && grep -q '^fpgw normalize: line 2: not valid JSON' '$work/batch.err' &&
  python3 -c \"import json; d=[json.loads(l) for l in open('$work/batch.out')];
assert [(x['line'], x.get('kind'), 'evaluation' in x, x.get('error', {}).get('code')) for x in d] == [
  (1, 'fingerprint-v4-event', True, None), (2, None, False, 'INVALID_ARGUMENT'), (4, 'cside-verify', True, None)], d\""
check "normalize --lines reads stdin, applies --kind to every line and exits 0 when all normalise" bash -c "
  out=\$(head -1 '$work/batch.ndjson' | '$fpgw' normalize --lines --kind=fingerprint-v4-webhook -) &&
  grep -q '^{\"line\":1,\"kind\":\"fingerprint-v4-webhook\",\"evaluation\":{.*PAYLOAD_KIND_WEBHOOK' <<<\"\$out\""

# --- 5. --help and --version. ----------------------------------------------------------------------
"$fpgw" --help >"$work/help.out" 2>&1
check "--help exits 0" test $? -eq 0
check "--help lists every command with its flags" bash -c "
  for text in 'fpgw \[serve\]' 'fpgw sandbox' 'fpgw check-config \[--listen=ADDR\] FILE' 'fpgw normalize' \
              '--config' '--listen' '--state_dir' '--seed' '--kind' '--full' '--log_level'; do
    grep -q -- \"\$text\" '$work/help.out' || { echo \"missing \$text\"; exit 1; }
  done"
check "COMMAND --help shows that command only" bash -c "
  out=\$('$fpgw' normalize --help) && grep -q -- '--kind' <<<\"\$out\" && ! grep -q -- '--state_dir' <<<\"\$out\""
check "--version names fpgw's own version and build type" bash -c "
  '$fpgw' --version | grep -Eq '^fpgw [0-9]+\.[0-9]+\.[0-9]+ \((Release|RelWithDebInfo|Debug|MinSizeRel)'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
