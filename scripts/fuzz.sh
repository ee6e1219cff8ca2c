#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time, first
# replaying its regression inputs (tests/fuzz/regressions/<target>/) and seeding it with the
# project's own fixtures. Any crash fails the run; the crashing input is left in build-fuzz/crashes.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 20)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-20}"
build=build-fuzz

if ! command -v clang++ >/dev/null || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q 'install ok installed'; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >&2
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DFPGW_FUZZ=ON -DFPGW_BUILD_TESTS=OFF -DFPGW_BUILD_BENCH=OFF \
    -DFPGW_GOOGLEAPIS_DIR="$root/.deps/googleapis" >&2
fi
cmake -S . -B "$build" >/dev/null  # refresh the target list (vendor fuzzers are globbed)
targets=$(cat "$build/fuzz_targets.txt")
# shellcheck disable=SC2086
cmake --build "$build" --target $targets >&2

# The seeds of a target: the test data folder its name starts with (tests/testdata/<vendor> for
# <vendor>_mapper_fuzzer), and for the config fuzzer every config in the test data.
seed_files_for() {
  if [ "$1" = config_fuzzer ]; then
    find tests/testdata -name '*.yaml' -type f
    return
  fi
  for dir in tests/testdata/*/; do
    dir="${dir%/}"
    case "$1" in "$(basename "$dir")"_*) find "$dir" -type f ;; esac
  done
}

mkdir -p "$build/crashes"
passed=0
failed=0
for target in $targets; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  seed_files_for "$target" | while read -r seed; do
    cp -n "$seed" "$corpus/$(echo "$seed" | tr / _)" 2>/dev/null || true
  done
  regressions="tests/fuzz/regressions/$target"
  args=()
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$build/tests/fuzz/$target" "$regressions"/* >"$build/$target.replay.log" 2>&1; then
      echo "FAIL $target (a regression input crashes; see $build/$target.replay.log)"
      failed=$((failed + 1))
      continue
    fi
  fi
  if "$build/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" "${args[@]}" >"$build/$target.log" 2>&1; then
    echo "ok   $target ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/$target.log" | cut -d' ' -f2 || echo '?') runs)"
    passed=$((passed + 1))
  else
    echo "FAIL $target"
    tail -30 "$build/$target.log"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
