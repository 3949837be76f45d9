#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress (issue 6, part 5), bounded and self-stopping:
#
#  churn   matched and random traffic over many flows (client -> PVM and
#          SVM echo servers, random frames out of both VMs) while the
#          group's parameters change, modes toggle, checkpoints (whole
#          and step by step) and failovers run, tc filters and the group
#          are deleted and re-added and the PVM and colo links are
#          removed and re-created.  No command may hang; every group
#          incarnation, once drained, has primary_packets == released +
#          dropped.
#  rmmod   STRESS_ROUNDS times: load, group + filters, traffic, a marker
#          flow held behind a checkpoint; rmmod is refused while the
#          actions are bound and succeeds, with traffic still flowing,
#          once the filters are gone; the counters add up at that moment
#          (primary_packets == released + dropped + held) and the client
#          gets every held marker answer exactly once.
#
# After each part: no new kernel problem in dmesg, kmemleak (debug
# kernels) finds nothing new, and unreclaimable slab (the module has no
# caches of its own: its objects are kmalloc'ed, invisible per module) is
# back within STRESS_SLAB_SLACK_KB of where it was before the part, with
# the module unloaded both times.
#
# Knobs: STRESS_SECONDS (churn, default 40), STRESS_ROUNDS (rmmod loop,
# default 50), STRESS_RMMOD_SECONDS (time bound of the loop, default 60;
# 0: none; under TCG on a loaded host a round takes 5-60 s, so CI runs
# fewer than 50), STRESS_SLAB_SLACK_KB (default 4096: the first topology
# alone grows the caches by ~2 MB), STRESS_SEED.
# Needs root and colo_compare (unloaded and loaded again); run in the VM
# by selftests/run_vm.sh, suite "stress".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

STRESS_SECONDS=${STRESS_SECONDS:-40}
STRESS_ROUNDS=${STRESS_ROUNDS:-50}
STRESS_RMMOD_SECONDS=${STRESS_RMMOD_SECONDS:-60}
STRESS_SLAB_SLACK_KB=${STRESS_SLAB_SLACK_KB:-4096}
STRESS_SEED=${STRESS_SEED:-$((RANDOM * 32768 + RANDOM))}
KO=${COLO_KO:-$TOP/colo_compare.ko}
TRAFFIC=$TOP/selftests/colo_stress_traffic.py
PORTS=9000-9003,9100
MARK_PORT=9100
NMARK=4
KML=/sys/kernel/debug/kmemleak
RANDOM=$STRESS_SEED

declare -a TPIDS=()
declare -A OPS_OK OPS_FAIL
HANGS=0

stress_cleanup() {
	traffic_stop >/dev/null 2>&1
	agent_stop
	grep -q '^colo_compare ' /proc/modules || insmod "$KO" 2>/dev/null
	colo_cleanup
}
trap stress_cleanup EXIT
echo "TAP version 13"
# insmod reads the module from tmpfs: over uncached 9p it takes seconds
cp "$KO" "$COLO_TMP/colo_compare.ko" && KO=$COLO_TMP/colo_compare.ko
log "seed $STRESS_SEED (STRESS_SEED=$STRESS_SEED to repeat), churn ${STRESS_SECONDS}s, rmmod rounds $STRESS_ROUNDS (bound ${STRESS_RMMOD_SECONDS}s)"

# T CMD...: a command that may hang in the kernel (rmmod, group del, link
# del, filter changes): 60 s, then it counts as a hang.  Not used for
# every command: under TCG each process start costs 0.1-3 s (9p), and
# timeout(1) doubles that; run_vm.sh's SUITE_TIMEOUT catches the rest.
T() {
	timeout -k 5 60 "$@"
	local rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		HANGS=$((HANGS + 1))
		echo "# HANG: $*"
	fi
	return $rc
}

# op NAME CMD...: one churn step, counted by outcome (failures are often
# the kernel refusing an out-of-order step, which is fine).
op() {
	local name=$1 run=T
	shift
	# shell functions run their own commands under T; coloctl, which
	# only talks netlink, runs without it
	declare -F "$1" >/dev/null && run=
	[ "$1" = "$COLOCTL" ] && run=
	local t0=$SECONDS
	if $run "$@" >/dev/null 2>&1; then
		OPS_OK[$name]=$((${OPS_OK[$name]:-0} + 1))
	else
		OPS_FAIL[$name]=$((${OPS_FAIL[$name]:-0} + 1))
	fi
	[ $((SECONDS - t0)) -ge 5 ] && log "slow: $name took $((SECONDS - t0)) s"
}

