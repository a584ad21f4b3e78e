#!/usr/bin/env bash
# make run: boot a guest kernel, load goalloc and show what it is doing.
#
#   make run [RUN_KERNEL="FLAVOUR VERSION"] [RUN_MODULES=DIR]
#
# RUN_KERNEL names one of tools/kernel.sh's kernels (default "perf 6.12";
# "debug 7.3", "rt 7.3", ...).  goalloc and its example client are built
# for it and loaded; RUN_MODULES is a directory of your own .ko files,
# built against the same kernel and goalloc (its Module.symvers: the
# directory build/run-FLAVOUR-VERSION/src this script prints), loaded
# after the client in the order ls lists them and unloaded before it.
# What the guest printed (its script's output and the kernel's messages
# from then on) is shown here; the full log is in build/logs/run.log.
. "$(dirname "$0")/lib.sh"

ensure_packages
cd "$GOALLOC_TOP"
read -r flavour version <<<"${RUN_KERNEL:-perf 6.12}"
kdir=$(tools/kernel.sh "$flavour" "${version:-$GOALLOC_KERNEL_DEFAULT}")
mods=$(tools/goalloc-build.sh "$kdir" \
	"$GOALLOC_OUT/run-$flavour-${version:-$GOALLOC_KERNEL_DEFAULT}")
log "goalloc for this kernel: $mods"
extra=()
if [ -n "${RUN_MODULES:-}" ]; then
	[ -d "$RUN_MODULES" ] || die "RUN_MODULES=$RUN_MODULES is no directory"
	mkdir -p "$GOALLOC_OUT/run-user"
	rm -f "$GOALLOC_OUT/run-user/"*.ko
	cp "$RUN_MODULES"/*.ko "$GOALLOC_OUT/run-user/" ||
		die "no .ko file in $RUN_MODULES"
	for f in "$GOALLOC_OUT/run-user/"*.ko; do
		basename "$f" .ko
	done >"$GOALLOC_OUT/run-user/order"
	extra=(-m "$GOALLOC_OUT/run-user" -f "$GOALLOC_OUT/run-user/order")
fi
logfile=$GOALLOC_OUT/logs/run.log
log "booting the $flavour ${version:-$GOALLOC_KERNEL_DEFAULT} kernel"
rc=0
guest "$kdir/arch/x86/boot/bzImage" tools/guest/run.sh "$logfile" \
	"$flavour ${version:-$GOALLOC_KERNEL_DEFAULT}" -- -m "$mods" \
	"${extra[@]}" -t 600 >/dev/null || rc=1
sed -n '/^GOALLOC-GUEST-START/,$p' "$logfile" | tr -d '\r'
[ $rc -eq 0 ] || die "the guest failed: see $logfile"
