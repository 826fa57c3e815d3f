# shellcheck shell=bash
# Shared helpers for build/scripts/*.sh. Source it; don't run it.

# Print a section header (used by make test and the scripts).
section() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run CMD as root (directly when root, else through sudo).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for: $* (run as root or install sudo)"
	fi
}

# pkg_installed PKG: true when dpkg says PKG is installed.
pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# apt_ensure PKG...: install the packages that are missing, with one
# apt-get update first, and only when something is missing.
apt_ensure() {
	command -v dpkg-query >/dev/null 2>&1 ||
		die "this needs a Debian/Ubuntu system (dpkg/apt); install by hand: $*"
	local missing=() p
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		info "already installed: $*"
		return 0
	fi
	info "installing: ${missing[*]}"
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
	as_root "${apt[@]}" update -qq
	as_root "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"
}

# version_ge A B: true when version A >= version B (dotted numbers).
version_ge() {
	[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}
