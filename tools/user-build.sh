#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build one of the modules of tools/ that call goalloc (tools/torture,
# tools/fuzz, tools/bench) against one kernel, the way a user builds a
# module that calls goalloc: its own Kbuild, goalloc's header and
# Module.symvers, W=1, any warning failing the build (tools/lib.sh
# strict_make).
#
#   tools/user-build.sh SRCDIR KDIR GOALLOC_MODS OUTDIR [make arguments...]
#                                                        -> prints OUTDIR
#
# tools/torture gives goalloc_torture.ko, goalloc_leak.ko and
# goalloc_churn.ko; tools/fuzz goalloc_fuzz.ko; tools/bench
# goalloc_bench.ko.  GOALLOC_MODS is what tools/goalloc-build.sh printed
# for that kernel (a goalloc tree with its modules built).  The sources are
# copied to OUTDIR, since kbuild writes objects next to them; the .ko files
# land there.
. "$(dirname "$0")/lib.sh"

usage="usage: $0 SRCDIR KDIR GOALLOC_MODS OUTDIR [make args]"
srcdir=${1:?$usage}
kdir=${2:?$usage}
mods=${3:?$usage}
out=${4:?$usage}
shift 4
name=$(basename "$srcdir")
[ -f "$GOALLOC_TOP/$srcdir/Kbuild" ] || die "no Kbuild in $srcdir"
mods=$(cd "$mods" && pwd) || die "no directory $mods"
mkdir -p "$out"
out=$(cd "$out" && pwd)
copy_sources "$GOALLOC_TOP/$srcdir/" "$out/"
: >"$out/build.log"
strict_make "$out/build.log" "the $name module build against $kdir" \
	-C "$kdir" M="$out" GOALLOC_DIR="$mods" "$@" modules
echo "$out"