# ---- kernel state ------------------------------------------------------------

PROBLEMS='WARNING:|BUG:|Oops|KASAN|UBSAN|refcount_t:|unreferenced object|general protection|circular locking|scheduling while atomic|blocked for more than|rcu_sched self-detected|stall on CPU|unregister_netdevice: waiting|Out of memory'
# /dev/kmsg read by bash itself (no process): the problems logged since the
# suite began, the lines in $COLO_TMP/kernel.problems.
exec {KMSG}</dev/kmsg
KPROBLEMS=0
while read -r -t 0.05 -u "$KMSG" _; do :; done	# what came before us
dmesg_problems() {
	local l
	while read -r -t 0.05 -u "$KMSG" l; do
		[[ $l =~ $PROBLEMS ]] || continue
		KPROBLEMS=$((KPROBLEMS + 1))
		echo "$l" >>"$COLO_TMP/kernel.problems"
	done
	echo "$KPROBLEMS"
}

slab_kb() { local k v; while read -r k v _; do [ "$k" = SUnreclaim: ] && echo "$v"; done </proc/meminfo; }

# slab_settle: wait until netns cleanup and RCU frees are over (the
# unreclaimable slab stops shrinking), then print it.
slab_settle() {
	local prev cur i
	prev=$(slab_kb)
	for i in $(seq 1 30); do
		echo 2 >/proc/sys/vm/drop_caches
		nap 1
		cur=$(slab_kb)
		[ $((prev - cur)) -lt 64 ] && [ "$i" -ge 3 ] && break
		prev=$cur
	done
	slab_kb
}

kmemleak_clear() { [ -w "$KML" ] && echo clear >"$KML"; return 0; }

# kmemleak_new: unreferenced objects found since the last clear; "-" when
# the kernel has no kmemleak.
kmemleak_new() {
	[ -w "$KML" ] || { echo -; return 0; }
	echo scan >"$KML"
	nap 1
	echo scan >"$KML"
	grep -c 'unreferenced object' "$KML"
}

unload() { grep -q '^colo_compare ' /proc/modules || return 0; rmmod colo_compare; }

# ---- traffic -------------------------------------------------------------------

# traffic_start: echo servers in pvm and svm, the client, random frames out
# of both VMs.  Output of each in $COLO_TMP/traffic.NAME.  Paced for TCG:
# faster, and every coloctl/tc/ip the test runs takes seconds.
export STRESS_BATCH=${STRESS_BATCH:-8} STRESS_PAUSE=${STRESS_PAUSE:-0.1}
traffic_start() {
	local ns
	TPIDS=()
	for ns in pvm svm; do
		ip netns exec $ns /usr/bin/python3 -S "$TRAFFIC" serve $PORTS $ns \
			>"$COLO_TMP/traffic.serve-$ns" 2>&1 &
		TPIDS+=($!)
	done
	ip netns exec client /usr/bin/python3 -S "$TRAFFIC" client "$VM_IP" 9000-9003 32 "$STRESS_SEED" \
		>"$COLO_TMP/traffic.client" 2>&1 &
	TPIDS+=($!)
	for ns in pvm:pvm-eth svm:svm-eth; do
		ip netns exec "${ns%%:*}" /usr/bin/python3 -S "$TRAFFIC" raw "${ns#*:}" "$STRESS_SEED" \
			>"$COLO_TMP/traffic.raw-${ns%%:*}" 2>&1 &
		TPIDS+=($!)
	done
}

traffic_alive() {
	local p
	for p in "${TPIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && continue
		echo "traffic generator $p is gone: $(cat "$COLO_TMP"/traffic.* 2>/dev/null | tr '\n' ' ')"
		return 1
	done
}

traffic_stop() {
	local p f
	for p in "${TPIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${TPIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	TPIDS=()
	for f in "$COLO_TMP"/traffic.*; do
		[ -f "$f" ] && log "${f##*/traffic.}: $(tr '\n' ' ' <"$f")"
	done
}

