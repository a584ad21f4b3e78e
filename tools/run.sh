#!/usr/bin/env bash
# make run: boot the perf kernel, load goalloc and show what it is doing.
# What the guest printed (its script's output and the kernel's messages
# from then on) is shown here; the full log is in build/logs/run.log.
. "$(dirname "$0")/lib.sh"

ensure_packages
cd "$GOALLOC_TOP"
kdir=$(tools/kernel.sh perf)
mods=$(tools/goalloc-build.sh "$kdir" "$GOALLOC_OUT/perf")
logfile=$GOALLOC_OUT/logs/run.log
log "booting the perf kernel"
rc=0
guest "$kdir/arch/x86/boot/bzImage" tools/guest/run.sh "$logfile" \
	"perf 6.12" -- -m "$mods" -t 600 >/dev/null || rc=1
sed -n '/^GOALLOC-GUEST-START/,$p' "$logfile" | tr -d '\r'
[ $rc -eq 0 ] || die "the guest failed: see $logfile"
