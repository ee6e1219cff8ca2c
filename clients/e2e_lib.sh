# Shared part of clients/<lang>/e2e_test.sh: starts fpgw in sandbox mode, runs one language's example
# program against it and checks what the example printed. Every example prints the same
# `section.key: value` lines (see docs/clients.md), so one set of checks serves all five languages.
#
# Usage from a client's e2e_test.sh (bash, sourced):
#   source "$REPO_ROOT/clients/e2e_lib.sh"
#   e2e_init NAME                       # work dir, counters, cleanup trap
#   e2e_step "install tooling" CMD...   # a setup step: on failure, counts and ends the test
#   e2e_run_example FPGW_BINARY CMD...  # starts fpgw, runs CMD with FPGW_ADDRESS and
#                                       # FPGW_SERVICE_CONFIG set, checks the output, stops fpgw
#   e2e_finish                          # prints "N passed, M failed"; exit status 1 on failure

e2e_init() {
  E2E_NAME="$1"
  E2E_WORK="$(mktemp -d)"
  E2E_PASSED=0
  E2E_FAILED=0
  E2E_FPGW_PID=""
  E2E_CLIENTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  E2E_T0=$SECONDS
  trap e2e_cleanup EXIT
}

e2e_cleanup() {
  if [ -n "$E2E_FPGW_PID" ]; then kill "$E2E_FPGW_PID" 2>/dev/null; wait "$E2E_FPGW_PID" 2>/dev/null; fi
  rm -rf "$E2E_WORK"
}

e2e_ok() { E2E_PASSED=$((E2E_PASSED + 1)); echo "ok   $1"; }
e2e_fail() {
  E2E_FAILED=$((E2E_FAILED + 1))
  echo "FAIL $1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /' | tail -30
  return 0
}

e2e_finish() {
  echo "[$E2E_NAME] took $((SECONDS - E2E_T0))s"
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
  exit $?
}

# e2e_step NAME CMD...: a setup step whose output is shown only when it fails (then the test ends).
e2e_step() {
  local name="$1" t0=$SECONDS
  shift
  if "$@" >"$E2E_WORK/step.log" 2>&1; then
    e2e_ok "$name ($((SECONDS - t0))s)"
  else
    e2e_fail "$name" "$(tail -40 "$E2E_WORK/step.log")"
    e2e_finish
  fi
}

# Value of `KEY: value` in the example's output (first occurrence).
e2e_field() { sed -n "s/^$1: //p" "$E2E_WORK/example.out" | head -1; }

# e2e_expect NAME KEY REGEX: the example printed KEY with a value matching REGEX (anchored).
e2e_expect() {
  local value
  value="$(e2e_field "$2")"
  if [[ "$value" =~ ^($3)$ ]]; then
    e2e_ok "$1 ($2: $value)"
  else
    e2e_fail "$1" "expected $2 to match ^($3)\$, got '${value}'"
  fi
}

# Requests the embedded vendor sandbox served for ROUTE so far.
e2e_sandbox_count() {
  curl -sf --cacert "$E2E_SANDBOX_CA" "$E2E_SANDBOX_URL/_sandbox/stats" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["by_route"].get(sys.argv[1], 0))' "$1"
}

