#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the VM selftests' smoke subset under a KASAN + lockdep +
# kmemleak + UBSAN + DEBUG_NET kernel.  Opt-in (not part of make check):
# the kernel is built once (~35 min, cached, tools/debug-kernel/build.sh)
# and the guest runs several times slower than Debian's kernel.
#
#   tools/debug-kernel/check.sh [SUITE...]
#   tools/debug-kernel/check.sh --prove    # that each kind of report is seen
# env: COLO_DEBUG_SUITES (default below), COLO_DEBUG_SUITE_TIMEOUT (s per
#      suite, 3600), COLO_DEBUG_TIMEOUT (s for the whole VM, 10800),
#      COLO_DEBUG_MEM (guest memory, 1G), COLO_DEBUG_KERNEL_CACHE (build.sh),
#      COLO_DEBUG_EXTRA_KO (a module the guest loads before the suites),
#      COLO_WAIT_SCALE (factor on the suites' wait limits, 4),
#      COLO_SLAB_SLACK_KB, STRESS_SLAB_SLACK_KB (slab growth bounds; default
#      2 MB + KASAN's quarantine, 1/32 of the guest memory)
# Fails on a failing suite and on any kernel report (tools/vm/run's verdict:
# KASAN, UBSAN, lockdep, sleeping in atomic, BUG/WARNING, refcount and
# ref_tracker, kmemleak suspects).  The guest dmesg + kmemleak report is
# kept in build/debug-dmesg.txt.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
DK=tools/debug-kernel
T0=$SECONDS
say() { echo "check-debug: $*" >&2; }

# --prove: load tools/debug-kernel/fault (one fault of each kind) before a
# short suite; passes only if the run fails with every kind of report.
PROVE=
if [ "${1:-}" = --prove ]; then
	PROVE=1
	set -- passthrough
fi

# The smoke subset: the data path under flood (compare incl. checkpoints,
# limits), the rewriter, the genl family and the COLO protocol (proto,
# agent), hostile netlink input, unload under traffic and rmmod.  Suites
# run_vm.sh does not (yet) have are left out.
if [ $# -gt 0 ]; then SUITES="$*"
else SUITES=${COLO_DEBUG_SUITES:-compare limits rewrite genl proto protocol agent hostile teardown unload}
fi
list=
for s in $SUITES; do
	if [ "$s" = unload ] || grep -Eq "^[[:space:]]*\[$s\]=" selftests/run_vm.sh; then list+=" $s"
	elif [ $# -gt 0 ] || [ -n "${COLO_DEBUG_SUITES:-}" ]; then say "no suite $s in selftests/run_vm.sh"; exit 2
	fi
done

TREE=$(bash $DK/build.sh) || { say "building the debug kernel failed"; exit 1; }
BZ=$TREE/arch/x86/boot/bzImage
KREL=$(cat "$TREE/include/config/kernel.release")
say "kernel $KREL: $BZ (ready after $((SECONDS - T0))s)"

# The module, from a copy of the sources: ./colo_compare.ko (the 6.1 build
# other VM runs load) stays untouched.  Excluded files (objects) survive
# --delete, so kbuild rebuilds only what changed.
MOD=$TOP/build/debug-module
mkdir -p "$MOD/colo_compare" "$MOD/include"
if ! { rsync -a --delete --include='*.[ch]' --exclude='*' colo_compare/ "$MOD/colo_compare/" &&
	rsync -a --delete include/ "$MOD/include/" && cp -p Kbuild dkms.conf "$MOD/"; }; then
	say "copying the module sources failed"; exit 1
fi
make -s -C "$TREE" M="$MOD" modules || { say "building the module against $TREE failed"; exit 1; }
vm=$(modinfo -F vermagic "$MOD/colo_compare.ko")
[ "${vm%% *}" = "$KREL" ] || { say "module vermagic '$vm' is not $KREL"; exit 1; }

if [ -n "$PROVE" ]; then
	FAULT=$TOP/build/debug-fault
	mkdir -p "$FAULT"
	cp -p $DK/fault/fault.c $DK/fault/Kbuild "$FAULT/" &&
		make -s -C "$TREE" M="$FAULT" modules ||
		{ say "building the fault module failed"; exit 1; }
	COLO_DEBUG_EXTRA_KO=$FAULT/colo_fault.ko
fi

# userspace the suites use, as make check builds it
if ! { LSRC=$(bash tools/linux-source.sh) &&
	make -s -C colo_ctl SANITIZE=1 && make -s -C tools/tc &&
	make -s -C selftests/genl KSFT_DIR="$LSRC/tools/testing/selftests" &&
	{ [ ! -f selftests/hostile/Makefile ] || make -s -C selftests/hostile; }; }; then
	say "building the userspace tools failed"; exit 1
fi

say "suites:$list"
DMESG=$TOP/build/debug-dmesg.txt
rm -f "$DMESG"
vt0=$SECONDS
# Slab growth bounds of the limits and stress suites: KASAN's quarantine
# holds freed objects, up to 1/32 of the guest's memory, on top
mem=${COLO_DEBUG_MEM:-1G}
case $mem in *G) mem_kb=$((${mem%G} << 20)) ;; *M) mem_kb=$((${mem%M} << 10)) ;; *) mem_kb=$((1 << 20)) ;; esac
kasan_slack=$((2048 + mem_kb / 32))
# the stress suite's knobs, when given
envs=()
for v in STRESS_SECONDS STRESS_ROUNDS STRESS_RMMOD_SECONDS STRESS_SEED; do
	[ -n "${!v:-}" ] && envs+=(--env "$v")
