#!/usr/bin/env bash
# End-to-end test of the TypeScript client: installs @grpc/grpc-js, @grpc/proto-loader and the
# TypeScript compiler from npm (package-lock.json), generates the types with
# proto-loader-gen-types, compiles src/example.ts, runs it against a live fpgw in sandbox mode
# and checks what it printed.
#
#   e2e_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
here="$root/clients/typescript"
source "$root/clients/e2e_lib.sh"
e2e_init typescript
cd "$here" || exit 1

install() {
  command -v npm >/dev/null || { echo "no Node.js/npm (install Node 20+)"; return 1; }
  # npm ci only when the lock file is newer than what node_modules holds.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}
e2e_step "install packages (npm ci)" install
e2e_step "generate types and compile (npm run build)" npm run build
e2e_run_example "$fpgw" node "$here/dist/example.js"
e2e_finish
