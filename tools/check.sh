#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host unit tests, static checks, then the VM selftests.
#
#   tools/check.sh [KVER...]   kernels the VM suites run on (default: 6.1);
#                              each a release (6.12.117+deb12-amd64) or a
#                              series (6.1, 6.12, 6.12-rt: its newest release)
#
# The builds, host tests and static checks run once; the module is built and
# the VM suites run for every KVER (the first one also gets sparse + W=1).
#
# Any failure fails the run; the summary at the end says which step.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

# KVER from the environment may be a list ("6.1 6.12"): split it
# shellcheck disable=SC2086
[ $# -gt 0 ] || set -- ${KVER:-6.1}
DEPS_ARGS=()
for k in "$@"; do DEPS_ARGS+=(--kver "$k"); done
bash tools/deps.sh "${DEPS_ARGS[@]}" || { echo "check: make deps failed" >&2; exit 1; }

mapfile -t KVERS < <(bash tools/kver.sh "$@")
[ ${#KVERS[@]} -eq $# ] || { echo "check: cannot resolve the kernels $*" >&2; exit 1; }
for k in "${KVERS[@]}"; do
	[ -d "/lib/modules/$k/build" ] || { echo "check: no headers for $k" >&2; exit 1; }
done
KVER=${KVERS[0]}

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
	local k
	for k in "${KVERS[@]}"; do
		make -s module KERNELRELEASE="$k" || return 1
	done
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

# sparse and W=1 over every file (C=2 checks even up-to-date objects), in
# the module's own build directory (the Makefile's MODDIR)
sparse_w1() {
	local out mdir
	mdir=$(make -s moddir KERNELRELEASE="$KVER") || return 1
	out=$(make -s -C "/lib/modules/$KVER/build" M="$mdir" C=2 W=1 modules 2>&1)
	echo "$out"
	! echo "$out" | grep -E "warning:|error:" | grep -v "Skipping BTF"
}

unit() {
	if [ -f selftests/unit/Makefile ]; then
		make -s -C selftests/unit check || return 1
	fi
	# the callgrind driver of make bench still builds on parse.c and
	# compare.c and matches every pair it feeds them (the count is make bench)
	if [ -f tools/bench/Makefile ]; then
		make -s -C tools/bench cg_pairs &&
			tools/bench/cg_pairs udp 64 100 1000 >/dev/null &&
			tools/bench/cg_pairs tcp 1400 100 1000 >/dev/null || return 1
	fi
	# every fuzz corpus input once through its harness (tools/fuzz)
	if [ -f tools/fuzz/Makefile ]; then
		make -s -C tools/fuzz replay || return 1
	fi
	bash tools/tc/check-abi.sh tools/tc/m_colo.so &&
	/usr/bin/python3 tools/check-uapi-spec.py --self-test &&
	/usr/bin/python3 tools/tc/test-plugin.py &&
	make -s -C colo_ctl check
}

genl_build() {
	make -s -C selftests/genl KSFT_DIR="$LSRC/tools/testing/selftests" &&
		make -s -C selftests/hostile
}

vm_tests() { # KVER
	bash tools/vm/run --kver "$1" --timeout 3600 --dmesg "build/vm-dmesg-$1.txt" -- selftests/run_vm.sh
}

step "build (module for ${KVERS[*]})" build
step "linux-source-6.1 parts" sources
step "host unit tests" unit
step "checkpatch --strict" checkpatch
step "sparse + W=1" sparse_w1
step "build against every installed kernel" bash tools/check-build.sh
step "kselftest genl test build" genl_build
for k in "${KVERS[@]}"; do
	step "VM selftests ($k)" vm_tests "$k"
done

echo
if [ ${#failed[@]} -eq 0 ]; then
	echo "check: all steps passed"
	exit 0
fi
echo "check: FAILED: ${failed[*]}"
exit 1
