#!/usr/bin/env bash
# The Docker engine the local-environment tests and benchmark use.
#
#   testenv-docker.sh up     install docker.io if missing, start dockerd if no
#                            engine answers, build the test images locally
#   testenv-docker.sh down   stop the dockerd that `up` started (nothing else)
#
# No registry is needed: the images are built here.
#   paved-test/busybox:1   `docker import` of a rootfs holding Debian's
#                          busybox-static (sh, httpd, nc, sleep, ...)
#   paved-test/standin:1   FROM scratch + testdata/devenv/standin (static Go):
#                          a web service reporting its env, a TCP "database"
#
# Idempotent and fast when already up: images are rebuilt only when their
# source changed (a label records its hash). DOCKER_HOST is honoured; an
# engine at a DOCKER_HOST that does not answer is an error, not started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=build/scripts/lib.sh
. build/scripts/lib.sh

STATE_DIR=${PAVED_TESTENV_STATE:-${TMPDIR:-/tmp}/paved-testenv}
PID_FILE=$STATE_DIR/dockerd.pid
LOG_FILE=$STATE_DIR/dockerd.log

engine_answers() { docker info >/dev/null 2>&1; }

start_dockerd() {
	mkdir -p "$STATE_DIR"
	info "starting dockerd (log: $LOG_FILE)"
	local pid
	if [ "$(id -u)" -eq 0 ]; then
		setsid dockerd >"$LOG_FILE" 2>&1 </dev/null &
		pid=$!
	else
		sudo -b sh -c "setsid dockerd >'$LOG_FILE' 2>&1 </dev/null & echo \$! >'$PID_FILE.sudo'"
		sleep 0.5
		pid=$(cat "$PID_FILE.sudo")
	fi
	echo "$pid" >"$PID_FILE"
	local _
	for _ in $(seq 1 120); do
		if engine_answers; then
			info "dockerd is up (pid $pid)"
			# Let the current user reach the socket without sudo.
			if [ "$(id -u)" -ne 0 ] && [ -S /var/run/docker.sock ]; then
				as_root chmod 666 /var/run/docker.sock
			fi
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null && ! as_root kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$LOG_FILE" >&2 || true
			die "dockerd exited; see $LOG_FILE"
		fi
		sleep 0.5
	done
	tail -n 30 "$LOG_FILE" >&2 || true
	die "dockerd did not answer within 60 s; see $LOG_FILE"
}

# image_label IMAGE: the source hash recorded on IMAGE ("" when absent).
image_label() {
	docker image inspect -f '{{ index .Config.Labels "paved.test.source" }}' "$1" 2>/dev/null || true
}

build_busybox() {
	local want
	want=busybox-$(sha256sum /bin/busybox | cut -c1-16)
	[ "$(image_label paved-test/busybox:1)" = "$want" ] && { info "paved-test/busybox:1 is current"; return 0; }
	info "building paved-test/busybox:1 (docker import of busybox-static)"
	local root
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/www" "$root/tmp" "$root/data"
	cp /bin/busybox "$root/bin/busybox"
	local a
	for a in sh ash httpd nc sleep cat echo ls env printf wget true false test kill ps mkdir rm cp; do
		ln -s busybox "$root/bin/$a"
	done
	echo "paved-test busybox" >"$root/www/index.html"
	tar -C "$root" -c . | docker import \
		-c 'ENV PATH=/bin' -c 'CMD ["sh"]' -c "LABEL paved.test.source=$want" \
		- paved-test/busybox:1 >/dev/null
	rm -rf "$root"
}

build_standin() {
	local src=testdata/devenv/standin
	local want
	want=standin-$(cat "$src"/*.go | sha256sum | cut -c1-16)
	[ "$(image_label paved-test/standin:1)" = "$want" ] && { info "paved-test/standin:1 is current"; return 0; }
	info "building paved-test/standin:1 (FROM scratch + static Go binary)"
	local ctx
	ctx=$(mktemp -d)
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$ctx/standin" "./$src"
	printf 'FROM scratch\nCOPY standin /standin\nENTRYPOINT ["/standin"]\nLABEL paved.test.source=%s\n' "$want" >"$ctx/Dockerfile"
	DOCKER_BUILDKIT=0 docker build -q -t paved-test/standin:1 "$ctx" >/dev/null 2>"$ctx/err" || {
		cat "$ctx/err" >&2
		die "docker build of paved-test/standin:1 failed"
	}
	rm -rf "$ctx"
}

up() {
	section "docker: engine"
	apt_ensure docker.io busybox-static
	if engine_answers; then
		info "an engine answers ($(docker version -f '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null))"
	elif [ -n "${DOCKER_HOST:-}" ]; then
		die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
	else
		start_dockerd
	fi
	section "docker: test images"
	command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build the stand-in image)"
	build_busybox
	build_standin
}

down() {
	if [ ! -f "$PID_FILE" ]; then
		info "no dockerd started by testenv-docker.sh up: nothing to stop"
		return 0
	fi
	local pid
	pid=$(cat "$PID_FILE")
	section "docker: stopping dockerd (pid $pid)"
	if as_root kill -0 "$pid" 2>/dev/null; then
		as_root kill -TERM "$pid" || true
		local _
		for _ in $(seq 1 60); do
			as_root kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if as_root kill -0 "$pid" 2>/dev/null; then
			info "dockerd did not stop in 30 s; killing it"
			as_root kill -KILL "$pid" || true
		fi
	fi
	rm -f "$PID_FILE" "$PID_FILE.sudo"
}

case "${1:-}" in
up) up ;;
down) down ;;
*)
	echo "usage: $0 up|down" >&2
	exit 2
	;;
esac
