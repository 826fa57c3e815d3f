#!/usr/bin/env bash
# Runs every Go fuzz target of the project for a short budget each.
#
#   fuzz.sh [BUDGET]    BUDGET per target, a Go duration (default $FUZZTIME or 10s)
#
# Targets are found by name (func FuzzXxx in *_test.go), so a new one runs
# without editing this script. A failure leaves the crashing input under the
# package's testdata/fuzz/FuzzXxx/: commit it with the fix, and plain
# `go test` keeps replaying it. The corpus the fuzzer grows lives in Go's
# build cache, so later runs on the same machine start where this one ended.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
budget=${1:-${FUZZTIME:-10s}}
export CGO_ENABLED=0

mapfile -t targets < <(git ls-files --cached --others --exclude-standard '*_test.go' |
	grep -v node_modules |
	xargs grep -Ho '^func Fuzz[A-Za-z0-9_]*' |
	sed 's#^\(.*\)/[^/]*_test.go:func #\1 #' | sort -u)

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, $budget each"
failed=0
for t in "${targets[@]}"; do
	dir=${t% *}
	name=${t#* }
	printf '  %-45s %s ... ' "$dir" "$name"
	log=$(mktemp)
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" "./$dir" >"$log" 2>&1; then
		echo ok
	else
		echo FAILED
		cat "$log"
		failed=1
	fi
	rm -f "$log"
done
exit "$failed"
