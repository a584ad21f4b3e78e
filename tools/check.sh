#!/usr/bin/env bash
# make check: every test goalloc has, on the kernels it must work on.
#
#  1. the committed size-class header is the generator's output (Go's table),
#     checkpatch --strict finds no error or warning in any C file, and
#     kernel-doc none in include/goalloc.h;
#  2. the modules build with W=1 and no warning against the debug 6.12
#     kernel, and every KUnit suite passes on it under KASAN and lockdep,
#     with no splat anywhere in the guest's log (but the KASAN reports
#     the KASAN suite provokes), once as goalloc loads by default and once
#     with goalloc.debug=1 (every cache in debug mode) and init_on_alloc=1,
#     and once with init_on_free=1, and a short torture round (tools/torture/)
#     passes on it with page allocation faults injected and CPUs going
#     offline and back, a short round of the misuse fuzzer (tools/fuzz/)
#     finds no divergence from its model, and kmemleak (kmemleak=on)
#     reports goalloc objects forgotten on purpose (tools/torture/leak.c)
#     and not those kept, nor goalloc's span records, stays on while tiny
#     objects churn across CPUs (tools/torture/churn.c), and takes the
#     forgotten ones out when goalloc is unloaded with them live; goalloc
#     is unloaded 25 times as its background release comes due
#     (rmmod-race.sh), and its shrinker drains the caches under
#     drop_caches (shrinker.sh);
#  3. against the 7.3 debug kernel (SLUB with sheaves), goalloc, its KUnit
#     module, the client and the torture, fuzz and bench modules build with
#     W=1 and no warning, and every KUnit suite passes on it;
#  4. against the 7.3 PREEMPT_RT debug kernel, the modules build and every
#     KUnit suite passes on it (the hard-IRQ cases skip there, saying why);
#  5. the modules build with W=1 and no warning against Debian's stock 6.1
#     headers, and goalloc loads, works and unloads on the stock kernel;
#  6. on 6.12, 7.3 and 6.1, goalloc's kselftests (selftests/goalloc/: a
#     kselftest_module.h test module, kselftest_harness.h tests that drive
#     and misuse goalloc from user space, the tracepoints read back, and
#     tools/goallocstat) build warning-free and sparse-clean and pass;
#  7. on 6.12, 7.3 and 6.1, the kernel's own lib/test_meminit.c (each
#     kernel's, and on 6.12 lib/overflow_kunit.c) built unedited through
#     include/goalloc_compat.h passes with goalloc serving it, and so does
#     tools/compat/'s selftest.
# Every module build is also run through sparse (C=1), which must be
# silent.
#
# Every result is a line "ok - NAME" or "not ok - NAME" in
# build/results.txt; the last line printed is "N passed, N failed".  Guest
# logs are kept in build/logs/.
. "$(dirname "$0")/lib.sh"

ensure_packages
mkdir -p "$GOALLOC_OUT/logs"
results=$GOALLOC_OUT/results.txt
: >"$results"

record() { # record PASSED(0|1) NAME
	if [ "$1" -eq 0 ]; then
		echo "ok - $2" | tee -a "$results"
	else
		echo "not ok - $2" | tee -a "$results"
	fi
}

# run NAME COMMAND...: record whether COMMAND succeeded.
run() {
	local name=$1 rc=0
	shift
	"$@" || rc=1
	record $rc "$name"
	return $rc
}

# check_guest KERNEL SCRIPT LOG NAME [guestlog.py options] -- [qemu.sh
# options]: boot and judge (tools/lib.sh guest), the serial log kept as
# build/logs/LOG.log and the verdict recorded under NAME.
check_guest() {
	local kernel=$1 script=$2 logfile=$GOALLOC_OUT/logs/$3.log gname=$4
	shift 4
	guest "$kernel" "$script" "$logfile" "$gname" --results "$results" "$@" |
		grep -v '^ok' || true
}

