#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: a long torture round of goalloc on the perf kernel, with
# page allocations failing, CPUs going offline and online, and memory
# pressure at the end; then a long round of the misuse fuzzer.
#
#   make stress [STRESS_SECONDS=90] [FAIL_PROBABILITY=25]
#               [HOTPLUG_CYCLES=30] [PRESSURE_MB=256] [STRESS_CPUS=4]
#               [TORTURE_ARGS="max_size=65536 ..."]
#               [FUZZ_SECONDS=60] [FUZZ_SEED=0] [FUZZ_ARGS="kinds=0x..."]
#
#  1. builds what it needs: the perf 6.12 kernel (tools/kernel.sh), goalloc
#     against it (tools/goalloc-build.sh) and goalloc_torture.ko from
#     tools/torture/ as a user's module is built (tools/user-build.sh);
#  2. boots the perf kernel under QEMU with STRESS_CPUS CPUs and runs
#     tools/guest/torture-short.sh with a torture.conf for the long round:
#     goalloc_torture for STRESS_SECONDS (kthreads, hard-IRQ and softirq
#     contexts on every CPU, every API, every object checked),
#     fail_page_alloc failing FAIL_PROBABILITY percent of the torture
#     kthreads' page allocations, up to HOTPLUG_CYCLES CPU offline+online
#     cycles, then a PRESSURE_MB working set allocated and freed while
#     goalloc's memstats are watched;
#  3. boots the perf kernel again and runs tools/guest/fuzz-short.sh with
#     a fuzz.conf: goalloc_fuzz (tools/fuzz/, built the same way) for
#     FUZZ_SECONDS from FUZZ_SEED (0: a random seed, printed), valid use
#     and every misuse from every context against its model;
#  4. fails if a guest log has a kernel splat or an unfinished script or
#     a round failed (tools/lib.sh guest: tools/qemu.sh, then
#     tools/guestlog.py), and prints the figures.
#
# The guest clock of a 4-CPU TCG guest on a 2-core host runs a few times
# slower than the wall clock on a loaded host: the default round takes 2
# minutes on an idle 2-core host, up to 7 on a busy one.
# The guest logs are build/logs/stress.log and build/logs/stress-fuzz.log.
. "$(dirname "$0")/lib.sh"

started=$(date +%s)
seconds=${STRESS_SECONDS:-90}
prob=${FAIL_PROBABILITY:-25}
cycles=${HOTPLUG_CYCLES:-30}
pressure=${PRESSURE_MB:-256}
cpus=${STRESS_CPUS:-4}
targs=${TORTURE_ARGS:-}
fseconds=${FUZZ_SECONDS:-60}
fseed=${FUZZ_SEED:-0}
fargs=${FUZZ_ARGS:-}
for v in "$seconds" "$prob" "$cycles" "$pressure" "$cpus" "$fseconds" \
	"$fseed"; do
	[[ "$v" =~ ^[0-9]+$ ]] || die "not a number: $v"
done
[ "$seconds" -ge 3 ] || die "STRESS_SECONDS must be at least 3"
[ "$prob" -le 100 ] || die "FAIL_PROBABILITY is a percentage"

ensure_packages
cd "$GOALLOC_TOP" || exit 1
out=$GOALLOC_OUT/stress
logs=$GOALLOC_OUT/logs
mkdir -p "$out" "$logs"

kdir=$(tools/kernel.sh perf)
mods=$(tools/goalloc-build.sh "$kdir" "$out/goalloc")
log "building goalloc_torture.ko"
tmod=$(tools/user-build.sh tools/torture "$kdir" "$mods" "$out/mod")
log "building goalloc_fuzz.ko"
fmod=$(tools/user-build.sh tools/fuzz "$kdir" "$mods" "$out/fuzzmod")
rm -rf "$out/ko" "$out/fuzzko" && mkdir -p "$out/ko" "$out/fuzzko"
cp "$mods/goalloc.ko" "$tmod/goalloc_torture.ko" "$out/ko/"
cp "$mods/goalloc.ko" "$fmod/goalloc_fuzz.ko" "$out/fuzzko/"

cat >"$out/torture.conf" <<EOF
TORTURE_SECONDS=$seconds
TORTURE_ARGS="$targs"
FAIL_PROBABILITY=$prob
HOTPLUG_CYCLES=$cycles
HOTPLUG_PAUSE=1
PRESSURE_MB=$pressure
EOF

# Guest seconds run slow under TCG (see above); allow for it.
timeout=$((240 + 8 * seconds))
guestlog=$logs/stress.log
log "booting the perf kernel ($cpus CPUs): ${seconds}s of torture, faults ${prob}%, up to $cycles hotplug cycles (timeout ${timeout}s)"
rc=0
guest "$kdir/arch/x86/boot/bzImage" tools/guest/torture-short.sh "$guestlog" \
	stress --ktap -- -m "$out/ko" -f "$out/torture.conf" -c "$cpus" \
	-M 2048 -t "$timeout" >"$out/guestlog.txt" || rc=1

cat >"$out/fuzz.conf" <<EOF
FUZZ_SECONDS=$fseconds
FUZZ_SEED=$fseed
FUZZ_ARGS="$fargs"
EOF
ftimeout=$((240 + 8 * fseconds))
fuzzlog=$logs/stress-fuzz.log
log "booting the perf kernel ($cpus CPUs): ${fseconds}s of fuzzing, seed $fseed (timeout ${ftimeout}s)"
guest "$kdir/arch/x86/boot/bzImage" tools/guest/fuzz-short.sh "$fuzzlog" \
	"stress fuzz" --ktap -- -m "$out/fuzzko" -f "$out/fuzz.conf" \
	-c "$cpus" -M 2048 -t "$ftimeout" >>"$out/guestlog.txt" || rc=1

# The figures: the module's "torture:" block, the script's lines.
echo "== make stress: $(date -u +%FT%TZ), perf 6.12, $cpus CPUs"
sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$guestlog" | tr -d '\r' |
	grep -E '^(torture|stress|pressure): |^goalloc: ' || true
sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$fuzzlog" | tr -d '\r' |
	grep -E '^goalloc_fuzz: |^fuzz: ' || true
cat "$out/guestlog.txt"
echo "make stress took $(($(date +%s) - started)) s (guest logs $guestlog, $fuzzlog)"
[ $rc -eq 0 ] || die "make stress FAILED"
echo "make stress: PASS"
