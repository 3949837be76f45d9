#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# coloctl's commands against the real module: the exact text and JSON of
# group show/list, add/set/del and their errors (the kernel's extack
# texts), EPERM without CAP_NET_ADMIN, a full netns of groups, flow show,
# the checkpoint steps, failover and the events "monitor" prints.  The
# usage errors and help need no kernel: colo_ctl/tests/cli.sh on the host.
# The agent's behaviour is selftests/colo_agent.sh.
#
# The groups live in their own netns ($NS), so the output is exact.
# shellcheck disable=SC1091,SC2016 # sourced helpers; eval '... "$1"' ARG
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

set -u
NS=colocli
cleanup() {
	# shellcheck disable=SC2086 # a list of pids
	[ -n "${MPIDS:-}" ] && kill $MPIDS 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	colo_cleanup
}
trap cleanup EXIT
echo "TAP version 13"

ip netns add "$NS" || { echo "not ok 1 netns $NS"; exit 1; }
ip -n "$NS" link set lo up
# nobody runs coloctl from COLO_TMP too
chmod 711 "$COLO_TMP"

# c NAME WANT_RC WANT_STDOUT WANT_STDERR -- ARGS...: coloctl -n $NS ARGS.
# WANT_*: exact text (one final newline optional), "*" any, "~ERE" grep -E.
# RUNAS (a command prefix) runs it as someone else, inside $NS.
RUNAS=
c() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4 rc ok=1 s want
	shift 5
	_t_n=$((_t_n + 1))
	if [ -n "$RUNAS" ]; then
		# shellcheck disable=SC2086 # a command prefix
		ip netns exec "$NS" $RUNAS "$COLOCTL" "$@" >"$COLO_TMP/out" 2>"$COLO_TMP/err"
	else
		"$COLOCTL" -n "$NS" "$@" >"$COLO_TMP/out" 2>"$COLO_TMP/err"
	fi
	rc=$?
	[ "$rc" = "$want_rc" ] || ok=0
	for s in out err; do
		if [ $s = out ]; then want=$want_out; else want=$want_err; fi
		case $want in
		"*") ;;
		"~"*) grep -Eq -- "${want#\~}" "$COLO_TMP/$s" || ok=0 ;;
		*) printf '%s' "$want" | cmp -s - "$COLO_TMP/$s" ||
			printf '%s\n' "$want" | cmp -s - "$COLO_TMP/$s" || ok=0 ;;
		esac
	done
	if [ $ok = 1 ]; then
		echo "ok $_t_n $name"
	else
		echo "not ok $_t_n $name (rc $rc, want $want_rc)"
		sed 's/^/#   stdout: /' "$COLO_TMP/out"
		sed 's/^/#   stderr: /' "$COLO_TMP/err"
		_t_fail=$((_t_fail + 1))
	fi
}
nobody() { RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups"; c "$@"; RUNAS=; }

M=colo_compare	# the prefix of the module's extack texts
# Formatted extack texts (with the numbers) came in 6.2: before, the module
# sends the same text without them (colo_compare/compat.h).
IFS=. read -r KMAJ KMIN _ <<<"$(uname -r)"
KFMT=0
[ "$KMAJ" -gt 6 ] || { [ "$KMAJ" -eq 6 ] && [ "$KMIN" -ge 2 ]; } && KFMT=1
# xt PLAIN FORMATTED: the extack text this kernel gets
xt() { if [ $KFMT = 1 ]; then echo "$M: $2"; else echo "$M: $1"; fi; }
nogrp() { xt "group does not exist" "group $1 does not exist"; }
EPERM="Operation not permitted (CAP_NET_ADMIN is required)"
D="timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 ckpt-timeout 30000ms"
DJ='"timeout_ms":3000,"scan_ms":100,"flow_limit":4194304,"group_limit":67108864,"max_flows":65536,"ckpt_timeout_ms":30000'
Z="    primary 0 secondary 0 released 0 dropped 0 held 0 held_bytes 0
    compared 0 miscompares 0 checkpoints 0 timeouts 0 flows 0 secondary_held 0 secondary_dropped 0 checkpoints_done 0 failovers 0"
ZJ='"stats":{"primary_packets":0,"secondary_packets":0,"released":0,"dropped":0,"held_packets":0,"held_bytes":0,"compared":0,"miscompares":0,"checkpoints":0,"timeouts":0,"flows":0,"secondary_held":0,"secondary_dropped":0,"checkpoints_done":0,"failovers":0,"rewrite_flows":0,"rewrite_learned":0,"rewrite_rewritten":0,"rewrite_unknown":0,"rewrite_untracked":0,"rewrite_errors":0,"rewrite_resets":0}'

# joined PID: PID's genl socket is in a multicast group (colo_lib.sh's
# mon_joined looks at MON_PID)
joined() {
	# shellcheck disable=SC2034 # read by mon_joined
	MON_PID=$1
	until_ok 30 mon_joined
}

# ---- the events of everything below, seen by two monitors -----------------
# mon_joined of colo_lib.sh looks at MON_PID's netns
"$COLOCTL" -n "$NS" -j monitor --subscribed >"$COLO_TMP/mon.json" 2>"$COLO_TMP/mon.json.err" &
MPJ=$!
"$COLOCTL" -n "$NS" monitor >"$COLO_TMP/mon.txt" 2>"$COLO_TMP/mon.txt.err" &
MPT=$!
# the -j spellings and -p change nothing: one object a line
"$COLOCTL" -n "$NS" monitor -j >"$COLO_TMP/mon.j2" 2>&1 &
MP2=$!
"$COLOCTL" -n "$NS" -json -pretty monitor >"$COLO_TMP/mon.j3" 2>&1 &
MP3=$!
# a monitor that cannot write fails at its first event
"$COLOCTL" -n "$NS" monitor >/dev/full 2>"$COLO_TMP/mon.full" &
MPF=$!
MPIDS="$MPJ $MPT $MP2 $MP3 $MPF"
check "monitor -j subscribed" joined $MPJ
check "monitor subscribed" joined $MPT
check "monitor -j (after the object) subscribed" joined $MP2
check "-json -pretty monitor subscribed" joined $MP3
check "monitor >/dev/full subscribed" joined $MPF

# ---- no groups ----------------------------------------------------------------
c "empty: text" 0 "" "" -- group show
c "empty: json" 0 "[]" "" -- -j group show
c "empty: json pretty stats" 0 "[]" "" -- -j -p -s group list
c "empty: show of a missing group (extack)" 1 "" "coloctl: group 5: $(nogrp 5)" -- -j group show 5

# ---- add --------------------------------------------------------------------
c "add with the defaults" 0 "" "" -- group add 1
c "add with every parameter" 0 "" "" -- group add 7 mode comparing timeout 500 scan 50 flow-limit 64k group-limit 1g max-flows 10 ckpt-timeout 100
c "add at the limits' edges" 0 "" "" -- group add 9 passthrough timeout 1 scan 60000 flow-limit 65536 group-limit 4294967295 max-flows 4194304 checkpoint-timeout 3600000
c "add existing (extack)" 1 "" "coloctl: group 1: $(xt "group already exists" "group 1 already exists")" -- group add 1 timeout 100

SHOW="group 1 state passthrough $D actions 0
group 7 state comparing timeout 500ms scan 50ms flow-limit 64Kb group-limit 1Gb max-flows 10 ckpt-timeout 100ms actions 0
group 9 state passthrough timeout 1ms scan 60000ms flow-limit 64Kb group-limit 4294967295b max-flows 4194304 ckpt-timeout 3600000ms actions 0"
c "show: text, sorted, every parameter" 0 "$SHOW" "" -- group show
c "the bare object shows" 0 "$SHOW" "" -- group
c "abbreviations: g l" 0 "$SHOW" "" -- g l
c "show one" 0 "group 1 state passthrough $D actions 0" "" -- group show 1
c "-s: the counters" 0 "group 1 state passthrough $D actions 0
$Z" "" -- -s group show 1
J1='{"group":1,"state":"passthrough","failed_over":false,'$DJ',"actions":0}'
J7='{"group":7,"state":"comparing","failed_over":false,"timeout_ms":500,"scan_ms":50,"flow_limit":65536,"group_limit":1073741824,"max_flows":10,"ckpt_timeout_ms":100,"actions":0}'
J9='{"group":9,"state":"passthrough","failed_over":false,"timeout_ms":1,"scan_ms":60000,"flow_limit":65536,"group_limit":4294967295,"max_flows":4194304,"ckpt_timeout_ms":3600000,"actions":0}'
c "-j: every group" 0 "[$J1,$J7,$J9]" "" -- -j group show
c "-j -s one" 0 "[${J1%\}},$ZJ}]" "" -- -j -s group show 1
c "-json -pretty" 0 '[
    {
        "group": 7,
        "state": "comparing",
        "failed_over": false,
        "timeout_ms": 500,
        "scan_ms": 50,
        "flow_limit": 65536,
        "group_limit": 1073741824,
        "max_flows": 10,
        "ckpt_timeout_ms": 100,
        "actions": 0
    }
]' "" -- -json -pretty group show 7

