#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "coloctl agent" end to end (issue 4, parts 4 and 6) on the topology of
# DESIGN.md §1, with the same UDP servers in the PVM and the SVM
# (selftests/colo_peer.py) and a checkpoint command ($CMD below) that the
# test holds, fails or hangs at will:
#  - at start the agent sends checkpoint-ready: the group compares;
#  - a divergent answer leads to exactly one checkpoint transaction (the
#    events in protocol order, CMD run once with COLO_* in its
#    environment, its output as vmstate-size); the held primary reaches
#    the client only after vmstate-received, not while CMD runs;
#  - CMD failing fails the group over (held primary released once);
#    --on-failure retry:1 runs it again; a hanging CMD is killed;
#  - SIGTERM mid-transaction finishes it first; SIGKILL mid-transaction:
#    a new agent completes the outstanding request, or, without one, the
#    kernel's ckpt-timeout fails the group over (reason stalled);
#  - --checkpoint-interval requests checkpoints by itself;
#  - --xen-notify, driven by selftests/colo_xen_client.py playing libxl:
#    proxy init, DO_CHECKPOINT on a miscompare, COLO_CHECKPOINT completes
#    it, libxl's own checkpoints, unknown messages, hostile framing and
#    the peer going away leave the group safe.
# Needs root and colo_compare loaded; run in the VM by selftests/run_vm.sh.
#
#   selftests/colo_agent.sh [exec] [xen]      default: both parts
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

echo "TAP version 13"
PARTS=" ${*:-exec xen} "

TIMEOUT_MS=5000		# compare timeout, as colo_compare.sh (TCG)
# The kernel's stall timeout for the next step; the agent's default
# --exec-timeout is 3/4 of it.  Generous: under TCG on a loaded host a
# process takes up to seconds to start, and a test holds CMD for several
# checks.  The stall test sets a shorter one (STALL_MS) for its wait.
CKPT_MS=60000
STALL_MS=20000
# --exec-timeout of the retry tests: two attempts of a hanging CMD fit in
# CKPT_MS; one bash start fits in it on a loaded TCG host (ASan coloctl).
RETRY_MS=15000
PORT=7000
D=$COLO_TMP
CMD=$D/ckpt.sh
AGENT_PID=
AGENT_LOG=$D/agent.log
XEN_SOCK=$D/xen.sock
XEN_PID=

# The checkpoint command: logs its environment, then does what $D/mode
# says: hold (until $D/go exists), fail, failonce, hang, or succeed.
# It prints a byte count: the vmstate size.
mkfifo "$D/cmdnap"
cat >"$CMD" <<EOF
#!/bin/bash
echo "\$COLO_CHECKPOINT \$COLO_ATTEMPT \$COLO_GROUP \$COLO_REASON \$COLO_STEP \${COLO_FLOW:-noflow}" >>"$D/cmd.log"
echo \$\$ >"$D/cmd.pid"
mode=\$(<"$D/mode")
case \$mode in
hold) exec {n}<>"$D/cmdnap"
      until [ -e "$D/go" ]; do read -r -t 0.1 -u \$n _; done ;;
fail) exit 3 ;;
failonce) [ "\$COLO_ATTEMPT" = 1 ] && exit 3 ;;
hang) exec {n}<>"$D/cmdnap"; read -r -u \$n _ ;;
esac
echo 12345
EOF
chmod +x "$CMD"
: >"$D/cmd.log"
echo quick >"$D/mode"

agent_cleanup() {
	[ -n "$AGENT_PID" ] && kill -9 "$AGENT_PID" 2>/dev/null
	cmd_kill
	[ -n "$XEN_PID" ] && kill "$XEN_PID" 2>/dev/null
	if [ -s "$AGENT_LOG" ]; then
		log "agent log:"
		sed 's/^/#   /' "$AGENT_LOG"
	fi
	colo_cleanup
}
trap agent_cleanup EXIT

# ---- helpers -----------------------------------------------------------------

# agent_start ARGS...: "coloctl agent $GROUP ARGS" in phost, log appended.
agent_start() {
	echo "--- agent $*" >>"$AGENT_LOG"
	"$COLOCTL" -n phost agent "$GROUP" "$@" 2>>"$AGENT_LOG" &
	AGENT_PID=$!
}

