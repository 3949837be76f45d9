#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the YNL netlink tools from Debian's linux-source-6.12 (cli.py,
# ynl-gen-c.py, their lib/ and the genetlink schemas) into
# build/linux-source-6.12, once.  Prints the directory.  They check
# Documentation/netlink/specs/colo.yaml against the uapi header and the
# running module (tools/check-uapi-spec.py, selftests/colo_ynl.sh).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
TAR=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
OUT=$TOP/build/linux-source-6.12
S=linux-source-6.12
[ -n "$TAR" ] || { echo "linux-source-6.12.sh: no /usr/src/linux-source-6.12.tar.*; run make deps" >&2; exit 1; }
if [ ! -f "$OUT/.stamp" ] || [ "$TAR" -nt "$OUT/.stamp" ]; then
	rm -rf "$OUT" "$OUT.tmp"
	mkdir -p "$OUT.tmp"
	# MAINTAINERS: ynl-gen-c.py finds the tree's root by it
	tar -xf "$TAR" -C "$OUT.tmp" --strip-components=1 \
		$S/MAINTAINERS \
		$S/Documentation/netlink/genetlink.yaml \
		$S/Documentation/netlink/genetlink-c.yaml \
		$S/Documentation/netlink/genetlink-legacy.yaml \
		$S/tools/net/ynl/cli.py \
		$S/tools/net/ynl/ynl-gen-c.py \
		$S/tools/net/ynl/lib/__init__.py \
		$S/tools/net/ynl/lib/nlspec.py \
		$S/tools/net/ynl/lib/ynl.py
	touch "$OUT.tmp/.stamp"
	mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
