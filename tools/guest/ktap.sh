# shellcheck shell=sh
# Sourced by the guest scripts (tools/qemu.sh copies it beside them into
# the guest's /lib/goalloc/): the KTAP that tools/guestlog.py judges.

# ktap_one SUITE CASE STATUS: a suite of one case, "ok" when STATUS is 0.
ktap_one() {
	r="ok"
	[ "$3" -eq 0 ] || r="not ok"
	echo "KTAP version 1"
	echo "1..1"
	echo "    KTAP version 1"
	echo "    # Subtest: $1"
	echo "    1..1"
	echo "    $r 1 $2"
	echo "$r 1 $1"
}
