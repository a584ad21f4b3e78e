# Runs in the perf guest for make run: load goalloc and its example client,
# show goalloc's state, unload both.
set -e
insmod goalloc.ko
insmod goalloc_client.ko
for f in $(find /sys/kernel/debug/goalloc -type f 2>/dev/null | sort); do
	echo "== $f"
	cat "$f" || echo "(not readable)"
done
rmmod goalloc_client
rmmod goalloc
