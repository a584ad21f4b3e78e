#!/usr/bin/env bash
# Build goalloc's kselftests (selftests/goalloc/) for one kernel and
# install them as the kernel's kselftest installs its own, ready to copy
# into a guest.
#
#   tools/ksft-build.sh KDIR GOALLOC_SRC OUTDIR [make arguments...]
#
# GOALLOC_SRC is goalloc built for KDIR, as tools/goalloc-build.sh prints
# it (its include/ and Module.symvers, which test_goalloc.ko imports from).
# The test module must build with W=1 and no warning (tools/lib.sh
# strict_make); make arguments (C=1 for sparse) go to its kbuild.  The user programs are linked statically.  The
# kselftest pieces (kselftest/runner.sh, module.sh, ktap_helpers.sh,
# run_kselftest.sh, kselftest_harness.h) come from the unpacked 6.12 tree
# (tools/lib.sh kernel_source), for either kernel.
#
# OUTDIR/install is the installed tree (run_kselftest.sh,
# kselftest-list.txt, kselftest/, goalloc/ with goalloc/test_modules/
# test_goalloc.ko) and OUTDIR/ksft.tar the same as one file, for
# tools/qemu.sh -f; prints OUTDIR.
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: $0 KDIR GOALLOC_SRC OUTDIR [make args]}
gsrc=${2:?usage: $0 KDIR GOALLOC_SRC OUTDIR [make args]}
out=${3:?usage: $0 KDIR GOALLOC_SRC OUTDIR [make args]}
shift 3
ksft=$(kernel_source)/tools/testing/selftests
gsrc=$(cd "$gsrc" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The sources, in the repository's layout (the selftests' Makefile finds
# tools/goallocstat from its own place); objects land in the copy.
mkdir -p "$out/src/selftests" "$out/src/tools"
copy_sources --exclude goalloc_user --exclude goallocstat \
	"$GOALLOC_TOP/selftests/goalloc/" "$out/src/selftests/goalloc/"
copy_sources --exclude goallocstat \
	"$GOALLOC_TOP/tools/goallocstat/" "$out/src/tools/goallocstat/"
cp "$GOALLOC_TOP/tools/lib.sh" "$out/src/tools/"

sel=$out/src/selftests/goalloc
: >"$out/build.log"
strict_make "$out/build.log" "the kselftest build against $kdir" \
	-C "$sel" KSFT_DIR="$ksft" KDIR="$kdir" GOALLOC_DIR="$gsrc" "$@" all
[ -f "$sel/test_modules/test_goalloc.ko" ] ||
	die "no test_goalloc.ko built against $kdir (see $out/build.log)"

rm -rf "$out/install"
make -s -C "$sel" KSFT_DIR="$ksft" KDIR="$kdir" GOALLOC_DIR="$gsrc" \
	INSTALL_PATH="$out/install/goalloc" install >>"$out/build.log" 2>&1 ||
	die "kselftest install failed (see $out/build.log)"
mkdir -p "$out/install/kselftest"
cp "$ksft/run_kselftest.sh" "$out/install/"
cp "$ksft"/kselftest/{runner.sh,module.sh,ktap_helpers.sh,prefix.pl} \
	"$out/install/kselftest/"
make -s -C "$sel" KSFT_DIR="$ksft" COLLECTION=goalloc emit_tests \
	>"$out/install/kselftest-list.txt"
tar -C "$out/install" -cf "$out/ksft.tar" .
echo "$out"
