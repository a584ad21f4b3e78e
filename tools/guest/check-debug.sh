# Runs in the debug guest: load goalloc and run every KUnit suite.
# KUnit prints each module's KTAP document on the console as it loads.
set -e
insmod goalloc.ko
insmod goalloc_test.ko
rmmod goalloc_test
rmmod goalloc
