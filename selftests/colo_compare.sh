#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The comparator in COMPARING mode (issue 3, item 9), on the topology of
# DESIGN.md §1 with the same deterministic UDP servers in the PVM and the
# SVM (selftests/colo_peer.py):
#  - identical UDP, ICMP, IPv6 and 802.1Q traffic is released exactly once,
#    matched, with no checkpoint;
#  - a divergent answer raises checkpoint-request "miscompare" naming the
#    flow, and the client gets the PVM's answer only after the checkpoint
#    completes, once;
#  - an answer one side never sends raises "timeout" within
#    [timeout, timeout + scan + slack];
#  - malformed frames (runts, lying IPv4/IPv6/TCP/UDP headers) are
#    compared whole: identical ones match, different ones miscompare,
#    Ethernet padding is ignored, the counters add up.
# Needs root and colo_compare loaded; run in the VM by selftests/run_vm.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

trap colo_cleanup EXIT
echo "TAP version 13"

# A compare timeout that TCG meets: the SVM's answer crosses four more
# veths and two more namespaces than the PVM's.
TIMEOUT_MS=5000
# Time the timeout event may take beyond timeout + scan (TCG, loaded host).
SLACK_MS=${COLO_SLACK_MS:-2000}
PORT=7000

check "topology of DESIGN.md §1, group $GROUP attached, peers up" \
	colo_setup timeout $TIMEOUT_MS || t_done
check "the same UDP server in the PVM and the SVM" \
	eval 'peer pvm serve $PORT pvm && peer svm serve $PORT svm'
check "group set $GROUP comparing" group_set comparing
check "coloctl -j monitor subscribed in phost" mon_start

# ---- identical traffic ---------------------------------------------------------

counters_base() {
	stats_base || return 1
	peer pvm counters pvm-eth && PVM_TX0=${RA[1]} &&
		peer client counters c-eth && CLI_RX0=${RA[0]}
}

compared_some() {
	expect "$(delta compared)" -gt 0 && expect "$(delta secondary_packets)" -gt 0
}

all_matched() {
	expect "$(delta released)" -eq "$(delta primary_packets)" &&
		expect "$(delta compared)" -eq "$(delta primary_packets)" &&
		expect "$(delta dropped)" -eq 0
}

nothing_raised() {
	expect "$(delta miscompares)" -eq 0 && expect "$(delta checkpoints)" -eq 0 &&
		expect "$(delta timeouts)" -eq 0 && expect "$(mon_new)" -eq 0 &&
		expect "${ST[state]}" = comparing
}

client_got_pvm() {
	local tx rx
	peer pvm counters pvm-eth && tx=$((RA[1] - PVM_TX0)) || return 1
	peer client counters c-eth && rx=$((RA[0] - CLI_RX0)) || return 1
	echo "pvm sent $tx frames, client received $rx, group took $(delta primary_packets)"
	expect "$rx" -eq "$tx" && expect "$tx" -eq "$(delta primary_packets)"
}

# identical_checks WHAT: after identical traffic since counters_base.
identical_checks() {
	check "$1: the group drains, nothing held" drained 30
	check "$1: really compared (compared > 0, secondary_packets > 0)" compared_some
	check "$1: released == compared == primary_packets, none dropped" all_matched
	check "$1: no miscompare, no checkpoint, no event" nothing_raised
	check "$1: the client received exactly what the PVM sent" client_got_pvm
}

# udp_roundtrip NAME HOST COUNT: COUNT requests, COUNT answers each once.
udp_roundtrip() {
	local want= i
	peer client udp "$1" "$2" $PORT || return 1
	peer client send "$1" "$1-{i}" "$3" || return 1
	peer client recv "$1" "$3" 30 || return 1
	for ((i = 0; i < $3; i++)); do want+=${want:+,}re:$1-$i; done
	expect "${RA[0]}" -eq "$3" && expect "${RA[2]}" = "$want"
}

# ping_ok ARGS...: busybox ping -c 5 from the client, 5 answers, no DUP.
ping_ok() {
	local out
	out=$(ip netns exec client busybox ping -c 5 -i 0.2 -W 5 "$@" 2>&1)
	echo "$out" | tail -n 2
	[[ $out == *"5 packets transmitted, 5 packets received"* && $out != *DUP* ]]
}

counters_base
check "udp/ipv4: 20 requests, 20 answers, in order, each once" udp_roundtrip u4 $VM_IP 20
identical_checks "udp/ipv4"

counters_base
check "icmp: ping gets 5 answers, no duplicates" ping_ok $VM_IP
identical_checks "icmp"

counters_base
check "udp/ipv6: 10 requests, 10 answers, each once" udp_roundtrip u6 $VM_IP6 10
check "icmpv6: ping -6 gets 5 answers, no duplicates" ping_ok -6 $VM_IP6
identical_checks "ipv6"

