#!/usr/bin/env bash
# Local environments benchmark (issue #4, docs/benchmarks.md):
# `paved env up --wait` vs `docker compose up --wait`, and `paved env down`
# vs `docker compose down`, side by side on the same service — a web service
# with two health-checked dependencies (1 s health-check intervals, main
# processes that ignore SIGTERM as PID 1), images already present — with
# the compose file that `paved env export` writes for it.
#
#   build/bench/env.sh [RUNS]        (default 5 runs; prints a Markdown table)
#
# Docker Compose v2 is built from its Go module in a throwaway wrapper module
# outside the repository (cached in ~/.cache/paved-bench/compose); nothing
# is vendored. PAVED_BIN may point at a prebuilt paved binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
RUNS=${1:-5}
COMPOSE_VERSION=v2.40.3
COMPOSE_DIR=${PAVED_BENCH_CACHE:-$HOME/.cache/paved-bench}/compose
export PATH="$PATH:/usr/local/go/bin"

bash build/scripts/testenv-docker.sh up >&2

if [ ! -x "$COMPOSE_DIR/docker-compose-$COMPOSE_VERSION" ]; then
	echo "building docker compose $COMPOSE_VERSION in $COMPOSE_DIR (once)" >&2
	mkdir -p "$COMPOSE_DIR"
	(
		cd "$COMPOSE_DIR"
		[ -f go.mod ] || go mod init w >/dev/null 2>&1
		go get "github.com/docker/compose/v2@$COMPOSE_VERSION" >&2
		# The command package pulls in every dependency go.sum needs.
		go get "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION" >&2
		CGO_ENABLED=0 go build -o "docker-compose-$COMPOSE_VERSION.tmp" github.com/docker/compose/v2/cmd
		mv "docker-compose-$COMPOSE_VERSION.tmp" "docker-compose-$COMPOSE_VERSION"
	)
fi
COMPOSE="$COMPOSE_DIR/docker-compose-$COMPOSE_VERSION"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PAVED=${PAVED_BIN:-}
if [ -z "$PAVED" ]; then
	echo "building paved" >&2
	CGO_ENABLED=0 go build -o "$WORK/paved" .
	PAVED=$WORK/paved
fi
export PAVED_HOME=$WORK/home
SERVICE=$ROOT/testdata/devenv/bench
"$PAVED" platform use "$ROOT/testdata/devenv" >/dev/null
mkdir -p "$WORK/compose"
"$PAVED" env export "$SERVICE" --file "$WORK/compose/compose.yaml" 2>/dev/null
PROJECT=paved-bench-compose

now() { date +%s.%N; }
# timed CMD...: run CMD quietly, print its wall time in seconds.
timed() {
	local t0 t1
	t0=$(now)
	"$@" >"$WORK/out" 2>&1 || {
		cat "$WORK/out" >&2
		echo "failed: $*" >&2
		exit 1
	}
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

cleanup() {
	"$PAVED" env down "$SERVICE" --volumes >/dev/null 2>&1 || true
	"$COMPOSE" -f "$WORK/compose/compose.yaml" -p "$PROJECT" down -v >/dev/null 2>&1 || true
}
cleanup

declare -a PU CU PD CD
for i in $(seq 1 "$RUNS"); do
	PU[i]=$(timed "$PAVED" env up "$SERVICE" --wait)
	PD[i]=$(timed "$PAVED" env down "$SERVICE")
	CU[i]=$(timed "$COMPOSE" -f "$WORK/compose/compose.yaml" -p "$PROJECT" up -d --wait)
	CD[i]=$(timed "$COMPOSE" -f "$WORK/compose/compose.yaml" -p "$PROJECT" down)
	echo "run $i: paved up ${PU[i]} s, compose up ${CU[i]} s, paved down ${PD[i]} s, compose down ${CD[i]} s" >&2
done
cleanup

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "Docker $(docker version -f '{{.Server.Version}} (API {{.Server.APIVersion}})'), compose $COMPOSE_VERSION, $(nproc) cores, $RUNS runs"
echo
echo "| run | paved env up --wait | docker compose up --wait | ratio | paved env down | docker compose down | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for i in $(seq 1 "$RUNS"); do
	echo "| $i | ${PU[i]} s | ${CU[i]} s | $(ratio "${PU[i]}" "${CU[i]}") | ${PD[i]} s | ${CD[i]} s | $(ratio "${PD[i]}" "${CD[i]}") |"
done
mpu=$(median "${PU[@]}")
mcu=$(median "${CU[@]}")
mpd=$(median "${PD[@]}")
mcd=$(median "${CD[@]}")
echo "| median | $mpu s | $mcu s | $(ratio "$mpu" "$mcu") | $mpd s | $mcd s | $(ratio "$mpd" "$mcd") |"
echo
echo "targets: up <= 0.5x compose, down <= 1.0x compose"