# agent_signal SIG: signal the agent (it must still run).
agent_signal() { kill -0 "$AGENT_PID" 2>/dev/null && kill "-$1" "$AGENT_PID"; }

# agent_exits SECONDS RC: the agent ends within SECONDS with status RC.
agent_exits() {
	local i rc
	for ((i = 0; i < $1 * 5; i++)); do
		kill -0 "$AGENT_PID" 2>/dev/null || break
		nap 0.2
	done
	if kill -0 "$AGENT_PID" 2>/dev/null; then
		echo "the agent still runs after $1 s"
		return 1
	fi
	wait "$AGENT_PID"
	rc=$?
	AGENT_PID=
	expect "$rc" -eq "$2"
}

agent_alive() { [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; }

# The CMD an agent left behind (it runs in its own process group).
cmd_kill() {
	local pid
	pid=$(cat "$D/cmd.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null
	rm -f "$D/cmd.pid"
	return 0
}

cmd_mode() { echo "$1" >"$D/mode"; rm -f "$D/go"; }
cmd_lines() { local l; mapfile -t l <"$D/cmd.log"; echo ${#l[@]}; }
# cmd_running N: CMD was started N times so far, the last is running.
cmd_running() {
	local pid
	[ "$(cmd_lines)" -ge "$1" ] && pid=$(cat "$D/cmd.pid" 2>/dev/null) &&
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

state_is() { stats && expect "${ST[state]}" = "$1"; }

# group_json_has PATTERN: "coloctl -j group show" matches the glob.
group_json_has() {
	local j
	j=$("$COLOCTL" -n phost -j group show "$GROUP") || return 1
	# shellcheck disable=SC2053 # PATTERN is a glob
	[[ $j == $1 ]] || { echo "group: $j"; return 1; }
}

recv_none() {
	peer client recv "$1" 1 "$2" || return 1
	expect "${RA[0]}" -eq 0 || { echo "got ${RA[2]}"; return 1; }
}

recv_once() {
	peer client recv "$1" 2 "${3:-2}" || return 1
	expect "${RA[0]}" -eq 1 && expect "${RA[2]}" = "$2"
}

# diverge N: the client sends "dvN/tag": the PVM and the SVM answer
# differently.
diverge() { peer client send dv "dv$1/tag"; }

# one_transaction SIZE: after the request just taken, the steps of one
# transaction in protocol order, then nothing more.
one_transaction() {
	local e
	for e in checkpoint-reply vmstate-send vmstate-size vmstate-received; do
		mon_wait 20 "*\"event\":\"$e\"*" || { echo "no $e event"; return 1; }
		if [ "$e" = vmstate-size ]; then
			[[ $EV == *"\"vmstate_size\":$1"[,\}]* ]] ||
				{ echo "vmstate-size event: $EV"; return 1; }
		fi
	done
	mon_wait 20 '*"event":"vmstate-loaded"*"state":"comparing"*' ||
		{ echo "no vmstate-loaded event"; return 1; }
	nap 1
	expect "$(mon_new)" -eq 0 || tail -n "$(mon_new)" "$MON"
}

counted() {
	stats || return 1
	expect "$(delta checkpoints)" -eq "$1" && expect "$(delta checkpoints_done)" -eq "$2" &&
		expect "$(delta failovers)" -eq "$3"
}

# ---- set-up ------------------------------------------------------------------

check "topology of DESIGN.md §1, group $GROUP attached (ckpt-timeout $CKPT_MS)" \
	colo_setup timeout $TIMEOUT_MS ckpt-timeout $CKPT_MS || t_done
check "the same UDP server in the PVM and the SVM" \
	eval 'peer pvm serve $PORT pvm && peer svm serve $PORT svm'
check "coloctl -j monitor subscribed in phost" mon_start
peer client udp dv $VM_IP $PORT && DV_PORT=${RA[0]}
FLOW="udp $CLIENT_IP:$DV_PORT <-> $VM_IP:$PORT"

if [[ $PARTS == *" exec "* ]]; then

# ---- --exec: one checkpoint ------------------------------------------------------

agent_start --exec "$CMD"
check "agent started: checkpoint-ready sent, the group compares" until_ok 20 state_is comparing
check "a checkpoint-ready event" mon_wait 10 '*"event":"checkpoint-ready"*'

mon_skip
stats_base
cmd_mode hold
diverge 1
check "divergent answer: checkpoint-request reason miscompare" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"miscompare"*'
check "the agent runs CMD once" until_ok 20 cmd_running 1
check "CMD's environment: COLO_CHECKPOINT COLO_ATTEMPT COLO_GROUP COLO_REASON COLO_STEP COLO_FLOW" \
	expect "$(sed -n 1p "$D/cmd.log")" = "1 1 $GROUP miscompare vmstate-send $FLOW"
check "while CMD runs: the group is at vmstate-send, the primary held" \
	eval 'group_json_has "*\"state\":\"checkpoint\",\"step\":\"vmstate-send\",\"reason\":\"miscompare\"*" && stats && expect "${ST[held_packets]}" -ge 1'
check "while CMD runs: the client gets nothing (before vmstate-received)" recv_none dv 2
touch "$D/go"
check "CMD done: the client gets the PVM's answer, once" recv_once dv "pvm:dv1/tag" 20
check "exactly one transaction: reply, send, size 12345 (CMD's output), received, loaded" \
	one_transaction 12345
check "counters: one checkpoint requested, one done, no failover" counted 1 1 0
check "CMD ran once" expect "$(cmd_lines)" -eq 1
check "the group drains, nothing held" drained 20

# ---- --exec: CMD fails ------------------------------------------------------------

mon_skip
stats_base
cmd_mode fail
diverge 2
check "CMD fails: failover event (reason manual, failed over)" \
	mon_wait 30 '*"event":"failover"*"reason":"manual"*"failed_over":true*'
check "CMD fails: the held answer is released, once" recv_once dv "pvm:dv2/tag" 20
check "CMD fails: group in passthrough, failed over; one failover counted" \
	eval 'group_json_has "*\"state\":\"passthrough\",\"failed_over\":true*" && counted 1 0 1'
check "CMD fails: it ran once (no retry by default)" expect "$(cmd_lines)" -eq 2
check "coloctl checkpoint $GROUP ready pairs the group again" \
	eval '"$COLOCTL" -n phost checkpoint "$GROUP" ready && state_is comparing'

# ---- SIGTERM while idle --------------------------------------------------------------

check "SIGTERM while idle: the agent exits 0" eval 'agent_signal TERM && agent_exits 20 0'
check "the group keeps comparing without the agent" state_is comparing

# ---- --on-failure retry:1, --exec-timeout ----------------------------------------------

agent_start --exec "$CMD" --on-failure retry:1 --exec-timeout $RETRY_MS
nap 2
mon_skip
stats_base
cmd_mode failonce
diverge 3
check "retry:1, CMD fails once: the second attempt completes the checkpoint" \
	mon_wait 30 '*"event":"vmstate-loaded"*'
two_attempts() {
	tail -n 2 "$D/cmd.log" | { read -r c1 a1 _; read -r c2 a2 _; expect "$c1/$a1 $c2/$a2" = "$c1/1 $c1/2"; } && return 0
	tail -n 3 "$D/cmd.log"; tail -n 4 "$AGENT_LOG"
	return 1
}
check "retry:1: attempts 1 and 2 of the same checkpoint" two_attempts
check "retry:1: the client gets the answer once, no failover" \
	eval 'recv_once dv "pvm:dv3/tag" 20 && counted 1 1 0'

mon_skip
stats_base
cmd_mode hang
diverge 4
check "CMD hangs: killed after --exec-timeout, twice, then failover" \
	mon_wait $((2 * RETRY_MS / 1000 + 30)) '*"event":"failover"*"reason":"manual"*'
check "CMD hangs: the held answer is released, once" recv_once dv "pvm:dv4/tag" 20
check "CMD hangs: 2 attempts, one failover" \
	eval 'expect "$(tail -n 2 "$D/cmd.log" | cut -d" " -f2 | tr "\n" " ")" = "1 2 " && counted 1 0 1'
grep -q "timed out after $RETRY_MS ms" "$AGENT_LOG"
check "the agent says CMD timed out" expect $? -eq 0
check "SIGTERM: the agent exits 0" eval 'agent_signal TERM && agent_exits 20 0'
cmd_kill

# ---- SIGTERM mid-transaction -----------------------------------------------------------

"$COLOCTL" -n phost checkpoint "$GROUP" ready
agent_start --exec "$CMD"
nap 2
mon_skip
stats_base
cmd_mode hold
N=$(cmd_lines)
diverge 5
check "SIGTERM mid-transaction: CMD running" until_ok 20 cmd_running $((N + 1))
agent_signal TERM
nap 1
check "SIGTERM mid-transaction: the agent finishes the transaction first" \
	eval 'agent_alive && state_is checkpoint'
touch "$D/go"
check "SIGTERM mid-transaction: then exits 0" agent_exits 30 0
check "SIGTERM mid-transaction: checkpoint completed, answer released once" \
	eval 'recv_once dv "pvm:dv5/tag" 20 && state_is comparing && counted 1 1 0'

# ---- SIGKILL mid-transaction: a new agent completes it ---------------------------------

agent_start --exec "$CMD"
nap 2
mon_skip
stats_base
cmd_mode hold
N=$(cmd_lines)
diverge 6
check "SIGKILL mid-transaction: CMD running" until_ok 20 cmd_running $((N + 1))
kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
cmd_kill
check "SIGKILL: the group stays in checkpoint at vmstate-send, the answer held" \
	eval 'group_json_has "*\"step\":\"vmstate-send\"*" && recv_none dv 1'
cmd_mode quick
agent_start --exec "$CMD"
check "a new agent completes the outstanding checkpoint (CMD again, no failover)" \
	mon_wait 30 '*"event":"vmstate-loaded"*'
check "the answer reaches the client once; one checkpoint, none failed over" \
	eval 'recv_once dv "pvm:dv6/tag" 20 && counted 1 1 0'
check "the new agent ran CMD for the outstanding request" expect "$(cmd_lines)" -eq $((N + 2))

# ---- SIGKILL mid-transaction, no agent: the kernel's ckpt-timeout -----------------------

check "group set ckpt-timeout $STALL_MS" group_set ckpt-timeout $STALL_MS
mon_skip
stats_base
cmd_mode hold
N=$(cmd_lines)
diverge 7
check "SIGKILL again: CMD running" until_ok 20 cmd_running $((N + 1))
kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
cmd_kill
check "no agent: the answer is held (for ckpt-timeout)" recv_none dv 2
stalled() {
	mon_wait $((STALL_MS / 1000 + 30)) '*"event":"failover"*"reason":"stalled"*' && return 0
	echo "events:"; tail -n 5 "$MON"
	return 1
}
check "no agent: after ckpt-timeout ($STALL_MS ms) the group fails over, reason stalled" stalled
check "stalled: the held answer is released, once" recv_once dv "pvm:dv7/tag" 20
check "stalled: passthrough, failed over; one checkpoint, none done, one failover" \
	eval 'group_json_has "*\"state\":\"passthrough\",\"failed_over\":true*" && counted 1 0 1'
cmd_mode quick
group_set ckpt-timeout $CKPT_MS
agent_start --exec "$CMD"
check "an agent started on a failed-over group pairs it again (checkpoint-ready)" \
	until_ok 20 state_is comparing

# ---- --checkpoint-interval ---------------------------------------------------------------

check "SIGTERM: the agent exits 0" eval 'agent_signal TERM && agent_exits 20 0'
agent_start --exec "$CMD" --checkpoint-interval 1000
mon_skip
stats_base
two_periodic() {
	mon_wait 30 '*"event":"checkpoint-request"*"reason":"manual"*' &&
		mon_wait 30 '*"event":"vmstate-loaded"*' &&
		mon_wait 30 '*"event":"checkpoint-request"*"reason":"manual"*' &&
		mon_wait 30 '*"event":"vmstate-loaded"*'
}
check "--checkpoint-interval 1000: the agent requests checkpoints by itself" two_periodic
check "--checkpoint-interval: no failover" eval 'stats && expect "$(delta failovers)" -eq 0'
check "SIGTERM: the agent exits 0" eval 'agent_signal TERM && agent_exits 30 0'
check "the group compares" state_is comparing

fi	# exec

if [[ $PARTS == *" xen "* ]]; then

# ---- --xen-notify ---------------------------------------------------------------------------

# xen CMD...: one command to the libxl stand-in, its answer in R.
xen() {
	echo "$*" >&"$XEN_IN"
	R=
	IFS= read -r -t 60 -u "$XEN_OUT" R || { R="err no answer"; return 1; }
	[[ $R == ok* ]] || { echo "xen client: $* -> $R"; return 1; }
}
mkfifo "$D/xen.in" "$D/xen.out"
/usr/bin/python3 -S "$TOP/selftests/colo_xen_client.py" <"$D/xen.in" >"$D/xen.out" 2>"$D/xen.err" &
XEN_PID=$!
exec {XEN_IN}>"$D/xen.in" {XEN_OUT}<"$D/xen.out"

check "the group in passthrough (coloctl failover), as before libxl starts COLO" \
	eval 'state_is passthrough || { "$COLOCTL" -n phost failover "$GROUP" && state_is passthrough; }'
agent_start --xen-notify "$XEN_SOCK"
check "xen: the agent listens on its unix socket" until_ok 20 test -S "$XEN_SOCK"
check "xen: no checkpoint-ready before libxl starts COLO" state_is passthrough
check "xen: COLO_USERSPACE_PROXY_INIT is answered COLO_COMPARE_GET_XEN_INIT" \
	eval 'xen connect "$XEN_SOCK" && xen send COLO_USERSPACE_PROXY_INIT && xen expect COLO_COMPARE_GET_XEN_INIT 20'
check "xen: proxy init pairs the group (checkpoint-ready)" until_ok 20 state_is comparing

mon_skip
stats_base
diverge 8
check "xen: a miscompare sends DO_CHECKPOINT" xen expect DO_CHECKPOINT 30
check "xen: the answer is held until libxl checkpoints" recv_none dv 1.5
check "xen: COLO_CHECKPOINT completes it: the client gets the answer once" \
	eval 'xen send COLO_CHECKPOINT && recv_once dv "pvm:dv8/tag" 20'
check "xen: one transaction (request miscompare, reply ... loaded), size 0" \
	eval 'mon_next "*\"event\":\"checkpoint-request\"*\"reason\":\"miscompare\"*" && one_transaction 0'
check "xen: one checkpoint, no failover; DO_CHECKPOINT sent once" \
	eval 'counted 1 1 0 && xen none 1'

mon_skip
stats_base
check "xen: libxl's own periodic COLO_CHECKPOINT: request (manual) and every step" \
	eval 'xen send COLO_CHECKPOINT && mon_wait 20 "*\"event\":\"checkpoint-request\"*\"reason\":\"manual\"*" && one_transaction 0'
check "xen: no DO_CHECKPOINT for it" xen none 1

check "xen: an unknown message is logged, the peer stays connected" \
	eval 'xen send HELLO_COLO && xen none 1 && agent_alive && grep -q "unknown message \"HELLO_COLO\"" "$AGENT_LOG"'
check "xen: an empty message too" eval 'xen raw 00000000 && xen none 1 && agent_alive'
check "xen: a message split across writes is reassembled" \
	eval 'xen raw 0000 && xen raw 000f434f4c4f && xen raw 5f434845434b504f494e54 && mon_wait 20 "*\"event\":\"vmstate-loaded\"*"'
mon_skip
stats_base
check "xen: a hostile length (2 GiB) drops the peer" \
	eval 'xen raw 7fffffff41414141 && xen eof 20 && agent_alive'
check "xen: the peer gone, the group is failed over (safe: nothing held)" \
	eval 'until_ok 20 group_json_has "*\"state\":\"passthrough\",\"failed_over\":true*" && counted 0 0 1'

check "xen: a new peer is served (proxy init, paired again)" \
	eval 'xen close && xen connect "$XEN_SOCK" && xen send COLO_USERSPACE_PROXY_INIT && xen expect COLO_COMPARE_GET_XEN_INIT 20 && until_ok 20 state_is comparing'
mon_skip
stats_base
diverge 9
check "xen: DO_CHECKPOINT for a miscompare" xen expect DO_CHECKPOINT 30
check "xen: libxl disconnects mid-transaction: failover, the answer released once" \
	eval 'xen close && mon_wait 20 "*\"event\":\"failover\"*" && recv_once dv "pvm:dv9/tag" 20 && state_is passthrough'
check "xen: SIGTERM: the agent exits 0 and removes its socket" \
	eval 'agent_signal TERM && agent_exits 20 0 && ! test -e "$XEN_SOCK"'
echo quit >&"$XEN_IN"
exec {XEN_IN}>&- {XEN_OUT}<&-

fi	# xen

show_stats
t_done
