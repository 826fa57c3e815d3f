#!/usr/bin/env bash
# Install the Wails CLI at the pinned version into a project-local GOBIN
# (default .cache/bin). Skips the build when that version is already there.
# Usage: build/scripts/install-wails.sh [VERSION] [GOBIN]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=build/scripts/lib.sh
. "$here/lib.sh"
root=$(cd "$here/../.." && pwd)

version=${1:-${WAILS_VERSION:-v2.16.0}}
gobin=${2:-$root/.cache/bin}
bin=$gobin/wails

if [ -x "$bin" ]; then
	have=$(go version -m "$bin" 2>/dev/null | awk '$1 == "mod" { print $3; exit }')
	if [ "$have" = "$version" ]; then
		info "already installed: wails $version ($bin)"
		exit 0
	fi
	info "found wails ${have:-unknown} at $bin; replacing with $version"
fi
info "installing wails $version into $gobin"
mkdir -p "$gobin"
GOBIN=$gobin go install "github.com/wailsapp/wails/v2/cmd/wails@$version"
info "installed: wails $("$bin" version 2>/dev/null | head -n1) ($bin)"
