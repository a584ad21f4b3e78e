#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a module of tools/ that calls goalloc against one kernel, the way a
# user builds a module that calls goalloc: its own Kbuild, goalloc's header
# and Module.symvers, W=1, any warning failing the build.  By default
# tools/torture/ (goalloc_torture.ko, goalloc_leak.ko and
# goalloc_churn.ko); -s tools/fuzz builds goalloc_fuzz.ko.
#
#   tools/torture-build.sh [-s SRCDIR] KDIR GOALLOC_MODS OUTDIR  -> prints OUTDIR
#
# GOALLOC_MODS is what tools/modules.sh printed for that kernel (a goalloc
# tree with its modules built).  The sources are copied to OUTDIR, since
# kbuild writes objects next to them; the .ko files land there.
. "$(dirname "$0")/lib.sh"

srcdir=tools/torture
if [ "${1:-}" = -s ]; then
	srcdir=${2:?usage: $0 [-s SRCDIR] KDIR GOALLOC_MODS OUTDIR}
	shift 2
fi
usage="usage: $0 [-s SRCDIR] KDIR GOALLOC_MODS OUTDIR"
kdir=${1:?$usage}
mods=${2:?$usage}
out=${3:?$usage}
name=$(basename "$srcdir")
[ -f "$GOALLOC_TOP/$srcdir/Kbuild" ] || die "no Kbuild in $srcdir"
mods=$(cd "$mods" && pwd) || die "no directory $mods"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude build.log "$GOALLOC_TOP/$srcdir/" "$out/"
make -C "$kdir" M="$out" GOALLOC_DIR="$mods" W=1 modules \
	>"$out/build.log" 2>&1 ||
	die "the $name module build failed against $kdir:
$(grep -E 'error|warning|undefined' "$out/build.log" | head -n 20)"
if grep -q 'warning:' "$out/build.log"; then
	die "the $name module build against $kdir has warnings:
$(grep -A3 'warning:' "$out/build.log" | head -n 30)"
fi
echo "$out"
