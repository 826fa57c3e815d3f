#!/usr/bin/env bash
# Runs Paved's benchmarks and prints a Markdown report (see docs/benchmarks.md).
#   build/bench/run.sh            # builds build/bin/paved-cli first
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x build/bin/paved-cli ] || [ -n "$(find internal app main.go -newer build/bin/paved-cli -name '*.go' -print -quit)" ]; then
  make cli >&2
fi
echo "## Catalog (issue #2) — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo
echo 'Command: `go run ./build/bench/catalog -paved build/bin/paved-cli`'
echo
go run ./build/bench/catalog -paved build/bin/paved-cli "$@"
echo
echo "## Golden paths (issue #3) — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
echo
echo 'Command: `go run ./build/bench/goldenpath -n 30`'
echo
go run ./build/bench/goldenpath -n 30
