#!/usr/bin/env bash
# Build goalloc's modules against one kernel, warning-free with W=1.
#
#   tools/modules.sh KDIR OUTDIR [make arguments...]
#
# kbuild writes objects next to the sources of an external module, so each
# kernel gets its own copy of the sources in OUTDIR; the .ko files land
# there.  Any compiler warning fails the build.
#
# After goalloc.ko (and goalloc_test.ko where the kernel has KUnit), the
# example client in client/ is built the way a user builds a module that
# calls goalloc: through its own Makefile, with goalloc's Module.symvers as
# KBUILD_EXTRA_SYMBOLS.  goalloc_client.ko lands under OUTDIR too.
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: $0 KDIR OUTDIR [make args]}
out=${2:?usage: $0 KDIR OUTDIR [make args]}
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
rsync -a --delete --exclude build --exclude .git --exclude '.ci' \
	--exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$GOALLOC_TOP/" "$out/src/"
make -C "$kdir" M="$out/src" W=1 "$@" modules >"$out/build.log" 2>&1 ||
	die "module build failed against $kdir:
$(grep -E 'error|warning' "$out/build.log" | head -n 20)"
make -C "$out/src/client" KDIR="$kdir" GOALLOC_DIR="$out/src" \
	KBUILD_EXTRA_SYMBOLS="$out/src/Module.symvers" W=1 "$@" \
	modules >>"$out/build.log" 2>&1 ||
	die "client module build failed against $kdir:
$(grep -E 'error|warning|undefined' "$out/build.log" | head -n 20)"
if grep -q 'warning:' "$out/build.log"; then
	die "module build against $kdir has warnings:
$(grep -A3 'warning:' "$out/build.log" | head -n 30)"
fi
echo "$out/src"
