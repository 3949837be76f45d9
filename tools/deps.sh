#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package colo_compare needs to build, test and benchmark
# (called by `make deps`). Idempotent: when everything is present it only asks
# dpkg-query and returns in well under a second; apt-get update/install run only
# for what is missing.
#
#   tools/deps.sh [--kver KVER]... [--dry-run]
#
# Besides the fixed list it installs the 6.1 kernel image matching the newest
# installed 6.1 headers (/usr/src/linux-headers-6.1.*-amd64), so that
# /boot/vmlinuz-ABI and /lib/modules/ABI exist for the test VM (tools/vm/run).
# --kver KVER additionally ensures linux-image-KVER and linux-headers-KVER
# (e.g. --kver 6.12.117+deb12-amd64); --kver 6.12 means the newest ABI of the
# installed 6.12 headers (linux-headers-6.12-amd64), like the 6.1 default, and
# --kver 6.12-rt the same for PREEMPT_RT (linux-headers-6.12-rt-amd64).
set -euo pipefail

PKGS=(
	# build: module (kbuild), coloctl, tc plugin
	gcc make libc6-dev pkg-config libmnl-dev bc perl
	linux-headers-amd64        # 6.1 headers (Debian 12's default kernel)
	linux-headers-6.12-amd64   # 6.12 headers (pulls the matching image)
	# static checks: sparse; linux-source-6.1 ships checkpatch.pl, kselftest and tdc
	sparse linux-source-6.1 xz-utils
	# linux-source-6.12 ships the YNL netlink tools (spec check, VM test)
	linux-source-6.12 python3-jsonschema
	# tests: test VM and the tools used inside it
	qemu-system-x86 busybox-static cpio kmod zstd python3 python3-yaml
	iproute2 procps socat ethtool
	# fuzzing parse.c/compare.c (tools/fuzz): clang with libFuzzer
	clang-14 libclang-rt-14-dev
)

usage() {
	cat <<'EOT'
usage: tools/deps.sh [--kver KVER]... [--dry-run]
  Installs (apt-get) the Debian packages colo_compare needs, plus the 6.1 kernel
  image matching the newest installed 6.1 headers (for the test VM).
  --kver KVER   also ensure linux-image-KVER and linux-headers-KVER; a series
                (--kver 6.12, --kver 6.12-rt) means the newest ABI of its
                installed headers (installing the headers meta-package if none)
  --dry-run     only print what would be installed
EOT
	exit "${1:-0}"
}

EXTRA_KVERS=()
DRY=
while [ $# -gt 0 ]; do
	case $1 in
	--kver) [ $# -ge 2 ] || { echo "deps: --kver needs a value" >&2; exit 2; }
		EXTRA_KVERS+=("$2"); shift 2 ;;
	--kver=*) EXTRA_KVERS+=("${1#--kver=}"); shift ;;
	-n|--dry-run) DRY=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "deps: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

START=${EPOCHREALTIME/./}
INSTALLED=()
UPDATED=

# missing PKG... -> prints the packages that are not fully installed ("ii")
missing() {
	local have
	have=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null |
		awk '$1 == "ii" { print $2 }') || true
	local p
	for p in "$@"; do
		grep -qxF -- "${p%%:*}" <<<"$have" || echo "$p"
	done
}

apt_install() {
	[ $# -gt 0 ] || return 0
	if [ -n "$DRY" ]; then
		echo "deps: would install: $*"
		INSTALLED+=("$@")
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages: $* (run as root to install them)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Nothing boots the host from these images (the test VM has its own
	# initramfs), so without a bootloader skip the slow update-initramfs.
	if [ ! -d /boot/grub ] && [ ! -d /boot/efi/EFI ] && [ -z "${INITRD:-}" ]; then
		export INITRD=No
	fi
	local apt=(apt-get -q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
	if [ -z "$UPDATED" ]; then
		"${apt[@]}" update >/dev/null || echo "deps: warning: apt-get update failed; trying the cached lists" >&2
		UPDATED=1
	fi
	if ! "${apt[@]}" install --no-install-recommends "$@" >&2; then
		echo "deps: apt-get install failed for: $*" >&2
		exit 1
	fi
	INSTALLED+=("$@")
}

# 1. the fixed list
mapfile -t need < <(missing "${PKGS[@]}")
apt_install "${need[@]}"

# 2. the 6.1 image whose ABI matches the newest installed 6.1 headers
newest_abi() { # SERIES[-FLAVOUR] (6.1, 6.12-rt) -> newest installed headers ABI, e.g. 6.1.0-56-amd64
	local s=${1%%-*} f='' d a
	[[ $1 != *-* ]] || f=-${1#*-}
	for d in "/usr/src/linux-headers-$s".*"$f-amd64"; do
		[ -d "$d" ] || continue
		a=${d#/usr/src/linux-headers-}
		# a plain series is the standard flavour only: not -rt, not -cloud
		if [ -z "$f" ]; then case $a in *-rt-amd64|*-cloud-amd64) continue ;; esac; fi
		echo "$a"
	done | sort -V | tail -n 1
}
newest_61_abi() { newest_abi 6.1; }
ABI=$(newest_61_abi)
if [ -z "$ABI" ]; then
	if [ -n "$DRY" ]; then
		ABI="<abi of linux-headers-amd64>"
	else
		echo "deps: no /usr/src/linux-headers-6.1.*-amd64 after installing linux-headers-amd64" >&2
		exit 1
	fi
fi
KPKGS=("linux-image-$ABI")
for i in "${!EXTRA_KVERS[@]}"; do
	k=${EXTRA_KVERS[$i]}
	# a series (6.12, 6.12-rt) means the newest ABI of its headers meta-package
	if [[ $k =~ ^[0-9]+\.[0-9]+(-rt|-cloud)?$ ]]; then
		kabi=$(newest_abi "$k")
		if [ -z "$kabi" ]; then
			mapfile -t need < <(missing "linux-headers-$k-amd64")
			apt_install "${need[@]}"
			kabi=$(newest_abi "$k")
		fi
		if [ -z "$kabi" ]; then
			[ -n "$DRY" ] || { echo "deps: no headers for the $k series (linux-headers-$k-amd64)" >&2; exit 1; }
			kabi="<abi of linux-headers-$k-amd64>"
		fi
		k=$kabi
		EXTRA_KVERS[i]=$k
	fi
	KPKGS+=("linux-image-$k" "linux-headers-$k")
done
if [ -n "$DRY" ] && [ -z "$(newest_61_abi)" ]; then
	apt_install "${KPKGS[@]}"
else
	mapfile -t need < <(missing "${KPKGS[@]}")
	apt_install "${need[@]}"
fi

# sanity: what the test VM will boot
if [ -z "$DRY" ]; then
	for f in "/boot/vmlinuz-$ABI" "/lib/modules/$ABI/kernel"; do
		[ -e "$f" ] || { echo "deps: $f missing although linux-image-$ABI is installed" >&2; exit 1; }
	done
fi

us=$(( ${EPOCHREALTIME/./} - START ))
T=$(( us / 1000000 )).$(( us / 100000 % 10 ))
n=$(( ${#PKGS[@]} + ${#KPKGS[@]} ))
if [ ${#INSTALLED[@]} -eq 0 ]; then
	echo "deps: all $n packages present (VM kernel $ABI${EXTRA_KVERS[*]:+, extra ${EXTRA_KVERS[*]}}) in ${T}s"
else
	echo "deps: ${DRY:+would have }installed ${#INSTALLED[@]} of $n packages (${INSTALLED[*]}); VM kernel $ABI; ${T}s"
fi
