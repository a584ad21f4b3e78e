# SPDX-License-Identifier: GPL-2.0
#
# goalloc's driver: kernels, QEMU and tests.  What kbuild needs to build
# the modules is in Kbuild; this file only calls it.
#
#   make                 build the modules for KDIR (your running kernel)
#   make install         install them for KDIR's kernel (see dkms.conf too)
#   make check           every test: KUnit on the debug kernel under QEMU,
#                        the stock Debian kernel smoke test, the checks
#   make run             boot the perf kernel, load goalloc, show its state
#                        (RUN_KERNEL="debug 7.3": another of tools/kernel.sh's
#                        kernels; RUN_MODULES=DIR: your .ko files too)
#   make bench           goalloc against SLUB on the perf kernels of 6.12
#                        and 7.3: a table and build/bench.json
#                        (TRACE=FILE replays another trace)
#   make stress          goalloc_torture on the perf kernel with fault
#                        injection, CPU hotplug and memory pressure
#                        (STRESS_SECONDS=90 FAIL_PROBABILITY=25
#                        HOTPLUG_CYCLES=30 PRESSURE_MB=256 STRESS_CPUS=4),
#                        then the misuse fuzzer (FUZZ_SECONDS=60 FUZZ_SEED=0)
#   make sizeclasses     regenerate include/goalloc_sizeclasses.h
#   make kernels         build (or reuse) every guest kernel
#   make deps            install the Debian packages the rig needs

KDIR ?= /lib/modules/$(shell uname -r)/build
# The release KDIR builds for: from its path when it is a /lib/modules one
# (a distribution's headers may not know their own release), else asked.
KRELEASE ?= $(if $(filter /lib/modules/%/build,$(KDIR)),$(notdir \
	$(patsubst %/build,%,$(KDIR))),$(shell $(MAKE) -s -C $(KDIR) kernelrelease))

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Install goalloc.ko (and the KUnit module, where the kernel has KUnit) into
# /lib/modules/<release>/updates, then run depmod.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KRELEASE)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

check:
	FUZZ_SEED="$(FUZZ_SEED)" tools/check.sh

run:
	RUN_KERNEL="$(RUN_KERNEL)" RUN_MODULES="$(RUN_MODULES)" tools/run.sh

bench:
	TRACE="$(TRACE)" tools/bench.sh

stress:
	STRESS_SECONDS="$(STRESS_SECONDS)" FAIL_PROBABILITY="$(FAIL_PROBABILITY)" \
	HOTPLUG_CYCLES="$(HOTPLUG_CYCLES)" PRESSURE_MB="$(PRESSURE_MB)" \
	STRESS_CPUS="$(STRESS_CPUS)" TORTURE_ARGS="$(TORTURE_ARGS)" \
	FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_SEED="$(FUZZ_SEED)" \
	FUZZ_ARGS="$(FUZZ_ARGS)" tools/stress.sh

sizeclasses:
	tools/mksizeclasses.py -o include/goalloc_sizeclasses.h

kernels: deps
	tools/kernel.sh debug
	tools/kernel.sh perf
	tools/kernel.sh debug 7.3
	tools/kernel.sh perf 7.3
	tools/kernel.sh rt 7.3

deps:
	bash -c '. tools/lib.sh && ensure_packages'

.PHONY: all modules install clean check run bench stress sizeclasses kernels deps
