# Runs in the debug guest: load goalloc and run every KUnit suite.
# KUnit prints each module's KTAP document on the console as it loads.
set -e
# goalloc.params, if the host passed one, holds goalloc's module parameters.
# shellcheck disable=SC2046
insmod goalloc.ko $(cat goalloc.params 2>/dev/null)
insmod goalloc_test.ko
rmmod goalloc_test
rmmod goalloc
