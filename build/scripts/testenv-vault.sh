#!/usr/bin/env bash
# A real Vault (v1.21.4 dev server) for the secrets tests and benchmark.
#
#   testenv-vault.sh up      build vault if it is not cached (minutes, once per
#                            machine and wrapper go.sum), start `vault server
#                            -dev` on 127.0.0.1, wait until it is healthy and
#                            write $STATE_DIR/vault.env
#   testenv-vault.sh down    stop the server `up` started (nothing else)
#   testenv-vault.sh build   only build (or find) the cached binary
#
# The binary is built from the wrapper module build/testenv/vault (its own
# go.mod: sdk v0.21.0 + api v1.22.0, with build/testenv/vault/compat.patch
# applied to a copy of the module source) and cached outside the work tree
# (build/scripts/testenv-build.sh). The same binary is the `vault` CLI.
#
#   PAVED_TESTENV_STATE      state dir (default ${TMPDIR:-/tmp}/paved-testenv)
#   PAVED_TESTENV_VAULT_PORT listen port on 127.0.0.1 (default 18200)
#
# $STATE_DIR/vault.env holds VAULT_ADDR, VAULT_TOKEN (a root token made per
# run) and PAVED_TESTENV_VAULT_BIN; `. vault.env` or read it from tests.
# The dev server keeps everything in memory: `down` forgets every secret.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=build/scripts/lib.sh
. build/scripts/lib.sh
# shellcheck source=build/scripts/testenv-build.sh
. build/scripts/testenv-build.sh

STATE_DIR=${PAVED_TESTENV_STATE:-${TMPDIR:-/tmp}/paved-testenv}
VDIR=$STATE_DIR/vault
PID_FILE=$VDIR/vault.pid
LOG_FILE=$VDIR/vault.log
ENV_FILE=$STATE_DIR/vault.env
PORT=${PAVED_TESTENV_VAULT_PORT:-18200}
ADDR=http://127.0.0.1:$PORT
WRAPPER=build/testenv/vault
VAULT_VERSION=v1.21.4

# build_vault WORK OUT: called by testenv_build inside a scratch copy of the
# wrapper; makes ./vault-src (the module source + compat.patch), builds.
build_vault() {
	local work=$1 out=$2 modcache src
	modcache=$(go env GOMODCACHE)
	src=$modcache/github.com/hashicorp/vault@$VAULT_VERSION
	if [ ! -d "$src" ]; then
		info "downloading github.com/hashicorp/vault@$VAULT_VERSION"
		# Outside the wrapper: its go.mod replaces the module by ./vault-src.
		(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download "github.com/hashicorp/vault@$VAULT_VERSION")
	fi
	rm -rf "$work/vault-src"
	cp -r "$src" "$work/vault-src"
	chmod -R u+w "$work/vault-src"
	info "applying $WRAPPER/compat.patch to a copy of the module source"
	patch -s -d "$work/vault-src" -p1 --no-backup-if-mismatch <"$work/compat.patch" ||
		die "compat.patch does not apply to vault $VAULT_VERSION"
	info "downloading modules (about 3.7 GB on a cold machine)"
	nice -n 19 go mod download
	# `go mod tidy` (without GOPROXY=off) would move sdk to a newer release,
	# which this tree does not build with.
	local sdk
	sdk=$(go list -m -f '{{.Version}}' github.com/hashicorp/vault/sdk)
	[ "$sdk" = v0.21.0 ] || die "the vault wrapper resolves github.com/hashicorp/vault/sdk $sdk, not v0.21.0"
	# The version comes from the module's embedded VERSION file.
	testenv_go_build "$out/vault" github.com/hashicorp/vault \
		-ldflags "-s -w -X github.com/hashicorp/vault/version.BuildDate=$(date -u +%FT%TZ)"
}

running() {
	[ -f "$PID_FILE" ] && testenv_pid_alive "$(cat "$PID_FILE")" vault
}

# healthy: the server answers /v1/sys/health as initialised, unsealed, active.
healthy() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ADDR/v1/sys/health")" = 200 ]
}

port_in_use() {
	ss -Htln "sport = :$PORT" 2>/dev/null | grep -q .
}

write_env() {
	local token=$1 tmp
	tmp=$(mktemp "$STATE_DIR/.vault.env.XXXXXX")
	{
		printf '# written by build/scripts/testenv-vault.sh up\n'
		printf 'VAULT_ADDR=%s\n' "$ADDR"
		printf 'VAULT_TOKEN=%s\n' "$token"
		printf 'PAVED_TESTENV_VAULT_BIN=%s\n' "$BIN/vault"
	} >"$tmp"
	chmod 600 "$tmp"
	mv "$tmp" "$ENV_FILE"
}

up() {
	section "vault: binary"
	apt_ensure curl patch
	testenv_build vault "$WRAPPER" 15 build_vault vault
	BIN=$TESTENV_BIN
	info "$("$BIN/vault" version)"

	section "vault: dev server on $ADDR"
	mkdir -p "$VDIR"
	if running && [ -f "$VDIR/token" ] && healthy; then
		write_env "$(cat "$VDIR/token")"
		info "already up (pid $(cat "$PID_FILE")); $ENV_FILE is current"
		return 0
	fi
	down_quiet
	port_in_use && die "127.0.0.1:$PORT is taken by another process; set PAVED_TESTENV_VAULT_PORT"
	local token t0 pid
	token=paved-root-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	umask 077
	printf '%s\n' "$token" >"$VDIR/token"
	t0=$(date +%s%N)
	# HOME in the state dir: the dev server writes ~/.vault-token.
	HOME=$VDIR setsid "$BIN/vault" server -dev \
		-dev-listen-address="127.0.0.1:$PORT" -dev-root-token-id="$token" \
		-dev-no-store-token >"$LOG_FILE" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PID_FILE"
	local _
	for _ in $(seq 1 150); do
		if healthy; then
			write_env "$token"
			info "healthy after $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, log $LOG_FILE)"
			info "wrote $ENV_FILE"
			return 0
		fi
		if ! testenv_pid_alive "$pid" vault; then
			tail -n 30 "$LOG_FILE" >&2 || true
			die "vault exited; see $LOG_FILE"
		fi
		sleep 0.2
	done
	tail -n 30 "$LOG_FILE" >&2 || true
	die "vault was not healthy within 30 s; see $LOG_FILE"
}

# down_quiet: stop our server if its pid file names a live process.
down_quiet() {
	[ -f "$PID_FILE" ] || return 0
	local pid _
	pid=$(cat "$PID_FILE")
	if testenv_pid_alive "$pid" vault; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			testenv_pid_alive "$pid" vault || break
			sleep 0.1
		done
		if testenv_pid_alive "$pid" vault; then
			info "vault (pid $pid) did not stop in 10 s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$PID_FILE"
}

down() {
	if [ ! -f "$PID_FILE" ]; then
		info "no vault started by testenv-vault.sh up: nothing to stop"
	else
		section "vault: stopping the dev server (pid $(cat "$PID_FILE"))"
		down_quiet
	fi
	rm -f "$ENV_FILE" "$VDIR/token"
}

case "${1:-}" in
up) up ;;
down) down ;;
build)
	testenv_build vault "$WRAPPER" 15 build_vault vault
	info "$TESTENV_BIN/vault"
	;;
*)
	echo "usage: $0 up|down|build" >&2
	exit 2
	;;
esac
