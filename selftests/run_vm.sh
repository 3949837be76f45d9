#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (tools/vm/run): every selftest suite, reported
# as TAP in the style of the kselftest runner.  A skipped suite counts as
# a failure: in the VM everything a suite needs is there.
#
#   selftests/run_vm.sh [SUITE...]      default: all suites
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
export COLOCTL=${COLOCTL:-$TOP/colo_ctl/coloctl}
export TC_LIB_DIR=$TOP/tools/tc
# the module to load; tools/debug-kernel/check.sh points it at the debug build.
# The Makefile builds the default (6.1) kernel's in the tree, any other's in
# build/KERNELRELEASE/.
if [ -z "${COLO_KO:-}" ]; then
	COLO_KO=$TOP/build/$(uname -r)/colo_compare.ko
	[ -f "$COLO_KO" ] || COLO_KO=$TOP/colo_compare.ko
fi
export COLO_KO
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

declare -A SUITES=(
	[install]="selftests/install.sh"
	[passthrough]="selftests/colo_passthrough.sh"
	[compare]="selftests/colo_compare.sh"
	[limits]="selftests/colo_limits.sh"
	[tcp]="selftests/colo_tcp.sh"
	[teardown]="selftests/colo_teardown.sh"
	[rewrite]="selftests/colo_rewrite.sh"
	[replay]="selftests/colo_replay.sh"
	[genl]="selftests/genl/colo_genl_test"
	[cli]="selftests/colo_cli.sh"
	[proto]="selftests/genl/colo_proto_test"
	[agent]="selftests/colo_agent.sh exec"
	[agent-xen]="selftests/colo_agent.sh xen"
	[ynl]="selftests/colo_ynl.sh"
	[hostile]="selftests/hostile/colo_hostile"
	[stress]="selftests/colo_stress.sh"
	[tdc]="selftests/tdc/run.sh"
	[unload]="rmmod colo_compare"
)
ORDER="install passthrough compare tcp limits teardown rewrite genl cli proto agent agent-xen ynl hostile tdc stress replay unload"
[ $# -gt 0 ] && ORDER="$*"

ensure_loaded() {
	grep -q '^colo_compare ' /proc/modules || insmod "$COLO_KO"
}

echo "TAP version 13"
set -- $ORDER
echo "1..$#"
n=0
fail=0
# each suite's output, so that the end can repeat what failed: CI logs
# keep only their tail
OUT=$(mktemp -d /tmp/run_vm.XXXXXX) || exit 1
trap 'rm -rf "$OUT"' EXIT
for s in $ORDER; do
	n=$((n + 1))
	cmd=${SUITES[$s]}
	[ -n "$cmd" ] || { echo "not ok $n $s # no such suite"; fail=$((fail + 1)); continue; }
	[ "$s" = install ] || ensure_loaded
	echo "# suite $s: $cmd"
	start=$SECONDS
	# shellcheck disable=SC2086
	timeout -k 5 "$SUITE_TIMEOUT" $cmd 2>&1 | tee "$OUT/$s" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	took=$((SECONDS - start))
	case $rc in
	0) echo "ok $n $s # ${took}s" ;;
	4) echo "not ok $n $s # SKIP is a failure here"; fail=$((fail + 1)) ;;
	124) echo "not ok $n $s # timed out after ${SUITE_TIMEOUT}s"; fail=$((fail + 1)) ;;
	*) echo "not ok $n $s # exit $rc"; fail=$((fail + 1)) ;;
	esac
done
echo "# suites: $((n - fail)) passed, $fail failed"
# Repeat each failed check at the end with the comment lines around it
# (lib.sh's t prints its output after "not ok", the kselftest harness
# before it).
for s in $ORDER; do
	[ -f "$OUT/$s" ] || continue
	awk -v s="$s" '
		/^(# +)?not ok/ {
			for (i = (nb > 8 ? nb - 8 : 0); i < nb; i++)
				print "#   " buf[i % 8]
			nb = 0; show = 1; print "# FAILED in " s ": " $0; next
		}
		/^(# +)?ok / { nb = 0; show = 0; next }
		/^#/ { if (show) print "#   " $0; else buf[nb++ % 8] = $0; next }
		{ show = 0 }' "$OUT/$s" | head -n 80
done
[ $fail -eq 0 ]
