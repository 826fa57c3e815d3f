#!/usr/bin/env bash
# Install what building, running and testing Paved needs, skipping what is
# already there. Usage: build/scripts/deps.sh GROUP...
#   base     git, make, a C toolchain (Go's cgo), ca-certificates
#   go       checks Go (>= 1.21; go.mod's toolchain line does the rest through
#            the Go module proxy); installs Debian's golang-go when go is missing
#   node     checks Node.js >= 20.19 and npm; installs Debian's nodejs/npm when missing
#   desktop  GTK 3 + WebKitGTK 4.1 headers (wails build -tags webkit2_41)
#   test     git, chromium, Xvfb, xauth, xdotool, ImageMagick, fonts (e2e + window test)
# Uses sudo for apt when not root. Safe to run again: prints "already installed".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=build/scripts/lib.sh
. "$here/lib.sh"

MIN_NODE=20.19.0
MIN_GO=1.21.0 # first release that fetches the go.mod toolchain by itself

chromium_pkg() {
	# Debian ships "chromium"; Ubuntu only "chromium-browser" (a snap wrapper).
	if [ "$( (. /etc/os-release 2>/dev/null && echo "${ID:-}"))" = ubuntu ]; then
		echo chromium-browser
	else
		echo chromium
	fi
}

# Package lists per group; the go and node groups add a package only when
# the tool is missing altogether.
pkgs_base() { echo ca-certificates git make gcc libc6-dev pkg-config; }
pkgs_go() { command -v go >/dev/null 2>&1 || echo golang-go; }
pkgs_node() { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || echo nodejs npm; }
pkgs_desktop() { echo build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev; }
pkgs_test() { echo git "$(chromium_pkg)" xvfb xauth xdotool imagemagick fonts-dejavu-core; }

check_go() {
	local v
	v=$(go env GOVERSION 2>/dev/null || true)
	v=${v#go}
	[ -n "$v" ] || die "cannot run go"
	if ! version_ge "${v%%[-+ ]*}" "$MIN_GO"; then
		die "go $v is too old; install Go >= $MIN_GO (https://go.dev/dl/) and put it first on PATH"
	fi
	info "go $v"
}

check_node() {
	local v
	v=$(node --version)
	v=${v#v}
	if ! version_ge "$v" "$MIN_NODE"; then
		die "Node.js $v is too old: the frontend (Vite 7) needs >= $MIN_NODE. Install a newer nodejs package (e.g. from NodeSource) and run again."
	fi
	info "node $v, npm $(npm --version)"
}

[ $# -gt 0 ] || set -- base go node
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH=$PATH:/usr/local/go/bin
fi
want=()
for g in "$@"; do
	case "$g" in
	base | go | node | desktop | test) read -r -a p <<<"$("pkgs_$g")"; want+=("${p[@]}") ;;
	*) die "unknown group: $g (base go node desktop test)" ;;
	esac
done
section "system packages ($*)"
# One apt transaction for all groups; duplicates removed, order kept.
read -r -a want <<<"$(printf '%s\n' "${want[@]}" | awk 'NF && !seen[$0]++' | tr '\n' ' ')"
apt_ensure "${want[@]}"
for g in "$@"; do
	case "$g" in
	go) check_go ;;
	node) check_node ;;
	esac
done
