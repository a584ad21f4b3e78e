# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the guest: goalloc_fuzz (tools/fuzz/), valid use and misuse of
# goalloc from every CPU and context against a model.  Its defaults are the
# short round that make check runs on the debug kernel; make stress
# (tools/stress.sh) runs the same script with a longer fuzz.conf beside
# it, which may set:
#
#   FUZZ_SECONDS  seconds of fuzzing (module parameter seconds)
#   FUZZ_SEED     the seed (0: a random one; the module prints it)
#   FUZZ_ARGS     more goalloc_fuzz parameters (kinds=0x..., misuse=...)
#
# Prints the module's "goalloc_fuzz: ..." lines (in the kernel log), then a
# KTAP document with one case, goalloc_fuzz.round, ok when goalloc_fuzz
# printed "goalloc_fuzz: PASS" (its debugfs file result says PASS) and
# goalloc unloaded; the exit status is 0 only then.
FUZZ_SECONDS=20
FUZZ_SEED=0
FUZZ_ARGS=""
if [ -f fuzz.conf ]; then
	# shellcheck disable=SC1091 # written by tools/stress.sh
	. ./fuzz.conf
fi
status=0

insmod goalloc.ko || exit 1
start=$(date +%s)
# shellcheck disable=SC2086 # FUZZ_ARGS is a list of parameters
insmod goalloc_fuzz.ko seconds="$FUZZ_SECONDS" seed="$FUZZ_SEED" $FUZZ_ARGS
frc=$?
end=$(date +%s)
verdict=$(cat /sys/kernel/debug/goalloc_fuzz/result 2>/dev/null)
echo "fuzz: fuzz_seconds=$FUZZ_SECONDS wall_seconds=$((end - start)) insmod_status=$frc result=${verdict:-none}"
[ $frc -eq 0 ] && [ "$verdict" = PASS ] || status=1

lsmod | grep -q '^goalloc_fuzz' && { rmmod goalloc_fuzz || status=1; }
rmmod goalloc || status=1

. ./ktap.sh
ktap_one goalloc_fuzz round $status
exit $status
