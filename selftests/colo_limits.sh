#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The comparator's bounds (issue 3, items 1, 6 and 9), COMPARING mode on
# the topology of DESIGN.md §1; frames are sent by colo_peer.py through
# AF_PACKET from the PVM and the SVM at the same time:
#  - max-flows: the flow after the last one raises checkpoint-request
#    "flow-limit" and nothing is dropped;
#  - closed (RST) empty flows are evicted after about a second;
#  - 10 000 flows at once all match: released == primary, no checkpoint;
#  - a flood the SVM does not answer, past small byte limits: "memory"
#    past the soft limit, drops only past the hard limit (2x), held bytes
#    never above it, kernel memory bounded, and after the checkpoint
#    every primary released or dropped-and-counted.
# Needs root and colo_compare loaded; run in the VM by selftests/run_vm.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

trap colo_cleanup EXIT
echo "TAP version 13"

# Long: the PVM's and the SVM's senders are two processes under TCG.
TIMEOUT_MS=30000
NFLOWS=${COLO_NFLOWS:-10000}

check "topology of DESIGN.md §1, group $GROUP attached, peers up" \
	colo_setup timeout $TIMEOUT_MS || t_done
check "group set $GROUP comparing" group_set comparing
check "coloctl -j monitor subscribed in phost" mon_start

# flows_both N SPORT DPORT udp|rst: the same N one-frame flows from both.
flows_both() {
	peer_send pvm flows pvm-eth "$@"
	peer_send svm flows svm-eth "$@"
	peer_wait pvm || { echo "$R"; return 1; }
	peer_wait svm || { echo "$R"; return 1; }
}

# listened PORT N: the client got N datagrams on PORT, from N source ports.
listened() {
	peer client listened "$1" || return 1
	expect "${RA[0]}" -eq "$2" && expect "${RA[1]}" -eq "$2" && expect "${RA[2]}" -le 1 ||
		{ echo "client: ${RA[0]} datagrams from ${RA[1]} ports, at most ${RA[2]} per port"; return 1; }
}

done_and_drained() {
	"$COLOCTL" -n phost checkpoint "$GROUP" "done" && drained "${1:-20}" &&
		expect "${ST[state]}" = comparing
}

# ---- max-flows ------------------------------------------------------------------

MAXF=100
check "the flow table is empty" eval 'stats && expect "${ST[flows]}" -eq 0'
check "group set max-flows $MAXF" group_set max-flows $MAXF
stats_base
peer client listen 9100
check "max-flows: $((MAXF + 1)) UDP flows from the PVM and the SVM" \
	flows_both $((MAXF + 1)) 30000 9100 udp
check "max-flows: flow $((MAXF + 1)) raises checkpoint-request reason flow-limit" \
	mon_wait 30 '*"event":"checkpoint-request"*"reason":"flow-limit"*'
log "event: $EV"
# the event's flow (EV) is one the table does not hold
event_flow_untracked() {
	local flows
	flows=$("$COLOCTL" -n phost -j flow show group "$GROUP") || return 1
	/usr/bin/python3 -S -c '
import json, sys
k = lambda f: (f.get("proto"), f.get("addr_a"), f.get("port_a"),
               f.get("addr_b"), f.get("port_b"))
e = json.loads(sys.argv[1])["flow"]
print("event flow", k(e))
sys.exit(e.get("proto") != "udp" or 9100 not in (e.get("port_a"), e.get("port_b"))
         or e["primary_queued"] + e["secondary_queued"] < 1
         or any(k(f) == k(e) for f in json.loads(sys.argv[2])))' "$EV" "$flows"
}
check "max-flows: the event names the UDP flow that did not fit in the table, queued" \
	event_flow_untracked
check "max-flows: the table holds $MAXF flows, nothing dropped" \
	eval 'stats && expect "${ST[flows]}" -eq $MAXF && expect "$(delta dropped)" -eq 0 && expect "${ST[state]}" = checkpoint'
check "max-flows: checkpoint done releases everything held" done_and_drained
check "max-flows: released == primary_packets == $((MAXF + 1)), none dropped" \
	eval 'expect "$(delta primary_packets)" -eq $((MAXF + 1)) && expect "$(delta released)" -eq $((MAXF + 1)) && expect "$(delta dropped)" -eq 0'
check "max-flows: the client got every flow's datagram, once" listened 9100 $((MAXF + 1))
check "max-flows: one checkpoint, no miscompare" \
	eval 'expect "$(delta checkpoints)" -eq 1 && expect "$(delta miscompares)" -eq 0'

# ---- closed flows are evicted ----------------------------------------------------

