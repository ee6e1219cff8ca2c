#!/usr/bin/env bash
# End-to-end test of the Python client: installs grpcio-tools and the runtime into .venv (pinned,
# from PyPI), generates the stubs, runs example.py against a live fpgw in sandbox mode and checks
# what it printed.
#
#   e2e_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
here="$root/clients/python"
source "$root/clients/e2e_lib.sh"
e2e_init python

install() {
  # A venv remembers its requirements; reinstall only when requirements.txt changes.
  if ! cmp -s "$here/requirements.txt" "$here/.venv/requirements.txt"; then
    rm -rf "$here/.venv"
    python3 -m venv "$here/.venv" &&
      "$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" &&
      cp "$here/requirements.txt" "$here/.venv/requirements.txt"
  fi
}
e2e_step "install grpcio-tools and runtime into .venv" install
e2e_step "generate stubs with grpcio-tools" bash "$here/generate.sh"
e2e_run_example "$fpgw" "$here/.venv/bin/python" "$here/example.py"
e2e_finish
