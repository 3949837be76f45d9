#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Command line tests of coloctl: exit status, stdout and stderr of usage
# errors, help, the missing-module path, and - through the fake colo family
# tests/fakekernel.so (LD_PRELOAD) - of every command: what it prints, and
# what it sent to the kernel (the fake's request log).
#
#   tests/cli.sh COLOCTL [FAKEKERNEL_SO]
#
# VALGRIND=1 runs every coloctl under valgrind (leaks and errors fail).

set -u

BIN=$1
FAKE=${2:-}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
case $FAKE in /*|"") ;; *) FAKE=$PWD/$FAKE ;; esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0
WRAP=
if [ "${VALGRIND:-0}" = 1 ]; then
	WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --show-leak-kinds=all"
fi
# An ASan build must accept a preloaded library before its runtime.
ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0
export ASAN_OPTIONS

# coloctl keeps an ignored SIGINT ignored, as a background job of a script
# must; the checks that stop it with SIGINT need the default action, also
# when whoever runs this ignores SIGINT (a script's background job).
DEFSIG=
env --default-signal=INT true 2>/dev/null && DEFSIG=--default-signal=INT
# No check may hang the run: one that does fails after CHECK_TIMEOUT s.
CHECK_TIMEOUT=${CHECK_TIMEOUT:-120}

# check NAME WANT_RC WANT_STDOUT WANT_STDERR -- ARGS...
# WANT_STDOUT / WANT_STDERR: exact text, "*" for any, "~PATTERN" for grep -E.
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	# shellcheck disable=SC2086 # word splitting wanted
	timeout -k 5 "$CHECK_TIMEOUT" env $DEFSIG $CHECK_ENV $WRAP "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
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

# envcheck "VAR=VALUE ..." NAME ...: check with these variables set
CHECK_ENV=
envcheck() {
	CHECK_ENV=$1
	shift
	check "$@"
	CHECK_ENV=
}

fake() {
	LD_PRELOAD=$FAKE
	export LD_PRELOAD
	COLO_FAKE_MODE=$1
	COLO_FAKE_GROUPS=$2
	export COLO_FAKE_MODE COLO_FAKE_GROUPS
}

unfake() {
	unset LD_PRELOAD COLO_FAKE_MODE COLO_FAKE_GROUPS COLO_FAKE_FLOWS \
		COLO_FAKE_EVENTS COLO_FAKE_LOG
}

# The requests the fake kernel saw since the last call: checklog NAME WANT
checklog() {
	if printf '%s\n' "$2" | cmp -s - "$TMP/log"; then
		pass=$((pass + 1))
		echo "ok - $1"
	else
		fail=$((fail + 1))
		echo "not ok - $1"
		sed 's/^/#   log: /' "$TMP/log"
	fi
	: >"$TMP/log"
}

# A result computed by the caller: result NAME CONDITION-STATUS
result() {
	if [ "$2" = 0 ]; then
		pass=$((pass + 1))
		echo "ok - $1"
	else
		fail=$((fail + 1))
		echo "not ok - $1"
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

if [ -z "$FAKE" ]; then
	echo "# no fake kernel given: skipping command tests"
else
	fake missing ""
	check "fake: module missing" 1 "" "$MISSING" -- -j group show

	fake "" ""
	check "fake: empty text" 0 "" "" -- group show
	check "fake: empty json" 0 "[]" "" -- -j group show
	check "fake: empty json pretty" 0 "[]" "" -- -j -p -s group list

	fake "" "7:1:500:0,1:0:3000:2,9:17:1:4294967295"
	check "fake: show" 0 "group 1 state passthrough timeout 3000ms actions 2
group 7 state comparing timeout 500ms actions 0
group 9 state unknown(17) timeout 1ms actions 4294967295" "" -- group show
	check "fake: bare object shows" 0 "*" "" -- group
	check "fake: abbreviations" 0 "~^group 9 " "" -- g l
	check "fake: -s" 0 "group 1 state passthrough timeout 3000ms actions 2
    primary 10 secondary 9 released 10 dropped 0 held 0 held_bytes 0
group 7 state comparing timeout 500ms actions 0
    primary 70 secondary 69 released 70 dropped 0 held 0 held_bytes 1099511627776
group 9 state unknown(17) timeout 1ms actions 4294967295
    primary 90 secondary 89 released 90 dropped 0 held 0 held_bytes 1099511627776" "" -- -s group show
	check "fake: -j" 0 '[{"group":1,"state":"passthrough","timeout_ms":3000,"actions":2},{"group":7,"state":"comparing","timeout_ms":500,"actions":0},{"group":9,"state":"unknown(17)","timeout_ms":1,"actions":4294967295}]' "" -- -j group show
	check "fake: -j -s one" 0 '[{"group":1,"state":"passthrough","timeout_ms":3000,"actions":2,"stats":{"primary_packets":10,"secondary_packets":9,"released":10,"dropped":0,"held_packets":0,"held_bytes":0}}]' "" -- -j -s group show 1
	check "fake: -json -pretty" 0 '[
    {
        "group": 7,
        "state": "comparing",
        "timeout_ms": 500,
        "actions": 0
    }
]' "" -- -json -pretty group show 7
	check "fake: show missing group (extack)" 1 "" 'coloctl: group 5: group 5 does not exist' -- -j group show 5
	check "fake: add" 0 "" "" -- group add 2 timeout 100
	check "fake: add default timeout" 0 "" "" -- group add 3
	check "fake: add existing (extack)" 1 "" 'coloctl: group 1: group 1 already exists' -- group add 1
	check "fake: set" 0 "" "" -- group set 7 timeout 3600000
	check "fake: set missing" 1 "" 'coloctl: group 5: No such file or directory' -- group set 5 timeout 10
	check "fake: del" 0 "" "" -- group delete 7
	check "fake: del missing" 1 "" 'coloctl: group 5: No such file or directory' -- group del 5

	fake noextack ""
	check "fake: no extack" 1 "" 'coloctl: group 1: No such file or directory' -- group show 1

	fake eperm "1:0:3000:0"
	check "fake: EPERM" 1 "" 'coloctl: group 2: Operation not permitted (CAP_NET_ADMIN is required)' -- group add 2
	check "fake: EPERM show still works" 0 "*" "" -- group show

	fake hostile "1:0:3000:0,2:0:3000:0"
	check "fake: malformed dump" 1 "" 'coloctl: cannot list groups: Bad message (malformed reply from the kernel)' -- -j group show
	check "fake: malformed reply" 1 "" 'coloctl: group 1: Bad message (malformed reply from the kernel)' -- group show 1

	fake intr "1:0:3000:0,2:0:3000:0,3:0:3000:0"
	check "fake: dump always interrupted" 1 "" 'coloctl: cannot list groups: Interrupted system call (the dump kept being interrupted by changes; try again)' -- group show

	fake repeat "1:0:3000:0,2:0:3000:0"
	check "fake: dump repeating a group" 1 "" 'coloctl: cannot list groups: Bad message (malformed reply from the kernel)' -- group show

	fake dumperr "1:0:3000:0"
	check "fake: dump error" 1 "" 'coloctl: cannot list groups: Message too long' -- -s group show

	# many groups: several datagrams, sorted output
	many=$(seq 300 -1 1 | sed 's/$/:1:3000:1/' | paste -sd, -)
	fake "" "$many"
	$WRAP "$BIN" group show >"$TMP/many" 2>"$TMP/err"
	rc=$?
	if [ $rc = 0 ] && [ "$(wc -l <"$TMP/many")" = 300 ] &&
	   [ "$(head -1 "$TMP/many")" = "group 1 state comparing timeout 3000ms actions 1" ] &&
	   [ "$(tail -1 "$TMP/many")" = "group 300 state comparing timeout 3000ms actions 1" ] &&
	   [ ! -s "$TMP/err" ]; then
		pass=$((pass + 1)); echo "ok - fake: 300 groups"
	else
		fail=$((fail + 1)); echo "not ok - fake: 300 groups"
	fi

	fake "" "1:0:3000:2"
	if [ -w /dev/full ]; then
		$WRAP "$BIN" group show >/dev/full 2>"$TMP/err"
		rc=$?
		if [ $rc = 1 ] && grep -q '^coloctl: cannot write to standard output: No space left on device$' "$TMP/err"; then
			pass=$((pass + 1)); echo "ok - fake: write error"
		else
			fail=$((fail + 1)); echo "not ok - fake: write error (rc $rc)"; cat "$TMP/err"
		fi
	fi

	# ---- a comparator kernel: parameters, counters, flows, events ----
	COLO_FAKE_LOG=$TMP/log
	export COLO_FAKE_LOG
	: >"$TMP/log"
	fake "" "1:1:3000:2:100:4194304:67108864:65536,3:0:10:1:10:100000:65536:1,7:2:500:0"
	check "fake: show parameters" 0 "group 1 state comparing timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 actions 2
group 3 state passthrough timeout 10ms scan 10ms flow-limit 100000b group-limit 64Kb max-flows 1 actions 1
group 7 state checkpoint timeout 500ms actions 0" "" -- group show
	check "fake: -s new counters" 0 "group 1 state comparing timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 actions 2
    primary 10 secondary 9 released 10 dropped 0 held 0 held_bytes 0
    compared 8 miscompares 1 checkpoints 2 timeouts 1 flows 3 secondary_held 4 secondary_dropped 5" "" -- -s group show 1
	check "fake: -j -s new keys" 0 '[{"group":1,"state":"comparing","timeout_ms":3000,"scan_ms":100,"flow_limit":4194304,"group_limit":67108864,"max_flows":65536,"actions":2,"stats":{"primary_packets":10,"secondary_packets":9,"released":10,"dropped":0,"held_packets":0,"held_bytes":0,"compared":8,"miscompares":1,"checkpoints":2,"timeouts":1,"flows":3,"secondary_held":4,"secondary_dropped":5}}]' "" -- -j -s group show 1
	check "fake: -j parameters" 0 '[{"group":3,"state":"passthrough","timeout_ms":10,"scan_ms":10,"flow_limit":100000,"group_limit":65536,"max_flows":1,"actions":1}]' "" -- -j group show 3
	checklog "fake: show requests" "get dump
get id=1
get id=1
get id=3"

	check "fake: add with every parameter" 0 "" "" -- group add 2 mode comparing timeout 100 scan 50 flow-limit 64k group-limit 1g max-flows 10
	checklog "fake: add sent every attribute" "new id=2 mode=1/u8 timeout=100 scan=50 flow_limit=65536 group_limit=1073741824 max_flows=10"
	check "fake: add limits at the edges" 0 "" "" -- group add 4 flow-limit 65536 group-limit 4294967295 max-flows 4194304 scan 60000
	checklog "fake: add limits sent" "new id=4 scan=60000 flow_limit=65536 group_limit=4294967295 max_flows=4194304"
	check "fake: set comparing" 0 "" "" -- group set 1 comparing
	checklog "fake: set comparing sent MODE 1" "set id=1 mode=1/u8"
	check "fake: set passthrough" 0 "" "" -- group set 1 passthrough
	checklog "fake: set passthrough sent MODE 0" "set id=1 mode=0/u8"
	check "fake: set abbreviated" 0 "" "" -- g se 1 p t 7 s 20 f 4Mb g 8M max 2
	checklog "fake: set abbreviated sent" "set id=1 mode=0/u8 timeout=7 scan=20 flow_limit=4194304 group_limit=8388608 max_flows=2"
	check "fake: set nothing" 0 "" "" -- group set 1
	checklog "fake: set nothing sent the id" "set id=1"
	check "fake: del" 0 "" "" -- group del 3
	checklog "fake: del sent the id" "del id=3"
	check "fake: set missing group" 1 "" 'coloctl: group 5: No such file or directory' -- group set 5 comparing
	: >"$TMP/log"

	# flows
	COLO_FAKE_FLOWS=tcp4,tcp4vlan,icmp4,icmp6,gre,sctp,minimal,arpaddr,two
	export COLO_FAKE_FLOWS
	check "fake: flow show" 0 "ether 0x0806 primary 1 secondary 1 held 768 idle 0ms
ether 0x0806
icmp 10.0.0.1 <-> 10.0.0.2 id 77 primary 0 secondary 0 held 0 idle 0ms
tcp 10.0.0.1:80 <-> 10.0.0.2:7000 vlan 5 primary 2 secondary 0 held 4352 idle 120ms
tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 primary 2 secondary 0 held 4352 idle 120ms closed
47 10.0.0.3 <-> 10.0.0.4 primary 0 secondary 0 held 0 idle 0ms
ip 10.0.0.5 <-> 10.0.0.6
132 10.0.0.7:9 <-> 10.0.0.2:0
udp [fd00::1]:53 <-> [fd00::2]:5353 primary 0 secondary 1 held 0 idle 5ms
icmpv6 fd00::10 <-> fd00::20 id 9 vlan 4095" "" -- flow show group 1
	checklog "fake: flow show sent a dump for the group" "flows dump id=1"
	check "fake: flow -j" 0 '[{"proto":"ether","ethertype":2054,"vlan":0,"primary_queued":1,"secondary_queued":1,"held_bytes":768,"idle_ms":0,"closed":false},{"proto":"ether","ethertype":2054,"vlan":0},{"proto":"icmp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","addr_b":"10.0.0.2","id":77,"primary_queued":0,"secondary_queued":0,"held_bytes":0,"idle_ms":0,"closed":false},{"proto":"tcp","ethertype":2048,"vlan":5,"addr_a":"10.0.0.1","port_a":80,"addr_b":"10.0.0.2","port_b":7000,"primary_queued":2,"secondary_queued":0,"held_bytes":4352,"idle_ms":120,"closed":false},{"proto":"tcp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","port_a":43210,"addr_b":"10.0.0.2","port_b":7000,"primary_queued":2,"secondary_queued":0,"held_bytes":4352,"idle_ms":120,"closed":true},{"proto":"47","ethertype":2048,"vlan":0,"addr_a":"10.0.0.3","addr_b":"10.0.0.4","primary_queued":0,"secondary_queued":0,"held_bytes":0,"idle_ms":0,"closed":false},{"proto":"ip","ethertype":2048,"vlan":0,"addr_a":"10.0.0.5","addr_b":"10.0.0.6"},{"proto":"132","ethertype":2048,"vlan":0,"addr_a":"10.0.0.7","port_a":9,"addr_b":"10.0.0.2","port_b":0},{"proto":"udp","ethertype":34525,"vlan":0,"addr_a":"fd00::1","port_a":53,"addr_b":"fd00::2","port_b":5353,"primary_queued":0,"secondary_queued":1,"held_bytes":0,"idle_ms":5,"closed":false},{"proto":"icmpv6","ethertype":34525,"vlan":4095,"addr_a":"fd00::10","addr_b":"fd00::20","id":9}]' "" -- -j flow show group 1
	envcheck "COLO_FAKE_FLOWS=tcp4" "fake: flow -j -p" 0 '[
    {
        "proto": "tcp",
        "ethertype": 2048,
        "vlan": 0,
        "addr_a": "10.0.0.1",
        "port_a": 43210,
        "addr_b": "10.0.0.2",
        "port_b": 7000,
        "primary_queued": 2,
        "secondary_queued": 0,
        "held_bytes": 4352,
        "idle_ms": 120,
        "closed": true
    }
]' "" -- -j -p flow list group 1
	envcheck "COLO_FAKE_FLOWS=" "fake: no flows" 0 "" "" -- flow show group 1
	envcheck "COLO_FAKE_FLOWS=" "fake: no flows json" 0 "[]" "" -- -j flow group 1
	envcheck "COLO_FAKE_FLOWS=nogroupid,future" "fake: flows without group id, newer attributes" 0 "tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 primary 2 secondary 0 held 4352 idle 120ms closed
udp [fd00::1]:53 <-> [fd00::2]:5353 primary 0 secondary 1 held 0 idle 5ms" "" -- flow show group 1
	check "fake: flows of a missing group (dump error, extack)" 1 "" 'coloctl: group 5: cannot list flows: group 5 does not exist' -- -j flow show group 5
	for hostile in shortaddr longaddr mixaddr oneaddr noether badnest badtype badclosed noflow othergroup dup; do
		envcheck "COLO_FAKE_FLOWS=tcp4,udp6,$hostile" "fake: malformed flow ($hostile)" 1 "" 'coloctl: group 1: cannot list flows: Bad message (malformed reply from the kernel)' -- flow show group 1
	done
	envcheck "COLO_FAKE_FLOWS=tcp4,shortaddr" "fake: malformed flow, json" 1 "" 'coloctl: group 1: cannot list flows: Bad message (malformed reply from the kernel)' -- -j flow show group 1
	: >"$TMP/log"

	# many flows: several datagrams, sorted
	COLO_FAKE_FLOWS=many:3000 $WRAP "$BIN" flow show group 1 >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc = 0 ] && [ "$(wc -l <"$TMP/out")" = 3000 ] && [ ! -s "$TMP/err" ] &&
		[ "$(head -1 "$TMP/out")" = "tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 primary 2 secondary 0 held 4352 idle 120ms closed" ] &&
		[ "$(tail -1 "$TMP/out")" = "tcp 10.11.183.1:43210 <-> 10.0.0.2:7000 primary 2 secondary 0 held 4352 idle 120ms closed" ] &&
		sort -c -t. -k2,2n -k3,3n "$TMP/out"
	result "fake: 3000 flows" $?
	: >"$TMP/log"

	# checkpoint: each step, and done walking from where the group is
	check "fake: checkpoint done (in checkpoint, no step said)" 0 "" "" -- checkpoint 7 "done"
	checklog "fake: checkpoint done sent the steps after the request" "get id=7
reply id=7
vmstate-send id=7
vmstate-size id=7 vmstate_size=0/u64
vmstate-received id=7
vmstate-loaded id=7"
	check "fake: checkpoint d from comparing: request first" 0 "" "" -- -j c 1 d
	checklog "fake: checkpoint done from comparing" "get id=1
request id=1
reply id=1
vmstate-send id=1
vmstate-size id=1 vmstate_size=0/u64
vmstate-received id=1
vmstate-loaded id=1"
	check "fake: checkpoint done in passthrough" 1 "" 'coloctl: group 3: checkpoint done: the group is in passthrough, no checkpoint to complete' -- checkpoint 3 "done"
	check "fake: checkpoint done, missing group" 1 "" 'coloctl: group 5: checkpoint done: group 5 does not exist' -- checkpoint 5 "done"
	: >"$TMP/log"
	PROTO="1:2:3000:2:100:4194304:67108864:65536:30000:3:1:0,2:0:3000:2:100:4194304:67108864:65536:500:255:0:1,3:1:3000:2:100:4194304:67108864:65536:30000:255:0:0"
	fake "" "$PROTO"
	check "fake: checkpoint done from vmstate-send" 0 "" "" -- checkpoint 1 "done"
	checklog "fake: the steps after vmstate-send" "get id=1
vmstate-size id=1 vmstate_size=0/u64
vmstate-received id=1
vmstate-loaded id=1"
	check "fake: checkpoint done, failed over" 1 "" 'coloctl: group 2: checkpoint done: the group is in passthrough (failed over), no checkpoint to complete' -- checkpoint 2 "done"
	: >"$TMP/log"
	check "fake: checkpoint vmstate-size" 0 "" "" -- checkpoint 1 vmstate-size 4m
	checklog "fake: vmstate-size sent a u64" "vmstate-size id=1 vmstate_size=4194304/u64"
	check "fake: a step out of order (extack)" 1 "" 'coloctl: group 1: checkpoint vmstate-loaded: colo_compare: unexpected vmstate-loaded, expected vmstate-size' -- checkpoint 1 vmstate-loaded
	check "fake: ready from passthrough" 0 "" "" -- checkpoint 2 ready
	check "fake: ready from comparing" 1 "" 'coloctl: group 3: checkpoint ready: colo_compare: unexpected checkpoint-ready, expected checkpoint-request' -- checkpoint 3 rea
	check "fake: request" 0 "" "" -- checkpoint 3 request
	# each step from the group at the step before (one process each)
	prev=1
	for step in reply vmstate-send "vmstate-size 0" vmstate-received vmstate-loaded; do
		# shellcheck disable=SC2086 # the size is a second word
		envcheck "COLO_FAKE_GROUPS=9:2:1:0:100:65536:65536:1:30000:$prev:1:0" "fake: $step after the step before" 0 "" "" -- checkpoint 9 $step
		prev=$((prev + 1))
	done
	check "fake: checkpoint missing group" 1 "" 'coloctl: group 5: checkpoint request: No such file or directory' -- checkpoint 5 request
	checklog "fake: one command per step" "vmstate-loaded id=1
ready id=2
ready id=3
request id=3
reply id=9
vmstate-send id=9
vmstate-size id=9 vmstate_size=0/u64
vmstate-received id=9
vmstate-loaded id=9
request id=5"
	check "fake: failover" 0 "" "" -- failover 1
	check "fake: failover in passthrough (extack)" 1 "" 'coloctl: group 2: failover: colo_compare: unexpected failover: the group is in passthrough' -- failover 2
	check "fake: failover missing group" 1 "" 'coloctl: group 5: failover: No such file or directory' -- failover 5
	checklog "fake: failover sent FAILOVER" "failover id=1
failover id=2
failover id=5"
	check "fake: show protocol state" 0 "group 1 state checkpoint step vmstate-send reason miscompare timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 ckpt-timeout 30000ms actions 2
group 2 state passthrough failed-over timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 ckpt-timeout 500ms actions 2
group 3 state comparing timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 ckpt-timeout 30000ms actions 2" "" -- group show
	check "fake: -j -s protocol state and counters" 0 '[{"group":1,"state":"checkpoint","step":"vmstate-send","reason":"miscompare","failed_over":false,"timeout_ms":3000,"scan_ms":100,"flow_limit":4194304,"group_limit":67108864,"max_flows":65536,"ckpt_timeout_ms":30000,"actions":2,"stats":{"primary_packets":10,"secondary_packets":9,"released":10,"dropped":0,"held_packets":0,"held_bytes":0,"compared":8,"miscompares":1,"checkpoints":2,"timeouts":1,"flows":3,"secondary_held":4,"secondary_dropped":5,"checkpoints_done":7,"failovers":8}}]' "" -- -j -s group show 1
	check "fake: -s counters of the protocol" 0 "~^    compared 18 .* checkpoints_done 7 failovers 8$" "" -- -s group show 2
	check "fake: group add ckpt-timeout" 0 "" "" -- group add 4 ckpt-timeout 100
	check "fake: group set checkpoint-timeout" 0 "" "" -- group set 3 checkpoint-timeout 3600000
	: >"$TMP/log"
	check "fake: set comparing, abbreviated c" 0 "" "" -- group set 3 c ckpt 250
	checklog "fake: ckpt-timeout sent" "set id=3 mode=1/u8 ckpt_timeout=250"
	unset COLO_FAKE_LOG

	fake "" "1:2:3000:0"
	check "fake: the retired CHECKPOINT_DONE is not used" 0 "" "" -- checkpoint 1 "done"
	fake eperm "7:2:500:0"
	check "fake: checkpoint EPERM" 1 "" 'coloctl: group 7: checkpoint done: checkpoint-reply: Operation not permitted (CAP_NET_ADMIN is required)' -- checkpoint 7 "done"
	check "fake: failover EPERM" 1 "" 'coloctl: group 7: failover: Operation not permitted (CAP_NET_ADMIN is required)' -- failover 7
	check "fake: set EPERM" 1 "" 'coloctl: group 7: Operation not permitted (CAP_NET_ADMIN is required)' -- group set 7 passthrough
	envcheck "COLO_FAKE_FLOWS=tcp4" "fake: flow show needs no privileges" 0 "~^tcp " "" -- flow show group 7

	# monitor
	EVENTS_TEXT="checkpoint-request group 1 reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000
checkpoint-request group 2 reason timeout
checkpoint-request group 3 reason memory flow udp [fd00::1]:53 <-> [fd00::2]:5353
checkpoint-request group 1 reason flow-limit flow icmp 10.0.0.1 <-> 10.0.0.2 id 77
checkpoint-request group 4294967295 reason none flow tcp 10.0.0.1:80 <-> 10.0.0.2:7000 vlan 5
checkpoint-request group 1 reason miscompare flow ether 0x0806
checkpoint-request group 1 reason unknown(9)
checkpoint-request group 1
checkpoint-request group 5 reason timeout
checkpoint-request group 6 reason memory flow icmpv6 fd00::10 <-> fd00::20 id 9 vlan 4095
event 42 group 3
event 43
checkpoint-request group 7 reason timeout
checkpoint-request group 1 reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000"
	EVENTS_JSON='{"event":"checkpoint-request","group":1,"reason":"miscompare","flow":{"proto":"tcp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","port_a":43210,"addr_b":"10.0.0.2","port_b":7000}}
{"event":"checkpoint-request","group":2,"reason":"timeout"}
{"event":"checkpoint-request","group":3,"reason":"memory","flow":{"proto":"udp","ethertype":34525,"vlan":0,"addr_a":"fd00::1","port_a":53,"addr_b":"fd00::2","port_b":5353}}
{"event":"checkpoint-request","group":1,"reason":"flow-limit","flow":{"proto":"icmp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","addr_b":"10.0.0.2","id":77}}
{"event":"checkpoint-request","group":4294967295,"reason":"none","flow":{"proto":"tcp","ethertype":2048,"vlan":5,"addr_a":"10.0.0.1","port_a":80,"addr_b":"10.0.0.2","port_b":7000}}
{"event":"checkpoint-request","group":1,"reason":"miscompare","flow":{"proto":"ether","ethertype":2054,"vlan":0}}
{"event":"checkpoint-request","group":1,"reason":"unknown(9)"}
{"event":"checkpoint-request","group":1}
{"event":"checkpoint-request","group":5,"reason":"timeout"}
{"event":"checkpoint-request","group":6,"reason":"memory","flow":{"proto":"icmpv6","ethertype":34525,"vlan":4095,"addr_a":"fd00::10","addr_b":"fd00::20","id":9}}
{"event":"unknown(42)","group":3}
{"event":"unknown(43)"}
{"event":"checkpoint-request","group":7,"reason":"timeout"}
{"event":"checkpoint-request","group":1,"reason":"miscompare","flow":{"proto":"tcp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","port_a":43210,"addr_b":"10.0.0.2","port_b":7000,"primary_queued":2,"secondary_queued":0,"held_bytes":4352,"idle_ms":120,"closed":true}}'
	EVENTS_ERR="coloctl: warning: malformed checkpoint-request event ignored
coloctl: warning: malformed checkpoint-request event ignored
coloctl: warning: malformed checkpoint-request event ignored
coloctl: warning: malformed checkpoint-request event ignored
coloctl: warning: malformed event ignored
coloctl: warning: truncated netlink message ignored
coloctl: warning: events were lost (the receive buffer overran)"
	fake selfint ""
	COLO_FAKE_EVENTS=miscompare,timeout,memory,flowlimit,vlan,arp,reason9,noreason,nogroup,badflow,shortaddr,pair,badattr,unknown,unknown-bare,headless,foreign,trunc,lost,fullflow,ctrl-other,ctrl-new
	export COLO_FAKE_EVENTS
	check "fake: monitor (SIGINT)" 0 "$EVENTS_TEXT" "$EVENTS_ERR" -- monitor
	check "fake: monitor -j" 0 "$EVENTS_JSON" "$EVENTS_ERR" -- -j monitor
	check "fake: monitor -j after the object" 0 "$EVENTS_JSON" "$EVENTS_ERR" -- monitor -j
	check "fake: monitor -json -pretty: still one object a line" 0 "$EVENTS_JSON" "$EVENTS_ERR" -- -json -pretty monitor
	fake selfterm ""
	check "fake: monitor (SIGTERM), -n" 0 "$EVENTS_TEXT" "$EVENTS_ERR" -- -n /proc/self/ns/net monitor
	envcheck "COLO_FAKE_EVENTS=" "fake: monitor, no events" 0 "" "" -- monitor
	envcheck "COLO_FAKE_EVENTS=timeout" "fake: monitor --subscribed" 0 "subscribed
checkpoint-request group 2 reason timeout" "" -- monitor --subscribed
	envcheck "COLO_FAKE_EVENTS=timeout" "fake: monitor -j --subscribed" 0 '{"event":"subscribed"}
{"event":"checkpoint-request","group":2,"reason":"timeout"}' "" -- -j monitor --subscribed
	envcheck "COLO_FAKE_EVENTS=steps,failover,groups,badstep" "fake: monitor, every protocol and group event" 0 "checkpoint-ready group 1 state comparing
checkpoint-request group 1 state checkpoint step checkpoint-request reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000
checkpoint-reply group 1 state checkpoint step checkpoint-reply reason miscompare
vmstate-send group 1 state checkpoint step vmstate-send reason miscompare
vmstate-size group 1 state checkpoint step vmstate-size reason miscompare size 8589934592
vmstate-received group 1 state checkpoint step vmstate-received reason miscompare
vmstate-loaded group 1 state comparing
failover group 1 state passthrough reason stalled failed-over
failover group 2 state passthrough reason manual failed-over
group-new group 2 state passthrough
group-set group 2 state passthrough failed-over
group-del group 2
checkpoint-reply group 1 state unknown(7) step unknown(9) reason unknown(12)" "" -- monitor
	envcheck "COLO_FAKE_EVENTS=steps,failover,groups" "fake: monitor -j, every protocol and group event" 0 '{"event":"checkpoint-ready","group":1,"state":"comparing"}
{"event":"checkpoint-request","group":1,"state":"checkpoint","step":"checkpoint-request","reason":"miscompare","flow":{"proto":"tcp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","port_a":43210,"addr_b":"10.0.0.2","port_b":7000}}
{"event":"checkpoint-reply","group":1,"state":"checkpoint","step":"checkpoint-reply","reason":"miscompare"}
{"event":"vmstate-send","group":1,"state":"checkpoint","step":"vmstate-send","reason":"miscompare"}
{"event":"vmstate-size","group":1,"state":"checkpoint","step":"vmstate-size","reason":"miscompare","vmstate_size":8589934592}
{"event":"vmstate-received","group":1,"state":"checkpoint","step":"vmstate-received","reason":"miscompare"}
{"event":"vmstate-loaded","group":1,"state":"comparing"}
{"event":"failover","group":1,"state":"passthrough","reason":"stalled","failed_over":true}
{"event":"failover","group":2,"state":"passthrough","reason":"manual","failed_over":true}
{"event":"group-new","group":2,"state":"passthrough"}
{"event":"group-set","group":2,"state":"passthrough","failed_over":true}
{"event":"group-del","group":2}' "" -- -j monitor
	envcheck "COLO_FAKE_EVENTS=badsize,stepnogroup,timeout" "fake: monitor, malformed protocol events" 0 "checkpoint-request group 2 reason timeout" "coloctl: warning: malformed vmstate-size event ignored
coloctl: warning: malformed vmstate-loaded event ignored" -- monitor
	envcheck "COLO_FAKE_EVENTS=miscompare,unload,timeout" "fake: monitor, module unloaded" 1 "checkpoint-request group 1 reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000" 'coloctl: the colo generic netlink family is gone (colo_compare module unloaded)' -- monitor
	envcheck "COLO_FAKE_MODE=selfterm,noctrl COLO_FAKE_EVENTS=miscompare,unload,timeout" "fake: monitor without nlctrl" 0 "checkpoint-request group 1 reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000
checkpoint-request group 2 reason timeout" "" -- monitor
	envcheck "COLO_FAKE_MODE=recverr COLO_FAKE_EVENTS=timeout" "fake: monitor, socket error" 1 "checkpoint-request group 2 reason timeout" 'coloctl: cannot receive events: Input/output error' -- monitor
	envcheck "COLO_FAKE_MODE=nomcgrp" "fake: monitor, no events group" 1 "" 'coloctl: the colo family has no "events" multicast group (an older colo_compare module?)' -- monitor
	envcheck "COLO_FAKE_MODE=joineperm" "fake: monitor, join refused" 1 "" 'coloctl: cannot join the "events" multicast group: Operation not permitted (CAP_NET_ADMIN is required)' -- -j monitor
	envcheck "COLO_FAKE_MODE=missing" "fake: monitor, module missing" 1 "" "$MISSING" -- monitor
	if [ -w /dev/full ]; then
		COLO_FAKE_EVENTS=timeout,miscompare $WRAP "$BIN" monitor >/dev/full 2>"$TMP/err"
		rc=$?
		[ $rc = 1 ] && printf '%s\n' 'coloctl: cannot write to standard output: No space left on device' | cmp -s - "$TMP/err"
		: >"$TMP/out"
		result "fake: monitor write error" $?
	fi

	# ---- the agent, against the fake kernel's state machine ----
	COLO_FAKE_LOG=$TMP/log
	export COLO_FAKE_LOG
	: >"$TMP/log"
	G="100:4194304:67108864:65536:30000"	# parameters, ckpt-timeout 30 s
	# steplog: the fake's log without the agent's GROUP_GETs
	steplog() { grep -v '^get' "$TMP/log" >"$TMP/steps"; mv "$TMP/steps" "$TMP/log"; }
	fake selfterm "1:0:3000:2:$G:255:0:0"
	# CMD's stdout is the size: its log goes to stderr (here: fd 3 swapped)
	ENVCMD2='{ echo "env $COLO_GROUP $COLO_REASON $COLO_STEP ${COLO_FLOW:-noflow} $COLO_CHECKPOINT $COLO_ATTEMPT" >&2; echo 4k; }'
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1,@idle,kreq1" "fake: agent: ready at start, two kernel requests served" 0 "" "~^env 1 miscompare vmstate-send tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 2 1$" -- agent 1 --exec "$ENVCMD2"
	grep -q "^env 1 miscompare vmstate-send tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 1 1$" "$TMP/err" &&
		grep -q "checkpoint 2: done in .* ms (vmstate 4096 bytes)$" "$TMP/err" &&
		grep -q "stopped: 2 checkpoints done, 0 failovers$" "$TMP/err"
	result "fake: agent: CMD's environment, one transaction each, the size from its output" $?
	steplog
	checklog "fake: agent: the steps of two transactions, in order" "ready id=1
reply id=1
vmstate-send id=1
vmstate-size id=1 vmstate_size=4096/u64
vmstate-received id=1
vmstate-loaded id=1
reply id=1
vmstate-send id=1
vmstate-size id=1 vmstate_size=4096/u64
vmstate-received id=1
vmstate-loaded id=1"

	envcheck "COLO_FAKE_EVENTS=" "fake: agent --no-ready leaves a group in passthrough" 0 "" "~stopped: 0 checkpoints done" -- agent 1 --exec true --no-ready
	steplog
	[ ! -s "$TMP/log" ]
	result "fake: agent --no-ready sent nothing" $?

	# a request outstanding at start, at vmstate-send: CMD, then the rest
	envcheck "COLO_FAKE_GROUPS=1:2:3000:2:$G:3:2:0 COLO_FAKE_EVENTS=" "fake: agent completes a request outstanding at start" 0 "" "~checkpoint 1: request \(timeout\)" -- agent 1 --exec 'echo 12'
	steplog
	checklog "fake: agent: from vmstate-send on" "vmstate-size id=1 vmstate_size=12/u64
vmstate-received id=1
vmstate-loaded id=1"
	envcheck "COLO_FAKE_GROUPS=1:2:3000:2:$G:5:2:0 COLO_FAKE_EVENTS=" "fake: agent: past vmstate-size, CMD is not run again" 0 "" "~done in .* \(vmstate 0 bytes\)" -- agent 1 --exec false
	steplog
	checklog "fake: agent: only vmstate-loaded left" "vmstate-loaded id=1"

	fake selfterm "1:1:3000:2:$G:255:0:0"
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: CMD fails: failover" 0 "" "~checkpoint 1: CMD failed with exit status 3 \(attempt 1\)" -- agent 1 --exec 'exit 3'
	steplog
	checklog "fake: agent: failover after vmstate-send" "reply id=1
vmstate-send id=1
failover id=1"
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: --on-failure retry:2: 3 attempts, then failover" 0 "" "~CMD failed with exit status 1 \(attempt 3\)" -- agent 1 --exec false --on-failure retry:2
	steplog
	checklog "fake: agent: one failover after the retries" "reply id=1
vmstate-send id=1
failover id=1"
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: retry after a failed first attempt" 0 "" "~checkpoint 1: done in" -- agent 1 --exec '[ "$COLO_ATTEMPT" = 2 ]' --on-failure retry
	steplog
	checklog "fake: agent: completed on attempt 2" "reply id=1
vmstate-send id=1
vmstate-size id=1 vmstate_size=0/u64
vmstate-received id=1
vmstate-loaded id=1"
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: CMD killed after --exec-timeout" 0 "" "~CMD timed out after 200 ms \(attempt 1\)" -- agent 1 --exec 'exec sleep 20' --exec-timeout 200
	steplog
	checklog "fake: agent: timeout, failover" "reply id=1
vmstate-send id=1
failover id=1"
	envcheck "COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: output that is no size" 0 "" '~warning: CMD printed "100 MB", not a byte count: vmstate-size 0' -- agent 1 --exec 'echo "100 MB"'
	envcheck "COLO_FAKE_EVENTS=@idle,lost,kreq1" "fake: agent: events lost: reads the group again" 0 "" "~events were lost: reading the group again" -- agent 1 --exec true
	: >"$TMP/log"
	envcheck "COLO_FAKE_EVENTS=" "fake: agent: missing group" 1 "" "coloctl: agent: group 2: group 2 does not exist" -- agent 2 --exec true
	envcheck "COLO_FAKE_MODE=eperm,selfterm COLO_FAKE_EVENTS=@idle,kreq1" "fake: agent: a refused step fails over (refused too)" 0 "" "~coloctl: agent: group 1: checkpoint-reply: Operation not permitted" -- agent 1 --exec true
	envcheck "COLO_FAKE_MODE=nomcgrp,selfterm" "fake: agent: no events group" 1 "" 'coloctl: the colo family has no "events" multicast group (an older colo_compare module?)' -- agent 1 --exec true
	envcheck "COLO_FAKE_EVENTS=miscompare,unload" "fake: agent: module unloaded" 1 "" "~the colo generic netlink family is gone" -- agent 1 --exec true
	envcheck "COLO_FAKE_EVENTS=@idle,groups,@idle,kreq1" "fake: agent: another group deleted: ignored" 0 "" "~checkpoint 1: done" -- agent 1 --exec true
	fake selfterm "2:1:3000:2:$G:255:0:0"
	envcheck "COLO_FAKE_EVENTS=@idle,groups" "fake: agent: its group deleted: exit 1" 1 "" "~group 2: the group was deleted" -- agent 2 --exec true

	# periodic requests: stopped from outside (the agent never idles)
	fake "" "1:1:3000:2:$G:255:0:0"
	: >"$TMP/log"
	COLO_FAKE_EVENTS='' timeout --preserve-status -s TERM 3 $WRAP "$BIN" agent 1 --exec true --checkpoint-interval 50 >"$TMP/out" 2>"$TMP/err"
	rc=$?
	steplog
	echo "# periodic: exit $rc, $(grep -c '^request id=1$' "$TMP/log") requests"
	[ $rc = 0 ] && [ "$(grep -c '^request id=1$' "$TMP/log")" -ge 1 ] &&
		grep -q "checkpoint 1: request (manual)" "$TMP/err" && grep -q "stopped: [1-9][0-9]* checkpoints done, 0 failovers" "$TMP/err"
	result "fake: agent --checkpoint-interval requests checkpoints, SIGTERM exits 0" $?
	: >"$TMP/log"

	# --xen-notify: a libxl stand-in on the host
	if command -v python3 >/dev/null; then
		# comparing: the kernel's request comes before the peer
		fake "" "1:1:3000:2:$G:255:0:0"
		rm -f "$TMP/xen.sock"
		COLO_FAKE_EVENTS=@idle,kreq1 $WRAP "$BIN" agent 1 --xen-notify "$TMP/xen.sock" >"$TMP/out" 2>"$TMP/err" &
		pid=$!
		python3 - "$TMP/xen.sock" >"$TMP/xen" 2>&1 <<'PY'
import socket, struct, sys, time
path = sys.argv[1]
for _ in range(200):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(path); break
    except OSError:
        time.sleep(0.05)
s.settimeout(10)
def send(b): s.sendall(struct.pack('>I', len(b)) + b)
def recv():
    h = b''
    while len(h) < 4: h += s.recv(4 - len(h))
    n = struct.unpack('>I', h)[0]; b = b''
    while len(b) < n: b += s.recv(n - len(b))
    return b
send(b'COLO_USERSPACE_PROXY_INIT'); print(recv().decode())
print(recv().decode())                  # the outstanding request
send(b'COLO_CHECKPOINT')
send(b'NONSENSE\x01')
send(b'COLO_CHECKPOINT\0')              # libxl's own: request first
s.sendall(b'\xff\xff\xff\xff')          # hostile: dropped
print('eof' if s.recv(1) == b'' else 'open')
PY
		sleep 0.5
		kill -TERM $pid
		wait $pid
		rc=$?
		steplog
		printf 'COLO_COMPARE_GET_XEN_INIT\nDO_CHECKPOINT\neof\n' | cmp -s - "$TMP/xen" && [ $rc = 0 ] &&
			[ ! -e "$TMP/xen.sock" ] &&
			grep -q 'xen peer: unknown message "NONSENSE?" (9 bytes) ignored' "$TMP/err" &&
			grep -q 'xen peer gone (a message longer than the limit)' "$TMP/err" &&
			printf '%s\n' "reply id=1" "vmstate-send id=1" "vmstate-size id=1 vmstate_size=0/u64" \
				"vmstate-received id=1" "vmstate-loaded id=1" "request id=1" "reply id=1" "vmstate-send id=1" \
				"vmstate-size id=1 vmstate_size=0/u64" "vmstate-received id=1" "vmstate-loaded id=1" \
				"failover id=1" | cmp -s - "$TMP/log"
		ok=$?
		[ $ok = 0 ] || sed 's/^/#   xen: /' "$TMP/xen" "$TMP/log"
		result "fake: agent --xen-notify: init, DO_CHECKPOINT, COLO_CHECKPOINT, junk, hostile length, socket removed" $ok
		: >"$TMP/log"
	fi
	unset COLO_FAKE_LOG

	# a real signal, and the lines must come through a pipe one by one
	fake "" ""
	COLO_FAKE_EVENTS=miscompare,timeout
	export COLO_FAKE_EVENTS
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	$WRAP "$BIN" -j monitor >"$TMP/fifo" 2>"$TMP/err" &
	pid=$!
	( sleep 30; kill -KILL $pid 2>/dev/null ) &
	dog=$!
	{
		read -r l1 && read -r l2 &&
		[ "$l1" = '{"event":"checkpoint-request","group":1,"reason":"miscompare","flow":{"proto":"tcp","ethertype":2048,"vlan":0,"addr_a":"10.0.0.1","port_a":43210,"addr_b":"10.0.0.2","port_b":7000}}' ] &&
		[ "$l2" = '{"event":"checkpoint-request","group":2,"reason":"timeout"}' ] &&
		kill -TERM $pid
		ok=$?
		cat >"$TMP/out"
	} <"$TMP/fifo"
	wait $pid
	rc=$?
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
	[ $ok = 0 ] && [ $rc = 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]
	result "fake: monitor flushes each line, exits 0 on SIGTERM" $?

	# SIGINT: a background job of a script ignores it, and keeps doing so
	$WRAP "$BIN" monitor >"$TMP/fifo" 2>"$TMP/err" &
	pid=$!
	( sleep 30; kill -KILL $pid 2>/dev/null ) &
	dog=$!
	{
		read -r l1 && read -r l2 && kill -INT $pid && sleep 1 &&
		kill -0 $pid && kill -TERM $pid
		ok=$?
		cat >"$TMP/out"
	} <"$TMP/fifo"
	wait $pid
	rc=$?
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
	[ $ok = 0 ] && [ $rc = 0 ] && [ "$l2" = "checkpoint-request group 2 reason timeout" ]
	result "fake: monitor keeps an ignored SIGINT ignored" $?

	# ... and catches it when it is not ignored
	if env --default-signal=INT true 2>/dev/null; then
		# shellcheck disable=SC2086 # word splitting wanted
		env --default-signal=INT $WRAP "$BIN" monitor >"$TMP/fifo" 2>"$TMP/err" &
		pid=$!
		( sleep 30; kill -KILL $pid 2>/dev/null ) &
		dog=$!
		{
			read -r l1 && kill -INT $pid
			ok=$?
			cat >"$TMP/out"
		} <"$TMP/fifo"
		wait $pid
		rc=$?
		kill $dog 2>/dev/null
		wait $dog 2>/dev/null
		[ $ok = 0 ] && [ $rc = 0 ] && [ ! -s "$TMP/err" ]
		result "fake: monitor exits 0 on SIGINT" $?
	fi
	unfake
fi

echo "# $pass passed, $fail failed"
[ $fail = 0 ]
