# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the debug guest, booted with init_on_alloc=1 as lib/test_meminit.c
# expects: the kernel's own test_meminit.ko, built unedited through
# include/goalloc_compat.h (tools/compat-build.sh), must print "all N tests
# passed!" with goalloc serving its kmalloc and kmem_cache calls, and
# goalloc_compat_selftest.ko (tools/compat/) must pass every check of
# foreign and goalloc pointers through the redirected calls.  Where the
# host built it (a kernel with KUnit), the kernel's lib/overflow_kunit.c,
# built the same way, runs first and prints its own KTAP document.
#
# That goalloc did the serving is shown by its cumulative counters
# (debugfs memstats): Mallocs must grow by at least the number of objects
# test_meminit allocates from caches alone, and since test_meminit frees
# everything, Frees must grow as much.  test_meminit has no exit function,
# so it cannot be unloaded, and neither can goalloc after it: the selftest
# module's unload is checked instead.  Prints "compat: ..." lines, then a
# KTAP document (suite goalloc_compat) that tools/guestlog.py reads.
stat() { # stat NAME: one counter of goalloc's memstats
	awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/goalloc/memstats
}
result() { # result NUMBER NAME PASSED(0|1)
	if [ "$3" -eq 0 ]; then echo "    ok $1 $2"; else echo "    not ok $1 $2"; fi
}

insmod goalloc.ko || exit 1
grep -q 'init_on_alloc=1' /proc/cmdline
r_cmdline=$?

if [ -f overflow_kunit.ko ]; then
	insmod overflow_kunit.ko && rmmod overflow_kunit
fi

m0=$(stat Mallocs)
f0=$(stat Frees)
insmod test_meminit.ko
rc=$?
m1=$(stat Mallocs)
f1=$(stat Frees)
passed=$(dmesg | grep -o 'test_meminit: all [0-9]* tests passed!' | tail -n 1)
echo "compat: test_meminit insmod_status=$rc line='$passed'"
echo "compat: goalloc Mallocs +$((m1 - m0)) Frees +$((f1 - f0)) during test_meminit"
r_meminit=1
[ $rc -eq 0 ] && [ -n "$passed" ] && r_meminit=0
# Ten sizes, six cache kinds, ten rounds, up to 101 objects each: tens of
# thousands of cache objects, all from goalloc if the header works.
r_served=1
[ $((m1 - m0)) -ge 10000 ] && [ $((f1 - f0)) -eq $((m1 - m0)) ] && r_served=0

insmod goalloc_compat_selftest.ko
r_selftest=$?
r_unload=1
[ $r_selftest -eq 0 ] && rmmod goalloc_compat_selftest && r_unload=0

status=0
for r in $r_cmdline $r_meminit $r_served $r_selftest $r_unload; do
	[ "$r" -eq 0 ] || status=1
done
top="ok"
[ $status -eq 0 ] || top="not ok"
echo "KTAP version 1"
echo "1..1"
echo "    # Subtest: goalloc_compat"
echo "    1..5"
result 1 init_on_alloc_on_cmdline $r_cmdline
result 2 test_meminit_all_tests_passed $r_meminit
result 3 goalloc_served_test_meminit $r_served
result 4 compat_selftest_all_checks_passed $r_selftest
result 5 compat_selftest_unloads $r_unload
echo "$top 1 goalloc_compat"
exit $status