# ---- set, del ---------------------------------------------------------------
c "set timeout" 0 "" "" -- group set 7 timeout 3600000
c "set abbreviated, every parameter" 0 "" "" -- g se 9 p t 7 s 20 f 4Mb g 8M max 2 ckpt 250
c "set nothing" 0 "" "" -- group set 1
c "the values set" 0 "group 1 state passthrough $D actions 0
group 7 state comparing timeout 3600000ms scan 50ms flow-limit 64Kb group-limit 1Gb max-flows 10 ckpt-timeout 100ms actions 0
group 9 state passthrough timeout 7ms scan 20ms flow-limit 4Mb group-limit 8Mb max-flows 2 ckpt-timeout 250ms actions 0" "" -- group show
c "set comparing" 0 "" "" -- group set 1 comparing
c "... the group compares" 0 "group 1 state comparing $D actions 0" "" -- group show 1
c "set passthrough" 0 "" "" -- group set 1 passthrough
c "... the group passes through" 0 "group 1 state passthrough $D actions 0" "" -- group show 1
c "set a missing group (extack)" 1 "" "coloctl: group 5: $(nogrp 5)" -- group set 5 comparing
c "del a missing group (extack)" 1 "" "coloctl: group 5: $(nogrp 5)" -- group del 5
c "del (as delete)" 0 "" "" -- group delete 9
c "... gone" 0 "~^group 7 .*\$" "" -- group show
c "... show of it (extack)" 1 "" "coloctl: group 9: $(nogrp 9)" -- group show 9
c "add ckpt-timeout, comparing" 0 "" "" -- group add 3 c ckpt-timeout 100
c "set checkpoint-timeout" 0 "" "" -- group set 3 checkpoint-timeout 3600000

