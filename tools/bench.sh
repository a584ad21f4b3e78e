#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: goalloc against SLUB on the perf kernels of 6.12 and 7.3,
# two boots each, one table.
#
#   make bench [TRACE=FILE] [BENCH_KERNELS="6.12 7.3"]
#
#  1. compiles the allocation trace (default ../shared/traces/proc-6.1.txt.xz
#     beside the repository; plain text or .xz) into the replay stream with
#     tools/bench/bench_trace.py, which also counts the lines it skips;
#  then for each kernel (6.12's SLUB, and 7.3's, with sheaves):
#  2. builds what it needs: the perf kernel (tools/kernel.sh), goalloc
#     against it (tools/goalloc-build.sh), and goalloc_bench.ko from
#     tools/bench/ as a user's module is built (tools/user-build.sh: its own
#     Kbuild, goalloc's header and Module.symvers), W=1, any warning
#     failing the run;
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
#     the kernel's table of medians and goalloc/SLUB ratios
#     (tools/bench/bench_report.py) and writes build/bench/VERSION.json;
#  6. at the end, merges the kernels' records into build/bench.json (each
#     record names its kernel) and prints their ratios side by side.
#
# Wall-clock numbers depend on the host: other jobs running meanwhile make
# them noisy (the load average is printed); instruction counts do not.
# Guest logs are build/logs/bench-VERSION-insn.log and -wall.log; raw
# per-round results are in build/bench/details-VERSION.json.
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
# The kernels, each with its own SLUB: 6.12's (CPU slabs and partial
# lists) and 7.3's (per-CPU sheaves and the per-node barn, on for every
# cache since 7.0; the cache-API workloads create SLUB's caches with
# kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL), which leaves
# 7.3's sheaf_capacity at its default).
kernels=${BENCH_KERNELS:-"6.12 7.3"}

ensure_packages
cd "$GOALLOC_TOP"
out=$GOALLOC_OUT/bench
logs=$GOALLOC_OUT/logs
json=$GOALLOC_OUT/bench.json
mkdir -p "$out" "$logs"
rm -f "$json"

log "compiling the trace $trace"
python3 tools/bench/bench_trace.py "$trace" -o "$out/trace.bin" \
	--stats "$out/trace.json" || die "cannot compile $trace"

# boot NAME WORKLOADS ARGS REPLAYS FOOTPRINT [qemu.sh options]: one boot
# of the kernel $kdir with $ko's modules, its log build/logs/bench-NAME.log.
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
	log "booting the perf $v kernel: $name boot ($workloads, replay)"
	guest "$kdir/arch/x86/boot/bzImage" tools/guest/bench.sh \
		"$logs/bench-$name.log" "bench $name boot" -- \
		-m "$ko" -f "$out/trace.bin" -f "$out/$name/bench.conf" "$@" \
		>"$out/$name/guestlog.txt" || {
		grep -v '^ok' "$out/$name/guestlog.txt" >&2
		die "the $name boot failed: see $logs/bench-$name.log"
	}
}

# Each kernel: its perf kernel, goalloc and goalloc_bench.ko built for it,
# the two boots, and its records (build/bench/VERSION.json).
for v in $kernels; do
	kdir=$(tools/kernel.sh perf "$v")
	mods=$(tools/goalloc-build.sh "$kdir" "$GOALLOC_OUT/perf-$v")
	log "building goalloc_bench.ko for $v"
	bmod=$(tools/user-build.sh tools/bench "$kdir" "$mods" "$out/mod-$v")
	ko=$out/ko-$v
	rm -rf "$ko" && mkdir -p "$ko"
	cp "$mods/goalloc.ko" "$bmod/goalloc_bench.ko" "$ko/"

	log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	boot "$v-insn" "$insn_workloads" "$insn_args" "$insn_replays" 0 \
		-c 2 -i -t 900
	log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	boot "$v-wall" "$wall_workloads" "$wall_args" "$wall_replays" 1 \
		-c 2 -t 600
	log "host load average: $(cut -d' ' -f1-3 /proc/loadavg)"

	python3 tools/bench/bench_report.py --kernel "$v" \
		--insn "$logs/bench-$v-insn.log" --wall "$logs/bench-$v-wall.log" \
		--insn-workloads "$insn_workloads replay" \
		--wall-workloads "$wall_workloads replay" \
		--trace-stats "$out/trace.json" --details "$out/details-$v.json" \
		-o "$out/$v.json" ||
		die "the benchmark did not complete on $v: see $logs/bench-$v-*.log"
	echo
done
python3 tools/bench/bench_report.py --merge \
	$(for v in $kernels; do echo "$out/$v.json"; done) -o "$json"
echo "wrote $json"
echo "make bench took $(($(date +%s) - started)) s"