# ---- the agent ------------------------------------------------------------------

# "coloctl agent": serves the kernel's checkpoint requests and pairs the
# group again after a failover, racing the churn's own steps.
AGENT_PID=
AGENTS=0
agent_start() {
	"$COLOCTL" -n phost agent "$GROUP" --exec true --on-failure retry:1 \
		>>"$COLO_TMP/agent.log" 2>&1 &
	AGENT_PID=$!
	AGENTS=$((AGENTS + 1))
}
agent_alive() { [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; }
agent_stop() {
	[ -n "$AGENT_PID" ] || return 0
	kill -TERM "$AGENT_PID" 2>/dev/null
	nap 0.5
	kill -KILL "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
}

# ---- the comparator's pieces ------------------------------------------------

# One tc process for both (tc -batch): process starts are what is slow.
filters_add() {
	T tc -n phost -batch - <<-EOF
	filter add dev p-tap ingress matchall action colo group $GROUP primary
	filter add dev p-colo ingress matchall action colo group $GROUP secondary
	EOF
}

filters_del() {
	# -force: the second goes on when the first has nothing to delete
	T tc -n phost -force -batch - >/dev/null 2>&1 <<-EOF
	filter del dev p-tap ingress
	filter del dev p-colo ingress
	EOF
	return 0
}

# The group's own parameters for the churn: short timeouts and a short
# checkpoint stall, so the kernel also asks for checkpoints and fails over.
group_add() {
	"$COLOCTL" -n phost group add "$GROUP" comparing timeout 300 scan 20 ckpt-timeout 3000
}

# Totals over every group incarnation of the churn.
TOT_P=0 TOT_R=0 TOT_D=0 TOT_CMP=0 TOT_MIS=0 TOT_CKPT=0 TOT_FO=0 INCARNATIONS=0
BAD_ACCOUNTS=0

# account: filters gone, the group flushed: its numbers must add up.
account() {
	"$COLOCTL" -n phost group set "$GROUP" passthrough >/dev/null 2>&1
	if ! drained 60; then
		BAD_ACCOUNTS=$((BAD_ACCOUNTS + 1))
		log "accounting: primary_packets ${ST[primary_packets]} != released ${ST[released]} + dropped ${ST[dropped]} (held ${ST[held_packets]}, secondary held ${ST[secondary_held]})"
		return 1
	fi
	INCARNATIONS=$((INCARNATIONS + 1))
	TOT_P=$((TOT_P + ST[primary_packets])) TOT_R=$((TOT_R + ST[released]))
	TOT_D=$((TOT_D + ST[dropped])) TOT_CMP=$((TOT_CMP + ${ST[compared]:-0}))
	TOT_MIS=$((TOT_MIS + ${ST[miscompares]:-0})) TOT_CKPT=$((TOT_CKPT + ${ST[checkpoints_done]:-0}))
	TOT_FO=$((TOT_FO + ${ST[failovers]:-0}))
}

group_churn() {
	filters_del
	account
	T "$COLOCTL" -n phost group del "$GROUP" && group_add && filters_add
}

# The PVM's link (p-tap/pvm-eth) goes away with its colo filter and comes
# back configured as topo_setup made it (IPv6 left on: its noise is more
# random primaries).  Batches: one process per namespace.
pvm_link_churn() {
	T ip -n phost link del p-tap || return 1
	T ip link add p-tap netns phost type veth peer name pvm-eth netns pvm || return 1
	ip -n pvm -batch - <<-EOF || return 1
	link set pvm-eth address $VM_MAC
	addr add $VM_IP/24 dev pvm-eth
	link set pvm-eth up
	neigh replace $CLIENT_IP lladdr $CLIENT_MAC nud permanent dev pvm-eth
	EOF
	ip -n phost -batch - <<-EOF || return 1
	link set p-tap master br0
	link set p-tap up
	EOF
	T tc -n phost -batch - <<-EOF
	qdisc add dev p-tap clsact
	filter add dev p-tap ingress matchall action colo group $GROUP primary
	EOF
}

# The colo link (p-colo/s-colo): the mirror and redirects that name it are
# re-made too (a mirred action loses its device when it goes).
colo_link_churn() {
	T ip -n phost link del p-colo || return 1
	T ip link add p-colo netns phost type veth peer name s-colo netns shost || return 1
	ip -n phost link set p-colo up && ip -n shost link set s-colo up || return 1
	T tc -n shost -force -batch - <<-EOF
	qdisc add dev s-colo clsact
	filter add dev s-colo ingress matchall action mirred egress redirect dev s-tap
	filter del dev s-tap ingress
	filter add dev s-tap ingress matchall action mirred egress redirect dev s-colo
	EOF
	T tc -n phost -force -batch - <<-EOF
	filter del dev p-cli ingress
	filter add dev p-cli ingress matchall action mirred egress mirror dev p-colo
	qdisc add dev p-colo clsact
	filter add dev p-colo ingress matchall action colo group $GROUP secondary
	EOF
}

pick() { local a=("$@"); echo "${a[RANDOM % ${#a[@]}]}"; }

set_params() {
	"$COLOCTL" -n phost group set "$GROUP" timeout $((20 + RANDOM % 3000)) \
		scan $((10 + RANDOM % 200)) flow-limit $(((64 + RANDOM % 4000) * 1024)) \
		group-limit $(((256 + RANDOM % 65000) * 1024)) max-flows $((8 + RANDOM % 2000)) \
		ckpt-timeout $((100 + RANDOM % 4000))
}

churn_step() {
	case $((RANDOM % 20)) in
	0 | 1) op params set_params ;;
	2) op passthrough "$COLOCTL" -n phost group set "$GROUP" passthrough ;;
	3 | 4) op comparing "$COLOCTL" -n phost group set "$GROUP" comparing ;;
	5 | 6) op ckpt-done "$COLOCTL" -n phost checkpoint "$GROUP" 'done' ;;
	7 | 8 | 9)
		local s
		s=$(pick ready request reply vmstate-send "vmstate-size $RANDOM" vmstate-received vmstate-loaded)
		# shellcheck disable=SC2086 # "vmstate-size N" is two words
		op "step" "$COLOCTL" -n phost checkpoint "$GROUP" $s ;;
	10) op failover "$COLOCTL" -n phost failover "$GROUP" ;;
	11) op ready "$COLOCTL" -n phost checkpoint "$GROUP" ready ;;
	12 | 13) filters_del; op filters filters_add ;;
	14) op group group_churn ;;
	15) op pvm-link pvm_link_churn ;;
	16) op colo-link colo_link_churn ;;
	17) op flow-show "$COLOCTL" -n phost flow show group "$GROUP" ;;
	*) op stats "$COLOCTL" -n phost -s -j group show "$GROUP" ;;
	esac
}