# kselftests KDIR KERNEL MODS TAG LABEL [qemu.sh options]: build
# selftests/goalloc/ against KDIR (W=1, then sparse), boot KERNEL with
# goalloc's modules MODS and run them (tools/guest/check-ksft.sh).
kselftests() {
	local kdir=$1 kernel=$2 mods=$3 tag=$4 label=$5 ksft
	local name="the kselftests build with W=1 and no warning ($label)"
	shift 5
	if ! ksft=$(tools/ksft-build.sh "$kdir" "$mods" \
		"$GOALLOC_OUT/$tag-ksft"); then
		record 1 "$name"
		return
	fi
	record 0 "$name"
	run "sparse (C=1) finds nothing in the kselftests ($label)" \
		tools/ksft-build.sh "$kdir" "$mods" "$GOALLOC_OUT/$tag-ksft-sparse" \
		C=1 >/dev/null || true
	log "booting $label for the kselftests"
	check_guest "$kernel" tools/guest/check-ksft.sh "ksft-$tag" \
		"kselftest $label" --ktap --prefix "kselftest $label: " -- \
		-m "$mods" -f "$ksft/ksft.tar" "$@"
}

# goalloc_modules KDIR TAG VERSION KIND: goalloc's modules built against
# KDIR into build/TAG (W=1, no warning), then again through sparse, each
# recorded; sets mods to the built tree.
goalloc_modules() {
	local kdir=$1 tag=$2 ver=$3 kind=$4
	local name="modules build with W=1 and no warning on $ver ($kind)"
	if ! mods=$(tools/goalloc-build.sh "$kdir" "$GOALLOC_OUT/$tag"); then
		record 1 "$name"
		return 1
	fi
	record 0 "$name"
	run "sparse (C=1) finds nothing on $ver" \
		tools/goalloc-build.sh "$kdir" "$GOALLOC_OUT/$tag-sparse" C=1 \
		>/dev/null || true
}

# user_modules KDIR MODS TAG VERSION: the modules of tools/ that call
# goalloc as a user's module would (torture, fuzz, bench) built against
# KDIR into build/TAG-<name> with W=1 and no warning, then through sparse,
# each kernel's result recorded once.
user_modules() {
	local kdir=$1 mods=$2 tag=$3 ver=$4 m rc=0 rcs=0
	for m in torture fuzz bench; do
		tools/user-build.sh "tools/$m" "$kdir" "$mods" \
			"$GOALLOC_OUT/$tag-$m" >/dev/null || rc=1
		tools/user-build.sh "tools/$m" "$kdir" "$mods" \
			"$GOALLOC_OUT/$tag-$m-sparse" C=1 >/dev/null || rcs=1
	done
	record $rc "torture, fuzz and bench modules build with W=1 and no warning on $ver"
	record $rcs "sparse (C=1) finds nothing in torture, fuzz and bench on $ver"
}

# compat KDIR KERNEL MODS TAG LABEL TREE CFLAGS [SOURCE.c] -- [qemu.sh
# options]: TREE's lib/test_meminit.c (with COMPAT_CFLAGS=CFLAGS) and
# tools/compat/'s selftest built unedited through goalloc_compat.h, W=1
# and sparse-clean, then SOURCE.c (W=1 only), each into
# build/TAG-compat/<name>; then KERNEL booted with them, under
# init_on_alloc=1 as test_meminit expects.
compat() {
	local kdir=$1 kernel=$2 mods=$3 tag=$4 label=$5 tree=$6 cflags=$7
	local cout=$GOALLOC_OUT/$4-compat extra=""
	local name="modules build unedited through goalloc_compat.h ($label)"
	shift 7
	[ "${1:-}" = -- ] || { extra=$1; shift; }
	shift
	if ! COMPAT_CFLAGS=$cflags tools/compat-build.sh -s "$kdir" "$mods" \
		"$cout/meminit" "$tree/lib/test_meminit.c" >/dev/null ||
		! tools/compat-build.sh -s -n goalloc_compat_selftest "$kdir" \
			"$mods" "$cout/selftest" tools/compat/compat_selftest*.c \
			>/dev/null ||
		{ [ -n "$extra" ] && ! tools/compat-build.sh "$kdir" "$mods" \
			"$cout/extra" "$extra" >/dev/null; }; then
		record 1 "$name"
		return
	fi
	record 0 "$name"
	log "booting $label for goalloc_compat.h"
	check_guest "$kernel" tools/guest/compat-meminit.sh "$tag-compat" \
		"goalloc_compat.h $label" --ktap \
		--prefix "goalloc_compat.h $label: " -- -m "$mods" -m "$cout" \
		-a "init_on_alloc=1" "$@"
}

