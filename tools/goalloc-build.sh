#!/usr/bin/env bash
# Build goalloc's modules against one kernel, warning-free with W=1.
#
#   tools/goalloc-build.sh KDIR OUTDIR [make arguments...]  -> prints OUTDIR/src
#
# kbuild writes objects next to the sources of an external module, so each
# kernel gets its own copy of the sources in OUTDIR; the .ko files land
# there.  Any compiler warning (or, with C=1, any sparse report) fails the
# build (tools/lib.sh strict_make).
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
copy_sources "$GOALLOC_TOP/" "$out/src/"
: >"$out/build.log"
strict_make "$out/build.log" "the module build against $kdir" \
	-C "$kdir" M="$out/src" "$@" modules
strict_make "$out/build.log" "the client module build against $kdir" \
	-C "$out/src/client" KDIR="$kdir" GOALLOC_DIR="$out/src" \
	KBUILD_EXTRA_SYMBOLS="$out/src/Module.symvers" "$@" modules
echo "$out/src"
