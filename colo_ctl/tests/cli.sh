#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Command line tests of coloctl: exit status, stdout and stderr of usage
# errors, help, the missing-module path, and - through the fake colo family
# tests/fakekernel.so (LD_PRELOAD) - of every command.
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

# check NAME WANT_RC WANT_STDOUT WANT_STDERR -- ARGS...
# WANT_STDOUT / WANT_STDERR: exact text, "*" for any, "~PATTERN" for grep -E.
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	# shellcheck disable=SC2086
	$WRAP "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
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

fake() {
	LD_PRELOAD=$FAKE
	export LD_PRELOAD
	COLO_FAKE_MODE=$1
	COLO_FAKE_GROUPS=$2
	export COLO_FAKE_MODE COLO_FAKE_GROUPS
}

unfake() {
	unset LD_PRELOAD COLO_FAKE_MODE COLO_FAKE_GROUPS
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

# ---- help: exit 0, usage on stdout ----
check "help" 0 "~^Usage: coloctl " "" -- help
check "-j help" 0 "~^Usage: coloctl " "" -- -j help
check "--help" 0 "~^Usage: coloctl " "" -- --help
check "-h" 0 "~^Usage: coloctl " "" -- -h
check "help group" 0 "~^Usage: coloctl group add ID" "" -- help group
check "group help" 0 "~^Usage: coloctl group add ID" "" -- group help
check "help after args" 0 "~^Usage: coloctl group add ID" "" -- group add 1 timeout help
check "help bogus" 2 "" "~^coloctl: unknown object \"bogus\"" -- help bogus
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
	unfake
fi

echo "# $pass passed, $fail failed"
[ $fail = 0 ]
