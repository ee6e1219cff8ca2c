#!/usr/bin/env bash
# The gateway benchmark, in one command: builds fpgw (Release, in build-release/, the fpgw target
# only), installs what the benchmark needs (nginx with the echo module, wrk, ghz, the Fingerprint
# Node SDK, a Python venv with matplotlib and a gRPC health client), starts a stand-in vendor, an
# nginx proxy, a Node service and fpgw on loopback, runs every scenario, and rewrites the generated
# section of docs/benchmarks.md and docs/benchmarks.png. Everything it starts is stopped on exit.
#
#   bench/run.sh
#
#   BENCH_DURATION=10     seconds per scenario (the published numbers use the default)
#   BENCH_CONCURRENCY=50  concurrent calls or connections of scenarios a-f
#   BENCH_KEEP=1          keep the run's temporary folder (configs, logs, raw tool output)
#   BENCH_NO_BUILD=1      measure build-release/src/main/fpgw as it is (no configure, no build)
#   BENCH_PROFILE=1       also profile fpgw with perf during (c) and write the hottest symbols to
#                         docs/benchmarks-profile.txt (the profile slows (c) a little)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
duration="${BENCH_DURATION:-10}"
concurrency="${BENCH_CONCURRENCY:-50}"
build_dir="$root/build-release"
deps="$root/.deps"
venv="$deps/bench-venv"
node_deps="$deps/bench-node"
ghz_version=v0.120.0
sdk_version=7.7.1
# Integration A of scenario (h): calls in flight and waiting (see bench/fpgw.yaml).
a_limit=500
a_queue=-1
[ -d /usr/local/go/bin ] && export PATH="$PATH:/usr/local/go/bin"

log() { printf '[bench] %s\n' "$*" >&2; }
case "$duration" in '' | *[!0-9]* | 0) log "BENCH_DURATION must be a positive number of seconds"; exit 2 ;; esac
case "$concurrency" in '' | *[!0-9]* | 0) log "BENCH_CONCURRENCY must be a positive number"; exit 2 ;; esac

# 1. fpgw, Release. scripts/setup.sh installs the build dependencies, configures and builds.
fpgw="$build_dir/src/main/fpgw"
if [ "${BENCH_NO_BUILD:-0}" = 1 ] && [ -x "$fpgw" ]; then
  log "BENCH_NO_BUILD=1: measuring $fpgw as it is"
else
  if [ -f "$build_dir/CMakeCache.txt" ] &&
    ! grep -qx "CMAKE_CXX_FLAGS:STRING=" "$build_dir/CMakeCache.txt"; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_CXX_FLAGS= >&2
  fi
  FPGW_BUILD_TYPE=Release nice -n 10 "$root/scripts/setup.sh" "$build_dir" fpgw
fi
loadavg="$(cut -d' ' -f1-3 /proc/loadavg)"

# 2. The benchmark's own tools, each installed only when missing.
# shellcheck source=scripts/apt.sh
. "$root/scripts/apt.sh"
mapfile -t missing < <(missing_apt_packages nginx libnginx-mod-http-echo wrk openssl curl procps)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi
mkdir -p "$deps/bin"
if ! go version -m "$deps/bin/ghz" 2>/dev/null | grep -qE "^\s+mod\s+github.com/bojand/ghz\s+$ghz_version\s"; then
  log "go install ghz@$ghz_version"
  GOPATH="$deps/go" GOBIN="$deps/bin" GOFLAGS=-mod=mod nice -n 10 \
    go install "github.com/bojand/ghz/cmd/ghz@$ghz_version"
fi
ghz="$deps/bin/ghz"
sdk_json="$node_deps/node_modules/@fingerprint/node-sdk/package.json"
if [ ! -f "$sdk_json" ] || [ "$(node -p "require('$sdk_json').version")" != "$sdk_version" ]; then
  log "npm install @fingerprint/node-sdk@$sdk_version"
  mkdir -p "$node_deps"
  npm install --silent --no-audit --no-fund --prefix "$node_deps" "@fingerprint/node-sdk@$sdk_version" >&2
fi
if ! cmp -s "$root/bench/requirements.txt" "$venv/bench-requirements.txt"; then
  log "Python venv $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/bench/requirements.txt" >&2
  cp "$root/bench/requirements.txt" "$venv/bench-requirements.txt"
fi
py="$venv/bin/python"
bench_py="$root/bench/bench.py"