# ---- without CAP_NET_ADMIN --------------------------------------------------
nobody "unprivileged: add (EPERM)" 1 "" "coloctl: group 2: $EPERM" -- group add 2
nobody "unprivileged: set (EPERM)" 1 "" "coloctl: group 1: $EPERM" -- group set 1 comparing
nobody "unprivileged: del (EPERM)" 1 "" "coloctl: group 1: $EPERM" -- group del 1
nobody "unprivileged: checkpoint (EPERM)" 1 "" "coloctl: group 3: checkpoint request: $EPERM" -- checkpoint 3 request
nobody "unprivileged: checkpoint done (EPERM)" 1 "" "coloctl: group 3: checkpoint done: checkpoint-request: $EPERM" -- checkpoint 3 "done"
nobody "unprivileged: failover (EPERM)" 1 "" "coloctl: group 3: failover: $EPERM" -- failover 3
nobody "unprivileged: show works" 0 "group 1 state passthrough $D actions 0" "" -- group show 1
nobody "unprivileged: flow show works" 0 "" "" -- flow show group 1
c "... nothing changed" 0 "~^group 3 state comparing " "" -- group show 3

# ---- the checkpoint protocol ------------------------------------------------
ZJ1=${ZJ/'"checkpoints":0'/'"checkpoints":1'}
P="timeout 3000ms scan 100ms flow-limit 4Mb group-limit 64Mb max-flows 65536 ckpt-timeout 3600000ms actions 0"
c "ready while comparing (extack)" 1 "" "coloctl: group 3: checkpoint ready: $M: unexpected checkpoint-ready, expected checkpoint-request" -- checkpoint 3 rea
c "request" 0 "" "" -- checkpoint 3 request
c "... in checkpoint, step request, reason manual" 0 "group 3 state checkpoint step checkpoint-request reason manual $P" "" -- group show 3
c "a step out of order (extack)" 1 "" "coloctl: group 3: checkpoint vmstate-loaded: $M: unexpected vmstate-loaded, expected checkpoint-reply" -- checkpoint 3 vmstate-loaded
c "set comparing during a checkpoint (extack)" 1 "" "coloctl: group 3: $M: a checkpoint is outstanding: finish it with the protocol steps or fail over" -- group set 3 comparing
c "reply" 0 "" "" -- checkpoint 3 reply
c "vmstate-send" 0 "" "" -- checkpoint 3 vmstate-send
c "-j -s: the step and the counters" 0 '[{"group":3,"state":"checkpoint","step":"vmstate-send","reason":"manual","failed_over":false,"timeout_ms":3000,"scan_ms":100,"flow_limit":4194304,"group_limit":67108864,"max_flows":65536,"ckpt_timeout_ms":3600000,"actions":0,'"$ZJ1"'}]' "" -- -j -s group show 3
c "vmstate-size 4m" 0 "" "" -- checkpoint 3 vmstate-size 4m
c "vmstate-received" 0 "" "" -- checkpoint 3 vmstate-received
c "vmstate-loaded" 0 "" "" -- checkpoint 3 vmstate-loaded
c "... comparing, one checkpoint done" 0 "~^    compared 0 miscompares 0 checkpoints 1 timeouts 0 flows 0 secondary_held 0 secondary_dropped 0 checkpoints_done 1 failovers 0\$" "" -- -s group show 3
c "done from comparing: request first, then every step" 0 "" "" -- -j c 3 d
c "... two done" 0 "~checkpoints 2 .* checkpoints_done 2 failovers 0\$" "" -- -s group show 3
"$COLOCTL" -n "$NS" checkpoint 3 request && "$COLOCTL" -n "$NS" checkpoint 3 reply &&
	"$COLOCTL" -n "$NS" checkpoint 3 vmstate-send
