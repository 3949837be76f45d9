#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the comparator suites (colo_compare.sh, colo_limits.sh, ...):
# test peers in the namespaces, group counters, the event monitor.
# Source it after lib.sh and topology.sh.
#
# Under TCG a process start costs up to a second, so these helpers start
# few: one colo_peer.py per namespace does the traffic (driven through
# FIFOs), counters are parsed by bash, and waits sleep without a process.

COLO_TMP=$(mktemp -d /tmp/colo_test.XXXXXX)
# The project share is uncached 9p: run coloctl from tmpfs.
cp "$COLOCTL" "$COLO_TMP/coloctl" 2>/dev/null && COLOCTL=$COLO_TMP/coloctl
export VM_MAC CLIENT_MAC VM_IP CLIENT_IP VM_IP6 CLIENT_IP6

mkfifo "$COLO_TMP/nap"
exec {_nap_fd}<>"$COLO_TMP/nap"
# nap SECONDS: sleep without starting a process.
nap() { read -r -t "$1" -u "$_nap_fd" _ 2>/dev/null; return 0; }

# now_ms: CLOCK_REALTIME in ms.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# expect A OP B: a test(1) comparison that says what it got.
expect() {
	[ "$1" "$2" "$3" ] && return 0
	echo "got $1, expected $2 $3"
	return 1
}

# until_ok SECONDS CMD...: retry CMD (a function, usually) every 0.2 s.
# COLO_WAIT_SCALE stretches the limit on slow (debug) kernels.
until_ok() {
	local deadline=$((SECONDS + $1 * ${COLO_WAIT_SCALE:-1}))
	shift
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		nap 0.2
	done
}

# check NAME CMD...: like t, but CMD runs in this shell (it may start
# peers or set variables) and the result is returned.
check() {
	local name=$1 rc
	shift
	_t_n=$((_t_n + 1))
	"$@" >"$COLO_TMP/check.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $_t_n $name"
	else
		echo "not ok $_t_n $name (exit $rc)"
		[ -s "$COLO_TMP/check.out" ] && sed 's/^/#   /' "$COLO_TMP/check.out"
		_t_fail=$((_t_fail + 1))
	fi
	return $rc
}

# skip NAME REASON: a test that cannot run here.
skip() {
	_t_n=$((_t_n + 1))
	echo "ok $_t_n $1 # SKIP $2"
}

# ---- peers ------------------------------------------------------------------

declare -A PEER_IN PEER_OUT PEER_PID PEER_LOST

# peer_start NS...: a colo_peer.py in each netns.
peer_start() {
	local ns fd
	for ns; do
		mkfifo "$COLO_TMP/$ns.in" "$COLO_TMP/$ns.out" || return 1
		ip netns exec "$ns" /usr/bin/python3 -S "$TOP/selftests/colo_peer.py" \
			<"$COLO_TMP/$ns.in" >"$COLO_TMP/$ns.out" 2>"$COLO_TMP/$ns.err" &
		PEER_PID[$ns]=$!
		exec {fd}>"$COLO_TMP/$ns.in"
		PEER_IN[$ns]=$fd
		exec {fd}<"$COLO_TMP/$ns.out"
		PEER_OUT[$ns]=$fd
	done
}

# peer_send NS CMD...; peer_wait NS [TIMEOUT]: a command, its answer in R.
# Send to several peers first to have them work at the same time.
# A peer that did not answer in time is out of step: not used again.
peer_send() {
	local ns=$1
	shift
	[ -z "${PEER_LOST[$ns]}" ] && echo "$*" >&"${PEER_IN[$ns]}"
}

peer_wait() {
	R=
	if [ -n "${PEER_LOST[$1]}" ]; then
		R="err the peer in $1 is lost: ${PEER_LOST[$1]}"
		return 1
	fi
	if ! IFS= read -r -t "${2:-120}" -u "${PEER_OUT[$1]}" R; then
		PEER_LOST[$1]="no answer in ${2:-120} s"
		R="err no answer from the peer in $1 in ${2:-120} s $(tail -n 3 "$COLO_TMP/$1.err" 2>/dev/null)"
		return 1
	fi
	[[ $R == ok* ]]
}

# peer NS CMD...: both; the answer's words after "ok" in RA (an array).
peer() {
	local ns=$1 rc
	shift
	peer_send "$ns" "$@"
	peer_wait "$ns"
	rc=$?
	read -r -a RA <<<"${R#ok}"
	[ $rc -eq 0 ] || log "peer $ns: $* -> $R"
	return $rc
}

peer_stop() {
	local ns
	for ns in "${!PEER_IN[@]}"; do
		echo quit >&"${PEER_IN[$ns]}" 2>/dev/null
		eval "exec ${PEER_IN[$ns]}>&- ${PEER_OUT[$ns]}<&-"
	done
	for ns in "${!PEER_PID[@]}"; do
		kill "${PEER_PID[$ns]}" 2>/dev/null
	done
	PEER_IN=() PEER_OUT=() PEER_PID=()
}

# ---- group counters -----------------------------------------------------------

declare -A ST

