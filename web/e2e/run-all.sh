#!/usr/bin/env bash
# run-all.sh — every check and test of the project, once web/dist is built
# (`./build.sh test` builds, then runs this):
#
#   1. go vet ./...,  gofmt -l  and  go mod tidy -diff  (each counts as one
#      check: go.mod and go.sum must be what `go mod tidy` makes them)
#   2. go test of every package but the browser ones (web/e2e/...), then
#      each fuzz target of those packages for 10 s (one `go test -fuzz` each)
#   3. the wasm package's tests, in headless Chromium (wasmbrowsertest)
#   4. the browser suite, web/e2e/..., in Chromium, Firefox and WebKit
#
# Progress shows one line per finished test. At the end come the failures in
# full, one line per engine ("chromium: N scenarios passed, M failed", its
# leaf tests), and last the plain total "N passed, M failed" over everything
# run. The exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
steps=() # FILE=STATUS, for the report

# check runs a command whose output is plain text and records it as a check.
check() {
  local name=$1 status
  shift
  echo "== $name"
  "$@" >"$tmp/$name.log" 2>&1
  status=$?
  cat "$tmp/$name.log"
  steps+=("$tmp/$name.log=$status")
}

# gotest runs `go test -json` with the given arguments (and environment, via
# env), shows its progress and records its stream.
gotest() {
  local name=$1 status
  shift
  echo "== $name"
  "$@" 2>&1 | "$tmp/testsummary" follow "$tmp/$name.json"
  status=${PIPESTATUS[0]}
  steps+=("$tmp/$name.json=$status")
}

# gofmt_clean fails, listing them, if any Go file is not gofmt'ed.
gofmt_clean() {
  local files
  files=$(gofmt -l . 2>&1) || { echo "$files"; return 1; }
  [ -z "$files" ] && return 0
  echo "not gofmt'ed:"
  echo "$files"
  return 1
}

# wasm_tests runs the wasm package's tests in Chromium. wasmbrowsertest is
# installed for this run only; Chromium runs as root here, so the chromium
# it finds first on PATH adds --no-sandbox.
wasm_tests() {
  mkdir -p "$tmp/bin"
  if ! GOBIN="$tmp/bin" go install github.com/agnivade/wasmbrowsertest@v0.11.0 >"$tmp/wasmbrowsertest.log" 2>&1; then
    echo "installing wasmbrowsertest failed:"
    cat "$tmp/wasmbrowsertest.log"
    return 1
  fi
  printf '#!/bin/sh\nexec /usr/bin/chromium --no-sandbox "$@"\n' >"$tmp/bin/chromium"
  chmod +x "$tmp/bin/chromium"
  PATH="$tmp/bin:$PATH" GOOS=js GOARCH=wasm go test -count=1 -json -exec wasmbrowsertest ./wasm/
}

if ! go build -o "$tmp/testsummary" ./web/e2e/testsummary; then
  echo "run-all.sh: cannot build web/e2e/testsummary" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

check vet go vet ./...
check gofmt gofmt_clean
check tidy go mod tidy -diff

mapfile -t unit < <(go list ./... | grep -v '/web/e2e')
gotest unit go test -count=1 -json "${unit[@]}"
# go test -fuzz takes one target at a time; a failing input is written to
# the package's testdata/fuzz/, where plain go test replays it.
while read -r pkg target; do
  gotest "fuzz-$target" go test -run '^$' -fuzz "^$target\$" -fuzztime=10s -json "$pkg"
done < <(go test -list '^Fuzz' "${unit[@]}" 2>/dev/null |
  awk '/^Fuzz/ { t[n++] = $1 } /^ok / { for (i = 0; i < n; i++) print $2, t[i]; n = 0 }')
gotest wasm wasm_tests
# Every engine, whatever E2E_ENGINES says; one package at a time, since the
# browsers share two cores. The timeout only stops a hung run.
gotest e2e env -u E2E_ENGINES go test ./web/e2e/... -count=1 -p 1 -json -timeout 90m

echo
echo "== summary"
"$tmp/testsummary" report "${steps[@]}"
