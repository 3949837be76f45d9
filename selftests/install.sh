#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install / uninstall for real, in the VM: the module lands in
# /lib/modules with depmod, modprobe loads it, tc and genl autoload it,
# the tc plugin is found without TC_LIB_DIR.  /lib/modules and /usr are
# overlays on tmpfs here, so the host is never touched.
. "$(dirname "$0")/lib.sh"

[ -n "$COLO_IN_VM" ] || { echo "1..0 # SKIP only in the test VM (writes to /usr)"; exit $KSFT_SKIP; }
echo "TAP version 13"
KVER=$(uname -r)
PLUGIN_DIR=/usr/lib/$(gcc -print-multiarch)/tc
unset TC_LIB_DIR

overlay() {
	mkdir -p "/tmp/ov$1/upper" "/tmp/ov$1/work" &&
	mount -t overlay overlay \
		-o "lowerdir=$1,upperdir=/tmp/ov$1/upper,workdir=/tmp/ov$1/work" "$1"
}
cleanup() {
	modprobe -r colo_compare 2>/dev/null
	umount /usr 2>/dev/null
	umount /lib/modules 2>/dev/null
}
trap cleanup EXIT

rmmod colo_compare 2>/dev/null
t "writable /lib/modules and /usr for the test" sh -c "$(declare -f overlay); overlay /lib/modules && overlay /usr"
# SANITIZE=1: install the coloctl the tests built, not a rebuild
t "make install" make -C "$TOP" -s install KERNELRELEASE="$KVER" PREFIX=/usr/local SANITIZE=1
# modules_install compresses the module where the kernel's modules are (6.12: .ko.xz)
KO=/lib/modules/$KVER/extra/colo_compare.ko
t "module installed and indexed by depmod" sh -c "ls $KO $KO.* 2>/dev/null | grep -q . && grep -q 'alias act_colo colo_compare' /lib/modules/$KVER/modules.alias"
t "coloctl, tc plugin and man pages installed" test -x /usr/local/sbin/coloctl -a -f "$PLUGIN_DIR/m_colo.so" \
	-a -f /usr/local/share/man/man8/coloctl.8 -a -f /usr/local/share/man/man8/tc-colo.8
t "modprobe colo_compare" modprobe colo_compare
t "modprobe -r colo_compare" modprobe -r colo_compare

loaded() { grep -q '^colo_compare ' /proc/modules; }
out=$(/usr/local/sbin/coloctl group show 2>&1)
t "genl family autoloads the module (coloctl group show)" sh -c "test -z '$out' && grep -q '^colo_compare ' /proc/modules"
modprobe -r colo_compare
out=$(tc actions add action colo group 5 primary 2>&1)
log "tc without TC_LIB_DIR: $out"
# the extack names the group where the kernel formats messages (6.12, not 6.1)
t "tc autoloads act_colo and finds the installed plugin" sh -c 'echo "$1" | grep -Eq "group (5 )?does not exist" && grep -q "^colo_compare " /proc/modules' sh "$out"
modprobe -r colo_compare

t "make uninstall" make -C "$TOP" -s uninstall KERNELRELEASE="$KVER" PREFIX=/usr/local
t "uninstall removed everything" sh -c "! ls $KO $KO.* 2>/dev/null | grep -q . && ! test -e /usr/local/sbin/coloctl && ! test -e $PLUGIN_DIR/m_colo.so && ! test -e /usr/local/share/man/man8/coloctl.8"
t_expect_fail "modprobe fails after uninstall" modprobe colo_compare

t_done