# ---- part 1: churn --------------------------------------------------------------

check "colo_compare unloaded for a slab baseline" unload
SLAB0=$(slab_settle)
kmemleak_clear
DM0=$(dmesg_problems)
log "unreclaimable slab before: ${SLAB0} kB"

check "insmod colo_compare" insmod "$KO"
check "topology of DESIGN.md §1, group $GROUP comparing, filters bound" \
	eval 'topo_setup && group_add && T tc -n phost qdisc add dev p-tap clsact &&
	      T tc -n phost qdisc add dev p-colo clsact && filters_add'
traffic_start
check "traffic flows: the group takes primaries and secondaries" \
	until_ok 30 eval 'stats && [ "${ST[primary_packets]}" -gt 100 ] && [ "${ST[secondary_packets]}" -gt 100 ]' ||
	show_stats
agent_start

T0=$SECONDS
steps=0
while [ $((SECONDS - T0)) -lt "$STRESS_SECONDS" ] && [ $steps -lt 100000 ]; do
	churn_step
	steps=$((steps + 1))
	agent_alive || agent_start
done
agent_stop
log "churn: $steps steps in $((SECONDS - T0)) s, the agent started $AGENTS times"
for k in $(printf '%s\n' "${!OPS_OK[@]}" "${!OPS_FAIL[@]}" | sort -u); do
	log "  $k: ${OPS_OK[$k]:-0} ok, ${OPS_FAIL[$k]:-0} refused"
