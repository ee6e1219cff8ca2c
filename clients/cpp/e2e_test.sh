#!/usr/bin/env bash
# End-to-end test of the C++ client: installs Debian's gRPC C++ and protobuf development packages
# if missing, generates the stubs and builds the example with CMake (into build/), runs it against
# a live fpgw in sandbox mode and checks what it printed.
#
#   e2e_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
here="$root/clients/cpp"
source "$root/clients/e2e_lib.sh"
e2e_init cpp

install() {
  local pkgs=(g++ cmake ninja-build pkg-config libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    local sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
  fi
  # google.rpc schemas: the project's copy (scripts/setup.sh), else the googleapis-common-protos wheel.
  googleapis="$root/.deps/googleapis"
  if [ ! -f "$googleapis/google/rpc/error_details.proto" ]; then
    googleapis="$here/.googleapis"
    if [ ! -f "$googleapis/google/rpc/error_details.proto" ]; then
      local tmp
      tmp="$(mktemp -d)"
      python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" googleapis-common-protos==1.76.0 &&
        python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in ("google/rpc/status.proto", "google/rpc/error_details.proto")]' "$tmp"/googleapis_common_protos-*.whl "$googleapis" || return 1
      rm -rf "$tmp"
    fi
  fi
}
e2e_step "install gRPC C++ packages and google.rpc schemas" install

configure() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$here" -B "$here/build" -G Ninja -DFPGW_GOOGLEAPIS_DIR="$googleapis" "${launcher[@]}"
}
e2e_step "configure (cmake)" configure
e2e_step "generate stubs and build example" cmake --build "$here/build"
e2e_run_example "$fpgw" "$here/build/fpgw_example"
e2e_finish