e2e_start_fpgw() {
  local fpgw="$1" log="$E2E_WORK/fpgw.log"
  "$fpgw" --listen=127.0.0.1:0 >"$log" 2>&1 &
  E2E_FPGW_PID=$!
  for _ in $(seq 1 100); do
    grep -q '"msg":"serving"' "$log" 2>/dev/null && break
    sleep 0.1
  done
  FPGW_ADDRESS="$(grep -o '"listen":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  E2E_SANDBOX_URL="$(grep -o '"base_url":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  E2E_SANDBOX_CA="$(grep -o '"ca_cert":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  if [ -z "$FPGW_ADDRESS" ] || [ -z "$E2E_SANDBOX_URL" ]; then
    e2e_fail "fpgw starts in sandbox mode" "$(cat "$log")"
    e2e_finish
  fi
  e2e_ok "fpgw serves on $FPGW_ADDRESS"
}

e2e_stop_fpgw() {
  kill "$E2E_FPGW_PID" 2>/dev/null
  wait "$E2E_FPGW_PID" 2>/dev/null
  E2E_FPGW_PID=""
}

# e2e_run_example FPGW_BINARY CMD...
e2e_run_example() {
  local fpgw="$1" before after rc
  shift
  e2e_start_fpgw "$fpgw"
  before="$(e2e_sandbox_count fingerprint_v4.get_event)"
  export FPGW_ADDRESS
  export FPGW_SERVICE_CONFIG="$E2E_CLIENTS_DIR/service_config.json"
  local t0=$SECONDS
  timeout 120 "$@" >"$E2E_WORK/example.out" 2>"$E2E_WORK/example.err"
  rc=$?
  after="$(e2e_sandbox_count fingerprint_v4.get_event)"
  echo "--- example output ($((SECONDS - t0))s):"
  sed 's/^/  | /' "$E2E_WORK/example.out"
  if [ "$rc" -eq 0 ]; then
    e2e_ok "example exits 0"
  else
    e2e_fail "example exits 0 (exit $rc)" "$(tail -30 "$E2E_WORK/example.err")"
  fi

  # 1. Evaluate: a normalised Fingerprint v4 evaluation.
  e2e_expect "evaluate: vendor" evaluate.vendor VENDOR_FINGERPRINT
  e2e_expect "evaluate: vendor API version" evaluate.api_version v4
  e2e_expect "evaluate: integration" evaluate.integration fingerprint-v4
  e2e_expect "evaluate: device id of 20 characters" evaluate.device_id '[A-Za-z0-9]{20}'
  e2e_expect "evaluate: event id is the token" evaluate.event_id '1760000000123\.demo01'
  e2e_expect "evaluate: identification confidence" evaluate.confidence '0\.[0-9]{2}|1\.00'
  e2e_expect "evaluate: returning visitor is a tri-state" evaluate.returning_visitor 'TRISTATE_(TRUE|FALSE|UNSPECIFIED)'
  e2e_expect "evaluate: ruleset verdict" evaluate.action 'ACTION_(ALLOW|CHALLENGE|BLOCK)'
  e2e_expect "evaluate: bot result" evaluate.bot 'BOT_RESULT_(NOT_DETECTED|GOOD|BAD)'
  e2e_expect "evaluate: VPN is a tri-state" evaluate.vpn 'TRISTATE_(TRUE|FALSE|UNSPECIFIED)'
  e2e_expect "evaluate: country code" evaluate.country_code '[A-Z]{2}'
  e2e_expect "evaluate: browser" evaluate.browser '.+ [0-9]+'

  # 2. Device history: 23 evaluations over 3 pages of at most 10.
  e2e_expect "history: device id" history.device_id visitorXyz0000000001
  e2e_expect "history: more than one page" history.pages 3
  e2e_expect "history: all evaluations" history.evaluations 23
  local sizes
  sizes="$(sed -n 's/^history\.page: //p' "$E2E_WORK/example.out" | awk '{print $2}' | paste -sd, -)"
  if [ "$sizes" = "10,10,3" ]; then e2e_ok "history: page sizes $sizes"; else e2e_fail "history: page sizes" "got '$sizes', want 10,10,3"; fi

  # 3. Errors read from google.rpc.Status details.
  e2e_expect "not found: status code" not_found.code NOT_FOUND
  e2e_expect "not found: ErrorInfo reason" not_found.reason TOKEN_NOT_FOUND
  e2e_expect "not found: ErrorInfo domain" not_found.domain fpgw
  e2e_expect "not found: ErrorInfo vendor_code" not_found.vendor_code event_not_found
  e2e_expect "rate limited: status code" rate_limited.code RESOURCE_EXHAUSTED
  e2e_expect "rate limited: ErrorInfo reason" rate_limited.reason VENDOR_RATE_LIMITED
  e2e_expect "rate limited: RetryInfo delay" rate_limited.retry_delay_ms 1000

  # 4. Retries do not multiply: fpgw retried the rate-limited lookup itself (3 attempts, waiting the
  #    vendor's Retry-After) and told the client's retry policy not to add its own
  #    (grpc-retry-pushback-ms: -1); NOT_FOUND was retried by neither. Vendor lookups:
  #    1 evaluate + 1 not found + 3 rate limited (a client ignoring the pushback would make 9).
  if [ "$((after - before))" -eq 5 ]; then
    e2e_ok "retries happen once, in fpgw (5 vendor lookups)"
  else
    e2e_fail "retries happen once, in fpgw" "vendor lookups: $((after - before)), want 5"
  fi
  e2e_stop_fpgw
}