c "done from vmstate-send" 0 "" "" -- checkpoint 3 "done"
c "... three done" 0 "~checkpoints 3 .* checkpoints_done 3 failovers 0\$" "" -- -s group show 3
c "done in passthrough" 1 "" "coloctl: group 1: checkpoint done: the group is in passthrough, no checkpoint to complete" -- checkpoint 1 "done"
c "done, missing group (extack)" 1 "" "coloctl: group 5: checkpoint done: $(nogrp 5)" -- checkpoint 5 "done"
c "a step of a missing group (extack)" 1 "" "coloctl: group 5: checkpoint request: $(nogrp 5)" -- checkpoint 5 request

c "failover" 0 "" "" -- failover 3
c "... passthrough, failed over" 0 "group 3 state passthrough failed-over $P" "" -- group show 3
c "failover in passthrough (extack)" 1 "" "coloctl: group 3: failover: $M: unexpected failover: the group is in passthrough" -- failover 3
c "failover of a missing group (extack)" 1 "" "coloctl: group 5: failover: $(nogrp 5)" -- failover 5
c "done after failover" 1 "" "coloctl: group 3: checkpoint done: the group is in passthrough (failed over), no checkpoint to complete" -- checkpoint 3 "done"
c "set comparing after failover (extack)" 1 "" "coloctl: group 3: $M: the group failed over: checkpoint-ready pairs it again" -- group set 3 comparing
c "ready pairs it again" 0 "" "" -- checkpoint 3 ready
c "... comparing, not failed over" 0 "~^\[\{\"group\":3,\"state\":\"comparing\",\"failed_over\":false,.*\"checkpoints_done\":3,\"failovers\":1,.*\}\}\]\$" "" -- -s -j group show 3

