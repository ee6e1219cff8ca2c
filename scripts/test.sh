#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing and builds (scripts/setup.sh),
# then runs unit, integration, end-to-end, client, fidelity and lint tests and the format check,
# the same test suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and every fuzzer
# for a bounded time (FPGW_FUZZ_SECONDS per target, default 20).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup.sh build
echo "== format check (clang-format, our sources only)"
git ls-files 'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.cc' | xargs clang-format --dry-run --Werror

echo "== tests (RelWithDebInfo)"
ctest --test-dir build --output-on-failure --timeout 300

echo "== tests (ASan + UBSan)"
FPGW_BUILD_TYPE=Debug FPGW_CMAKE_ARGS="-DFPGW_SANITIZE=ON -DFPGW_BUILD_BENCH=OFF" scripts/setup.sh build-asan
# libssl is dlopen()ed by the sandbox's HTTP server; leak reports from it and from gRPC's
# process-lifetime singletons are not ours.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --timeout 600 -LE lint

echo "== fuzzers (libFuzzer, ASan + UBSan)"
scripts/fuzz.sh "${FPGW_FUZZ_SECONDS:-20}"
