#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/colo-replay (issue 5): the example traces of selftests/traces/
# through a real group give the expected results (labels, order, "by",
# never_released, dropped, checkpoint reasons); broken traces give an
# "error" result and the run goes on; one result file per trace in DIR
# mode; --auto-checkpoint answers the request at once.  The expectations
# are in colo_replay_check.py.
# Needs root and colo_compare loaded; run in the VM by selftests/run_vm.sh.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
TMP=$(mktemp -d /tmp/colo_replay.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
REPLAY=(/usr/bin/python3 -S "$TOP/tools/colo-replay")
CHECK=(/usr/bin/python3 -S "$TOP/selftests/colo_replay_check.py")

# report: the checker's lines as TAP.
report() {
	local v name why
	while IFS=$'\t' read -r v name why; do
		_t_n=$((_t_n + 1))
		if [ "$v" = ok ]; then
			echo "ok $_t_n $name"
		else
			echo "not ok $_t_n $name"
			echo "#   $why"
			_t_fail=$((_t_fail + 1))
		fi
	done
}

# shellcheck disable=SC2317 # called through t
gen_same() {
	/usr/bin/python3 -S "$TOP/tools/colo-replay-gen" "$TMP/gen" >/dev/null &&
		diff -r "$TOP/selftests/traces" "$TMP/gen"
}
t "selftests/traces/ is what tools/colo-replay-gen writes" gen_same

# The examples, then broken traces (sorted after them), then a good one:
# the run must not stop at the broken ones.
mkdir -p "$TMP/in" "$TMP/out"
cp "$TOP"/selftests/traces/*.json "$TMP/in/"
echo '{"records": [' >"$TMP/in/zz_not_json.json"
echo '{"records": [{"side": "p", "hex": "52zz", "label": "x"}]}' >"$TMP/in/zz_bad_hex.json"
echo '{"records": [{"side": "q", "hex": "'"$(printf '00%.0s' {1..60})"'"}]}' \
	>"$TMP/in/zz_bad_side.json"
echo '{"config": {"compare_timeout": "soon"}, "records": []}' >"$TMP/in/zz_bad_config.json"
sed 's/"name": "vlan"/"name": "zzz_after_errors"/' "$TOP/selftests/traces/vlan.json" \
	>"$TMP/in/zzz_after_errors.json"

traces=("$TMP"/in/*.json)
start=$SECONDS
t "colo-replay --out DIR2 DIR: exit 0 over ${#traces[@]} traces" \
	"${REPLAY[@]}" -v --out "$TMP/out" "$TMP/in"
log "DIR mode took $((SECONDS - start)) s"
t "one result file per trace, same file names" \
	diff <(ls "$TMP/in") <(ls "$TMP/out")
for f in "$TMP"/out/*.json; do log "$(basename "$f"): $(cut -c1-400 "$f")"; done
report < <("${CHECK[@]}" dir "$TMP/out" 2>&1 || echo "fail	the checker	exit $?")

# --auto-checkpoint, results on stdout (one line per trace)
start=$SECONDS
# shellcheck disable=SC2317 # called through t
auto_run() {
	"${REPLAY[@]}" --auto-checkpoint "$TOP/selftests/traces/timeout_lone_primary.json" \
		"$TOP/selftests/traces/udp_miscompare.json" >"$TMP/auto.txt"
}
t "colo-replay --auto-checkpoint FILE FILE: exit 0" auto_run
log "--auto-checkpoint took $((SECONDS - start)) s"
while read -r l; do log "auto: ${l:0:400}"; done <"$TMP/auto.txt"
report < <("${CHECK[@]}" auto "$TMP/auto.txt" 2>&1 || echo "fail	the checker	exit $?")

t_expect_fail "usage error: no trace" "${REPLAY[@]}"
t_done