# ---- agent: what colo_agent.sh does not do ---------------------------------
c "agent: a missing group (extack)" 1 "" "coloctl: agent: group 5: $(nogrp 5)" -- agent 5 --exec true
nobody "agent: unprivileged, checkpoint-ready refused (EPERM)" 1 "" "~Operation not permitted \(CAP_NET_ADMIN is required\)\$" -- agent 1 --exec true
"$COLOCTL" -n "$NS" agent 1 --exec true --no-ready 2>"$COLO_TMP/agent.err" &
AG=$!
MPIDS="$MPIDS $AG"
check "agent --no-ready subscribed" joined $AG
c "agent --no-ready: the group stays in passthrough" 0 "group 1 state passthrough $D actions 0" "" -- group show 1
c "del of the agent's group" 0 "" "" -- group del 1
agent_gone() {
	local rc
	until_ok 10 eval '! kill -0 $AG 2>/dev/null'
	wait $AG
	rc=$?
	cat "$COLO_TMP/agent.err"
	expect $rc = 1 && grep -qx "coloctl: agent: group 1: the group was deleted" "$COLO_TMP/agent.err"
}
check "agent: its group deleted: exit 1, said" agent_gone

# ---- the events of all that, as the monitors saw them -----------------------
# a last event marks the end: both monitors have everything before it
c "del of the last group" 0 "" "" -- group del 7
mon_has() { grep -q '"event":"group-del","group":7' "$COLO_TMP/mon.json" && grep -q '^group-del group 7' "$COLO_TMP/mon.txt"; }
check "both monitors saw the last event" until_ok 30 mon_has
kill -TERM $MPJ $MP2 $MP3
kill -INT $MPT	# a background job of bash ignores SIGINT: TERM below
nap 1
check "monitor keeps an ignored SIGINT ignored" kill -0 $MPT
kill -TERM $MPT
wait $MPJ
check "monitor -j: exit 0 on SIGTERM" expect $? = 0
check "monitor -j: nothing on stderr" test ! -s "$COLO_TMP/mon.json.err"
wait $MPT
check "monitor: exit 0 on SIGTERM" expect $? = 0
check "monitor: nothing on stderr" test ! -s "$COLO_TMP/mon.txt.err"
check "monitor -j (after the object): the same" diff "$COLO_TMP/mon.j2" <(tail -n +2 "$COLO_TMP/mon.json")
check "-json -pretty monitor: the same" diff "$COLO_TMP/mon.j3" <(tail -n +2 "$COLO_TMP/mon.json")
wait $MPF
check "monitor >/dev/full: exit 1" expect $? = 1
check "monitor >/dev/full: said why" grep -qx "coloctl: cannot write to standard output: No space left on device" "$COLO_TMP/mon.full"
MPIDS=
EVJ='{"event":"subscribed"}
{"event":"group-new","group":1,"state":"passthrough"}
{"event":"group-new","group":7,"state":"comparing"}
{"event":"group-new","group":9,"state":"passthrough"}
{"event":"group-set","group":7,"state":"comparing"}
{"event":"group-set","group":9,"state":"passthrough"}
{"event":"group-set","group":1,"state":"passthrough"}
{"event":"group-set","group":1,"state":"comparing"}
{"event":"group-set","group":1,"state":"passthrough"}
{"event":"group-del","group":9}
{"event":"group-new","group":3,"state":"comparing"}
{"event":"group-set","group":3,"state":"comparing"}
{"event":"checkpoint-request","group":3,"state":"checkpoint","step":"checkpoint-request","reason":"manual"}
{"event":"checkpoint-reply","group":3,"state":"checkpoint","step":"checkpoint-reply","reason":"manual"}
{"event":"vmstate-send","group":3,"state":"checkpoint","step":"vmstate-send","reason":"manual"}
{"event":"vmstate-size","group":3,"state":"checkpoint","step":"vmstate-size","reason":"manual","vmstate_size":4194304}
{"event":"vmstate-received","group":3,"state":"checkpoint","step":"vmstate-received","reason":"manual"}
{"event":"vmstate-loaded","group":3,"state":"comparing"}'
EVT="checkpoint-request group 3 state checkpoint step checkpoint-request reason manual
checkpoint-reply group 3 state checkpoint step checkpoint-reply reason manual
vmstate-send group 3 state checkpoint step vmstate-send reason manual
vmstate-size group 3 state checkpoint step vmstate-size reason manual size 4194304
vmstate-received group 3 state checkpoint step vmstate-received reason manual
vmstate-loaded group 3 state comparing"
same_events() {
	expect "$(wc -l <"$COLO_TMP/mon.txt")" = "$(($(wc -l <"$COLO_TMP/mon.json") - 1))" &&
		sed -n 12,17p "$COLO_TMP/mon.txt" | diff - <(printf '%s\n' "$EVT")
}
check "monitor -j: the events, in order, one object a line" diff <(printf '%s\n' "$EVJ") <(head -n 18 "$COLO_TMP/mon.json")
check "monitor (text): the same events" same_events
has_lines() {
	local f=$1 l
	shift
	for l; do grep -qxF -- "$l" "$f" || { echo "no line: $l"; return 1; }; done
}
check "monitor -j: failover and ready" has_lines "$COLO_TMP/mon.json" \
	'{"event":"failover","group":3,"state":"passthrough","reason":"manual","failed_over":true}' \
	'{"event":"checkpoint-ready","group":3,"state":"comparing"}'
