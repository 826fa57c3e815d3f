# shellcheck shell=bash
# Build-and-cache helpers for the testenv-*.sh scripts that build their
# servers from Go wrapper modules (build/testenv/NAME: go.mod, go.sum,
# tools.go, and optional *.patch). Source it after lib.sh; don't run it.
#
# Binaries are cached on the machine, outside the work tree, keyed by a hash
# of the wrapper's files (go.mod, go.sum, tools.go, *.patch): a fresh clone on
# the same machine reuses them, a changed go.sum rebuilds.
#
#   PAVED_TESTENV_CACHE   cache root; default /var/cache/paved-testenv when
#                         writable, else ${XDG_CACHE_HOME:-~/.cache}/paved-testenv
#
# Layout under the cache root:
#   bin/NAME-KEY/         the binaries (and any data files the build adds)
#   bin/NAME-KEY/.built   written last: what was built, when, how long it took
#   work/NAME-KEY/        scratch copy of the wrapper, removed after a build
#   gocache/              Go build cache for these builds (safe to delete)
# Modules go to the usual module cache ($(go env GOMODCACHE)).

# testenv_cache_root: print the cache root (created).
testenv_cache_root() {
	local root=${PAVED_TESTENV_CACHE:-}
	if [ -z "$root" ]; then
		if mkdir -p /var/cache/paved-testenv 2>/dev/null && [ -w /var/cache/paved-testenv ]; then
			root=/var/cache/paved-testenv
		else
			root=${XDG_CACHE_HOME:-$HOME/.cache}/paved-testenv
		fi
	fi
	mkdir -p "$root/bin" || die "cannot create the test-server cache $root"
	printf '%s\n' "$root"
}

# testenv_wrapper_key DIR: a short hash of the wrapper module's files.
testenv_wrapper_key() {
	local dir=$1 f
	[ -f "$dir/go.sum" ] || die "$dir/go.sum is missing"
	(
		cd "$dir" || exit 1
		for f in go.mod go.sum tools.go *.patch; do
			[ -f "$f" ] || continue
			printf '== %s\n' "$f"
			cat "$f"
		done
	) | sha256sum | cut -c1-16
}

# testenv_bins_present DIR BIN...: true when DIR/.built exists and every BIN
# in DIR is an executable.
testenv_bins_present() {
	local dir=$1 b
	shift
	[ -f "$dir/.built" ] || return 1
	for b in "$@"; do
		[ -x "$dir/$b" ] || return 1
	done
}

# testenv_go_build OUT PKG [GO BUILD FLAGS...]: build one command at low
# priority (other people need the CPU), logging how long it took.
testenv_go_build() {
	local out=$1 pkg=$2 t0
	shift 2
	t0=$(date +%s)
	info "go build $pkg"
	nice -n 19 go build -trimpath "$@" -o "$out" "$pkg" ||
		die "go build $pkg failed"
	info "  -> $(basename "$out") in $(($(date +%s) - t0)) s ($(du -h "$out" | cut -f1))"
}

# testenv_build NAME WRAPPER_DIR MIN_FREE_GB BUILD_FN BIN...
# Sets TESTENV_BIN to the cached bin directory holding every BIN, building
# them first when they are not cached. BUILD_FN is called as
# `BUILD_FN WORK_DIR OUT_DIR` inside WORK_DIR, a scratch copy of the
# wrapper module, and must put each BIN in OUT_DIR. Builds of the same NAME
# are serialised with a lock, so concurrent `up`s build once.
testenv_build() {
	local name=$1 wrapper=$2 min_free_gb=$3 build_fn=$4
	shift 4
	local root key dir
	root=$(testenv_cache_root)
	key=$(testenv_wrapper_key "$wrapper")
	dir=$root/bin/$name-$key
	# shellcheck disable=SC2034 # read by the sourcing script
	TESTENV_BIN=$dir
	if testenv_bins_present "$dir" "$@"; then
		info "$name binaries cached in $dir"
		return 0
	fi
	command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build the $name test servers)"

	local lock_fd
	exec {lock_fd}>"$root/bin/$name.lock"
	if ! flock -n "$lock_fd"; then
		info "another build of $name is running; waiting for it"
		flock "$lock_fd"
	fi
	if testenv_bins_present "$dir" "$@"; then
		info "$name binaries cached in $dir (built meanwhile)"
		exec {lock_fd}>&-
		return 0
	fi

	local free_gb
	free_gb=$(($(df -Pk "$root" | awk 'NR == 2 { print $4 }') / 1024 / 1024))
	[ "$free_gb" -ge "$min_free_gb" ] ||
		die "building $name needs about $min_free_gb GB free under $root (modules and build cache); only $free_gb GB free"

	section "$name: building the test servers (not cached for wrapper $key)"
	info "cache: $dir; this takes minutes on a cold machine"
	local work=$root/work/$name-$key t0
	t0=$(date +%s)
	rm -rf "$work" "$dir.tmp"
	mkdir -p "$work" "$dir.tmp"
	cp "$wrapper"/* "$work"/
	(
		cd "$work"
		export GOCACHE=$root/gocache
		# The scratch copy may be adjusted by the go command; the
		# committed wrapper is never touched.
		export GOFLAGS="-mod=mod -buildvcs=false"
		export CGO_ENABLED=${CGO_ENABLED:-0}
		"$build_fn" "$work" "$dir.tmp"
	) || die "building $name failed (scratch copy kept in $work)"
	local b
	for b in "$@"; do
		[ -x "$dir.tmp/$b" ] || die "the $name build did not produce $b"
	done
	{
		printf 'wrapper=%s key=%s\n' "$wrapper" "$key"
		printf 'built=%s seconds=%s go=%s\n' "$(date -u +%FT%TZ)" "$(($(date +%s) - t0))" "$(go env GOVERSION)"
		printf 'binaries=%s\n' "$*"
	} >"$dir.tmp/.built"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	rm -rf "$work"
	info "$name built in $(($(date +%s) - t0)) s ($(du -sh "$dir" | cut -f1) in $dir)"
	exec {lock_fd}>&-
}

# testenv_pid_alive PID NAME: true when PID is a live (not zombie) process
# running a binary called NAME, so that a stale pid file never makes a
# script signal some other process. (This machine's init may be slow to
# reap, so `kill -0` alone would count a killed server as up.)
testenv_pid_alive() {
	local pid=$1 name=$2 stat exe
	[ -n "$pid" ] || return 1
	stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
	[[ $stat != Z* ]] || return 1
	exe=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n1) || return 1
	[ "$(basename -- "$exe")" = "$name" ]
}
