#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing and builds (scripts/setup.sh),
# then runs unit, integration, end-to-end, client, fidelity and lint tests and the format check,
# the same test suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and every fuzzer
# for a bounded time (FPGW_FUZZ_SECONDS per target, default 20). Every stage runs even when an
# earlier one fails; the exit status is non-zero when any failed. Tests that read the vendors'
# published reference folder are skipped, and counted at the end, when it is absent.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh build || { echo "setup failed"; exit 1; }

rm -f build/ctest-results.xml build-asan/ctest-results.xml
failed=()
stage() {
  local name="$1"
  shift
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    echo "== $name: passed ($((SECONDS - start)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}

format_check() {
  git ls-files 'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.cc' |
    xargs clang-format --dry-run --Werror
}

asan_tests() {
  FPGW_BUILD_TYPE=Debug FPGW_CMAKE_ARGS="-DFPGW_SANITIZE=ON -DFPGW_BUILD_BENCH=OFF" \
    scripts/setup.sh build-asan || return 1
  # libssl is dlopen()ed by the sandbox's HTTP server; leak reports from it and from gRPC's
  # process-lifetime singletons are not ours.
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure --timeout 600 -LE lint \
    --output-junit "$root/build-asan/ctest-results.xml"
}

stage "format check (clang-format, our sources only)" format_check
stage "tests (RelWithDebInfo)" ctest --test-dir build --output-on-failure --timeout 300 \
  --output-junit "$root/build/ctest-results.xml"
stage "tests (ASan + UBSan)" asan_tests
stage "fuzzers (libFuzzer, ASan + UBSan)" scripts/fuzz.sh "${FPGW_FUZZ_SECONDS:-20}"

echo
reports=()
for f in build/ctest-results.xml build-asan/ctest-results.xml; do [ -f "$f" ] && reports+=("$f"); done
[ "${#reports[@]}" -gt 0 ] && python3 scripts/ctest_report.py skipped "${reports[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all stages passed"
