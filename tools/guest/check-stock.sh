# Runs on Debian's stock 6.1 kernel: goalloc must load, work and unload.
set -e
insmod goalloc.ko
grep -q '^   67      32768' /sys/kernel/debug/goalloc/classes
rmmod goalloc
echo "goalloc loaded and unloaded on $(uname -r)"
