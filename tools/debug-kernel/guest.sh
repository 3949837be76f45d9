#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug-kernel VM (tools/debug-kernel/check.sh): the given
# selftest suites between two kmemleak scans.  Boot-time suspects are not
# ours, so they are scanned and cleared before the module is loaded.  The
# reports themselves are judged on the host (tools/vm/run reads dmesg and
# the kmemleak file that stage2 saves after one more scan).
#
#   tools/debug-kernel/guest.sh SUITE...
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KL=/sys/kernel/debug/kmemleak
[ -w "$KL" ] || { echo "check-debug: no $KL: not the debug kernel?" >&2; exit 1; }
echo "# kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
echo scan > "$KL" && echo clear > "$KL"
# a module to load first (COLO_DEBUG_EXTRA_KO): e.g. a fault injector that
# shows the reports are seen
if [ -n "${COLO_DEBUG_EXTRA_KO:-}" ]; then
	insmod "$COLO_DEBUG_EXTRA_KO" || echo "check-debug: insmod $COLO_DEBUG_EXTRA_KO failed" >&2
fi

bash "$TOP/selftests/run_vm.sh" "$@"
rc=$?

# an object is reported once it has been unreferenced for 5 s during a scan
sleep 6
echo scan > "$KL"
n=$(grep -c '^unreferenced object' "$KL")
echo "# kmemleak: $n suspected leak(s) after the suites"
[ "$n" = 0 ] || head -n 80 "$KL"
echo "# tainted: $(cat /proc/sys/kernel/tainted)"
exit $rc
