#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build goalloc_torture.ko, goalloc_leak.ko and goalloc_churn.ko
# (tools/torture/) against one kernel, the way a user builds a module that
# calls goalloc: its own Kbuild, goalloc's header and Module.symvers, W=1,
# any warning failing the build.
#
#   tools/torture-build.sh KDIR GOALLOC_MODS OUTDIR  -> prints OUTDIR
#
# GOALLOC_MODS is what tools/modules.sh printed for that kernel (a goalloc
# tree with its modules built).  The sources are copied to OUTDIR, since
# kbuild writes objects next to them; goalloc_torture.ko lands there.
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: $0 KDIR GOALLOC_MODS OUTDIR}
mods=${2:?usage: $0 KDIR GOALLOC_MODS OUTDIR}
out=${3:?usage: $0 KDIR GOALLOC_MODS OUTDIR}
mods=$(cd "$mods" && pwd) || die "no directory $mods"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude build.log "$GOALLOC_TOP/tools/torture/" "$out/"
make -C "$kdir" M="$out" GOALLOC_DIR="$mods" W=1 modules \
	>"$out/build.log" 2>&1 ||
	die "goalloc_torture build failed against $kdir:
$(grep -E 'error|warning|undefined' "$out/build.log" | head -n 20)"
if grep -q 'warning:' "$out/build.log"; then
	die "goalloc_torture build against $kdir has warnings:
$(grep -A3 'warning:' "$out/build.log" | head -n 30)"
fi
echo "$out"