done
# shellcheck disable=SC2086 # $list: one word per suite
COLO_VM_APPEND="kasan_multi_shot ${COLO_VM_APPEND:-}" \
	bash tools/vm/run --kernel "$BZ" --timeout "${COLO_DEBUG_TIMEOUT:-10800}" \
	--mem "${COLO_DEBUG_MEM:-1G}" --dmesg "$DMESG" \
	--env COLO_KO="$MOD/colo_compare.ko" --env COLO_DEBUG_EXTRA_KO="${COLO_DEBUG_EXTRA_KO:-}" \
	--env SUITE_TIMEOUT="${COLO_DEBUG_SUITE_TIMEOUT:-3600}" \
	--env COLO_WAIT_SCALE="${COLO_WAIT_SCALE:-4}" \
	--env HOSTILE_N="${HOSTILE_N:-200}" "${envs[@]}" \
	--env COLO_SLAB_SLACK_KB="${COLO_SLAB_SLACK_KB:-$kasan_slack}" \
	--env STRESS_SLAB_SLACK_KB="${STRESS_SLAB_SLACK_KB:-$((kasan_slack + 2048))}" \
	-- bash $DK/guest.sh $list
rc=$?

# a count per kind of report, for the summary (the verdict is run's)
declare -A SEEN
if [ -s "$DMESG" ]; then
	for k in 'KASAN:BUG: KASAN' 'UBSAN:UBSAN:' 'lockdep:possible circular locking|possible recursive locking|inconsistent lock state|WARNING: possible|suspicious RCU usage' \
		'atomic:scheduling while atomic|sleeping function called from invalid context' \
		'kmemleak:unreferenced object' 'refcount:refcount_t:|ref_tracker:' \
		'WARNING:WARNING:' 'BUG:BUG:'; do
		n=$(grep -a -c -E "${k#*:}" "$DMESG")
		SEEN[${k%%:*}]=$n
		[ "$n" = 0 ] || say "  $n x ${k%%:*}"
	done
fi
say "VM $((SECONDS - vt0))s, total $((SECONDS - T0))s; dmesg + kmemleak: $DMESG"
if [ -n "$PROVE" ]; then
	missed=
	for k in KASAN UBSAN lockdep atomic kmemleak refcount; do
		[ "${SEEN[$k]:-0}" -gt 0 ] || missed+=" $k"
	done
	if [ $rc -ne 0 ] && [ -z "$missed" ]; then
		say "PROVED: the run failed (exit $rc) and every kind was reported"
		exit 0
	fi
	say "NOT PROVED: exit $rc, not reported:${missed:- (all were)}"
	exit 1
fi
if [ $rc -eq 0 ]; then say "PASSED"; else say "FAILED (exit $rc)"; fi
exit $rc
