#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel names for make check / make demo: prints one release per argument.
# A release (6.12.117+deb12-amd64) stays as is; a series is the newest release
# with installed headers (/lib/modules/R/build): 6.1 and 6.12 of Debian's
# standard flavour, 6.12-rt of PREEMPT_RT (likewise -cloud).
#
#   tools/kver.sh [KVER...]      default: 6.1 (the test VM's default kernel)
set -u
[ $# -gt 0 ] || set -- 6.1
rc=0
for k in "$@"; do
	if [[ $k =~ ^([0-9]+\.[0-9]+)(-rt|-cloud)?$ ]]; then
		s=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
		r=$(for d in /lib/modules/"$s".*"$f"-amd64/build; do
			[ -d "$d" ] || continue
			d=${d#/lib/modules/}
			d=${d%/build}
			# a plain series means the standard flavour only
			[ -n "$f" ] || case $d in *-rt-amd64|*-cloud-amd64) continue ;; esac
			echo "$d"
		done | sort -V | tail -n 1)
		if [ -z "$r" ]; then
			echo "kver: no headers for the $k series (tools/deps.sh --kver $k)" >&2
			rc=1
			continue
		fi
		k=$r
	fi
	echo "$k"
done
exit $rc
