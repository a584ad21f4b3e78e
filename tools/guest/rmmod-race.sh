# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the debug guest: rmmod goalloc while its background release,
# armed by a client's frees and goalloc_reclaim() a second before, comes
# due (issue 10, item 7: the release used to run into a goalloc half torn
# down: a KASAN use-after-free in cache_drain(), then an Oops).  The
# release fires a second after the reclaim; rmmod itself takes about
# 0.2 s to reach goalloc's exit on this TCG guest, whose teardown then
# takes 0.1 to 0.3 s, so the sleeps between the client's unload and the
# rmmod sweep 0.50 to 0.98 s (25 rounds) to put every part of the
# teardown under the release at least once (the old code oopsed at 0.64 s).
# arena_reserve=0: every arena that falls free arms the release.
# tools/guestlog.py fails the log on any splat; the script prints one KTAP
# case, rmmod_race.rounds.
set -e
i=0
for d in 50 52 54 56 58 60 62 64 66 68 70 72 74 76 78 80 82 84 86 88 \
	90 92 94 96 98; do
	insmod goalloc.ko arena_reserve=0
	insmod goalloc_ballast.ko mib=4
	rmmod goalloc_ballast
	sleep "0.$d"
	rmmod goalloc
	i=$((i + 1))
done
echo "rmmod-race: $i rounds"
. ./ktap.sh
ktap_one rmmod_race rounds 0
