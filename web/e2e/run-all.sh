#!/usr/bin/env bash
# run-all.sh — every check and test of the project, once web/dist is built
# (`./build.sh test` builds, then runs this):
#
#   1. go vet ./...,  gofmt -l  and  go mod tidy -diff  (each counts as one
#      check: go.mod and go.sum must be what `go mod tidy` makes them)
#   2. go test of every package but the browser ones (web/e2e/...), then
#      each fuzz target of those packages for 50 000 inputs (one
#      `go test -fuzz` each, a few seconds)
#   3. the wasm package's tests, in headless Chromium (wasmbrowsertest)
#   4. the browser suite, web/e2e/..., in Chromium, Firefox and WebKit (one
#      go test per engine, then the engine and proxy packages, two at once)
#   5. no process the run started is still running (one check)
#
# Progress shows one line per finished test. At the end come the failures in
# full, one line per engine ("chromium: N scenarios passed, M failed", its
# leaf tests), and last the plain total "N passed, M failed" over everything
# run. The exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Every process this run starts inherits this marker, even one that leaves
# its process group: no_leftovers finds them by it.
export CIVIC_CONSENT_TEST_RUN=$$
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

# no_leftovers fails, listing them, if a process this run started (one
# whose environment or command line carries its marker) is still running;
# it kills them.
# Zombies have no environment left: they no longer run.
no_leftovers() {
  local env pid left=()
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}
    pid=${pid%/environ}
    [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
    # Chromium's children write their title over their environment; they
    # carry the marker in a switch (internal/engine/marker.go).
    if grep -qzx "CIVIC_CONSENT_TEST_RUN=$$" "$env" 2>/dev/null ||
      { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "civic_consent_run_$$=0"; then
      left+=("$pid")
    fi
  done
  [ ${#left[@]} -eq 0 ] && return 0
  echo "processes left running by this run:"
  ps -o pid,ppid,etime,args -p "$(IFS=,; echo "${left[*]}")"
  kill -9 "${left[@]}" 2>/dev/null
  return 1
}

# wasm_tests runs the JavaScript bindings' tests in Chromium's headless shell, as
# the browser suite does. wasmbrowsertest is installed for this run only;
# the "chromium" it finds first on PATH is the shell, with --no-sandbox
# since Chromium runs as root here.
wasm_tests() {
  mkdir -p "$tmp/bin"
  if ! GOBIN="$tmp/bin" go install github.com/agnivade/wasmbrowsertest@v0.11.0 >"$tmp/wasmbrowsertest.log" 2>&1; then
    echo "installing wasmbrowsertest failed:"
    cat "$tmp/wasmbrowsertest.log"
    return 1
  fi
  printf '#!/bin/sh\nexec /usr/lib/chromium/chromium-headless-shell --no-sandbox "$@"\n' >"$tmp/bin/chromium"
  chmod +x "$tmp/bin/chromium"
  PATH="$tmp/bin:$PATH" GOOS=js GOARCH=wasm go test -count=1 -json -exec wasmbrowsertest ./wasm/dom/ ./wasm/frame/
}

if ! go build -o "$tmp/testsummary" ./internal/testsummary; then
  echo "run-all.sh: cannot build internal/testsummary" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

check vet go vet ./...
check gofmt gofmt_clean
check tidy go mod tidy -diff

mapfile -t unit < <(go list ./... | grep -v '/web/e2e')
gotest unit go test -count=1 -json "${unit[@]}"
# go test -fuzz takes one target at a time; a failing input is written to
# the package's testdata/fuzz/, where plain go test replays it. The budget
# is a count of inputs, not a duration: Go 1.26's fuzzer can fail a target
# with "context deadline exceeded" when a duration ends while a worker of a
# busy machine is mid-input (golang/go#75804).
while read -r pkg target; do
  gotest "fuzz-$target" go test -run '^$' -fuzz "^$target\$" -fuzztime=50000x -fuzzminimizetime=1000x -json "$pkg"
done < <(go test -list '^Fuzz' "${unit[@]}" 2>/dev/null |
  awk '/^Fuzz/ { t[n++] = $1 } /^ok / { for (i = 0; i < n; i++) print $2, t[i]; n = 0 }')
gotest wasm wasm_tests
# The browser suite runs as jobs, each a go test with its own proxy, server
# and browser, taken in turn by two workers at once: the longest first (the
# scenarios in WebKit, then Firefox, then Chromium), then the engine and
# proxy packages in all three engines. The run is bound by CPU (both cores
# stay busy); a worker that is done takes the next job, so the two end
# about together. E2E_ENGINES is set here, whatever it says outside. The
# timeout only stops a hung run.
e2e_jobs=(
  "e2e-webkit webkit ./web/e2e/"
  "e2e-firefox firefox ./web/e2e/"
  "e2e-chromium chromium ./web/e2e/ ./internal/testsummary/"
  "e2e-engines chromium,firefox,webkit ./internal/engine/ ./internal/netrec/"
)
e2e_job() { # NAME ENGINES PACKAGE...
  local name=$1 engines=$2
  shift 2
  E2E_ENGINES=$engines go test "$@" -count=1 -p 1 -json -timeout 90m 2>&1 |
    "$tmp/testsummary" follow "$tmp/$name.json"
  echo "${PIPESTATUS[0]}" >"$tmp/$name.status"
}
# e2e_worker runs the next job not yet taken until there is none; the
# index of the next job is in $tmp/e2e.next, guarded by flock.
e2e_worker() {
  local i
  while true; do
    i=$(flock "$tmp/e2e.next" sh -c 'i=$(cat "$1"); echo $((i + 1)) >"$1"; echo "$i"' - "$tmp/e2e.next")
    [ "$i" -lt ${#e2e_jobs[@]} ] || return 0
    # shellcheck disable=SC2086 # a job is words: name, engines, packages
    e2e_job ${e2e_jobs[$i]}
  done
}
echo "== e2e (webkit, firefox, chromium, then the engine and proxy packages; two at a time)"
echo 0 >"$tmp/e2e.next"
e2e_worker &
e2e_worker &
wait
for job in "${e2e_jobs[@]}"; do
  name=${job%% *}
  steps+=("$tmp/$name.json=$(cat "$tmp/$name.status" 2>/dev/null || echo 1)")
done
check leftovers no_leftovers

echo
echo "== summary"
"$tmp/testsummary" report "${steps[@]}"
