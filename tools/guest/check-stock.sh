# Runs on Debian's stock 6.1 kernel: goalloc must load, work and unload,
# and so must a module that uses it (client/, built out of tree against
# goalloc's Module.symvers).
set -e
insmod goalloc.ko
grep -q '^   67      32768' /sys/kernel/debug/goalloc/classes
insmod goalloc_client.ko
rmmod goalloc_client
rmmod goalloc
echo "goalloc and goalloc_client loaded and unloaded on $(uname -r)"
