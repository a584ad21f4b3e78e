# Runs in the perf guest for make run: load goalloc and show its state.
set -e
insmod goalloc.ko
echo "== /sys/kernel/debug/goalloc/classes"
cat /sys/kernel/debug/goalloc/classes
rmmod goalloc
