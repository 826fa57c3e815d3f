#!/usr/bin/env bash
# Window test: start the real desktop binary under Xvfb, wait for its
# "Paved" window, take a screenshot of the screen and check it is not blank.
#
# Usage: build/scripts/window-test.sh [OUT.png]
#   OUT.png            where to keep the screenshot (default: a temp file)
# Environment:
#   PAVED_DESKTOP_BIN  binary to run (default build/bin/paved)
#   PAVED_SKIP_BUILD=1 don't run `make build` first
#   WINDOW_NAME        window name to wait for (xdotool regex, default ^Paved$)
#   WINDOW_TIMEOUT     seconds to wait for the window (default 60)
#   RENDER_TIMEOUT     seconds to wait for a non-blank screen (default 60)
#   SETTLE             seconds to wait after the window appears (default 3)
#   MIN_COLORS         unique colours a rendered screen must have (default 50)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=build/scripts/lib.sh
. "$here/lib.sh"
root=$(cd "$here/../.." && pwd)

bin=${PAVED_DESKTOP_BIN:-$root/build/bin/paved}
name=${WINDOW_NAME:-^Paved\$}
window_timeout=${WINDOW_TIMEOUT:-60}
render_timeout=${RENDER_TIMEOUT:-60}
settle=${SETTLE:-3}
min_colors=${MIN_COLORS:-50}
# ImageMagick by absolute path: /usr/local/bin/convert may be something else.
IMPORT=/usr/bin/import
CONVERT=/usr/bin/convert

for t in Xvfb xdotool "$IMPORT" "$CONVERT"; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found: run build/scripts/deps.sh test"
done

if [ "${PAVED_SKIP_BUILD:-}" != 1 ]; then
	section "window test: make build"
	make -C "$root" --no-print-directory build
fi
[ -x "$bin" ] || die "no desktop binary at $bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/paved-window.XXXXXX")
out=${1:-$work/window.png}
xvfb_pid='' app_pid=''
cleanup() {
	local rc=$?
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	if [ $rc -ne 0 ] && [ -s "$work/app.log" ]; then
		echo "--- app log (last 40 lines) ---" >&2
		tail -n 40 "$work/app.log" >&2
	fi
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section "window test: Xvfb"
# First free display from :99 up (no lock file, no socket). If another Xvfb
# takes the same number first, ours exits and we move on to the next one.
n=99
unset WAYLAND_DISPLAY
while :; do
	while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
	[ $n -lt 199 ] || die "no free X display number"
	Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	export DISPLAY=":$n"
	up=
	for _ in $(seq 100); do
		kill -0 "$xvfb_pid" 2>/dev/null || break
		if xdotool getdisplaygeometry >/dev/null 2>&1; then up=1; break; fi
		sleep 0.1
	done
	# Still ours? (a display someone else opened meanwhile answers too)
	[ -z "$up" ] || sleep 0.3
	if [ -n "$up" ] && kill -0 "$xvfb_pid" 2>/dev/null; then break; fi
	kill "$xvfb_pid" 2>/dev/null || true
	wait "$xvfb_pid" 2>/dev/null || true
	xvfb_pid=
	info "Xvfb :$n did not start ($(grep -m1 -o "Server is already active.*" "$work/xvfb.log" || echo "see its log"))"
	n=$((n + 1))
done
info "Xvfb on $DISPLAY ($(xdotool getdisplaygeometry))"

section "window test: start $bin"
mkdir -p "$work/home"
PAVED_HOME="$work/home" "$bin" >"$work/app.log" 2>&1 &
app_pid=$!
start=$(date +%s)
if ! wid=$(timeout "$window_timeout" xdotool search --sync --onlyvisible --name "$name" 2>/dev/null | head -n1) || [ -z "$wid" ]; then
	kill -0 "$app_pid" 2>/dev/null || die "the app exited before showing a window"
	die "no window named $name after ${window_timeout}s"
fi
info "window $wid \"$(xdotool getwindowname "$wid")\" after $(($(date +%s) - start))s"
sleep "$settle"

section "window test: screenshot"
deadline=$(($(date +%s) + render_timeout))
while :; do
	kill -0 "$app_pid" 2>/dev/null || die "the app exited"
	"$IMPORT" -window root "$work/shot.png"
	colors=$("$CONVERT" "$work/shot.png" -format '%k' info:)
	sd=$("$CONVERT" "$work/shot.png" -format '%[fx:standard_deviation]' info:)
	[ "$colors" -gt "$min_colors" ] && break
	if [ "$(date +%s)" -ge "$deadline" ]; then
		mkdir -p "$(dirname "$out")"
		cp "$work/shot.png" "$out"
		die "screen still blank after ${render_timeout}s ($colors colours, sd $sd; screenshot: $out)"
	fi
	sleep 1
done
mkdir -p "$(dirname "$out")"
cp "$work/shot.png" "$out"
info "rendered: $colors colours, standard deviation $sd"
info "screenshot: $out"
echo "window-test: 1 passed, 0 failed"
