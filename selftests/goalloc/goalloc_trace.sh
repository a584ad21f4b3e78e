#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# goalloc's tracepoints (system "goalloc" in tracefs) are enabled and read
# back: the test module (test_goalloc.ko) makes goalloc allocate and free
# ten objects of a cache of its own, then megabytes that need fresh arenas,
# then gives everything back; each event must show up with its fields
# (goalloc_alloc and goalloc_free exactly ten times for the cache), and no
# goalloc event may appear once the events are disabled.  KTAP on stdout,
# through the kernel's kselftest/ktap_helpers.sh.  Skips when the kernel
# has no tracefs or goalloc no tracepoints.
# kselftest/ is beside this directory once installed, else KSFT_DIR's.
ksft=$(dirname "$0")/../kselftest
[ -f "$ksft/ktap_helpers.sh" ] || ksft=$KSFT_DIR/kselftest
# shellcheck source=/dev/null
. "$ksft/ktap_helpers.sh"

T=/sys/kernel/tracing
CTL=/sys/kernel/debug/test_goalloc/ctl
EVENTS="goalloc_alloc goalloc_free goalloc_span_alloc goalloc_span_free
	goalloc_arena_alloc goalloc_arena_free"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

ktap_print_header
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
if [ ! -d $T/events ]; then
	ktap_skip_all "no tracefs at $T"
	exit "$KSFT_SKIP"
fi
if [ ! -d $T/events/goalloc ]; then
	ktap_skip_all "goalloc has no tracepoints ($T/events/goalloc)"
	exit "$KSFT_SKIP"
fi
loaded=0
if [ ! -e $CTL ] && modprobe -q test_goalloc; then
	loaded=1
fi
if [ ! -e $CTL ]; then
	ktap_skip_all "test_goalloc is not loaded"
	exit "$KSFT_SKIP"
fi

ctl() { echo "$*" >$CTL || ktap_print_msg "command failed: $*"; }
set_events() {
	for e in $EVENTS; do
		echo "$1" >"$T/events/goalloc/$e/enable"
	done
}

ktap_set_plan 8
# Start from no free arena, so that the megabytes below need new ones.
ctl reclaim
echo 0 >$T/tracing_on
echo >$T/trace
set_events 1
echo 1 >$T/tracing_on
ctl create 0 ksft_trace 256 0
ctl alloc 0 0 10
ctl free 0 10
ctl destroy 0
ctl malloc 0 12 1048576
ctl free 0 12
ctl reclaim
echo 0 >$T/tracing_on
set_events 0
cat $T/trace >"$OUT"

expect() { # DESCRIPTION COUNT PATTERN: COUNT lines match (COUNT + : at least)
	n=$(grep -cE "$3" "$OUT")
	case "$2" in
	*+) ok=$([ "$n" -ge "${2%+}" ] && echo 1) ;;
	*) ok=$([ "$n" -eq "$2" ] && echo 1) ;;
	esac
	if [ -n "$ok" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$n lines match $3, expected $2"
		ktap_test_fail "$1"
	fi
}

expect "goalloc_alloc: ten objects of the cache" 10 \
	'goalloc_alloc: call_site=.* ptr=.* bytes_req=[0-9]+ bytes_alloc=256 gfp_flags=[^ ]+ cache=ksft_trace$'
expect "goalloc_free: ten objects of the cache" 10 \
	'goalloc_free: call_site=.* ptr=.* cache=ksft_trace$'
expect "goalloc_alloc: twelve 1 MiB objects" 12 \
	'goalloc_alloc: call_site=.* bytes_req=1048576 bytes_alloc=[0-9]+ gfp_flags=[^ ]+ cache='
expect "goalloc_span_alloc: the cache's span" 1+ \
	'goalloc_span_alloc: cache=ksft_trace base=.* pages=[1-9][0-9]* objects=[1-9][0-9]* node=[0-9]+$'
expect "goalloc_span_free: the cache's span, at destroy" 1+ \
	'goalloc_span_free: cache=ksft_trace base=.* pages=[1-9][0-9]*$'
expect "goalloc_arena_alloc: arenas for 12 MiB" 2+ \
	'goalloc_arena_alloc: base=.* bytes=[1-9][0-9]* node=[0-9]+$'
expect "goalloc_arena_free: arenas given back" 2+ \
	'goalloc_arena_free: base=.* bytes=[1-9][0-9]*$'

# Disabled, the events say nothing.
echo >$T/trace
echo 1 >$T/tracing_on
ctl malloc 0 10 64
ctl free 0 10
echo 0 >$T/tracing_on
cat $T/trace >"$OUT"
expect "disabled events are silent" 0 'goalloc_'

[ $loaded -eq 1 ] && rmmod test_goalloc
ktap_finished
