#!/usr/bin/env bash
# Runs every debugging recipe in docs/clients.md (the ```sh recipe blocks) against a live fpgw in
# sandbox mode, with the documented address 127.0.0.1:50051 replaced by the live one. A block
# passes when it exits 0 (or with its `# expect-exit: N`) and its output contains the text of
# each of its `# expect: TEXT` lines.
#
#   tool_recipes_test.sh FPGW_BINARY REPO_ROOT
set -uo pipefail
fpgw="$(realpath "$1")"
root="$(cd "$2" && pwd)"
doc="$root/docs/clients.md"
work="$(mktemp -d)"
gw=""
passed=0
failed=0
cleanup() {
  [ -n "$gw" ] && kill "$gw" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The tools, where scripts/setup.sh puts them; installed the same way when missing.
export PATH="$root/.deps/bin:$PATH"
[ -d /usr/local/go/bin ] && export PATH="$PATH:/usr/local/go/bin"
install_tools() {
  export GOPATH="$root/.deps/go" GOBIN="$root/.deps/bin" GOFLAGS=-mod=mod
  mkdir -p "$GOBIN"
  command -v grpcurl >/dev/null || go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4 || return 1
  command -v grpc-health-probe >/dev/null || go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.61 || return 1
  if ! command -v buf >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix "$root/.deps/npm" @bufbuild/buf@1.75.0 &&
      ln -sf "$root/.deps/npm/node_modules/.bin/buf" "$GOBIN/buf" || return 1
  fi
  if ! command -v jq >/dev/null; then
    local sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq jq || return 1
  fi
}
if ! install_tools >"$work/install.log" 2>&1; then
  echo "FAIL installing grpcurl, grpc-health-probe, buf and jq"
  tail -20 "$work/install.log"
  echo "0 passed, 1 failed"
  exit 1
fi

# Split the recipes into files: recipe-N.sh, named after the first line of the paragraph above.
python3 - "$doc" "$work" <<'PY'
import pathlib, sys
lines = pathlib.Path(sys.argv[1]).read_text().splitlines()
out = pathlib.Path(sys.argv[2])
n, block, title, paragraph, previous = 0, None, "", "", ""
for line in lines:
    if block is None:
        if line.strip() == "```sh recipe":
            n, block, title = n + 1, [], paragraph
        elif line.strip() and not line.startswith(("```", "#")) and not previous.strip():
            paragraph = line.strip().rstrip(":")
    elif line.strip() == "```":
        (out / f"recipe-{n:02d}.sh").write_text("\n".join(block) + "\n")
        (out / f"recipe-{n:02d}.title").write_text(title[:70] + "\n")
        block = None
    else:
        block.append(line)
    previous = line
PY
count=$(ls "$work"/recipe-*.sh 2>/dev/null | wc -l)
if [ "$count" -lt 10 ]; then
  echo "FAIL found only $count recipes in $doc"
  echo "0 passed, 1 failed"
  exit 1
fi

"$fpgw" --listen=127.0.0.1:0 >"$work/fpgw.log" 2>&1 &
gw=$!
for _ in $(seq 1 100); do grep -q '"msg":"serving"' "$work/fpgw.log" && break; sleep 0.1; done
addr="$(grep -o '"listen":"[^"]*"' "$work/fpgw.log" | head -1 | cut -d'"' -f4)"
[ -n "$addr" ] || { cat "$work/fpgw.log"; echo "0 passed, 1 failed"; exit 1; }
echo "fpgw in sandbox mode on $addr; $count recipes from docs/clients.md"

for recipe in "$work"/recipe-*.sh; do
  name="$(basename "$recipe" .sh): $(cat "${recipe%.sh}.title")"
  script="$(sed "s/127\.0\.0\.1:50051/$addr/g" "$recipe")"
  (cd "$work" && timeout 60 bash -o pipefail -c "$script") >"$work/out" 2>&1
  rc=$?
  want_rc="$(sed -n 's/^# expect-exit: //p' "$recipe" | head -1)"
  want_rc="${want_rc:-0}"
  problems=""
  [ "$rc" = "$want_rc" ] || problems+="exit status $rc, want $want_rc"$'\n'
  while IFS= read -r text; do
    grep -qF -- "$text" "$work/out" || problems+="output lacks: $text"$'\n'
  done < <(sed -n 's/^# expect: //p' "$recipe")
  if [ -z "$problems" ]; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    printf '%s' "$problems" | sed 's/^/     /'
    sed 's/^/     | /' "$work/out" | head -25
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
