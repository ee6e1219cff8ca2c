#!/usr/bin/env bash
# Generates the fpgw.v1 Python stubs from proto/ into gen/ with grpcio-tools (never committed).
#   generate.sh [PYTHON]     (default: .venv/bin/python)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${1:-$here/.venv/bin/python}"
proto="$here/../../proto"
rm -rf "$here/gen"
mkdir -p "$here/gen"
"$python" -m grpc_tools.protoc -I "$proto" \
  --python_out="$here/gen" --pyi_out="$here/gen" --grpc_python_out="$here/gen" \
  "$proto"/fpgw/v1/*.proto
