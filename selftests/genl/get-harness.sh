#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# get-harness.sh OUTDIR: put kselftest_harness.h and kselftest.h into OUTDIR,
# extracted from Debian's linux-source-6.1 tarball (the same version as the
# headers the module builds against).  Does nothing if both are already
# there.  The headers are build inputs only; they are not committed.
set -eu

out=${1:?usage: get-harness.sh OUTDIR}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
top=linux-source-6.1/tools/testing/selftests

if [ -f "$out/kselftest_harness.h" ] && [ -f "$out/kselftest.h" ]; then
	exit 0
fi
if [ ! -f "$tarball" ]; then
	echo "get-harness.sh: $tarball not found (apt-get install linux-source-6.1)" >&2
	exit 1
fi
mkdir -p "$out"
# xz has to decompress the whole stream: this takes 15-25 s.
tar -xJf "$tarball" -C "$out" --strip-components=4 \
	"$top/kselftest_harness.h" "$top/kselftest.h"
