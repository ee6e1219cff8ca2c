#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine lacks to build, run and test fpgw, then
# configures and builds it. Quick when everything is already present: each step checks first.
#
#   scripts/setup.sh [BUILD_DIR [TARGET...]]
#
# With TARGETs (scripts/run.sh passes `fpgw`) only those are built and the test-only tools are not
# installed; without, everything is. FPGW_BUILD_TYPE and FPGW_CMAKE_ARGS apply when BUILD_DIR is
# configured. The vendor reference folder (../shared/vendors/reference, or $FPGW_VENDOR_REFERENCE_DIR)
# is passed to the tests only when it exists; without it the tests that read it are skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true
targets=("$@")
deps="$root/.deps"
mkdir -p "$deps"
# A Go toolchain installed from the Go distribution (newer than Debian's) is preferred.
[ -d /usr/local/go/bin ] && export PATH="$PATH:/usr/local/go/bin"

log() { printf '[setup] %s\n' "$*" >&2; }

# 1. Debian packages (DESIGN §11).
apt_packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libyaml-cpp-dev rapidjson-dev
  libcivetweb-dev prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev clang-format systemd
  golang-go nodejs npm python3 python3-venv python3-pip unzip
)
# shellcheck source=scripts/apt.sh
. "$root/scripts/apt.sh"
mapfile -t missing < <(missing_apt_packages "${apt_packages[@]}")
# A Go or Node toolchain installed outside apt is good enough.
if command -v go >/dev/null; then missing=("${missing[@]/golang-go}"); fi
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi

# 2. Command-line tools used by the tests (kept under .deps, never on the system).
mkdir -p "$deps/bin"
export GOPATH="$deps/go" GOBIN="$deps/bin" GOFLAGS=-mod=mod
[ -x "$deps/bin/grpcurl" ] || { log "go install grpcurl"; go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4; }
if [ "${#targets[@]}" -eq 0 ]; then
  [ -x "$deps/bin/grpc-health-probe" ] || { log "go install grpc-health-probe"; go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.61; }
  if [ ! -x "$deps/npm/node_modules/.bin/buf" ]; then
    log "npm install @bufbuild/buf"
    npm install --silent --no-audit --no-fund --prefix "$deps/npm" @bufbuild/buf@1.75.0 >&2
  fi
  ln -sf "$deps/npm/node_modules/.bin/buf" "$deps/bin/buf"
fi

# 3. google.rpc error-detail schemas (ErrorInfo, RetryInfo), from the googleapis-common-protos package.
if [ ! -f "$deps/googleapis/google/rpc/error_details.proto" ]; then
  log "fetching googleapis-common-protos"
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" googleapis-common-protos==1.76.0 >&2
  mkdir -p "$deps/googleapis"
  python3 - "$tmp"/googleapis_common_protos-*.whl "$deps/googleapis" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in ("google/rpc/status.proto", "google/rpc/error_details.proto"):
        z.extract(n, sys.argv[2])
PY
  rm -rf "$tmp"
fi

# 4. Configure and build.
build_type="${FPGW_BUILD_TYPE:-RelWithDebInfo}"
reference="${FPGW_VENDOR_REFERENCE_DIR:-$root/../shared/vendors/reference}"
if [ -d "$reference" ]; then reference="$(cd "$reference" && pwd)"; else reference=""; fi
if [ ! -f "$build_dir/build.ninja" ]; then
  log "configuring $build_dir ($build_type; vendor reference: ${reference:-absent, its tests will be skipped})"
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DFPGW_GOOGLEAPIS_DIR="$deps/googleapis" \
    -DFPGW_VENDOR_REFERENCE_DIR="$reference" ${FPGW_CMAKE_ARGS:-} >&2
fi
log "building $build_dir${targets[*]:+ (${targets[*]})}"
if [ "${#targets[@]}" -eq 0 ]; then
  cmake --build "$build_dir" >&2
else
  cmake --build "$build_dir" --target "${targets[@]}" >&2
fi
