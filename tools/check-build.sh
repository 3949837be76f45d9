#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-build: build colo_compare.ko with W=1 against every installed
# kernel header set (/lib/modules/*/build), each in its own copy of the
# sources so the builds do not step on each other.  No warning allowed.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
rc=0
n=0
for build in /lib/modules/*/build; do
	[ -d "$build" ] || continue
	kver=$(basename "$(dirname "$build")")
	dir=$TOP/build/check-build/$kver
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$TOP/Kbuild" "$TOP/dkms.conf" "$TOP/colo_compare" "$TOP/include" "$dir/"
	out=$(make -C "$build" M="$dir" W=1 modules 2>&1)
	st=$?
	n=$((n + 1))
	if [ $st -ne 0 ] || echo "$out" | grep -E "warning:|error:" | grep -qv "Skipping BTF"; then
		echo "$out" | grep -E "warning:|error:" >&2
		echo "not ok $n build against $kver"
		rc=1
	else
		echo "ok $n build against $kver"
	fi
done
[ $n -gt 0 ] || { echo "check-build: no kernel headers installed (make deps)" >&2; exit 1; }
echo "1..$n"
exit $rc