done
check "the traffic generators lived through the churn" traffic_alive
traffic_stop
check "no command hung ($steps churn steps)" expect "$HANGS" -eq 0
check "the group, its filters and links are still in place" \
	eval 'stats || { group_add && stats; }'
check "last incarnation drained: primary_packets == released + dropped" \
	eval 'filters_del; account'
check "every incarnation added up ($INCARNATIONS so far)" expect "$BAD_ACCOUNTS" -eq 0
log "over $INCARNATIONS group incarnations: primary $TOT_P released $TOT_R dropped $TOT_D compared $TOT_CMP miscompares $TOT_MIS checkpoints done $TOT_CKPT failovers $TOT_FO"
check "the comparator did compare: matched and miscompared primaries" \
	eval 'expect "$TOT_CMP" -gt 0 && expect "$TOT_MIS" -gt 0'
check "group del, topology down, rmmod" \
	eval 'T "$COLOCTL" -n phost group del "$GROUP" && topo_teardown && T rmmod colo_compare'
SLAB1=$(slab_settle)
log "unreclaimable slab after the churn: ${SLAB1} kB (before ${SLAB0} kB, $((SLAB1 - SLAB0)) kB)"
check "slab back within ${STRESS_SLAB_SLACK_KB} kB of its start" \
	expect $((SLAB1 - SLAB0)) -le "$STRESS_SLAB_SLACK_KB"
LEAKS=$(kmemleak_new)
check "kmemleak: nothing new (${LEAKS})" eval '[ "$LEAKS" = - ] || [ "$LEAKS" -eq 0 ]'
check "dmesg: no new kernel problem" eval 'expect "$(dmesg_problems)" -eq "$DM0"'

# ---- part 2: rmmod under traffic --------------------------------------------------

kmemleak_clear
SLAB0=$SLAB1
DM0=$(dmesg_problems)
check "topology again, traffic, a client peer" \
	eval 'topo_setup && T tc -n phost qdisc add dev p-tap clsact &&
	      T tc -n phost qdisc add dev p-colo clsact && peer_start client'
traffic_start

ROUND_FAIL=0
ROUND_LOG=$COLO_TMP/round.log
HELD_TOTAL=0

