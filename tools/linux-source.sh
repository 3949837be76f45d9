#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract what the checks use from Debian's linux-source-6.1 (checkpatch,
# the kselftest harness, tc-testing's tdc) into build/linux-source-6.1,
# once.  Prints the directory.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
TAR=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
OUT=$TOP/build/linux-source-6.1
[ -n "$TAR" ] || { echo "linux-source.sh: no /usr/src/linux-source-6.1.tar.*; run make deps" >&2; exit 1; }
if [ ! -f "$OUT/.stamp" ] || [ "$TAR" -nt "$OUT/.stamp" ]; then
	rm -rf "$OUT" "$OUT.tmp"
	mkdir -p "$OUT.tmp"
	tar -xf "$TAR" -C "$OUT.tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/tc-testing
	touch "$OUT.tmp/.stamp"
	mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