cd "$GOALLOC_TOP"
run "size-class header is tools/mksizeclasses.py's output and Go's table" \
	python3 tools/mksizeclasses.py --check include/goalloc_sizeclasses.h || true

# Kernel style, from the 6.12 tree: checkpatch --strict with no error or
# warning on every C source and header, kernel-doc clean on the API.
src=$(kernel_source)
checkpatch_clean() {
	local f out rc=0 ignore
	for f in $(git ls-files '*.c' '*.h'); do
		ignore=SPDX_LICENSE_TAG,FILE_PATH_CHANGES
		# The one place where goalloc tests kernel versions (out of
		# tree, it spans 6.1 to 7.3): LINUX_VERSION_CODE is its job.
		case "$f" in
		goalloc_kcompat.h | include/goalloc.h)
			ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
		esac
		out=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse \
			--ignore "$ignore" -f "$f" |
			grep -E ': (ERROR|WARNING):' || true)
		[ -z "$out" ] || { echo "$out"; rc=1; }
	done
	return $rc
}
kerneldoc_clean() {
	local out
	out=$(perl "$src/scripts/kernel-doc" -none -Wall include/goalloc.h 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
run "checkpatch --strict: no error or warning" checkpatch_clean || true
run "kernel-doc -Wall include/goalloc.h: no warning" kerneldoc_clean || true

# The debug kernel: every KUnit suite.
if kdir=$(tools/kernel.sh debug); then
	if goalloc_modules "$kdir" debug 6.12 debug; then
		bz=$kdir/arch/x86/boot/bzImage
		user_modules "$kdir" "$mods" debug 6.12
		log "booting the debug kernel (KUnit, KASAN, lockdep)"
		check_guest "$bz" tools/guest/check-debug.sh debug "debug 6.12" \
			--ktap -- -m "$mods" -a "kasan_multi_shot" -t 1200
		# Again with every cache in debug mode (poison, red zone,
		# stacks), and with init_on_alloc, which test_meminit expects
		# and constructed objects must survive.
		log "booting the debug kernel again with goalloc.debug=1"
		echo "debug=1" >"$GOALLOC_OUT/goalloc.params"
		check_guest "$bz" tools/guest/check-debug.sh debug-poison \
			"debug 6.12, goalloc.debug=1" --ktap \
			--prefix "goalloc.debug=1: " -- -m "$mods" \
			-f "$GOALLOC_OUT/goalloc.params" \
			-a "kasan_multi_shot init_on_alloc=1" -t 1200
		# Again with init_on_free alone (no init_on_alloc, so that the
		# meminit suite sees what the free zeroed): every object freed
		# is zeroed, tiny ones and debug caches' too.
		log "booting the debug kernel again with init_on_free=1"
		check_guest "$bz" tools/guest/check-debug.sh debug-init-on-free \
			"debug 6.12, init_on_free=1" --ktap \
			--prefix "init_on_free=1: " -- -m "$mods" \
			-a "kasan_multi_shot init_on_free=1" -t 1200
		# A short torture round: every context, fault injection, hotplug.
		name="the torture module builds with W=1 and no warning (debug)"
		if tdir=$(tools/user-build.sh tools/torture "$kdir" "$mods" \
			"$GOALLOC_OUT/debug-torture"); then
			record 0 "$name"
			log "booting the debug kernel for a short torture round"
			check_guest "$bz" tools/guest/torture-short.sh torture \
				"torture debug 6.12" --ktap -- -m "$mods" \
				-m "$tdir" -c 4 -t 600
			grep -E '(torture|stress|pressure): ' \
				"$GOALLOC_OUT/logs/torture.log" | tr -d '\r' || true
			# kmemleak finds goalloc objects forgotten on purpose.
			log "booting the debug kernel with kmemleak=on"
			check_guest "$bz" tools/guest/kmemleak.sh kmemleak \
				"kmemleak debug 6.12" -- -m "$mods" -m "$tdir" \
				-a "kmemleak=on" -t 600
			grep -E '^kmemleak: ' "$GOALLOC_OUT/logs/kmemleak.log" |
				tr -d '\r' || true
			# rmmod goalloc as its background release comes due
			# (25 rounds, about a minute), and the shrinker giving
			# back what only a drain frees.
			log "booting the debug kernel for the rmmod race"
			check_guest "$bz" tools/guest/rmmod-race.sh rmmod-race \
				"rmmod race debug 6.12" --ktap -- -m "$mods" \
				-m "$tdir" -a "kasan_multi_shot" -t 300
			log "booting the debug kernel for the shrinker"
			check_guest "$bz" tools/guest/shrinker.sh shrinker \
				"shrinker debug 6.12" --ktap -- -m "$mods" \
				-m "$tdir" -a "kasan_multi_shot" -t 300
			grep -E '^(shrinker|rmmod-race): ' \
				"$GOALLOC_OUT/logs/shrinker.log" \
				"$GOALLOC_OUT/logs/rmmod-race.log" -h |
				tr -d '\r' || true
		else
			record 1 "$name"
		fi
		# A short round of the misuse fuzzer: valid use and every
		# misuse from every context against a model, under KASAN and
		# lockdep (about 20 s of fuzzing; FUZZ_SEED= repeats a seed).
		name="the fuzz module builds with W=1 and no warning (debug)"
		if fdir=$(tools/user-build.sh tools/fuzz "$kdir" "$mods" \
			"$GOALLOC_OUT/debug-fuzz"); then
			record 0 "$name"
			printf 'FUZZ_SECONDS=20\nFUZZ_SEED=%s\n' \
				"${FUZZ_SEED:-0}" >"$GOALLOC_OUT/fuzz.conf"
			log "booting the debug kernel for a short fuzz round"
			check_guest "$bz" tools/guest/fuzz-short.sh fuzz \
				"fuzz debug 6.12" --ktap -- -m "$mods" \
				-m "$fdir" -f "$GOALLOC_OUT/fuzz.conf" \
				-a "kasan_multi_shot" -c 4 -t 600
			grep -E 'goalloc_fuzz: (seed|divergence|misuse)|^fuzz: ' \
				"$GOALLOC_OUT/logs/fuzz.log" | tr -d '\r' |
				sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' | head -n 12 || true
		else
			record 1 "$name"
		fi
		# The kselftests (selftests/goalloc/): the test module's
		# checks, goalloc driven and misused from user space, the
		# tracepoints read back, goallocstat.
		kselftests "$kdir" "$bz" "$mods" debug "debug 6.12" -t 600
		# include/goalloc_compat.h: the kernel's own lib/test_meminit.c
		# and lib/overflow_kunit.c and tools/compat/'s selftest, built
		# unedited through it (W=1; sparse too but on overflow_kunit.c,
		# whose deliberate truncations sparse reports).
		compat "$kdir" "$bz" "$mods" debug "debug 6.12" "$src" "" \
			"$src/lib/overflow_kunit.c" -- -t 600
	fi
else
	record 1 "the debug kernel builds"
fi

# Linux 7.3 (SLUB with sheaves; lockdep checks raw-lock nesting, the
# rules of PREEMPT_RT, on every kernel): goalloc and its test modules
# build warning-free and sparse-clean, and on the debug kernel every KUnit
# suite passes, the kselftests pass, and so does 7.3's own
# lib/test_meminit.c through goalloc_compat.h.
if kdir=$(tools/kernel.sh debug 7.3) && src73=$(kernel_source 7.3); then
	if goalloc_modules "$kdir" debug-7.3 7.3 debug; then
		bz=$kdir/arch/x86/boot/bzImage
		user_modules "$kdir" "$mods" debug-7.3 7.3
		log "booting the 7.3 debug kernel (KUnit, KASAN, lockdep)"
		check_guest "$bz" tools/guest/check-debug.sh debug-7.3 \
			"debug 7.3" --ktap --prefix "7.3: " -- -m "$mods" \
			-a "kasan_multi_shot" -t 1200
		kselftests "$kdir" "$bz" "$mods" debug-7.3 "debug 7.3" -t 600
		compat "$kdir" "$bz" "$mods" debug-7.3 "debug 7.3" "$src73" "" \
			-- -t 600
	fi
else
	record 1 "the 7.3 debug kernel builds"
fi

# PREEMPT_RT (7.3), where spinlocks and local locks sleep and no hard-IRQ
# context may allocate: every KUnit suite passes under lockdep and the
# atomic-sleep checks (the hard-IRQ cases skip, saying why).
if kdir=$(tools/kernel.sh rt 7.3); then
	if goalloc_modules "$kdir" rt-7.3 "7.3 PREEMPT_RT" rt; then
		log "booting the PREEMPT_RT debug kernel (KUnit, lockdep)"
		check_guest "$kdir/arch/x86/boot/bzImage" \
			tools/guest/check-debug.sh debug-rt "debug 7.3 PREEMPT_RT" \
			--ktap --prefix "PREEMPT_RT: " -- -m "$mods" \
			-a "kasan_multi_shot" -t 1200
	fi
else
	record 1 "the PREEMPT_RT debug kernel builds"
fi

# Debian's stock kernel: build against its headers, load, unload.
stock=$(stock_release)
if goalloc_modules "/lib/modules/$stock/build" stock "$stock" stock; then
	user_modules "/lib/modules/$stock/build" "$mods" stock "$stock"
	vmlinuz=/boot/vmlinuz-$stock
	log "booting Debian's $stock"
	check_guest "$vmlinuz" tools/guest/check-stock.sh stock "stock $stock" -- \
		-m "$mods" -M 1024 -t 600
	# The kselftests on the stock kernel too, and goallocstat's table.
	kselftests "/lib/modules/$stock/build" "$vmlinuz" "$mods" stock \
		"stock $stock" -M 1024 -t 600
	sed -n '/^# goallocstat/,/^Module/p' "$GOALLOC_OUT/logs/ksft-stock.log" \
		2>/dev/null | head -n 16 | tr -d '\r' || true
	# test_meminit.c and the selftest through goalloc_compat.h on 6.1.
	# The 6.12 test counts page orders with NR_PAGE_ORDERS, which 6.1
	# calls MAX_ORDER (orders 0 to MAX_ORDER - 1 in both).
	compat "/lib/modules/$stock/build" "$vmlinuz" "$mods" stock \
		"stock $stock" "$src" -DNR_PAGE_ORDERS=MAX_ORDER -- -M 1024 -t 600
fi

passed=$(grep -c '^ok' "$results" || true)
failed=$(grep -c '^not ok' "$results" || true)
[ "$failed" -eq 0 ] || {
	echo "failures (guest logs in $GOALLOC_OUT/logs/):"
	grep '^not ok' "$results"
}
skipped=$(grep -c '^ok .*# SKIP' "$results" || true)
echo "skipped, and counted as passed: $skipped (\"# SKIP\" in $results; the guest logs give each reason)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