no_tcp_flow() {
	local j
	stats || return 1
	j=$("$COLOCTL" -n phost -j flow show group "$GROUP") || return 1
	[[ $j != *'"proto":"tcp"'* ]] && [ "${ST[flows]}" -le "$F0" ]
}

NRST=1000
check "group set max-flows 65536" group_set max-flows 65536
mon_skip
stats
F0=${ST[flows]}
stats_base
# The PVM's first: held, so not evictable, until the SVM's come.
peer pvm flows pvm-eth $NRST 40000 9300 rst
check "closed flows: $NRST TCP RST flows from the PVM wait for the SVM's" \
	until_ok 20 eval 'stats && expect "${ST[held_packets]}" -eq $NRST && expect "${ST[flows]}" -eq $((F0 + NRST))'
peer svm flows svm-eth $NRST 40000 9300 rst
check "closed flows: every RST matched and released" \
	eval 'drained 30 && expect "$(delta released)" -eq $NRST && expect "$(delta compared)" -eq $NRST'
check "closed flows: evicted within seconds, the table back to $F0 flows" until_ok 15 no_tcp_flow
check "closed flows: no checkpoint" \
	eval 'expect "$(delta checkpoints)" -eq 0 && expect "$(mon_new)" -eq 0'

# ---- many flows ------------------------------------------------------------------

mon_skip
stats_base
peer client listen 9200
peer pvm counters pvm-eth && PVM_TX0=${RA[1]}
T0=$SECONDS
check "many flows: $NFLOWS UDP flows from the PVM and the SVM" \
	flows_both "$NFLOWS" 10000 9200 udp
check "many flows: the group drains" drained 180
log "$NFLOWS flows sent and matched in $((SECONDS - T0)) s"
check "many flows: the table holds them all (flows >= $NFLOWS)" \
	expect "${ST[flows]}" -ge "$NFLOWS"
check "many flows: released == compared == primary_packets == $NFLOWS" \
	eval 'expect "$(delta primary_packets)" -eq $NFLOWS && expect "$(delta released)" -eq $NFLOWS && expect "$(delta compared)" -eq $NFLOWS'
check "many flows: no miscompare, no checkpoint, nothing dropped" \
	eval 'expect "$(delta checkpoints)" -eq 0 && expect "$(delta miscompares)" -eq 0 && expect "$(delta dropped)" -eq 0 && expect "$(mon_new)" -eq 0'
check "many flows: the client got each flow's datagram, once" listened 9200 "$NFLOWS"
MANY_T=$SECONDS

# ---- a flood past the byte limits ---------------------------------------------

LIMIT=$((64 << 10))
HARD=$((2 * LIMIT))
SIZE=1000

# slab_active CACHE: active objects of a slab cache -> SLAB.
slab_active() {
	local name active rest
	while read -r name active rest; do
		[ "$name" = "$1" ] && SLAB=$active && return 0
	done </proc/slabinfo
	return 1
}

# meminfo: MEM[Slab], MEM[MemAvailable], ... (kB)
declare -A MEM
meminfo() {
	local k v rest
	while read -r k v rest; do
		MEM[${k%:}]=$v
	done </proc/meminfo
}

held_is() { stats && [ "${ST[held_packets]}" -eq "$1" ]; }

held_bounded() {
	stats || return 1
	log "held_bytes ${ST[held_bytes]} in ${ST[held_packets]} packets (hard cap $HARD)"
	expect "${ST[held_bytes]}" -le $HARD
}

check "group set group-limit 64k flow-limit 64k" group_set group-limit 64k flow-limit 64k
mon_skip
stats_base
peer client listen 9400
peer pvm counters pvm-eth && PVM_TX0=${RA[1]}

# Under the soft limit: held, nothing else.
peer pvm flood $CLIENT_IP 9400 10 $SIZE
check "flood: 10 datagrams the SVM does not answer are held" until_ok 10 held_is 10
TS=$((ST[held_bytes] / ST[held_packets]))
log "truesize of a $SIZE-byte datagram: $TS"
check "flood: under the soft limit no event, nothing dropped" \
	eval 'expect "${ST[held_bytes]}" -lt $LIMIT && expect "$(mon_new)" -eq 0 && expect "$(delta dropped)" -eq 0'

