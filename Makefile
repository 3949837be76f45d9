# SPDX-License-Identifier: GPL-2.0
#
# colo_compare: colo_compare.ko, coloctl, m_colo.so, tests and install.
#
#   make                  build everything (module for KERNELRELEASE/KDIR)
#   make deps             install the Debian packages the build and tests need
#   make check            unit tests, static checks, VM selftests (KVER=...)
#   make check-build      build the module against every installed header set
#   make demo             boot the test VM and show the COLO topology working
#   make install          module (+depmod), coloctl, tc plugin, man pages
#   make uninstall        undo install
#   make dkms-install     copy the module sources to /usr/src for dkms

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# Kernel to build the module for: the running kernel's headers, else the
# newest installed /lib/modules/*/build.
ifeq ($(origin KDIR),undefined)
  ifeq ($(origin KERNELRELEASE),undefined)
    KERNELRELEASE := $(shell uname -r)
    ifeq ($(wildcard /lib/modules/$(KERNELRELEASE)/build),)
      RUNNING := $(KERNELRELEASE)
      KERNELRELEASE := $(shell ls -d /lib/modules/*/build 2>/dev/null | \
			  cut -d/ -f4 | sort -V | tail -n 1)
      ifneq ($(MAKECMDGOALS),deps)
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

.PHONY: all module coloctl plugin deps check check-build demo install \
	uninstall dkms-install clean clean-module

all: module coloctl plugin

# kbuild is slow to even find nothing to do (a minute in the test VM):
# only enter it when a source changed or the target kernel did.
MODULE_SRCS := Kbuild dkms.conf $(wildcard colo_compare/*.[ch]) \
	       $(wildcard include/uapi/linux/*.h include/uapi/linux/tc_act/*.h)
MODULE_STAMP := build/.module-$(KERNELRELEASE)

module: $(MODULE_STAMP)

$(MODULE_STAMP): $(MODULE_SRCS)
	@test -d "$(KDIR)" || { echo "colo_compare: no kernel headers at $(KDIR) (try: make deps)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@mkdir -p build && rm -f build/.module-* && touch $@

coloctl:
	$(MAKE) -C colo_ctl

plugin:
	$(MAKE) -C tools/tc

deps:
	bash tools/deps.sh $(if $(KVER),--kver $(KVER))

check:
	bash tools/check.sh $(KVER)

check-build:
	bash tools/check-build.sh

demo: deps
	bash tools/demo.sh $(KVER)

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(DEPMOD) -b "$(or $(DESTDIR),/)" -a $(KERNELRELEASE)
	$(MAKE) -C colo_ctl install
	$(MAKE) -C tools/tc install
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 Documentation/man/tc-colo.8 $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)/colo_compare.ko
	$(DEPMOD) -b "$(or $(DESTDIR),/)" -a $(KERNELRELEASE)
	$(MAKE) -C colo_ctl uninstall
	$(MAKE) -C tools/tc uninstall
	rm -f $(DESTDIR)$(MANDIR)/man8/tc-colo.8

dkms-install:
	install -d $(DESTDIR)/usr/src/colo_compare-$(VERSION)
	cp -r Kbuild Makefile dkms.conf colo_compare include \
		$(DESTDIR)/usr/src/colo_compare-$(VERSION)/

clean-module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f build/.module-*

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C colo_ctl clean
	$(MAKE) -C tools/tc clean
	rm -rf build
