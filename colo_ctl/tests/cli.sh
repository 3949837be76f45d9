#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Command line tests of coloctl that need no kernel module: exit status,
# stdout and stderr of usage errors, help, namespace errors and the
# missing-module path against the host's real kernel.  The commands
# against the real module are selftests/colo_cli.sh (in the VM).
#
#   tests/cli.sh COLOCTL
#
# VALGRIND=1 runs every coloctl under valgrind (leaks and errors fail).

set -u

BIN=$1
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0
WRAP=
if [ "${VALGRIND:-0}" = 1 ]; then
	WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --show-leak-kinds=all"
fi

# No check may hang the run: one that does fails after CHECK_TIMEOUT s.
CHECK_TIMEOUT=${CHECK_TIMEOUT:-120}

# check NAME WANT_RC WANT_STDOUT WANT_STDERR -- ARGS...
# WANT_STDOUT / WANT_STDERR: exact text, "*" for any, "~PATTERN" for grep -E.
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	# shellcheck disable=SC2086 # word splitting wanted
	timeout -k 5 "$CHECK_TIMEOUT" $WRAP "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok=1
	[ "$rc" = "$want_rc" ] || ok=0
	for stream in out err; do
		if [ $stream = out ]; then want=$want_out; else want=$want_err; fi
		case $want in
		"*") ;;
		"~"*) grep -Eq -- "${want#\~}" "$TMP/$stream" || ok=0 ;;
		*) printf '%s' "$want" | cmp -s - "$TMP/$stream" || \
			{ printf '%s\n' "$want" | cmp -s - "$TMP/$stream" || ok=0; } ;;
		esac
	done
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name (rc $rc, want $want_rc)"
		sed 's/^/#   stdout: /' "$TMP/out"
		sed 's/^/#   stderr: /' "$TMP/err"
	fi
}

NL='
'
MISSING='coloctl: the colo_compare module is not loaded (try: modprobe colo_compare)'

# ---- usage errors: exit 2, nothing on stdout ----
check "no object" 2 "" "coloctl: missing object${NL}coloctl: try \"coloctl help\"" --
check "unknown object" 2 "" "coloctl: unknown object \"bogus\"${NL}coloctl: try \"coloctl help\"" -- bogus
check "unknown option" 2 "" "~^coloctl: unknown option \"-x\"" -- -x group
check "unknown long option" 2 "" "~^coloctl: unknown option \"--bogus\"" -- --bogus group
check "-n without value" 2 "" 'coloctl: option "-n" needs an argument' -- -n
check "-n empty" 2 "" 'coloctl: empty network namespace name' -- -n "" group
check "add without id" 2 "" 'coloctl: group add: missing group ID' -- group add
check "set without id" 2 "" 'coloctl: group set: missing group ID' -- group set
check "del without id" 2 "" 'coloctl: group del: missing group ID' -- group del
check "timeout abc" 2 "" 'coloctl: invalid timeout "abc": expected milliseconds 1-3600000' -- group add 1 timeout abc
check "timeout 0" 2 "" 'coloctl: invalid timeout "0": expected milliseconds 1-3600000' -- group add 1 timeout 0
check "timeout too big" 2 "" 'coloctl: invalid timeout "3600001": expected milliseconds 1-3600000' -- group set 1 timeout 3600001
check "timeout missing" 2 "" 'coloctl: group add: missing value after "timeout"' -- group add 1 timeout
check "timeout twice" 2 "" 'coloctl: group add: timeout given twice' -- group add 1 timeout 1 t 2
check "id 0" 2 "" 'coloctl: invalid group id "0": expected 1-4294967295' -- group add 0
check "id too big" 2 "" 'coloctl: invalid group id "4294967296": expected 1-4294967295' -- group del 4294967296
check "id negative" 2 "" 'coloctl: invalid group id "-1": expected 1-4294967295' -- group show -1
check "id garbage" 2 "" 'coloctl: invalid group id "1x": expected 1-4294967295' -- group add 1x
check "id hex" 2 "" 'coloctl: invalid group id "0x1": expected 1-4294967295' -- group add 0x1
check "id empty" 2 "" 'coloctl: invalid group id "": expected 1-4294967295' -- group add ""
check "unknown keyword" 2 "" "coloctl: group add: unknown argument \"color\"${NL}coloctl: try \"coloctl group help\"" -- group add 1 color 3
check "del extra" 2 "" "~^coloctl: group del: unexpected argument \"2\"" -- group del 1 2
check "show extra" 2 "" "~^coloctl: group show: unexpected argument \"x\"" -- group show 1 x
check "unknown command" 2 "" "~^coloctl: group: unknown command \"frob\"" -- group frob
check "ambiguous command" 2 "" "~^coloctl: group: ambiguous command \"s\"" -- group s

