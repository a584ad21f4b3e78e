#!/usr/bin/env bash
# Build (or reuse) a guest kernel from Debian's linux-source-VERSION.
#
#   tools/kernel.sh debug|perf|rt [6.12|7.3]   -> prints the build directory
#
# debug: KASAN, lockdep, full preemption (make check); perf: no debug
# option, the preemption model distributions ship (make bench, run,
# stress); rt: PREEMPT_RT with lockdep, atomic-sleep checks and KASAN.
# The version defaults to 6.12 (installed from bookworm); 7.3 is fetched
# from trixie-backports under a private apt configuration (tools/lib.sh
# kernel_source).
#
# The kernel is tinyconfig plus these fragments of tools/configs/, those
# that exist, in this order (a later one overrides an earlier one):
#
#   base.config  base-VERSION.config  FLAVOUR.config  FLAVOUR-VERSION.config
#
# rt builds on debug (base, debug, rt, each with its -VERSION part).  It is
# built out of tree (O=) in the cache (kernels/ for 6.12, kernels/VERSION/
# for another version), keyed by the version, the source
# package's version and a hash of the fragments and of the recipe: a
# second run with nothing changed only prints the directory.  Every option
# the fragments ask for (as the last fragment naming it asks) is checked in
# the final .config, since Kconfig silently drops options whose
# dependencies are missing.
. "$(dirname "$0")/lib.sh"

usage="usage: $0 debug|perf|rt [${GOALLOC_KERNELS[*]// /|}]"
flavour=${1:-}
version=${2:-$GOALLOC_KERNEL_DEFAULT}
case "$flavour" in
debug | perf) layers=(base "$flavour") ;;
rt) layers=(base debug rt) ;;
*) die "$usage" ;;
esac
[[ " ${GOALLOC_KERNELS[*]} " == *" $version "* ]] || die "$usage"

cfgdir=$GOALLOC_TOP/tools/configs
fragments=()
for l in "${layers[@]}"; do
	for f in "$cfgdir/$l.config" "$cfgdir/$l-$version.config"; do
		[ ! -f "$f" ] || fragments+=("$f")
	done
done

# The recipe: bump it when the steps below change what gets built.
recipe="tinyconfig + merge_config.sh -m + olddefconfig; make; recipe 2"
key=$(printf '%s\n' "$recipe" | cat "${fragments[@]}" - | sha256sum |
	cut -c1-12)
# The 6.12 kernels built before the recipe got a name keep their
# directories: same fragments, same steps.
case "$flavour-$version-$key" in
debug-6.12-865836f6fb6f) key=753bc6b10930 ;;
perf-6.12-51be7a6ef27c) key=61beaa02d9b3 ;;
esac
if [ "$version" = "$GOALLOC_KERNEL_DEFAULT" ]; then
	# The installed package names the version without unpacking.
	ver=$(dpkg-query -W -f='${Version}' "linux-source-$version" 2>/dev/null) ||
		die "linux-source-$version is not installed (run: make deps)"
	src=""
else
	src=$(kernel_source "$version")
	ver=${src##*/linux-source-"$version"_}
fi
# 6.12's kernels sit in kernels/ itself, as they always have (scripts and
# people find the debug kernel as kernels/debug-*); another version's in
# kernels/VERSION/, so that such a pattern still finds only one.
if [ "$version" = "$GOALLOC_KERNEL_DEFAULT" ]; then
	out=$GOALLOC_CACHE/kernels/$flavour-${version}_$ver-$key
else
	out=$GOALLOC_CACHE/kernels/$version/$flavour-${version}_$ver-$key
fi

if [ -e "$out/.goalloc-built" ]; then
	echo "$out"
	exit 0
fi

[ -n "$src" ] || src=$(kernel_source "$version")
log "building the $flavour $version kernel in $out (a few minutes)"
rm -rf "$out" && mkdir -p "$out"
jobs=$(($(nproc) + 1))
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"${fragments[@]}"
	make -C "$src" O="$out" olddefconfig
} >"$out/config.log" 2>&1 || die "configuring failed: see $out/config.log"

# What the fragments ask for, the last fragment naming an option winning:
# each "CONFIG_X=v" must be there as written, each "# CONFIG_X is not set"
# must not be enabled.
bad=0
while read -r opt line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" ||
			{ log "missing from .config: $line"; bad=1; } ;;
	*)
		if grep -qE "^$opt=[ym]" "$out/.config"; then
			log "still enabled in .config: $opt"
			bad=1
		fi ;;
	esac
done < <(cat "${fragments[@]}" | sed -nE \
	-e 's/^(CONFIG_[A-Za-z0-9_]+)=.*/\1 &/p' \
	-e 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1 unset/p' |
	awk '{ last[$1] = $0 } END { for (o in last) print last[o] }')
[ $bad -eq 0 ] || die "the $flavour $version kernel config lost options (see above)"

make -C "$src" O="$out" -j"$jobs" >"$out/build.log" 2>&1 ||
	die "kernel build failed: tail of $out/build.log:
$(tail -n 30 "$out/build.log")"
touch "$out/.goalloc-built"
log "built $out/arch/x86/boot/bzImage"
echo "$out"
