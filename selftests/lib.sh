#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the VM selftests: TAP output and small waits.
# Source it; then call `t NAME CMD...` per check and `t_done` at the end.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COLOCTL=${COLOCTL:-$TOP/colo_ctl/coloctl}
export TC_LIB_DIR=${TC_LIB_DIR:-$TOP/tools/tc}

_t_n=0
_t_fail=0

# t NAME CMD... : run CMD, print "ok N NAME" or "not ok N NAME" + its output.
t() {
	local name=$1 out rc
	shift
	_t_n=$((_t_n + 1))
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $_t_n $name"
	else
		echo "not ok $_t_n $name (exit $rc)"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
		_t_fail=$((_t_fail + 1))
	fi
	return 0
}

# t_expect_fail NAME CMD... : CMD must fail.
t_expect_fail() {
	local name=$1
	shift
	t "$name" sh -c '! "$@"' sh "$@"
}

t_done() {
	echo "1..$_t_n"
	[ $_t_fail -eq 0 ] && exit $KSFT_PASS
	echo "# $_t_fail of $_t_n failed"
	exit $KSFT_FAIL
}

# wait_for SECONDS CMD... : poll CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1 * ${COLO_WAIT_SCALE:-1}))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# json_get JSON PYEXPR : evaluate PYEXPR on the parsed JSON `j`.
json_get() {
	/usr/bin/python3 -S -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

log() { echo "# $*"; }