# 802.1Q: vlan 5 on the client and both VMs, own addresses, static
# neighbours; no IPv6 on it (its DAD and MLD would differ in time).
VLAN=5 VLAN_CLIENT=10.0.5.1 VLAN_VM=10.0.5.2
vlan_setup() {
	local ns dev me peer_ip peer_mac
	for ns in client:c-eth pvm:pvm-eth svm:svm-eth; do
		dev=${ns#*:} ns=${ns%%:*}
		if [ "$ns" = client ]; then
			me=$VLAN_CLIENT peer_ip=$VLAN_VM peer_mac=$VM_MAC
		else
			me=$VLAN_VM peer_ip=$VLAN_CLIENT peer_mac=$CLIENT_MAC
		fi
		ip -n "$ns" -batch - <<-EOF || return 1
			link add link $dev name $dev.$VLAN type vlan id $VLAN
			link set dev $dev.$VLAN addrgenmode none
			addr add $me/24 dev $dev.$VLAN
			neigh add $peer_ip lladdr $peer_mac nud permanent dev $dev.$VLAN
			link set dev $dev.$VLAN up
		EOF
	done
}

vlan_flow_seen() {
	local j
	j=$("$COLOCTL" -n phost -j flow show group "$GROUP") || return 1
	[[ $j == *'"vlan":'$VLAN[,}]* ]] || { echo "no flow with vlan $VLAN: $j"; return 1; }
}

check "802.1Q: vlan $VLAN on c-eth, pvm-eth and svm-eth" vlan_setup
counters_base
check "802.1Q: udp over vlan $VLAN, 10 answers, each once" udp_roundtrip v5 $VLAN_VM 10
check "802.1Q: ping over vlan $VLAN gets 5 answers" ping_ok $VLAN_VM
identical_checks "802.1Q"
check "802.1Q: the group keys flows by VLAN id (coloctl flow show)" vlan_flow_seen

# ---- a divergent answer ------------------------------------------------------

state_is() { stats && expect "${ST[state]}" = "$1"; }

# recv_none NAME SECONDS: nothing arrives on NAME meanwhile.
recv_none() {
	peer client recv "$1" 1 "$2" || return 1
	expect "${RA[0]}" -eq 0 || { echo "got ${RA[2]}"; return 1; }
}

# recv_once NAME ANSWER: ANSWER arrives, exactly once.
recv_once() {
	peer client recv "$1" 2 "${3:-1}" || return 1
	expect "${RA[0]}" -eq 1 && expect "${RA[2]}" = "$2"
}

held_now() {
	stats && expect "${ST[state]}" = checkpoint && expect "${ST[held_packets]}" -ge "$1"
}

counted_once() {
	expect "$(delta miscompares)" -eq "$1" && expect "$(delta checkpoints)" -eq 1 &&
		expect "$(delta timeouts)" -eq "$2"
}

done_and_drained() {
	"$COLOCTL" -n phost checkpoint "$GROUP" done && drained 20 &&
		expect "${ST[state]}" = comparing
}

mon_skip
counters_base
peer client udp dv $VM_IP $PORT && DV_PORT=${RA[0]}
peer client udp dv2 $VM_IP $PORT
peer client send dv "dv-1/tag"
check "divergent answer: checkpoint-request reason miscompare" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"miscompare"*'
log "event: $EV"
check "divergent answer: the event names the flow" \
	ev_flow_is udp $CLIENT_IP "$DV_PORT" $VM_IP $PORT
check "divergent answer: group in checkpoint, the primary held" held_now 1
check "divergent answer: the client gets nothing before the checkpoint" recv_none dv 1.5
peer client send dv2 "dv-2"
check "checkpoint outstanding: a matching answer of another flow is held too" recv_none dv2 1.5
check "coloctl checkpoint $GROUP done: group comparing again, nothing held" done_and_drained
check "divergent answer: after the checkpoint the client gets the PVM's answer, once" \
	recv_once dv "pvm:dv-1/tag"
check "the held answer of the other flow comes out too, once" recv_once dv2 "re:dv-2"
check "divergent answer: one miscompare, one checkpoint, no timeout" counted_once 1 0
check "divergent answer: exactly one event" expect "$(mon_new)" -eq 0
check "divergent answer: the client received exactly what the PVM sent" client_got_pvm

# ---- an answer one side never sends -----------------------------------------

TO_MS=500 SCAN_MS=50
# timeout_window T_SEND: the event came timeout..timeout+scan+slack after.
timeout_window() {
	local sent=${1/./} got=${EV_T/./} dt
	dt=$(((got - sent) / 1000))
	TO_DT="timeout event ${dt} ms after the request (window $TO_MS..$((TO_MS + SCAN_MS + SLACK_MS)) ms)"
	echo "$TO_DT"
	expect "$dt" -ge "$TO_MS" && expect "$dt" -le $((TO_MS + SCAN_MS + SLACK_MS))
}

