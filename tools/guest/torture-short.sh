# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the guest: goalloc_torture (tools/torture/) while page
# allocations fail and CPUs go offline and online, then goalloc giving
# memory back under pressure.  Its defaults are the short round that
# make check runs on the debug kernel; make stress (tools/stress.sh) runs
# the same script with a longer torture.conf beside it, which may set:
#
#   TORTURE_SECONDS   seconds of torture (module parameter duration)
#   TORTURE_ARGS      more goalloc_torture parameters
#   FAIL_PROBABILITY  percent of the torture kthreads' page allocations
#                     that fail_page_alloc fails (0: no fault injection)
#   HOTPLUG_CYCLES    CPU offline+online cycles at most (0: none)
#   HOTPLUG_PAUSE     seconds between two cycles
#   PRESSURE_MB       working set of the memory pressure step (0: skip)
#
# fail_page_alloc runs with task-filter=Y: only tasks marked make_it_fail
# (the torture kthreads) see failures, so that the shell, the hotplug
# machinery and the rest of the kernel keep working; verbose=0 keeps it
# from printing stack traces.  Its "times" starts at a large count and
# counts down once per injected failure, which gives the number injected.
# Hotplug stops two seconds before the torture does, so that the final
# accounting runs with every CPU online.
#
# Prints "stress: ..." and "pressure: ..." lines, then a KTAP document
# with one case, goalloc_torture.round, ok when goalloc_torture printed
# "torture: PASS" (its debugfs file result says PASS), every CPU came back
# and goalloc unloaded; the exit status is 0 only then.
TORTURE_SECONDS=12
TORTURE_ARGS=""
FAIL_PROBABILITY=25
HOTPLUG_CYCLES=2
HOTPLUG_PAUSE=2
PRESSURE_MB=64
if [ -f torture.conf ]; then
	# shellcheck disable=SC1091 # written by tools/stress.sh
	. ./torture.conf
fi
fpa=/sys/kernel/debug/fail_page_alloc
times0=1000000000
status=0

memstat() { # memstat STAGE: goalloc's held memory, one line
	awk -v s="$1" '{ v[$1] = $2 } END {
		printf "pressure: stage=%s HeapSys=%d HeapIdle=%d HeapInuse=%d HeapAlloc=%d Arenas=%d\n",
			s, v["HeapSys"], v["HeapIdle"], v["HeapInuse"], v["HeapAlloc"], v["Arenas"] }' \
		/sys/kernel/debug/goalloc/memstats
}

insmod goalloc.ko || exit 1

faults=0
if [ "$FAIL_PROBABILITY" -gt 0 ] && [ -d $fpa ]; then
	echo Y >$fpa/task-filter
	echo 0 >$fpa/verbose
	echo 0 >$fpa/space
	echo 1 >$fpa/interval
	echo N >$fpa/ignore-gfp-wait
	echo N >$fpa/ignore-gfp-highmem
	echo 0 >$fpa/min-order
	echo $times0 >$fpa/times
	echo "$FAIL_PROBABILITY" >$fpa/probability
fi

start=$(date +%s)
# shellcheck disable=SC2086 # TORTURE_ARGS is a list of parameters
insmod goalloc_torture.ko duration="$TORTURE_SECONDS" $TORTURE_ARGS &
pid=$!

# Take CPUs 1..N offline and back, one at a time, while the torture runs.
cycles=0
hp_fail=0
cpus=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2>/dev/null)
last=$((start + TORTURE_SECONDS - 2))
n=0
while [ "$cycles" -lt "$HOTPLUG_CYCLES" ] && [ $n -lt 10000 ] &&
	kill -0 $pid 2>/dev/null && [ "$(date +%s)" -lt $last ]; do
	n=$((n + 1))
	for c in $cpus; do
		[ "$cycles" -lt "$HOTPLUG_CYCLES" ] || break
		[ "$(date +%s)" -lt $last ] || break
		[ -w "$c/online" ] || continue
		if echo 0 >"$c/online"; then
			sleep 1
			if echo 1 >"$c/online"; then
				cycles=$((cycles + 1))
			else
				hp_fail=$((hp_fail + 1))
			fi
		else
			hp_fail=$((hp_fail + 1))
		fi
		sleep "$HOTPLUG_PAUSE"
	done
done
offline=0
for c in $cpus; do
	[ -w "$c/online" ] || continue
	[ "$(cat "$c/online")" = 1 ] && continue
	echo 1 >"$c/online" 2>/dev/null || offline=$((offline + 1))
done

wait $pid
trc=$?
end=$(date +%s)
verdict=$(cat /sys/kernel/debug/goalloc_torture/result 2>/dev/null)
if [ -d $fpa ]; then
	echo 0 >$fpa/probability
	[ "$FAIL_PROBABILITY" -gt 0 ] && faults=$((times0 - $(cat $fpa/times)))
fi
echo "stress: torture_seconds=$TORTURE_SECONDS wall_seconds=$((end - start)) insmod_status=$trc result=${verdict:-none}"
echo "stress: fail_probability=$FAIL_PROBABILITY faults_injected=$faults"
echo "stress: hotplug_cycles=$cycles hotplug_failures=$hp_fail cpus_left_offline=$offline"
[ $trc -eq 0 ] && [ "$verdict" = PASS ] && [ $offline -eq 0 ] || status=1

if [ "$PRESSURE_MB" -gt 0 ] && [ $trc -eq 0 ]; then
	memstat before
	echo "$PRESSURE_MB" >/sys/kernel/debug/goalloc_torture/pressure ||
		status=1
	memstat freed
	sleep 2
	memstat after_delay
	sleep 6
	memstat after_delay_8s
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	memstat after_drop_caches
fi

lsmod | grep -q '^goalloc_torture' && { rmmod goalloc_torture || status=1; }
rmmod goalloc || status=1

. ./ktap.sh
ktap_one goalloc_torture round $status
exit $status
