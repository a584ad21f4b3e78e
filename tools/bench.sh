#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: goalloc against SLUB on the perf kernel, two boots, one table.
#
#   make bench [TRACE=FILE]    (FILE: another trace to replay)
#
#  1. builds what it needs: the perf 6.12 kernel (tools/kernel.sh), goalloc
#     against it (tools/goalloc-build.sh), and goalloc_bench.ko from
#     tools/bench/ as a user's module is built (tools/user-build.sh: its own
#     Kbuild, goalloc's header and Module.symvers), W=1, any warning
#     failing the run;
#  2. compiles the allocation trace (default ../shared/traces/proc-6.1.txt.xz
#     beside the repository; plain text or .xz) into the replay stream with
#     tools/bench/bench_trace.py, which also counts the lines it skips;
#  3. boots the perf kernel under -icount shift=0 (single-threaded TCG, the
#     guest clock counting instructions): pair, batch, batch_random, bulk,
#     large and the timed replays, each on goalloc then SLUB in the same
#     boot; the measure is guest instructions per op;
#  4. boots it under multi-threaded TCG with 2 vCPUs: the same workloads
#     plus remote and scale, the timed replays, and one replay on each
#     allocator that samples memory for the peak footprint; the measure is
#     wall-clock ns per op;
#  5. fails if either guest log has a kernel splat or an unfinished script
#     (tools/lib.sh guest: tools/qemu.sh, then tools/guestlog.py), prints
#     the table of medians and goalloc/SLUB ratios (tools/bench/bench_report.py) and writes build/bench.json.
#
# Wall-clock numbers depend on the host: other jobs running meanwhile make
# them noisy (the load average is printed); instruction counts do not.
# Guest logs are build/logs/bench-insn.log and build/logs/bench-wall.log;
# raw per-round results are in build/bench/details.json.
. "$(dirname "$0")/lib.sh"

started=$(date +%s)
trace=${TRACE:-$GOALLOC_TOP/../shared/traces/proc-6.1.txt.xz}
[ -f "$trace" ] || die "no trace file $trace (set TRACE=FILE)"
trace=$(realpath "$trace")

# What each boot runs, and how long: the -icount boot executes about 100
# million guest instructions a second, the other about five times more.
# Instruction counts hardly vary from round to round; wall time does, so
# the wall-time boot runs more rounds and longer batch rounds.
insn_workloads="pair batch batch_random bulk large"
insn_args="rounds=3 pair_iters=100000 bulk_objs=65536 large_iters=500"
insn_replays=3
wall_workloads="pair batch batch_random bulk large remote scale"
wall_args="rounds=11 pair_iters=100000 batch_reps=4 bulk_objs=65536"
wall_args="$wall_args large_iters=1000 remote_objs=50000 scale_iters=100000"
wall_replays=11

ensure_packages
cd "$GOALLOC_TOP"
out=$GOALLOC_OUT/bench
logs=$GOALLOC_OUT/logs
json=$GOALLOC_OUT/bench.json
mkdir -p "$out" "$logs"
rm -f "$json"

kdir=$(tools/kernel.sh perf)
mods=$(tools/goalloc-build.sh "$kdir" "$GOALLOC_OUT/perf")
log "building goalloc_bench.ko"
bmod=$(tools/user-build.sh tools/bench "$kdir" "$mods" "$out/mod")
rm -rf "$out/ko" && mkdir -p "$out/ko"
cp "$mods/goalloc.ko" "$bmod/goalloc_bench.ko" "$out/ko/"

log "compiling the trace $trace"
python3 tools/bench/bench_trace.py "$trace" -o "$out/trace.bin" \
	--stats "$out/trace.json" || die "cannot compile $trace"

# boot NAME WORKLOADS ARGS REPLAYS FOOTPRINT [qemu.sh options]
boot() {
	local name=$1 workloads=$2 args=$3 replays=$4 footprint=$5
	shift 5
	mkdir -p "$out/$name"
	cat >"$out/$name/bench.conf" <<-EOF
		BENCH_ARGS="$args"
		BENCH_WORKLOADS="$workloads"
		BENCH_REPLAY_ROUNDS=$replays
		BENCH_FOOTPRINT=$footprint
	EOF
	log "booting the perf kernel: $name boot ($workloads, replay)"
	guest "$kdir/arch/x86/boot/bzImage" tools/guest/bench.sh \
		"$logs/bench-$name.log" "bench $name boot" -- \
		-m "$out/ko" -f "$out/trace.bin" -f "$out/$name/bench.conf" "$@" \
		>"$out/$name/guestlog.txt" || {
		grep -v '^ok' "$out/$name/guestlog.txt" >&2
		die "the $name boot failed: see $logs/bench-$name.log"
	}
}

log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"
boot insn "$insn_workloads" "$insn_args" "$insn_replays" 0 -c 2 -i -t 900
log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"
boot wall "$wall_workloads" "$wall_args" "$wall_replays" 1 -c 2 -t 600
log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 tools/bench/bench_report.py --insn "$logs/bench-insn.log" \
	--wall "$logs/bench-wall.log" \
	--insn-workloads "$insn_workloads replay" \
	--wall-workloads "$wall_workloads replay" \
	--trace-stats "$out/trace.json" --details "$out/details.json" \
	-o "$json" ||
	die "the benchmark did not complete: see $logs/bench-*.log"
echo "wrote $json"
echo "make bench took $(($(date +%s) - started)) s"
