#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug kernel for `make check-debug` from Debian's
# linux-source-6.1: defconfig + mkconfig.sh, bzImage + modules_prepare.
# The tree is cached outside the clone, keyed by the config recipe and the
# source package version, and reused by every later run; an interrupted
# build resumes where it stopped.  Prints the tree's path on stdout.
#
#   tools/debug-kernel/build.sh       env: COLO_DEBUG_KERNEL_CACHE, JOBS
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CACHE=${COLO_DEBUG_KERNEL_CACHE:-/var/cache/colo_compare/debug-kernel}
JOBS=${JOBS:-$(nproc)}
log() { echo "debug-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

# build dependencies (apt names; bc and libssl-dev are usually there already)
need=()
for p in linux-source-6.1 bc bison flex libelf-dev libssl-dev make gcc cpio xz-utils rsync; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	[ "$(id -u)" = 0 ] || die "need root to apt-get install ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2 ||
		die "apt-get install ${need[*]} failed"
fi
TAR=
for f in /usr/src/linux-source-6.1.tar.*; do [ -f "$f" ] && TAR=$f && break; done
[ -n "$TAR" ] || die "no /usr/src/linux-source-6.1.tar.*"
SRCVER=$(dpkg-query -W -f='${Version}' linux-source-6.1)

KEY=$({ echo "linux-source-6.1 $SRCVER"; cat "$HERE/mkconfig.sh"; } | sha256sum | cut -c1-16)
DIR=$CACHE/$KEY
TREE=$DIR/linux
mkdir -p "$DIR" || die "cannot create $DIR"

# vmlinux's exports for modpost (M=): `make bzImage` writes them only to
# vmlinux.symvers, and without a Module.symvers every symbol is "undefined"
symvers() {
	[ -s "$TREE/Module.symvers" ] || cp "$TREE/vmlinux.symvers" "$TREE/Module.symvers" ||
		die "no vmlinux.symvers in $TREE"
}
if [ -f "$DIR/ready" ]; then symvers; echo "$TREE"; exit 0; fi

# one builder at a time; a second caller waits and then finds it ready
exec 9>"$DIR/.lock"
if ! flock -n 9; then
	log "another build of $KEY is running, waiting for it"
	flock 9
fi
if [ -f "$DIR/ready" ]; then symvers; echo "$TREE"; exit 0; fi

LOG=$DIR/build.log
log "building $KEY (linux-source-6.1 $SRCVER) in $TREE, log $LOG; ~35 min with 2 CPUs"
start=$SECONDS
if [ ! -f "$DIR/.extracted" ]; then
	rm -rf "$TREE"; mkdir -p "$TREE"
	tar -xf "$TAR" -C "$TREE" --strip-components=1 || die "extracting $TAR failed"
	touch "$DIR/.extracted"
fi
cd "$TREE"
if [ ! -f "$DIR/.configured" ]; then
	make defconfig >"$LOG" 2>&1 || die "make defconfig failed (see $LOG)"
	bash "$HERE/mkconfig.sh" >>"$LOG" 2>&1 || die "mkconfig.sh failed (see $LOG)"
	cp "$HERE/mkconfig.sh" "$DIR/mkconfig.sh"
	touch "$DIR/.configured"
fi
# every option the VM and the checks rely on must have survived olddefconfig
missing=$(grep -v '^#' "$HERE/required.txt" | tr -s ' \t' '\n' | grep . |
	while read -r o; do grep -qx "CONFIG_$o=y" .config || echo "$o"; done)
[ -z "$missing" ] || die "not =y in $TREE/.config: ${missing//$'\n'/ }"

nice -n 15 make -j"$JOBS" bzImage >>"$LOG" 2>&1 || die "make bzImage failed (see $LOG)"
make -j"$JOBS" modules_prepare >>"$LOG" 2>&1 || die "make modules_prepare failed (see $LOG)"
symvers
echo "$(( SECONDS - start ))" > "$DIR/build-seconds"
touch "$DIR/ready"
log "built in $(( (SECONDS - start) / 60 )) min: $TREE/arch/x86/boot/bzImage"
echo "$TREE"
