# SPDX-License-Identifier: GPL-2.0
#
# colo_compare: colo_compare.ko, coloctl, m_colo.so, tests and install.
#
#   make                  build everything (module for KERNELRELEASE/KDIR)
#   make deps             install the Debian packages the build and tests need
#   make check            unit tests, static checks, VM selftests (KVER=...;
#                         KVERS="6.1 6.12 6.12-rt": the VM suites on each)
#   make check-build      build the module against every installed header set
#   make bench            frames/s, latency, memory per flow vs gact and QEMU (VM)
#                         and instructions per pair (callgrind): bench/results.json
#   make fuzz             libFuzzer on parse.c/compare.c (tools/fuzz, FUZZ_TIME=s)
#   make check-debug      VM smoke suites under a KASAN/lockdep/kmemleak kernel (opt-in)
#   make check-debug-prove  the same kernel catches one fault of each kind
#   make demo             boot the test VM and show the COLO topology working
#   make replay TRACE=file.json|DIR [OUT=DIR2] [REPLAY_ARGS=--auto-checkpoint]
#                         replay traces through a group in the test VM (tools/colo-replay)
#   make install          module (+depmod), coloctl, tc plugin, man pages
#   make uninstall        undo install
#   make dkms-install     copy the module sources to /usr/src for dkms

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# The test VM's default kernel: the newest installed 6.1 headers of Debian's
# standard flavour (not -rt/-cloud).
ALL_KVERS := $(shell ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
DEFAULT_KVER := $(lastword $(filter-out %-rt-amd64 %-cloud-amd64,$(filter 6.1.%,$(ALL_KVERS))))

# Kernel to build the module for: the running kernel's headers, else the
# default VM kernel, else the newest installed /lib/modules/*/build.
ifeq ($(origin KDIR),undefined)
  ifeq ($(origin KERNELRELEASE),undefined)
    KERNELRELEASE := $(shell uname -r)
    ifeq ($(wildcard /lib/modules/$(KERNELRELEASE)/build),)
      RUNNING := $(KERNELRELEASE)
      KERNELRELEASE := $(or $(DEFAULT_KVER),$(lastword $(ALL_KVERS)))
      ifeq ($(filter deps moddir,$(MAKECMDGOALS)),)
        $(info colo_compare: no headers for the running kernel $(RUNNING); using $(or $(KERNELRELEASE),none))
      endif
    endif
  endif
  KDIR := /lib/modules/$(KERNELRELEASE)/build
else
  KERNELRELEASE ?= $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
endif

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DEPMOD ?= depmod
INSTALL_MOD_DIR ?= extra
export PREFIX SBINDIR MANDIR DESTDIR

.PHONY: bench all module moddir coloctl plugin deps check check-build check-debug check-debug-prove fuzz demo replay install \
	uninstall dkms-install clean clean-module

all: module coloctl plugin

# Where the module is built: the default VM kernel's in the tree
# (./colo_compare.ko, what the selftests load), any other kernel's in
# build/KERNELRELEASE/ over symlinks to the sources, so that modules for
# several kernels coexist and building one never replaces another's objects.
# MODDIR=. forces the tree (dkms.conf: dkms expects ./colo_compare.ko).
ifeq ($(origin MODDIR),undefined)
  MODDIR := $(if $(filter $(DEFAULT_KVER),$(KERNELRELEASE)),.,build/$(KERNELRELEASE))
endif
MODDIR_ABS := $(abspath $(MODDIR))

# kbuild is slow to even find nothing to do (a minute in the test VM):
# only enter it when a source changed or the target kernel did.
MODULE_SRCS := Kbuild dkms.conf $(wildcard colo_compare/*.[ch]) \
	       $(wildcard include/uapi/linux/*.h include/uapi/linux/tc_act/*.h)
ifeq ($(MODDIR_ABS),$(CURDIR))
  MODULE_STAMP := build/.module-$(KERNELRELEASE)
else
  MODULE_STAMP := $(MODDIR)/.module-$(KERNELRELEASE)
endif

module: $(MODULE_STAMP)

$(MODULE_STAMP): $(MODULE_SRCS)
	@test -d "$(KDIR)" || { echo "colo_compare: no kernel headers at $(KDIR) (try: make deps)" >&2; exit 1; }
ifneq ($(MODDIR_ABS),$(CURDIR))
	@mkdir -p $(MODDIR)/colo_compare
	@for f in Kbuild dkms.conf include $(wildcard colo_compare/*.[ch]); do \
		ln -sfn $(CURDIR)/$$f $(MODDIR)/$$f || exit 1; done
endif
	$(MAKE) -C $(KDIR) M=$(MODDIR_ABS) modules
	@mkdir -p $(dir $@) && rm -f $(dir $@).module-* && touch $@

# the directory of the module for KERNELRELEASE (used by tools/check.sh)
moddir:
	@echo $(MODDIR_ABS)

coloctl:
	$(MAKE) -C colo_ctl

plugin:
	$(MAKE) -C tools/tc

bench:
	bash tools/bench/bench.sh $(if $(QUICK),--quick)

deps:
	bash tools/deps.sh $(foreach k,$(KVER) $(KVERS),--kver $(k))

check:
	bash tools/check.sh $(KVER) $(KVERS)

check-build:
	bash tools/check-build.sh

fuzz:
	$(MAKE) -C tools/fuzz fuzz

# opt-in: VM smoke suites under a KASAN/lockdep/kmemleak kernel (built once, ~35 min)
check-debug:
	bash tools/debug-kernel/check.sh

# that check-debug sees each kind of report (a module with one fault of each)
check-debug-prove:
	bash tools/debug-kernel/check.sh --prove

demo: deps
	bash tools/demo.sh $(KVER)

replay: all
	@test -n "$(TRACE)" || { echo "usage: make replay TRACE=file.json|DIR [OUT=DIR2] [REPLAY_ARGS=...]" >&2; exit 2; }
	bash tools/colo-replay-vm $(if $(KVER),--kver $(KVER)) "$(TRACE)" $(if $(OUT),--out "$(OUT)") $(REPLAY_ARGS)

install: all
	$(MAKE) -C $(KDIR) M=$(MODDIR_ABS) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(DEPMOD) -b "$(or $(DESTDIR),/)" -a $(KERNELRELEASE)
	$(MAKE) -C colo_ctl install
	$(MAKE) -C tools/tc install
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 Documentation/man/tc-colo.8 $(DESTDIR)$(MANDIR)/man8/

# modules_install compresses the module where the kernel's are (6.12: .ko.xz)
INSTALLED_KO = $(DESTDIR)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)/colo_compare.ko
uninstall:
	rm -f $(foreach z,.xz .zst .gz,$(INSTALLED_KO)$(z)) $(INSTALLED_KO)
	$(DEPMOD) -b "$(or $(DESTDIR),/)" -a $(KERNELRELEASE)
	$(MAKE) -C colo_ctl uninstall
	$(MAKE) -C tools/tc uninstall
	rm -f $(DESTDIR)$(MANDIR)/man8/tc-colo.8

dkms-install:
	install -d $(DESTDIR)/usr/src/colo_compare-$(VERSION)
	cp -r Kbuild Makefile dkms.conf colo_compare include \
		$(DESTDIR)/usr/src/colo_compare-$(VERSION)/

clean-module:
	$(MAKE) -C $(KDIR) M=$(MODDIR_ABS) clean
	rm -f $(MODULE_STAMP)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C colo_ctl clean
	$(MAKE) -C tools/tc clean
	rm -rf build