check "group set timeout $TO_MS scan $SCAN_MS" group_set timeout $TO_MS scan $SCAN_MS
mon_skip
counters_base
peer client udp to $VM_IP $PORT && TO_PORT=${RA[0]}
peer client send to "to-1/mute=svm" && T_SEND=${RA[0]}
check "no answer from the SVM: checkpoint-request reason timeout" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"timeout"*'
log "event: $EV"
check "no answer from the SVM: the event came after the compare timeout, in the window" \
	timeout_window "$T_SEND"
log "$TO_DT"
check "no answer from the SVM: the event names the flow" \
	ev_flow_is udp $CLIENT_IP "$TO_PORT" $VM_IP $PORT
check "no answer from the SVM: the PVM's answer is held" recv_none to 0.5
check "checkpoint done: the client gets the PVM's answer, once" \
	eval 'done_and_drained && recv_once to "re:to-1/mute=svm"'
check "no answer from the SVM: one timeout, one checkpoint, no miscompare" counted_once 0 1
check "no answer from the SVM: the client received exactly what the PVM sent" client_got_pvm

# The SVM answers, the PVM does not: the secondary times out, and its
# answer never reaches the client.
mon_skip
counters_base
peer client send to "to-2/mute=pvm" && T_SEND=${RA[0]}
check "no answer from the PVM: checkpoint-request reason timeout" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"timeout"*'
check "no answer from the PVM: in the window" timeout_window "$T_SEND"
log "$TO_DT"
check "no answer from the PVM: the SVM's answer is held, not sent" \
	eval 'stats && expect "${ST[secondary_held]}" -ge 1 && expect "${ST[state]}" = checkpoint'
check "checkpoint done: the SVM's answer is dropped, never sent" \
	eval 'done_and_drained && recv_none to 1.5'
check "no answer from the PVM: one timeout, one checkpoint" counted_once 0 1
check "group set timeout $TIMEOUT_MS scan 100" group_set timeout $TIMEOUT_MS scan 100

# ---- malformed frames ---------------------------------------------------------

BROKEN=runt,runt20,trunc_ip,ihl4,ihl_past,doff_past,doff_small,totlen_long,totlen_short,udplen_long,ip6_plen,nonip
NBROKEN=12

# frames_both PVM_VARIANT SVM_VARIANT NAMES: from both VMs at once; the
# PVM's frames (hex) in SENT.
frames_both() {
	peer_send pvm malformed pvm-eth "$1" "$3"
	peer_send svm malformed svm-eth "$2" "$3"
	peer_wait pvm && read -r -a RA <<<"${R#ok}" && SENT=${RA[1]} || return 1
	peer_wait svm || return 1
}

# client_captured N: the client received exactly the PVM's frames.
client_captured() {
	peer client captured || return 1
	expect "${RA[0]}" -eq "$1" || return 1
	[ "$1" -eq 0 ] || expect "${RA[1]}" = "$SENT"
}

mon_skip
counters_base
check "malformed: the client captures what it receives" peer client capture c-eth
check "malformed: $NBROKEN broken frames from the PVM and the SVM, the same" \
	frames_both 49 49 $BROKEN
identical_checks "malformed"
check "malformed: the client received the PVM's frames unchanged, in order" \
	client_captured $NBROKEN
# the broken IPv4 frames share one whole-frame flow: shown as such, with
# no made-up addresses
frame_flow_shown() {
	local out
	out=$("$COLOCTL" -n phost flow show group "$GROUP") || return 1
	echo "$out"
	grep -q '^ether 0x0800' <<<"$out" && ! grep -q '0\.0\.0\.0' <<<"$out"
}
check "malformed: flow show lists an \"ether 0x0800\" whole-frame flow, no 0.0.0.0" \
	frame_flow_shown

counters_base
check "padding: a UDP frame whose padding differs" frames_both 49 50 padded
identical_checks "padding"
check "padding: the client received the PVM's frame" client_captured 1

mon_skip
counters_base
check "malformed: an IHL<5 frame that differs on the SVM" frames_both 49 50 ihl4
check "malformed, different: checkpoint-request reason miscompare" \
	mon_wait 20 '*"event":"checkpoint-request"*"reason":"miscompare"*'
log "event: $EV"
check "malformed, different: nothing sent before the checkpoint" client_captured 0
check "malformed, different: after checkpoint done the client gets the PVM's frame" \
	eval 'done_and_drained && client_captured 1'
check "malformed, different: one miscompare, one checkpoint" counted_once 1 0
check "malformed: primary_packets == released + dropped, nothing held" \
	eval 'stats && expect "${ST[primary_packets]}" -eq $((ST[released] + ST[dropped])) && expect "${ST[held_packets]}" -eq 0'

show_stats
t_done
