# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the debug guest: goalloc's shrinker gives back memory that only
# a drain frees (issue 10, item 11).  goalloc_ballast allocates and frees
# 1 MiB at load, leaving objects in per-CPU arrays and empty spans on the
# central lists, which keep their arena from falling free (so that the
# background release never runs).  drop_caches=2 then asks every shrinker
# to count and scan: goalloc's must count what a drain would free, scan,
# and give its arena back.  One KTAP case, shrinker.drains.
set -e
h=/sys/kernel/debug/goalloc/heap
field() { sed -n "s/^$1 //p" $h; }
insmod goalloc.ko arena_reserve=0
insmod goalloc_ballast.ko mib=1 free_on_load=1
sleep 2
scans0=$(field shrinker_scans)
arenas0=$(field arenas)
echo "shrinker: before: arenas $arenas0, shrinker_scans $scans0"
echo 2 >/proc/sys/vm/drop_caches
sleep 2
scans1=$(field shrinker_scans)
arenas1=$(field arenas)
freed=$(field shrinker_freed)
echo "shrinker: after: arenas $arenas1, shrinker_scans $scans1, shrinker_freed $freed pages"
ok=ok
[ "$scans1" -gt "$scans0" ] || ok="not ok"
[ "$arenas1" -lt "$arenas0" ] || ok="not ok"
[ "$freed" -gt 0 ] || ok="not ok"
rmmod goalloc_ballast
rmmod goalloc
. ./ktap.sh
rc=0
[ "$ok" = ok ] || rc=1
ktap_one shrinker drains $rc
[ $rc -eq 0 ]
