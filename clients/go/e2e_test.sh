#!/usr/bin/env bash
# End-to-end test of the Go client: fetches the pinned modules and the protoc-gen-go /
# protoc-gen-go-grpc tools (go.mod), generates the stubs with `go generate`, builds example/, runs
# it against a live fpgw in sandbox mode and checks what it printed.
#
#   e2e_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
here="$root/clients/go"
source "$root/clients/e2e_lib.sh"
e2e_init go

[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
# Modules go to a cache inside the client folder (gitignored); go.sum pins every one of them.
export GOPATH="$here/.gopath" GOFLAGS=-modcacherw
cd "$here" || exit 1

install() {
  command -v go >/dev/null || { echo "no Go toolchain (install Go 1.26 or Debian's golang-go)"; return 1; }
  if ! command -v protoc >/dev/null; then
    apt-get install -y -qq --no-install-recommends protobuf-compiler || return 1
  fi
  go mod download && go tool -n protoc-gen-go && go tool -n protoc-gen-go-grpc
}
e2e_step "fetch modules and protoc plugins" install
e2e_step "generate stubs (go generate)" go generate .
e2e_step "build example" go build -o fpgw-example ./example
e2e_run_example "$fpgw" "$here/fpgw-example"
e2e_finish