# 3. The run's folder: configs, the vendor key, logs. nginx workers may run as another user, so
# the folder is readable (it holds only a throwaway key, made for this run).
work="$(mktemp -d)"
chmod 755 "$work"
pids=()     # the servers, stopped in reverse order
current="" # the helper running now (bench.py stops its load tools when it is stopped)
cleanup() {
  local status=$?
  if [ -n "$current" ]; then kill -TERM "$current" 2>/dev/null || true; wait "$current" 2>/dev/null || true; fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Runs bench.py in the background and waits, so that a signal is handled at once.
helper() {
  local rc=0
  "$py" "$bench_py" "$@" &
  current=$!
  wait "$current" || rc=$?
  current=""
  return "$rc"
}

mapfile -t ports < <("$py" "$bench_py" ports 4)
fpgw_port="${ports[0]}" upstream_port="${ports[1]}" proxy_port="${ports[2]}" node_port="${ports[3]}"
fpgw_addr="127.0.0.1:$fpgw_port"
mkdir -p "$work/secrets" "$work/upstream/www" "$work/upstream/tmp" "$work/proxy/tmp"
chmod 700 "$work/secrets"
key="$(openssl rand -hex 20)"
printf '%s' "$key" >"$work/secrets/fingerprint-key"
cp "$root/tests/testdata/fingerprint_v4/event_mobile_vpn.json" "$work/upstream/www/event.json"
chmod -R a+rX "$work/upstream" "$work/proxy"
render() { # render TEMPLATE OUT NAME=VALUE...
  local template="$1" out="$2" expr=()
  shift 2
  for pair in "$@"; do expr+=(-e "s|@${pair%%=*}@|${pair#*=}|g"); done
  sed "${expr[@]}" "$template" >"$out"
}
render bench/upstream.nginx.conf "$work/upstream/nginx.conf" DIR="$work/upstream" PORT="$upstream_port" KEY="$key"
render bench/proxy.nginx.conf "$work/proxy/nginx.conf" DIR="$work/proxy" PORT="$proxy_port" \
  UPSTREAM_PORT="$upstream_port" KEY="$key"
render bench/fpgw.yaml "$work/fpgw.yaml" PORT="$fpgw_port" SECRETS="$work/secrets" \
  UPSTREAM_PORT="$upstream_port" A_CONCURRENT="$a_limit" A_QUEUED="$a_queue"
"$fpgw" check-config "$work/fpgw.yaml" >&2

wait_http() { # wait_http URL [CURL_ARGS...]: until it answers 200
  for _ in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "${@:2}" "$1" || true)" = 200 ] && return 0
    sleep 0.05
  done
  log "no answer from $1"; return 1
}

# 4. The stand-in vendor, the proxy and the Node service.
touch "$work/upstream/access.log"
nginx -p "$work/upstream" -c "$work/upstream/nginx.conf" 2>>"$work/upstream/error.log" &
upstream_pid=$!; pids+=("$upstream_pid")
nginx -p "$work/proxy" -c "$work/proxy/nginx.conf" 2>>"$work/proxy/error.log" &
proxy_pid=$!; pids+=("$proxy_pid")
FPGW_BENCH_PORT="$node_port" FPGW_BENCH_UPSTREAM="http://127.0.0.1:$upstream_port" \
  FPGW_BENCH_KEY_FILE="$work/secrets/fingerprint-key" NODE_PATH="$node_deps/node_modules" \
  node "$root/bench/node_service/server.cjs" >"$work/node.log" 2>&1 &
node_pid=$!; pids+=("$node_pid")
probe_id="1760000000123.aBcDeF"
wait_http "http://127.0.0.1:$upstream_port/v4/events/$probe_id" -H "Authorization: Bearer $key"
wait_http "http://127.0.0.1:$proxy_port/v4/events/$probe_id"
wait_http "http://127.0.0.1:$node_port/v4/events/$probe_id"

# 5. fpgw: start to SERVING and idle RSS over five starts, then the instance that is measured.
results="$work/results.jsonl"
: >"$results"
helper startup --fpgw "$fpgw" --config "$work/fpgw.yaml" --addr "$fpgw_addr" --runs 5 \
  --log "$work/fpgw-startup.log" --out "$results"
"$fpgw" --config="$work/fpgw.yaml" 2>"$work/fpgw.log" &
fpgw_pid=$!; pids+=("$fpgw_pid")
helper wait-serving "$fpgw_addr" || { tail -20 "$work/fpgw.log" >&2; exit 1; }
procs="fpgw=$fpgw_pid,proxy=$proxy_pid,upstream=$upstream_pid,node=$node_pid"

# 6. The scenarios.
measure() { # measure NAME TOOL INVOLVED COMMAND...
  local name="$1" tool="$2" involved="$3"
  shift 3
  helper measure --name "$name" --tool "$tool" --procs "$procs" \
    --involved "$involved" --fpgw-pid "$fpgw_pid" --access-log "$work/upstream/access.log" \
    --workdir "$work" --out "$results" -- "$@"
}
ghz_load=("$ghz" --insecure --format json --duration-stop wait -c "$concurrency" -z "${duration}s")
evaluate=(--call fpgw.v1.EvaluationService/Evaluate)
wrk_load=(wrk -t 2 -c "$concurrency" -d "${duration}s" -s "$root/bench/wrk_report.lua")
# Distinct Fingerprint v4 event ids: 13 digits, a dot, 6 characters; the suffix names the scenario.
# ghz fills in the template before it parses the JSON, so the format is a Go raw string.
# shellcheck disable=SC2016  # the backquotes are Go's, not the shell's
distinct() { printf '{"integration":"%s","token":"17{{printf `%%011d` .RequestNumber}}.%s"}' "$1" "$2"; }

