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

# The kernel versions tools/kernel.sh builds, from Debian's linux-source-V
# packages.  6.12 is installed from bookworm (GOALLOC_PACKAGES); 7.3 is
# fetched from trixie-backports by fetch_backports_deb, nothing installed.
GOALLOC_KERNELS=(6.12 7.3)
GOALLOC_KERNEL_DEFAULT=6.12
GOALLOC_BACKPORTS=trixie-backports

# The machine's own Debian archive URI (the first "deb" entry that is not
# the security archive), read from its apt sources, deb822 or one-line.
debian_archive_uri() {
	local f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++)
			if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -z "$uri" ] || break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | awk '$1 == "deb" { for (i = 2; i <= NF; i++)
				if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/)
					{ print $i; exit } break } }')
	fi
	[ -n "$uri" ] || die "no Debian archive in the machine's apt sources"
	echo "$uri"
}

# fetch_backports_deb PACKAGE: download PACKAGE's .deb from the backports suite
# of the machine's archive into $GOALLOC_CACHE/apt/, under a private apt
# configuration (its own one-line list, no sources.list.d, its own lists
# and package cache), so the machine's apt sources and state stay as they
# are; echo the .deb's path.  GOALLOC_SOURCE_DEB=FILE uses a .deb fetched
# by other means instead (a machine without the backports suite).
fetch_backports_deb() {
	local pkg=$1 dir=$GOALLOC_CACHE/apt deb opts
	if [ -n "${GOALLOC_SOURCE_DEB:-}" ]; then
		[ -f "$GOALLOC_SOURCE_DEB" ] || die "no file $GOALLOC_SOURCE_DEB"
		realpath "$GOALLOC_SOURCE_DEB"
		return
	fi
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
	echo "deb $(debian_archive_uri) $GOALLOC_BACKPORTS main" >"$dir/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$dir/sources.list"
	      -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$dir/lists"
	      -o "Dir::Cache=$dir/cache" -o APT::Sandbox::User=root)
	log "fetching $pkg from $GOALLOC_BACKPORTS ($dir/sources.list)"
	apt-get "${opts[@]}" update -q >"$dir/update.log" 2>&1 ||
		die "apt-get update of $GOALLOC_BACKPORTS failed: see $dir/update.log"
	(cd "$dir/debs" && rm -f "${pkg}"_*.deb &&
		apt-get "${opts[@]}" download "$pkg") >"$dir/download.log" 2>&1 ||
		die "apt-get download $pkg failed: see $dir/download.log"
	deb=$(ls "$dir/debs/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
	[ -n "$deb" ] || die "apt-get download left no $pkg .deb in $dir/debs"
	echo "$deb"
}

# kernel_source [VERSION]: unpack Debian's linux-source-VERSION (default
# 6.12) once per package version into $GOALLOC_CACHE/src/; echo its path.
# 6.12 comes from the installed package; 7.3 from the .deb fetch_backports_deb
# gets, and an unpacked 7.3 tree is reused without asking the archive.
kernel_source() {
	local v=${1:-$GOALLOC_KERNEL_DEFAULT} ver dir tarball deb tmp
	case "$v" in
	6.12)
		ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
			die "linux-source-6.12 is not installed (run: make deps)"
		tarball=/usr/src/linux-source-6.12.tar.xz ;;
	7.3)
		dir=$(ls -d "$GOALLOC_CACHE/src/linux-source-7.3_"*/.unpacked \
			2>/dev/null | sort -V | tail -n 1 || true)
		if [ -n "$dir" ] && [ -z "${GOALLOC_SOURCE_DEB:-}" ]; then
			dirname "$dir"
			return
		fi
		deb=$(fetch_backports_deb linux-source-7.3)
		ver=$(dpkg-deb -f "$deb" Version)
		tmp=$GOALLOC_CACHE/src/deb-7.3
		rm -rf "$tmp" && mkdir -p "$tmp"
		dpkg-deb -x "$deb" "$tmp"
		tarball=$tmp/usr/src/linux-source-7.3.tar.xz ;;
	*) die "no kernel version $v (known: ${GOALLOC_KERNELS[*]})" ;;
	esac
	dir=$GOALLOC_CACHE/src/linux-source-${v}_$ver
	if [ ! -e "$dir/.unpacked" ]; then
		log "unpacking $tarball"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1
		touch "$dir/.unpacked"
	fi
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
	echo "$dir"
}

# strict_make LOG WHAT [make arguments...]: the one strict kbuild step.
# Runs make with W=1 and the arguments (C=1 adds sparse), its output
# appended to LOG, and fails the script on an error or on any report, the
# compiler's warnings and sparse's alike; WHAT names the build in the
# message.
strict_make() {
	local logf=$1 what=$2
	shift 2
	make W=1 "$@" >>"$logf" 2>&1 ||
		die "$what failed:
$(grep -iE 'error|warning|undefined' "$logf" | head -n 20)"
	if grep -qE 'warning:|sparse: ' "$logf"; then
		die "$what has warnings:
$(grep -E -A3 'warning:|sparse: ' "$logf" | head -n 30)"
	fi
}

# copy_sources FROM TO: a copy of FROM's files for an external module's
# build, which writes its objects next to its sources; no objects or logs.
copy_sources() {
	rsync -a --delete --exclude build --exclude .git --exclude .ci \
		--exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude build.log "$@"
}

# guest KERNEL SCRIPT LOG NAME [guestlog.py options] [-- qemu.sh options]:
# the one boot-and-judge step.  Boots KERNEL under QEMU (tools/qemu.sh)
# running the guest script SCRIPT, with the serial log in LOG, then judges
# LOG with tools/guestlog.py under NAME; prints the verdict and returns
# its status (non-zero on a splat, a failed test or an unfinished script).
guest() {
	local kernel=$1 script=$2 logfile=$3 name=$4 judge=()
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		judge+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	"$GOALLOC_TOP/tools/qemu.sh" -k "$kernel" -s "$script" -l "$logfile" "$@"
	python3 "$GOALLOC_TOP/tools/guestlog.py" "$logfile" --name "$name" \
		"${judge[@]}"
}
