# Runs in the guest for make run: load goalloc and its example client, and
# the user's modules if the host passed them (their names, in load order,
# in the file "order"), show goalloc's state, unload them all.
set -e
insmod goalloc.ko
insmod goalloc_client.ko
users=$(cat order 2>/dev/null || true)
for m in $users; do
	echo "== insmod $m.ko"
	insmod "$m.ko"
done
for f in $(find /sys/kernel/debug/goalloc -type f 2>/dev/null | sort); do
	echo "== $f"
	cat "$f" || echo "(not readable)"
done
reversed=""
for m in $users; do reversed="$m $reversed"; done
for m in $reversed; do
	echo "== rmmod $m"
	rmmod "$m"
done
rmmod goalloc_client
rmmod goalloc
