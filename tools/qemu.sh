#!/usr/bin/env bash
# Boot a kernel under QEMU (TCG) with a busybox initramfs that runs a test
# script, and capture the serial log.
#
#   tools/qemu.sh -k BZIMAGE -s SCRIPT -l LOG [-m DIR]... [-f FILE]...
#                 [-a APPEND] [-c CPUS] [-M MEM_MB] [-t TIMEOUT] [-i]
#
#   -m DIR   copy DIR/**/*.ko into the guest's /lib/goalloc/
#   -f FILE  copy FILE into the guest's /lib/goalloc/
#   -i       -icount shift=0: the guest clock counts instructions
#
# The guest runs SCRIPT with /lib/goalloc as its working directory (which
# also holds tools/guest/ktap.sh, the KTAP helper guest scripts source),
# prints "GOALLOC-GUEST-END <status>" and reboots, which ends QEMU
# (-no-reboot).  KVM hangs on these machines, so QEMU always runs under TCG
# (multi-threaded unless -i).  The guest gets
# two NUMA nodes: through numa=fake=2 on goalloc's own kernels (which have
# no ACPI tables to read), through QEMU's -numa on Debian's (which does).
# Each CPU is a socket of its own: a kernel without ACPI finds CPUs in the
# MP table, which lists one per socket.
# The CPU is QEMU's "max" without 5-level paging (la57=off): with it, the
# KASAN debug kernel, booting under a loaded host, now and then reported a
# wild-memory-access in do_raw_spin_lock() from the timer's first edge
# interrupt, inside identify_cpu(), before any goalloc code was loaded
# (2 boots in 20 with two guests at once; with la57=off, 0 in 30).
# A guest that runs past the timeout is killed; the log keeps what it said.
. "$(dirname "$0")/lib.sh"

kernel="" script="" logfile="" append="" cpus=4 mem=2048 timeout=600
icount=0 moddirs=() files=()
while getopts "k:s:l:m:f:a:c:M:t:i" opt; do
	case "$opt" in
	k) kernel=$OPTARG ;;
	s) script=$OPTARG ;;
	l) logfile=$OPTARG ;;
	m) moddirs+=("$OPTARG") ;;
	f) files+=("$OPTARG") ;;
	a) append=$OPTARG ;;
	c) cpus=$OPTARG ;;
	M) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	i) icount=1 ;;
	*) die "bad option (see the header of $0)" ;;
	esac
done
[ -f "$kernel" ] && [ -f "$script" ] && [ -n "$logfile" ] ||
	die "usage: $0 -k BZIMAGE -s SCRIPT -l LOG [options]"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/goalloc}
cp /bin/busybox "$root/bin/busybox"
for d in "${moddirs[@]}"; do
	find "$d" -name '*.ko' -exec cp {} "$root/lib/goalloc/" \;
done
for f in "${files[@]}"; do cp "$f" "$root/lib/goalloc/"; done
cp "$script" "$root/lib/goalloc/test.sh"
cp "$GOALLOC_TOP/tools/guest/ktap.sh" "$root/lib/goalloc/"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo GOALLOC-GUEST-START
cd /lib/goalloc && sh ./test.sh
echo "GOALLOC-GUEST-END $?"
sync
reboot -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd"

cmdline="console=ttyS0 panic=-1 oops=panic loglevel=7 $append"
numa=()
if [[ "$(basename "$kernel")" == vmlinuz-* ]]; then
	half=$((mem / 2))
	numa=(-object "memory-backend-ram,id=m0,size=${half}M"
	      -object "memory-backend-ram,id=m1,size=$((mem - half))M"
	      -numa "node,nodeid=0,memdev=m0,cpus=0-$((cpus / 2 - 1))"
	      -numa "node,nodeid=1,memdev=m1,cpus=$((cpus / 2))-$((cpus - 1))")
else
	cmdline="$cmdline numa=fake=2"
fi
accel=(-accel tcg,thread=multi)
[ "$icount" -eq 1 ] && accel=(-accel tcg,thread=single -icount shift=0)

mkdir -p "$(dirname "$logfile")"
set +e
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	"${accel[@]}" -cpu max,la57=off -smp "$cpus,sockets=$cpus,cores=1,threads=1" -m "$mem" "${numa[@]}" \
	-kernel "$kernel" -initrd "$work/initrd" -append "$cmdline" \
	-nographic -no-reboot -serial "file:$logfile" -monitor none \
	-display none </dev/null >"$logfile.qemu" 2>&1
rc=$?
set -e
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "GOALLOC-GUEST-TIMEOUT after ${timeout}s" >>"$logfile"
	log "guest timed out after ${timeout}s: $logfile"
fi
exit 0
