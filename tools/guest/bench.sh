# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the perf guest for tools/bench.sh: load goalloc and
# goalloc_bench, run the workloads named in bench.conf (each on goalloc
# and on SLUB, see bench_main.c), replay trace.bin if it is there, and
# print every result line.
#
# bench.conf (written by tools/bench.sh) sets:
#   BENCH_ARGS           goalloc_bench's module parameters
#   BENCH_WORKLOADS      workloads to run, in order
#   BENCH_REPLAY_ROUNDS  timed replays of trace.bin on each allocator
#   BENCH_FOOTPRINT      1: then one more replay on each, sampling memory
#
# The replays are written from a process bound to CPU 0, goalloc first in
# even rounds and SLUB first in odd ones.  A failure does not stop the
# script before the results are printed; it only sets the exit status.
. ./bench.conf
d=/sys/kernel/debug/goalloc_bench
status=0

replay() { # replay ALLOCATOR
	taskset 1 dd if=trace.bin of="$d/replay_$1" bs=64k 2>/dev/null || {
		echo "bench: replay on $1 failed"
		status=1
	}
}

insmod goalloc.ko || exit 1
# shellcheck disable=SC2086 # BENCH_ARGS is a list of parameters
insmod goalloc_bench.ko $BENCH_ARGS || exit 1
for w in $BENCH_WORKLOADS; do
	echo "bench: $w"
	echo "$w" >"$d/run" || {
		echo "bench: $w failed"
		status=1
	}
done
if [ -f trace.bin ]; then
	r=0
	while [ "$r" -lt "$BENCH_REPLAY_ROUNDS" ]; do
		echo "bench: replay round $r"
		if [ $((r % 2)) -eq 0 ]; then
			replay goalloc
			replay slub
		else
			replay slub
			replay goalloc
		fi
		r=$((r + 1))
	done
	if [ "$BENCH_FOOTPRINT" = 1 ]; then
		echo "bench: replay footprint"
		echo 1 >"$d/replay_footprint"
		replay goalloc
		replay slub
	fi
fi
cat "$d/results"
rmmod goalloc_bench || status=1
rmmod goalloc || status=1
exit $status
