#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host unit tests, static checks, then the VM selftests.
#
#   tools/check.sh [KVER]     KVER: kernel the VM boots (default: newest 6.1)
#
# Any failure fails the run; the summary at the end says which step.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

bash tools/deps.sh || { echo "check: make deps failed" >&2; exit 1; }

KVER=${1:-${KVER:-}}
if [ -z "$KVER" ]; then
	KVER=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -d "/lib/modules/$KVER/build" ] || { echo "check: no headers for $KVER" >&2; exit 1; }

failed=()
step() {
	local name=$1 start=$SECONDS rc
	shift
	echo "=== $name"
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "=== $name: ok ($((SECONDS - start))s)"
	else
		echo "=== $name: FAILED (exit $rc, $((SECONDS - start))s)"
		failed+=("$name")
	fi
}

build() {
	make -s module KERNELRELEASE="$KVER" &&
	make -s -C colo_ctl SANITIZE=1 &&
	make -s -C tools/tc
}

LSRC=
sources() { LSRC=$(bash tools/linux-source.sh); }

checkpatch() {
	perl "$LSRC/scripts/checkpatch.pl" --strict --no-tree --terse -q \
		--ignore FILE_PATH_CHANGES -f \
		colo_compare/*.[ch] include/uapi/linux/*.h include/uapi/linux/tc_act/*.h
}

# sparse and W=1 over every file (C=2 checks even up-to-date objects)
sparse_w1() {
	local out
	out=$(make -s -C "/lib/modules/$KVER/build" M="$TOP" C=2 W=1 modules 2>&1)
	echo "$out"
	! echo "$out" | grep -E "warning:|error:" | grep -v "Skipping BTF"
}

unit() {
	if [ -f selftests/unit/Makefile ]; then
		make -s -C selftests/unit check || return 1
	fi
	bash tools/tc/check-abi.sh tools/tc/m_colo.so &&
	/usr/bin/python3 tools/tc/test-plugin.py &&
	make -s -C colo_ctl check
}

vm_tests() {
	make -s -C selftests/genl KSFT_DIR="$LSRC/tools/testing/selftests" &&
	bash tools/vm/run --kver "$KVER" --timeout 2400 --dmesg build/vm-dmesg.txt -- selftests/run_vm.sh
}

step "build for $KVER" build
step "linux-source-6.1 parts" sources
step "host unit tests" unit
step "checkpatch --strict" checkpatch
step "sparse + W=1" sparse_w1
step "build against every installed kernel" bash tools/check-build.sh
step "VM selftests ($KVER)" vm_tests

echo
if [ ${#failed[@]} -eq 0 ]; then
	echo "check: all steps passed"
	exit 0
fi
echo "check: FAILED: ${failed[*]}"
exit 1
