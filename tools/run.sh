#!/usr/bin/env bash
# make run: boot the perf kernel, load goalloc and show what it is doing.
# What the guest printed (its script's output and the kernel's messages
# from then on) is shown here; the full log is in build/logs/run.log.
. "$(dirname "$0")/lib.sh"

ensure_packages
cd "$GOALLOC_TOP"
kdir=$(tools/kernel.sh perf)
mods=$(tools/modules.sh "$kdir" "$GOALLOC_OUT/perf")
logfile=$GOALLOC_OUT/logs/run.log
log "booting the perf kernel"
tools/qemu.sh -k "$kdir/arch/x86/boot/bzImage" -s tools/guest/run.sh \
	-m "$mods" -l "$logfile" -t 600
sed -n '/^GOALLOC-GUEST-START/,$p' "$logfile" | tr -d '\r'
python3 tools/guestlog.py "$logfile" --name "perf 6.12" >/dev/null ||
	die "the guest failed: see $logfile"