log "(a) Health/Check"
measure a ghz fpgw "${ghz_load[@]}" --call grpc.health.v1.Health/Check -d '{}' "$fpgw_addr"
log "(b) Evaluate, cache hit"
same='{"integration":"fingerprint","token":"1700000000001.bcache"}'
"$ghz" --insecure "${evaluate[@]}" -d "$same" -n 1 -c 1 "$fpgw_addr" >/dev/null
measure b ghz fpgw,upstream "${ghz_load[@]}" "${evaluate[@]}" -d "$same" "$fpgw_addr"
log "(c) Evaluate, a distinct token per call"
profiler=""
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  command -v perf >/dev/null || { log "BENCH_PROFILE=1 needs perf (Debian: linux-perf)"; exit 2; }
  perf record -q -F 499 -g -p "$fpgw_pid" -o "$work/perf.data" -- sleep "$duration" 2>/dev/null &
  profiler=$!
fi
measure c ghz fpgw,upstream "${ghz_load[@]}" "${evaluate[@]}" -d "$(distinct fingerprint cdistn)" "$fpgw_addr"
if [ -n "$profiler" ]; then
  wait "$profiler" || true
  {
    echo "# fpgw during scenario (c), perf record -F 499 -g; self time by shared object and symbol"
    echo "# produced by: BENCH_PROFILE=1 bench/run.sh ($(date -u +%Y-%m-%d), $(nproc) CPUs)"
    perf report -i "$work/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
      grep '%' | grep -v '^#' | head -60 || true
  } >"$root/docs/benchmarks-profile.txt"
  log "wrote docs/benchmarks-profile.txt"
fi
log "(d) nginx proxy_pass hop"
measure d wrk proxy,upstream "${wrk_load[@]}" "http://127.0.0.1:$proxy_port/v4/events/"
log "(e) the vendor directly"
measure e wrk upstream "${wrk_load[@]}" -H "Authorization: Bearer $key" "http://127.0.0.1:$upstream_port/v4/events/"
log "(f) Node service with the Fingerprint SDK"
measure f wrk node,upstream "${wrk_load[@]}" "http://127.0.0.1:$node_port/v4/events/"
log "(g) 1,000 identical concurrent Evaluate calls"
burst=("$ghz" --insecure --format json -c 1000 -n 1000 --connections 10 --timeout 20s "${evaluate[@]}")
measure g ghz fpgw,upstream "${burst[@]}" -d '{"integration":"fingerprint","token":"1700000000002.gburst"}' "$fpgw_addr"
log "(g') the same against the 1 s vendor"
measure g_slow ghz fpgw,upstream "${burst[@]}" -d '{"integration":"slow","token":"1700000000003.gslow1"}' "$fpgw_addr"
log "(h) integration A overloaded (1 s vendor), B timed beside it"
helper overload --ghz "$ghz" --addr "$fpgw_addr" --duration "$duration" \
  --a-integration slow --b-integration fingerprint --a-limit "$a_limit" --a-queue "$a_queue" \
  --procs "$procs" --fpgw-pid "$fpgw_pid" --access-log "$work/upstream/access.log" \
  --workdir "$work" --out "$results"
if ! kill -0 "$fpgw_pid" 2>/dev/null; then
  log "fpgw exited during the run:"; tail -20 "$work/fpgw.log" >&2; exit 1
fi

# 7. The report.
command="bench/run.sh"
[ -n "${BENCH_CONCURRENCY:-}" ] && command="BENCH_CONCURRENCY=$concurrency $command"
[ -n "${BENCH_DURATION:-}" ] && command="BENCH_DURATION=$duration $command"
[ "${BENCH_NO_BUILD:-0}" = 1 ] && command="BENCH_NO_BUILD=1 $command"
cpu_model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
mem_gib="$(awk '/^MemTotal:/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
helper report --results "$results" --doc "$root/docs/benchmarks.md" --plot "$root/docs/benchmarks.png" \
  --command "$command" --duration "$duration" --concurrency "$concurrency" --loadavg "$loadavg" \
  --machine "$(nproc) CPUs ($cpu_model), $mem_gib GiB, Linux $(uname -r)" \
  --sdk-version "$(node -p "require('$sdk_json').version")" --ghz-version "$ghz_version" \
  --versions "$("$fpgw" --version 2>&1 | head -1) (Release); $(nginx -v 2>&1 | sed 's/^nginx version: //'); node $(node --version); ghz $ghz_version; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
log "wrote docs/benchmarks.md (generated section) and docs/benchmarks.png"