# group parameters
check "mode bogus" 2 "" 'coloctl: invalid mode "on": expected comparing or passthrough' -- group add 1 mode on
check "mode checkpoint" 2 "" 'coloctl: invalid mode "checkpoint": expected comparing or passthrough' -- group set 1 mode checkpoint
check "mode missing" 2 "" 'coloctl: group set: missing value after "mode"' -- group set 1 mode
check "mode twice" 2 "" 'coloctl: group set: mode given twice' -- group set 1 comparing mode passthrough
check "mode twice bare" 2 "" 'coloctl: group add: mode given twice' -- group add 1 comparing p
check "ambiguous argument" 2 "" "coloctl: group set: ambiguous argument \"m\"${NL}coloctl: try \"coloctl group help\"" -- group set 1 m 3
check "actions not settable" 2 "" "~^coloctl: group set: unknown argument \"actions\"" -- group set 1 actions 3
check "scan too small" 2 "" 'coloctl: invalid scan "9": expected milliseconds 10-60000' -- group add 1 scan 9
check "scan too big" 2 "" 'coloctl: invalid scan "60001": expected milliseconds 10-60000' -- group set 1 scan 60001
check "scan suffix" 2 "" 'coloctl: invalid scan "1k": expected milliseconds 10-60000' -- group set 1 scan 1k
check "scan twice" 2 "" 'coloctl: group add: scan given twice' -- group add 1 scan 10 scan 20
check "flow-limit too small" 2 "" 'coloctl: invalid flow-limit "63k": expected bytes 65536-4294967295 (suffixes k, m, g allowed)' -- group add 1 flow-limit 63k
check "flow-limit garbage" 2 "" 'coloctl: invalid flow-limit "1x": expected bytes 65536-4294967295 (suffixes k, m, g allowed)' -- group add 1 flow-limit 1x
check "flow-limit missing" 2 "" 'coloctl: group add: missing value after "flow-limit"' -- group add 1 flow-limit
check "group-limit 4g" 2 "" 'coloctl: invalid group-limit "4g": expected bytes 65536-4294967295 (suffixes k, m, g allowed)' -- group set 1 group-limit 4g
check "group-limit negative" 2 "" 'coloctl: invalid group-limit "-1m": expected bytes 65536-4294967295 (suffixes k, m, g allowed)' -- group set 1 group-limit -1m
check "group-limit twice" 2 "" 'coloctl: group set: group-limit given twice' -- group set 1 group-limit 1m g 2m
check "max-flows 0" 2 "" 'coloctl: invalid max-flows "0": expected 1-4194304' -- group add 1 max-flows 0
check "max-flows too big" 2 "" 'coloctl: invalid max-flows "4194305": expected 1-4194304' -- group add 1 max-flows 4194305
check "max-flows suffix" 2 "" 'coloctl: invalid max-flows "64k": expected 1-4194304' -- group add 1 max-flows 64k

# flow
check "flow without group" 2 "" "coloctl: flow show: missing \"group ID\"${NL}coloctl: try \"coloctl flow help\"" -- flow
check "flow show without group" 2 "" "~^coloctl: flow show: missing \"group ID\"" -- flow show
check "flow show group without id" 2 "" 'coloctl: flow show: missing value after "group"' -- flow show group
check "flow show group 0" 2 "" 'coloctl: invalid group id "0": expected 1-4294967295' -- flow show group 0
check "flow show id only" 2 "" "~^coloctl: flow show: unknown argument \"1\"" -- flow show 1
check "flow show extra" 2 "" "~^coloctl: flow show: unexpected argument \"x\"" -- flow show group 1 x
check "flow unknown command" 2 "" "~^coloctl: flow: unknown command \"del\"" -- flow del group 1

