#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-kernel half of goalloc's kselftests: load test_goalloc.ko, whose
# init runs its kselftest_module.h checks of goalloc's API and fails the
# load if any fails, and unload it, through the kernel's own
# kselftest/module.sh (modprobe, so goalloc.ko and test_goalloc.ko must be
# where modprobe finds them, with goalloc loaded or loadable).  Installed,
# kselftest/ is beside this directory; run in place (make run_tests), it is
# the kernel tree's, KSFT_DIR.
ksft=$(dirname "$0")/../kselftest
[ -x "$ksft/module.sh" ] || ksft=$KSFT_DIR/kselftest
"$ksft/module.sh" "goalloc" test_goalloc