# softnet_drops: frames dropped at a full per-CPU backlog (all CPUs), the
# one place a released burst could go without the module counting it.
softnet_drops() {
	local d n=0
	while read -r _ d _; do
		[ -n "$d" ] && n=$((n + 16#$d))
	done </proc/net/softnet_stat
	echo $n
}

# rt WHAT: a step of a round and when (ms into the round).
rt() { echo "$(((${EPOCHREALTIME/./} - R0) / 1000)) ms: $*"; }

# round N: one load, hold, unload cycle; says why it failed.
round() {
	local r=$1 i want got
	R0=${EPOCHREALTIME/./}
	T insmod "$KO" || { echo "insmod failed"; return 1; }
	rt insmod
	"$COLOCTL" -n phost group add "$GROUP" comparing timeout 60000 ckpt-timeout 60000 &&
		filters_add || { echo "group or filters"; return 1; }
	rt group and filters
	nap 0.3
	"$COLOCTL" -n phost checkpoint "$GROUP" request >/dev/null 2>&1
	stats && [ "${ST[state]}" = checkpoint ] || { echo "state ${ST[state]}, not checkpoint"; return 1; }
	peer client udp "mk$r" "$VM_IP" $MARK_PORT && peer client send "mk$r" "mk$r-{i}" $NMARK ||
		{ echo "marker send"; return 1; }
	rt checkpoint, marker sent
	nap 0.5
	peer client recv "mk$r" 1 0.1 && [ "${RA[0]}" -eq 0 ] ||
		{ echo "a marker answer got out before the unload: ${RA[*]}"; return 1; }
	if T rmmod colo_compare 2>/dev/null; then
		echo "rmmod succeeded with actions bound"
		return 1
	fi
	grep -q '^colo_compare ' /proc/modules || { echo "module gone after a refused rmmod"; return 1; }
	rt rmmod refused
	filters_del
	stats || { echo "no stats"; return 1; }
	[ "${ST[primary_packets]}" -eq $((ST[released] + ST[dropped] + ST[held_packets])) ] ||
		{ echo "primary ${ST[primary_packets]} != released ${ST[released]} + dropped ${ST[dropped]} + held ${ST[held_packets]}"; return 1; }
	[ "${ST[held_packets]}" -ge $NMARK ] || { echo "held ${ST[held_packets]} < $NMARK"; return 1; }
	HELD_TOTAL=$((HELD_TOTAL + ST[held_packets]))
	peer client counters c-eth && local rx0=${RA[0]} sd0
	sd0=$(softnet_drops)
	rt filters deleted, stats
	T rmmod colo_compare || { echo "rmmod failed without actions"; return 1; }
	rt rmmod
	peer client recv "mk$r" $NMARK 10 || return 1
	if [ "${RA[0]}" -ne $NMARK ]; then
		got=${RA[0]}
		peer client recv "mk$r" $NMARK 30
		echo "got $got of $NMARK marker answers after the unload, ${RA[0]} more in 30 s;" \
			"held ${ST[held_packets]}, softnet drops +$(($(softnet_drops) - sd0))"
		peer client counters c-eth && echo "client rx +$((RA[0] - rx0))"
		return 1
	fi
	for ((i = 0; i < NMARK; i++)); do
		want="re:mk$r-$i"
		got=",${RA[2]},"
		[[ $got == *",$want,"* ]] || { echo "marker answer $want missing: ${RA[2]}"; return 1; }
	done
	peer client counters c-eth
	[ $((RA[0] - rx0)) -ge "${ST[held_packets]}" ] ||
		{ echo "the client got $((RA[0] - rx0)) frames, ${ST[held_packets]} were held"; return 1; }
	peer client recv "mk$r" 1 0.3 && [ "${RA[0]}" -eq 0 ] ||
		{ echo "a marker answer came twice"; return 1; }
	traffic_alive || { echo "a traffic generator died"; return 1; }
	[ "$(dmesg_problems)" -eq "$DM0" ] || { echo "kernel problem in dmesg"; return 1; }
	rt checked
}

T0=$SECONDS
rounds=0
while [ $rounds -lt "$STRESS_ROUNDS" ]; do
	if [ "$STRESS_RMMOD_SECONDS" -gt 0 ] && [ $((SECONDS - T0)) -ge "$STRESS_RMMOD_SECONDS" ]; then
		break
	fi
	rounds=$((rounds + 1))
	if round $rounds >"$ROUND_LOG" 2>&1; then
		[ $rounds -le 2 ] && log "round $rounds: $(tr '\n' ' ' <"$ROUND_LOG")"
	else
		ROUND_FAIL=$((ROUND_FAIL + 1))
		log "round $rounds: $(tr '\n' ' ' <"$ROUND_LOG")"
		filters_del
		unload 2>/dev/null
		[ $ROUND_FAIL -ge 3 ] && break
	fi
done
log "rmmod: $rounds rounds in $((SECONDS - T0)) s, $HELD_TOTAL primaries held at unload"
[ "$rounds" -lt "$STRESS_ROUNDS" ] && [ $ROUND_FAIL -eq 0 ] &&
	log "the time bound (STRESS_RMMOD_SECONDS=$STRESS_RMMOD_SECONDS) ended the loop before round $STRESS_ROUNDS"
check "rmmod under traffic: $rounds rounds, none failed" \
	eval 'expect "$ROUND_FAIL" -eq 0 && expect "$rounds" -ge 1'
traffic_stop
peer_stop
topo_teardown
unload
SLAB1=$(slab_settle)
log "unreclaimable slab after the rmmod loop: ${SLAB1} kB (before ${SLAB0} kB, $((SLAB1 - SLAB0)) kB)"
check "slab back within ${STRESS_SLAB_SLACK_KB} kB of its start" \
	expect $((SLAB1 - SLAB0)) -le "$STRESS_SLAB_SLACK_KB"
LEAKS=$(kmemleak_new)
check "kmemleak: nothing new (${LEAKS})" eval '[ "$LEAKS" = - ] || [ "$LEAKS" -eq 0 ]'
check "dmesg: no new kernel problem" eval 'expect "$(dmesg_problems)" -eq "$DM0"'
check "insmod colo_compare again" insmod "$KO"

t_done
