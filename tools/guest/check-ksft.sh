# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Runs in the guest, on the debug 6.12 kernel and on Debian's stock 6.1:
# goalloc's kselftests (selftests/goalloc/, installed by
# tools/ksft-build.sh into ksft.tar) as kselftest runs them, through its
# run_kselftest.sh, after loading goalloc and the example client; then
# goallocstat's table with a cache of the test module's in it.
#
# The kselftests load test_goalloc.ko with modprobe (kselftest/module.sh
# does), so the modules go where modprobe looks, /lib/modules/<release>,
# with a modules.dep from busybox's depmod.  kselftest's runner writes to
# /dev/stdout, which a bare devtmpfs lacks, and kselftest/module.sh asks
# modprobe for a dry run (-n), which busybox's modprobe lacks: a wrapper
# answers it from modules.dep.  The TAP output is written to
# a file and printed afterwards, so that kernel messages (goalloc's misuse
# reports, which the tests provoke on purpose) do not break its lines.
# The exit status is 0 when every test passed and goalloc unloaded.
status=0
release=$(uname -r)
mkdir -p /sbin "/lib/modules/$release" /tmp/ksft
cat >/sbin/modprobe <<'WRAPPER'
#!/bin/sh
case " $* " in
*" -n "*)
	for m; do :; done
	grep -qE "(^|/)$m.ko:" "/lib/modules/$(uname -r)/modules.dep"
	exit ;;
esac
exec /bin/busybox modprobe "$@"
WRAPPER
chmod +x /sbin/modprobe
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
tar -xf ksft.tar -C /tmp/ksft
cp ./*.ko /tmp/ksft/goalloc/test_modules/*.ko "/lib/modules/$release/"
depmod
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# shellcheck disable=SC2046 # goalloc.params holds module parameters
insmod goalloc.ko $(cat goalloc.params 2>/dev/null) || exit 1
client=0
if [ -f goalloc_client.ko ] && insmod goalloc_client.ko; then
	client=1
fi

# Appending: the runner reopens /dev/stdout for the tests' output.
: >/tmp/ksft.tap
/tmp/ksft/run_kselftest.sh >>/tmp/ksft.tap 2>&1
cat /tmp/ksft.tap
grep -q '^not ok' /tmp/ksft.tap && status=1
grep -q '^ok' /tmp/ksft.tap || status=1

# goallocstat: the caches, with one of test_goalloc's holding objects.
ctl=/sys/kernel/debug/test_goalloc/ctl
if [ ! -e /sys/kernel/debug/goalloc/caches ]; then
	echo "# goallocstat: this goalloc has no debugfs caches file"
elif modprobe test_goalloc; then
	echo "create 0 ksft_demo 200 0" >$ctl
	echo "alloc 0 0 1000" >$ctl
	echo "# goallocstat -s active"
	/tmp/ksft/goalloc/goallocstat -s active || status=1
	echo "free 0 1000" >$ctl
	echo "destroy 0" >$ctl
	rmmod test_goalloc || status=1
else
	status=1
fi

lsmod
[ $client -eq 1 ] && { rmmod goalloc_client || status=1; }
rmmod goalloc || status=1
exit $status