# stats: ST[key] = every number and the state of "coloctl -s -j group show".
stats() {
	local j re='"([a-z_]+)":([0-9]+)'
	ST=()
	j=$("$COLOCTL" -n phost -s -j group show "$GROUP") || return 1
	[[ $j =~ \"state\":\"([a-z]+)\" ]] && ST[state]=${BASH_REMATCH[1]}
	while [[ $j =~ $re ]]; do
		ST[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		j=${j#*"${BASH_REMATCH[0]}"}
	done
	[ -n "${ST[primary_packets]}" ]
}

# stats_base: remember the counters; delta KEY: growth since then.
declare -A ST0
stats_base() { stats || return 1; ST0=(); local k; for k in "${!ST[@]}"; do ST0[$k]=${ST[$k]}; done; }
delta() { echo $((ST[$1] - ${ST0[$1]:-0})); }

# Nothing held (either side) and every primary taken so far released or
# dropped.
quiescent() {
	stats && [ "${ST[held_packets]}" -eq 0 ] && [ "${ST[secondary_held]:-0}" -eq 0 ] &&
		[ "${ST[primary_packets]}" -eq $((ST[released] + ST[dropped])) ]
}

# drained [SECONDS]: wait until quiescent.
drained() { until_ok "${1:-20}" quiescent; }

show_stats() { log "group $GROUP: $("$COLOCTL" -n phost -s group show "$GROUP" | tr '\n' ' ')"; }

group_set() { "$COLOCTL" -n phost group set "$GROUP" "$@"; }

# ---- the event monitor ------------------------------------------------------

MON=$COLO_TMP/events
MON_SEEN=0
MON_PID=

# mon_start: "coloctl -j monitor" in phost, each line stamped with the
# time it arrived (CLOCK_REALTIME s) into $MON.  Returns once subscribed.
mon_start() {
	: >"$MON"
	"$COLOCTL" -n phost -j monitor > >(while IFS= read -r l; do
		echo "$EPOCHREALTIME $l"; done >>"$MON") 2>"$COLO_TMP/monitor.err" &
	MON_PID=$!
	MON_SEEN=0
	# subscribed once its genl socket (protocol 16) is in a group
	until_ok 10 mon_joined
}

mon_joined() {
	local sk eth pid groups rest
	while read -r sk eth pid groups rest; do
		[ "$eth" = 16 ] && [ "$groups" != 00000000 ] && return 0
	done <"/proc/$MON_PID/net/netlink"
	return 1
}

mon_stop() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	MON_PID=
}

# mon_next PATTERN: the first event after the last one taken that matches
# the glob PATTERN -> EV (the JSON), EV_T (arrival, s); it is then taken.
mon_next() {
	local lines i
	mapfile -t lines <"$MON"
	for ((i = MON_SEEN; i < ${#lines[@]}; i++)); do
		# shellcheck disable=SC2053 # PATTERN is a glob
		if [[ ${lines[i]#* } == $1 ]]; then
			EV_T=${lines[i]%% *}
			EV=${lines[i]#* }
			MON_SEEN=$((i + 1))
			return 0
		fi
	done
	return 1
}

# mon_wait SECONDS PATTERN: wait for such an event.
mon_wait() { EV= EV_T=; until_ok "$1" mon_next "$2"; }

# mon_new [PATTERN]: how many events arrived that were not taken yet and
# match the glob PATTERN (default: checkpoint requests and failovers; the
# protocol steps of "checkpoint done" are events too since the protocol).
mon_new() {
	local lines i n=0 pat=${1:-*\"event\":\"@(checkpoint-request|failover)\"*}
	shopt -s extglob
	mapfile -t lines <"$MON"
	for ((i = MON_SEEN; i < ${#lines[@]}; i++)); do
		# shellcheck disable=SC2053 # PATTERN is a glob
		[[ ${lines[i]#* } == $pat ]] && n=$((n + 1))
	done
	echo $n
}

# mon_skip: take every event so far.
mon_skip() { local lines; mapfile -t lines <"$MON"; MON_SEEN=${#lines[@]}; }

# ev_field KEY: a field of the event EV ("reason" or one of its flow).
ev_field() {
	local re="\"$1\":(\"([^\"]*)\"|([0-9]+))"
	[[ $EV =~ $re ]] || return 1
	echo "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
}

# ev_flow_is PROTO ADDR PORT ADDR PORT: the event names this flow (either
# endpoint order).
ev_flow_is() {
	local p a1 p1 a2 p2
	p=$(ev_field proto) a1=$(ev_field addr_a) p1=$(ev_field port_a)
	a2=$(ev_field addr_b) p2=$(ev_field port_b)
	if [ "$p" = "$1" ] && { [ "$a1:$p1 $a2:$p2" = "$2:$3 $4:$5" ] ||
		[ "$a1:$p1 $a2:$p2" = "$4:$5 $2:$3" ]; }; then
		return 0
	fi
	echo "event $EV does not name $1 $2:$3 <-> $4:$5"
	return 1
}

# ---- set-up -----------------------------------------------------------------

# colo_setup [GROUP PARAMS...]: the topology, group attached in
# passthrough, peers in client/pvm/svm, quiet links, the monitor.
colo_setup() {
	topo_setup || return 1
	topo_attach_colo "$@" || return 1
	peer_start client pvm svm || return 1
	peer pvm counters pvm-eth && peer svm counters svm-eth || return 1
	settle
}

# The links' own traffic (IPv6 DAD, MLD) is over before comparing starts:
# nothing sent by the VMs for a second.
settle() {
	local p0 s0 i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		peer pvm counters pvm-eth && p0=${RA[1]}
		peer svm counters svm-eth && s0=${RA[1]}
		nap 1
		peer pvm counters pvm-eth && [ "${RA[1]}" = "$p0" ] &&
			peer svm counters svm-eth && [ "${RA[1]}" = "$s0" ] && return 0
	done
	log "the VMs' links did not go quiet"
	return 1
}

colo_cleanup() {
	mon_stop
	peer_stop
	topo_teardown
	exec {_nap_fd}<&-
	rm -rf "$COLO_TMP"
}
