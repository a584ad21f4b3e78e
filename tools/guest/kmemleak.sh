# Runs in the debug guest booted with kmemleak=on: goalloc registers its
# objects with kmemleak, so the objects goalloc_leak.ko forgets (7, 200 and
# 40000 bytes: tiny, small and large) are reported, with goalloc_leak in
# their stacks, and those it keeps (5 and 300 bytes) are not; then goalloc
# is unloaded with the forgotten ones live (see below).
#
# goalloc_churn.ko meanwhile hands tiny objects from CPU to CPU for a few
# seconds, each freed as the next is carved from the same block, and keeps
# objects of a debug cache: kmemleak must never find a new object over an
# old one's entry ("overlaps existing", after which it turns itself off),
# and must report nothing allocated by goalloc_span_create(), the spans'
# per-object records (tiny blocks, debug caches) among it, while their
# spans live.
set -e
kl=/sys/kernel/debug/kmemleak
[ -e $kl ] || { echo "kmemleak: not in this kernel"; exit 1; }
# Forget what boot left, so that only what follows is reported.
echo scan >$kl
echo clear >$kl
insmod goalloc.ko
insmod goalloc_leak.ko
insmod goalloc_churn.ko seconds=8
# kmemleak leaves objects younger than 5 s alone.
sleep 6
fail=0
if dmesg | grep -q 'overlaps existing'; then
	echo "kmemleak: FAIL: a goalloc object overlapped an old entry"
	fail=1
else
	echo "kmemleak: no object overlapped an old entry"
fi
if dmesg | grep -q 'leak detector disabled'; then
	echo "kmemleak: FAIL: kmemleak turned itself off"
	exit 1
fi
echo scan >$kl
echo scan >$kl
cat $kl >/tmp/leaks
for size in 7 200 40000; do
	if grep -A12 "(size $size)" /tmp/leaks | grep -q goalloc_leak; then
		echo "kmemleak: the forgotten $size-byte goalloc object is reported"
	else
		echo "kmemleak: FAIL: no report of the forgotten $size-byte object"
		fail=1
	fi
done
for size in 5 300; do
	if grep -q "(size $size)" /tmp/leaks; then
		echo "kmemleak: FAIL: the kept $size-byte object is reported"
		fail=1
	else
		echo "kmemleak: the kept $size-byte object is not reported"
	fi
done
if grep -q goalloc_churn /tmp/leaks; then
	echo "kmemleak: FAIL: an object goalloc_churn keeps or freed is reported"
	fail=1
fi
spans=$(grep -c 'goalloc_span_create' /tmp/leaks || true)
if [ "$spans" -eq 0 ]; then
	echo "kmemleak: nothing goalloc_span_create() allocated is reported"
else
	echo "kmemleak: FAIL: $spans reports of what goalloc_span_create() allocated"
	grep -B14 'goalloc_span_create' /tmp/leaks | grep 'unreferenced object' |
		head -n 5 | sed 's/^/kmemleak:   /'
	fail=1
fi
grep -c "unreferenced object" /tmp/leaks | sed 's/^/kmemleak: reports: /'
rmmod goalloc_churn
# rmmod goalloc with the forgotten objects still allocated: goalloc reports
# them per cache and takes them out of kmemleak before it frees their
# pages, so that kmemleak keeps no entry for memory that is no longer
# goalloc's (the large one keeps its pages, leaked, and its entry).
rmmod goalloc_leak
rmmod goalloc
dmesg | grep "still allocated at unload" | sed 's/^.*goalloc: /kmemleak: at unload: /'
for cache in goalloc-tiny goalloc-208; do
	if dmesg | grep -q "cache $cache: 1 objects still allocated at unload"; then
		echo "kmemleak: the unload reports the object left in $cache"
	else
		echo "kmemleak: FAIL: no unload report for $cache"
		fail=1
	fi
done
for size in 7 200; do
	addr=$(sed -n "s/^unreferenced object \(0x[0-9a-f]*\) (size $size):.*/\1/p" \
		/tmp/leaks | head -n 1)
	[ -n "$addr" ] || continue
	echo "dump=$addr" >$kl 2>/dev/null || true
	if dmesg | grep -q "Unknown object at $addr"; then
		echo "kmemleak: no entry left for the $size-byte object after unload"
	else
		echo "kmemleak: FAIL: the $size-byte object at $addr is still in kmemleak after unload"
		fail=1
	fi
done
[ $fail -eq 0 ]