check "monitor: failover and ready" has_lines "$COLO_TMP/mon.txt" \
	"failover group 3 state passthrough reason manual failed-over" "checkpoint-ready group 3 state comparing"
check "monitor: no event of a refused command" eval '! grep -E "group.:?[25]\b" "$COLO_TMP/mon.json" "$COLO_TMP/mon.txt"'

# ---- a full netns of groups: several dump datagrams, sorted ------------------
"$COLOCTL" -n "$NS" group del 3
# 256 coloctl processes would take minutes under TCG: one python3 sends
# the GROUP_NEWs (ids 256 down to 1) over a genl socket of its own
genl_add_groups() {
	ip netns exec "$NS" /usr/bin/python3 -S - <<-'PY'
	import socket, struct, sys
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
	s.bind((0, 0))
	def req(fam, cmd, attrs, seq):
	    body = struct.pack("BBH", cmd, 1, 0) + attrs
	    s.send(struct.pack("IHHII", 16 + len(body), fam, 5, seq, 0) + body)
	    while True:
	        d = s.recv(65536)
	        ln, typ = struct.unpack_from("IH", d)
	        if typ == 2:
	            err = struct.unpack_from("i", d, 16)[0]
	            if err:
	                sys.exit("genl error %d" % err)
	            return None
	        return d
	name = b"colo\0"
	d = req(16, 3, struct.pack("HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4), 1)
	off, fam = 20, None
	while off < len(d):
	    al, at = struct.unpack_from("HH", d, off)
	    if at == 1:
	        fam = struct.unpack_from("H", d, off + 4)[0]
	    off += (al + 3) & ~3
	s.recv(65536)  # the ack
	for i in range(256, 0, -1):
	    req(fam, 1, struct.pack("HHI", 8, 2, i), i + 1)  # COLO_A_GROUP_ID
	PY
}
check "256 groups created over genl" genl_add_groups
many() {
	"$COLOCTL" -n "$NS" group show >"$COLO_TMP/many" || return 1
	expect "$(wc -l <"$COLO_TMP/many")" = 256 &&
		expect "$(head -1 "$COLO_TMP/many")" = "group 1 state passthrough $D actions 0" &&
		expect "$(tail -1 "$COLO_TMP/many")" = "group 256 state passthrough $D actions 0" &&
		sort -c -k2,2n "$COLO_TMP/many"
}
check "show: 256 groups, sorted" many
manyj() {
	# too long for an argument: through a pipe
	"$COLOCTL" -n "$NS" -s -j group show | /usr/bin/python3 -S -c 'import json, sys
j = json.load(sys.stdin)
sys.exit([g["group"] for g in j] != list(range(1, 257)) or any(g["stats"]["primary_packets"] for g in j))'
}
check "-s -j: 256 groups, sorted" manyj
c "the netns is full (extack)" 1 "" "coloctl: group 257: $M: too many groups in this network namespace" -- group add 257
if [ -w /dev/full ]; then
	check "a write error: exit 1, said" eval '! "$COLOCTL" -n "$NS" group show >/dev/full 2>"$COLO_TMP/full" && grep -qx "coloctl: cannot write to standard output: No space left on device" "$COLO_TMP/full"'
fi
ip netns del "$NS"

# ---- flows: real traffic through the comparator ----------------------------
check "topology of DESIGN.md §1, group $GROUP attached, comparing" \
	eval 'topo_setup && topo_attach_colo comparing'
check "ping through the comparator: 3 answers" eval 'ip netns exec client busybox ping -c 3 -i 0.2 -W 5 $VM_IP | grep -q "3 packets received"'
FLOW_RE="icmp $CLIENT_IP <-> $VM_IP id [0-9]+ primary 0 secondary 0 held 0 idle [0-9]+ms"
flows_text() {
	"$COLOCTL" -n phost flow show group "$GROUP" >"$COLO_TMP/flows" 2>&1 || return 1
	grep -Eqx "$FLOW_RE" "$COLO_TMP/flows" || { cat "$COLO_TMP/flows"; return 1; }
	! grep -Evq "^(icmp|icmpv6|udp|tcp|ether|ip|[0-9]+) " "$COLO_TMP/flows"
}
check "flow show: the ping's flow" flows_text
flows_json() {
	local j
	j=$("$COLOCTL" -n phost -j flow list group "$GROUP") || return 1
	json_get "$j" '[f for f in j if f["proto"] == "icmp" and f["ethertype"] == 2048 and f["vlan"] == 0 and f["addr_a"] == "'"$CLIENT_IP"'" and f["addr_b"] == "'"$VM_IP"'" and f["primary_queued"] == 0 and f["secondary_queued"] == 0 and f["held_bytes"] == 0 and f["closed"] is False and set(f) == {"proto","ethertype","vlan","addr_a","addr_b","id","primary_queued","secondary_queued","held_bytes","idle_ms","closed"}] != [] or sys.exit(1)' ||
		{ echo "$j"; return 1; }
}
check "flow -j: the ping's flow, its keys" flows_json
c2() { local NS=phost; c "$@"; }
c2 "flow -j -p: one key a line" 0 '~^        "proto": "icmp",$' "" -- -j -p flow show group "$GROUP"
c2 "flows of a missing group (extack)" 1 "" "coloctl: group 5: cannot list flows: $(nogrp 5)" -- -j flow show group 5
c2 "del of a group with actions (extack)" 1 "" "coloctl: group $GROUP: $(xt "group is used by tc actions; delete them first" "group $GROUP is used by 2 tc action(s); delete them first")" -- group del "$GROUP"
c2 "the actions bound show" 0 "~^group $GROUP state comparing .* actions 2\$" "" -- group show

t_done
