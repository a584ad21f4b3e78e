# shellcheck shell=bash
# Shared by the goalloc rig scripts: where things are cached, how packages
# are installed, how the kernel source is found.  Source it, don't run it.

set -euo pipefail

GOALLOC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels and unpacked sources live outside the clone, so that a fresh
# clone reuses them; the key of each entry names what it was built from.
GOALLOC_CACHE=${GOALLOC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/goalloc}
# Per-run products (modules, initramfs, guest logs) live in the clone.
GOALLOC_OUT=${GOALLOC_OUT:-$GOALLOC_TOP/build}

log() { printf '[goalloc] %s\n' "$*" >&2; }
die() { printf '[goalloc] error: %s\n' "$*" >&2; exit 1; }

# Everything the rig needs from Debian 12, by package name.
GOALLOC_PACKAGES=(
	make gcc bc bison flex cpio xz-utils kmod rsync python3
	libc6-dev
	libelf-dev libssl-dev dwarves sparse
	qemu-system-x86 busybox-static
	linux-source-6.12 linux-image-amd64 linux-headers-amd64
)

# Install what is missing; a machine that has everything is not touched.
ensure_packages() {
	local missing=() p
	for p in "${GOALLOC_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2
}

# The Debian stock kernel (6.1): newest installed image and its headers.
stock_release() {
	local v
	v=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' |
		sort -V | tail -n 1)
	[ -n "$v" ] || die "no Debian stock kernel in /boot"
	echo "$v"
}

# Unpack Debian's linux-source-6.12 once per package version; echo its path.
kernel_source() {
	local ver dir tarball=/usr/src/linux-source-6.12.tar.xz
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	dir=$GOALLOC_CACHE/src/linux-source-6.12_$ver
	if [ ! -e "$dir/.unpacked" ]; then
		log "unpacking $tarball"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}