# checkpoint
check "checkpoint without id" 2 "" "coloctl: checkpoint: missing group ID${NL}coloctl: try \"coloctl checkpoint help\"" -- checkpoint
check "checkpoint without step" 2 "" "~^coloctl: checkpoint 1: missing step" -- checkpoint 1
check "checkpoint unknown step" 2 "" "coloctl: checkpoint: unknown step \"steady\"${NL}coloctl: try \"coloctl checkpoint help\"" -- checkpoint 1 steady
check "checkpoint ambiguous step" 2 "" "~^coloctl: checkpoint: ambiguous step \"vmstate-s\"" -- checkpoint 1 vmstate-s
check "checkpoint vmstate-size without size" 2 "" 'coloctl: checkpoint vmstate-size: missing BYTES' -- checkpoint 1 vmstate-size
check "checkpoint vmstate-size garbage" 2 "" 'coloctl: invalid BYTES "1x": expected bytes (suffixes k, m, g allowed)' -- checkpoint 1 vmstate-size 1x
check "checkpoint ready extra" 2 "" "~^coloctl: checkpoint ready: unexpected argument \"5\"" -- checkpoint 1 ready 5

# failover
check "failover without id" 2 "" "coloctl: failover: missing group ID${NL}coloctl: try \"coloctl failover help\"" -- failover
check "failover id 0" 2 "" 'coloctl: invalid group id "0": expected 1-4294967295' -- failover 0
check "failover extra" 2 "" "~^coloctl: failover 1: unexpected argument \"now\"" -- failover 1 now

# agent
check "agent without id" 2 "" "coloctl: agent: missing group ID${NL}coloctl: try \"coloctl agent help\"" -- agent
check "agent option first" 2 "" "~^coloctl: agent: missing group ID" -- agent --exec true 1
check "agent neither exec nor xen" 2 "" "~^coloctl: agent: give one of --exec CMD and --xen-notify PATH" -- agent 1
check "agent both exec and xen" 2 "" "~^coloctl: agent: give one of --exec CMD and --xen-notify PATH" -- agent 1 --exec true --xen-notify /tmp/x
check "agent bad --on-failure" 2 "" 'coloctl: agent: invalid --on-failure "retry:0": expected failover, retry or retry:N (N 1-100)' -- agent 1 --exec true --on-failure retry:0
check "agent bad --exec-timeout" 2 "" 'coloctl: agent: invalid --exec-timeout "0": expected milliseconds 1-3600000' -- agent 1 --exec true --exec-timeout 0
check "agent bad --checkpoint-interval" 2 "" 'coloctl: agent: invalid --checkpoint-interval "1s": expected milliseconds 1-3600000' -- agent 1 --exec true --checkpoint-interval 1s
check "agent --exec-timeout with xen" 2 "" 'coloctl: agent: --exec-timeout and --on-failure go with --exec' -- agent 1 --xen-notify /tmp/x --exec-timeout 5
check "agent unknown option" 2 "" "~^coloctl: agent: unknown option \"--frob\"" -- agent 1 --exec true --frob
check "agent option without value" 2 "" 'coloctl: agent: option "--exec" needs an argument' -- agent 1 --exec
check "agent extra" 2 "" "~^coloctl: agent: unexpected argument \"x\"" -- agent 1 --exec true x

# group ckpt-timeout
check "ckpt-timeout too small" 2 "" 'coloctl: invalid ckpt-timeout "99": expected milliseconds 100-3600000' -- group add 1 ckpt-timeout 99
check "checkpoint-timeout too big" 2 "" 'coloctl: invalid ckpt-timeout "3600001": expected milliseconds 100-3600000' -- group set 1 checkpoint-timeout 3600001
check "ckpt-timeout twice" 2 "" 'coloctl: group set: ckpt-timeout given twice' -- group set 1 ckpt-timeout 100 checkpoint-timeout 200
check "c still means comparing" 2 "" 'coloctl: group add: mode given twice' -- group add 1 c passthrough
check "checkpoint id 0" 2 "" 'coloctl: invalid group id "0": expected 1-4294967295' -- checkpoint 0 "done"
check "checkpoint step first" 2 "" 'coloctl: invalid group id "done": expected 1-4294967295' -- checkpoint "done" 1
check "checkpoint extra" 2 "" "~^coloctl: checkpoint done: unexpected argument \"now\"" -- checkpoint 1 "done" now