# Past the soft limit, under the hard one: a checkpoint request, no drop.
N=$(((LIMIT + LIMIT / 2 - ST[held_bytes]) / TS))
peer pvm flood $CLIENT_IP 9400 $N $SIZE
check "flood: past the soft limit, checkpoint-request reason memory" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"memory"*'
log "event: $EV"
# The flow's or the group's limit, whichever the worker saw crossed first
# (the group's has no flow).
flood_flow() {
	[[ $EV != *'"flow":'* ]] && return 0
	expect "$(ev_field proto)" = udp &&
		[[ $EV == *'"port_a":9400,'* || $EV == *'"port_b":9400,'* ]]
}
check "flood: the event names the flooded flow, if any" flood_flow
check "flood: between the limits nothing is dropped, all $((10 + N)) held" \
	eval 'until_ok 10 held_is $((10 + N)) && expect "$(delta dropped)" -eq 0 && expect "${ST[held_bytes]}" -gt $LIMIT'

# Far past the hard limit.
slab_active skbuff_head_cache && SLAB0=$SLAB
meminfo && SLABKB0=${MEM[Slab]}
NFLOOD=8000
# flood_sampled: the flood, with held_bytes sampled while it runs -> MAXHELD.
flood_sampled() {
	local line deadline=$((SECONDS + 120))
	MAXHELD=0 SAMPLES=0
	peer_send pvm flood $CLIENT_IP 9400 $NFLOOD $SIZE
	while ! IFS= read -r -t 0.1 -u "${PEER_OUT[pvm]}" line; do
		if stats; then
			SAMPLES=$((SAMPLES + 1))
			[ "${ST[held_bytes]}" -gt $MAXHELD ] && MAXHELD=${ST[held_bytes]}
		fi
		[ $SECONDS -lt $deadline ] || { PEER_LOST[pvm]="flood"; return 1; }
	done
	[[ $line == ok* ]]
}
check "flood: $NFLOOD more datagrams from the PVM" flood_sampled
log "held_bytes at most $MAXHELD in $SAMPLES samples during the flood"
check "flood: held_bytes stayed <= 2 x group-limit during the flood" expect "$MAXHELD" -le $HARD
check "flood: and after it" held_bounded
check "flood: dropped > 0, and only because the hard limit was reached" \
	eval 'expect "$(delta dropped)" -gt 0 && expect "${ST[held_bytes]}" -gt $((HARD - 2 * TS))'
check "flood: every primary accounted (primary == released + dropped + held)" \
	eval 'expect "$(delta primary_packets)" -eq $(($(delta released) + $(delta dropped) + ST[held_packets]))'
check "flood: the PVM sent $((10 + N + NFLOOD)) datagrams, the group took them all" \
	eval 'peer pvm counters pvm-eth && expect $((RA[1] - PVM_TX0)) -eq $((10 + N + NFLOOD)) && expect "$(delta primary_packets)" -eq $((10 + N + NFLOOD))'
slab_active skbuff_head_cache
meminfo
log "skbuff_head_cache active objects $SLAB0 -> $SLAB, Slab $SLABKB0 -> ${MEM[Slab]} kB"
check "flood: sk_buffs in use grew by less than the held packets + 256" \
	expect $((SLAB - SLAB0)) -lt $((ST[held_packets] + 256))
# COLO_SLAB_SLACK_KB: the debug kernel's KASAN keeps freed objects in a
# quarantine (up to 1/32 of memory) before the slab gets them back
SLACK=${COLO_SLAB_SLACK_KB:-2048}
check "flood: slab memory grew by less than $SLACK kB ($NFLOOD x $TS B flooded)" \
	expect $((MEM[Slab] - SLABKB0)) -lt "$SLACK"
check "flood: one checkpoint request only" \
	eval 'expect "$(delta checkpoints)" -eq 1 && expect "$(mon_new)" -eq 0'
check "flood: checkpoint done, nothing held" done_and_drained
check "flood: primary_packets == released + dropped, exactly" \
	eval 'expect "$(delta primary_packets)" -eq $(($(delta released) + $(delta dropped))) && expect "${ST[held_bytes]}" -eq 0'
check "flood: the client got exactly the released ones" \
	eval 'peer client listened 9400 && expect "${RA[0]}" -eq "$(delta released)"'

# Idle empty flows go after COLO_FLOW_IDLE_MS (60 s): long under TCG.
# Left then: the flood's flow (and nothing else sent since).
idle_evicted() { stats && [ "${ST[flows]}" -le 1 ]; }
if [ -n "$COLO_LONG" ]; then
	check "idle flows: the $NFLOWS idle UDP flows are evicted after 60 s" \
		until_ok $((100 - (SECONDS - MANY_T))) idle_evicted
	log "flows left: ${ST[flows]}, $((SECONDS - MANY_T)) s after the many flows"
else
	skip "idle flows: the $NFLOWS idle UDP flows are evicted after 60 s" "takes a minute: COLO_LONG=1"
fi

show_stats
t_done
