#!/usr/bin/env bash
# build.sh — builds, previews, tests and benchmarks the consent widget.
#
#   ./build.sh [--catalogue FILE] [--out DIR]   build the drop-in bundle (default web/dist)
#   ./build.sh preview [serve.go flags]         set up a fresh machine, build, serve the demo site
#   ./build.sh test                             set up a fresh machine, build, run every test
#   ./build.sh bench [web/bench flags]          build, then benchmark against vanilla-cookieconsent
#   ./build.sh setup                            install what the tests need (Debian packages, npm, Go modules)
set -euo pipefail
cd "$(dirname "$0")"

die() { echo "build.sh: $*" >&2; exit 1; }

# setup installs what is missing: Debian packages (as root, with apt-get),
# the npm dev dependencies from the lock file, the Go modules.
setup() {
  local want=() pkg
  command -v brotli >/dev/null || want+=(brotli)
  command -v wasm-opt >/dev/null || want+=(binaryen)
  if [ "${1:-}" = all ]; then
    command -v chromium >/dev/null || want+=(chromium)
    command -v chromium-headless-shell >/dev/null || want+=(chromium-headless-shell)
    command -v firefox-esr >/dev/null || want+=(firefox-esr)
    command -v WebKitWebDriver >/dev/null || want+=(webkit2gtk-driver)
    command -v Xvfb >/dev/null || want+=(xvfb)
    command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || want+=(postgresql)
  fi
  if [ ${#want[@]} -gt 0 ]; then
    echo "build.sh: installing Debian packages: ${want[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null \
      || die "apt-get install ${want[*]} failed"
  fi
  if [ "${1:-}" = all ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in web/ failed"
  fi
  go mod download || die "go mod download failed"
}

# build has web/bundle compile the two programs, optimise them and precompress every
# file (the recipe, shared with web/bench, is internal/recipe), with the
# toolchain's own wasm_exec.js, replacing the output folder only when all
# succeeded.
build() {
  local catalogue="" out="web/dist"
  while [ $# -gt 0 ]; do
    case "$1" in
      --catalogue) [ $# -ge 2 ] || die "--catalogue needs a file"; catalogue="$2"; shift 2 ;;
      --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2 ;;
      *) die "unknown argument: $1 (see the top of build.sh)" ;;
    esac
  done
  command -v go >/dev/null || die "go is not installed"
  command -v brotli >/dev/null || die "brotli is not installed (./build.sh setup, or apt-get install brotli)"
  command -v wasm-opt >/dev/null || die "wasm-opt is not installed (./build.sh setup, or apt-get install binaryen)"
  local exec_js tmp
  exec_js="$(go env GOROOT)/lib/wasm/wasm_exec.js"
  [ -f "$exec_js" ] || die "no wasm_exec.js at $exec_js (Go 1.24 or newer is needed)"
  # A bad catalogue fails at once, with every problem, before the long build.
  go run ./web/bundle -check ${catalogue:+-catalogue "$catalogue"} || die "the catalogue is not valid; nothing was built"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  go run ./web/bundle -exec "$exec_js" -src web/src -out "$tmp/dist" -compress \
    ${catalogue:+-catalogue "$catalogue"} || die "building the bundle failed"
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  mv "$tmp/dist" "$out"
  sizes "$out"
}

# sizes prints raw, gzip and brotli sizes of every file of the bundle.
sizes() {
  printf '%-32s %10s %10s %10s\n' file raw gzip brotli
  local f
  for f in "$1"/*; do
    case "$f" in *.br|*.gz) continue ;; esac
    printf '%-32s %10d %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" \
      "$(stat -c %s "$f.gz")" "$(stat -c %s "$f.br")"
  done
}

case "${1:-}" in
  setup) setup all ;;
  preview) shift; setup; build; exec go run serve.go "$@" ;;
  test) setup all; build; exec bash web/e2e/run-all.sh ;;
  bench) shift; setup all; build; exec go run ./web/bench "$@" ;;
  *) build "$@" ;;
esac