# monitor
check "monitor extra" 2 "" "coloctl: monitor: unexpected argument \"group\"${NL}coloctl: try \"coloctl monitor help\"" -- monitor group 1

# ---- help: exit 0, usage on stdout ----
check "help" 0 "~^Usage: coloctl " "" -- help
check "-j help" 0 "~^Usage: coloctl " "" -- -j help
check "--help" 0 "~^Usage: coloctl " "" -- --help
check "-h" 0 "~^Usage: coloctl " "" -- -h
check "help group" 0 "~^Usage: coloctl group add ID" "" -- help group
check "group help" 0 "~^Usage: coloctl group add ID" "" -- group help
check "help after args" 0 "~^Usage: coloctl group add ID" "" -- group add 1 timeout help
check "help bogus" 2 "" "~^coloctl: unknown object \"bogus\"" -- help bogus
check "help lists objects" 0 "~^where  OBJECT := \{ group \| flow \| checkpoint \| failover \| monitor \| agent \}$" "" -- help
check "group help params" 0 "~max-flows N: flow table size, 1-4194304 \(default 65536\)" "" -- group help
check "help flow" 0 "~^Usage: coloctl \[ -j \[ -p \] \] flow \[ \{ show \| list \} \] group ID$" "" -- help flow
check "flow help" 0 "~^Usage: coloctl .* flow " "" -- flow show group help
check "help checkpoint" 0 "~^       STEP := \{ ready \| request \| reply \| vmstate-send \| vmstate-size BYTES \| vmstate-received \| vmstate-loaded \| done \}$" "" -- help checkpoint
check "help failover" 0 "~^Usage: coloctl failover ID$" "" -- help failover
check "help agent" 0 "~^Usage: coloctl \[ -n NETNS \] agent ID \{ --exec CMD \| --xen-notify PATH \}$" "" -- help agent
check "agent help" 0 "~--on-failure ACTION" "" -- agent 1 --exec true help
check "group help ckpt-timeout" 0 "~ckpt-timeout MS \(or checkpoint-timeout\)" "" -- group help
check "checkpoint help" 0 "~^Usage: coloctl checkpoint ID STEP$" "" -- checkpoint 1 help
check "help monitor" 0 "~^Usage: coloctl \[ -j \] \[ -n NETNS \] monitor \[ -j \] \[ --subscribed \]$" "" -- help monitor
check "monitor help" 0 "~REASON := \{ miscompare \| timeout \| memory \| flow-limit \| manual \| stalled \}" "" -- monitor help
check "object abbreviations" 0 "~^Usage: coloctl checkpoint" "" -- c help
check "-V" 0 "~^coloctl [0-9][^ ]* \(generic netlink family \"colo\" version 1\)$" "" -- -V
check "--version" 0 "~^coloctl " "" -- --version

# ---- namespaces ----
check "-n missing netns" 1 "" 'coloctl: cannot open network namespace "no-such-ns-here": No such file or directory' -- -n no-such-ns-here group show
check "-n not a netns" 1 "" "~^coloctl: cannot enter network namespace \"/dev/null\": Invalid argument" -- -n /dev/null group show

# ---- the real kernel, when the module is not there ----
if "$BIN" group show >/dev/null 2>&1; then
	echo "ok - real kernel: skipped, the colo family exists # SKIP"
else
	check "real kernel: module missing (show)" 1 "" "$MISSING" -- group show
	check "real kernel: module missing (add)" 1 "" "$MISSING" -- group add 1 timeout 3000
	check "real kernel: module missing (-n self)" 1 "" "$MISSING" -- -n /proc/self/ns/net -j group
	check "real kernel: module missing (flow)" 1 "" "$MISSING" -- flow show group 1
	check "real kernel: module missing (checkpoint)" 1 "" "$MISSING" -- checkpoint 1 "done"
	check "real kernel: module missing (monitor)" 1 "" "$MISSING" -- -j monitor
	check "real kernel: module missing (failover)" 1 "" "$MISSING" -- failover 1
	check "real kernel: module missing (agent)" 1 "" "$MISSING" -- agent 1 --exec true
fi

echo "# $pass passed, $fail failed"
[ $fail = 0 ]
