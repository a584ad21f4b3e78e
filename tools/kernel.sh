#!/usr/bin/env bash
# Build (or reuse) a guest kernel from Debian's linux-source-6.12.
#
#   tools/kernel.sh debug|perf     -> prints the kernel build directory
#
# The kernel is tinyconfig plus tools/configs/base.config plus the flavour's
# fragment, built out of tree (O=) in the cache, keyed by the source package
# version and a hash of the fragments and of this script: a second run with
# nothing changed only prints the directory.  Every option the fragments ask
# for is checked in the final .config, since Kconfig silently drops options
# whose dependencies are missing.
. "$(dirname "$0")/lib.sh"

flavour=${1:-}
case "$flavour" in
debug | perf) ;;
*) die "usage: $0 debug|perf" ;;
esac

cfgdir=$GOALLOC_TOP/tools/configs
fragments=("$cfgdir/base.config" "$cfgdir/$flavour.config")
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (run: make deps)"
key=$(cat "${fragments[@]}" "$0" | sha256sum | cut -c1-12)
out=$GOALLOC_CACHE/kernels/$flavour-6.12_$ver-$key

if [ -e "$out/.goalloc-built" ]; then
	echo "$out"
	exit 0
fi

src=$(kernel_source)
log "building the $flavour kernel in $out (a few minutes)"
rm -rf "$out" && mkdir -p "$out"
jobs=$(($(nproc) + 1))
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"${fragments[@]}"
	make -C "$src" O="$out" olddefconfig
} >"$out/config.log" 2>&1 || die "configuring failed: see $out/config.log"

# Each "CONFIG_X=v" must be there as written, each "# CONFIG_X is not set"
# must not be enabled.
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" ||
			{ log "missing from .config: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=[ym]" "$out/.config"; then
			log "still enabled in .config: $opt"
			bad=1
		fi ;;
	esac
done < <(cat "${fragments[@]}")
[ $bad -eq 0 ] || die "the $flavour kernel config lost options (see above)"

make -C "$src" O="$out" -j"$jobs" >"$out/build.log" 2>&1 ||
	die "kernel build failed: tail of $out/build.log:
$(tail -n 30 "$out/build.log")"
touch "$out/.goalloc-built"
log "built $out/arch/x86/boot/bzImage"
echo "$out"
