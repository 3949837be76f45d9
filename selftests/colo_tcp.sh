#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TCP through the comparator (issue 3, items 3, 8 and 9), real kernel TCP
# stacks in the PVM and the SVM serving the same bytes (colo_peer.py):
#  - without the rewriter the SVM's side of a connection never comes up
#    (its ISN differs, it rejects the client's ACKs): the PVM's data
#    waits for a counterpart that never comes and a checkpoint is asked
#    for; after it the download completes;
#  - through the rewriter (action colo ... rewrite on the SVM's tap) a
#    download matches with no checkpoint, also when the two sides segment
#    differently (smaller MTU and no TSO/GSO on the SVM's link, or no
#    TSO/GSO on the PVM's): no miscompare.
# The rewriter cases are skipped only if the kernel refuses the action.
# Needs root and colo_compare loaded; run in the VM by selftests/run_vm.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

trap colo_cleanup EXIT
echo "TAP version 13"

TIMEOUT_MS=5000
PORT=7100
SIZE=${COLO_TCP_BYTES:-262144}

check "topology of DESIGN.md §1, group $GROUP attached, peers up" \
	colo_setup timeout $TIMEOUT_MS || t_done
check "the same TCP server in the PVM and the SVM" \
	eval 'peer pvm tcpserve $PORT && peer svm tcpserve $PORT'
check "group set $GROUP comparing" group_set comparing
check "coloctl -j monitor subscribed in phost" mon_start

counters_base() {
	stats_base || return 1
	peer pvm counters pvm-eth && PVM_TX0=${RA[1]} &&
		peer svm counters svm-eth && SVM_TX0=${RA[1]}
}

# download N SECONDS: the client gets N bytes from the VM.  Checkpoint
# requests meanwhile are logged, counted in DL_CKPTS and completed (as an
# agent would) so the download can go on.
download() {
	local deadline=$((SECONDS + $2 + 10)) line
	DL_CKPTS=0
	peer_send client tcpget $VM_IP $PORT "$1" "$2"
	while :; do
		if IFS= read -r -t 0.3 -u "${PEER_OUT[client]}" line; then
			R=$line
			break
		fi
		if mon_next '*"event":"checkpoint-request"*'; then
			DL_CKPTS=$((DL_CKPTS + 1))
			log "during the download: $EV"
			"$COLOCTL" -n phost checkpoint "$GROUP" done
		fi
		if [ $SECONDS -ge $deadline ]; then
			PEER_LOST[client]="no answer to tcpget"
			echo "the client peer did not answer"
			return 1
		fi
	done
	read -r -a RA <<<"${R#ok}"
	log "download of $1 bytes: ${RA[0]} bytes, ${RA[1]}, ${RA[2]} s, $DL_CKPTS checkpoint(s) on the way"
	expect "${RA[0]}" -eq "$1" && expect "${RA[1]}" = SAME
}

# What the group holds, for a failure's report.
diag() {
	local l
	show_stats
	"$COLOCTL" -n phost flow show group "$GROUP" | while IFS= read -r l; do log "  $l"; done
	mapfile -t l <"$MON"
	for ((i = MON_SEEN; i < ${#l[@]}; i++)); do log "  event ${l[i]}"; done
}

clean_run() {
	expect "$(delta miscompares)" -eq 0 && expect "$(delta checkpoints)" -eq 0 &&
		expect "$(delta dropped)" -eq 0 && expect "$(mon_new)" -eq 0
}

really_compared() {
	expect "$(delta compared)" -gt 0 && expect "$(delta secondary_packets)" -gt 0 &&
		expect "$(delta released)" -eq "$(delta primary_packets)"
}

# ---- without the rewriter ---------------------------------------------------------

mon_skip
counters_base
check "no rewriter: a download of 1000 bytes completes, through checkpoints" download 1000 60
check "no rewriter: the PVM's data waited for the SVM's, a checkpoint was asked for" \
	expect "$DL_CKPTS" -ge 1
check "no rewriter: the request named the TCP flow" \
	eval 'expect "$(ev_field proto)" = tcp && [[ $EV == *"\"port_a\":$PORT,"* || $EV == *"\"port_b\":$PORT,"* ]]'
drained 20
log "without the rewriter: $(delta checkpoints) checkpoint(s), $(delta miscompares) miscompare(s), $(delta timeouts) timeout(s)"

# ---- through the rewriter -------------------------------------------------------------

# The secondary host's group and the rewrite action on s-tap, both ways;
# at ingress the translation comes first, then the redirect to the colo
# link (tc-colo(8)).
attach_rewriter() {
	"$COLOCTL" -n shost group add "$GROUP" || return 1
	tc -n shost filter add dev s-tap egress matchall \
		action colo group "$GROUP" rewrite || return 1
	tc -n shost filter del dev s-tap ingress &&
	tc -n shost filter add dev s-tap ingress matchall \
		action colo group "$GROUP" rewrite \
		action mirred egress redirect dev s-colo
}

REWRITER=
if out=$(attach_rewriter 2>&1); then
	REWRITER=1
	check "the rewriter on s-tap ingress and egress" true
else
	log "rewriter not available: $out"
	# the SVM's output must still come back
	tc -n shost filter show dev s-tap ingress | grep -q mirred ||
		tc -n shost filter add dev s-tap ingress matchall \
			action mirred egress redirect dev s-colo
fi

rw_skip() { skip "$1" "rewriter not available"; }

# through NAME: a download of SIZE bytes through the rewriter, matched.
through() {
	if [ -z "$REWRITER" ]; then
		rw_skip "$1: $SIZE bytes, no miscompare, no checkpoint"
		return
	fi
	mon_skip
	counters_base
	check "$1: the client gets all $SIZE bytes" download "$SIZE" 120
	check "$1: the group drains" drained 30 || diag
	check "$1: no checkpoint was asked for on the way" expect "$DL_CKPTS" -eq 0
	check "$1: no miscompare, no checkpoint, nothing dropped" clean_run
	check "$1: compared (compared > 0, secondary > 0), released == primary" really_compared
	peer pvm counters pvm-eth && PVM_TX=$((RA[1] - PVM_TX0))
	peer svm counters svm-eth && SVM_TX=$((RA[1] - SVM_TX0))
	log "$1: the PVM sent $PVM_TX frames, the SVM $SVM_TX"
}

through "rewriter, same links"

# The SVM's link: MTU 1300 (MSS 1260) and no TSO/GSO, the PVM's: 1500 with
# TSO (segments of up to 64 KiB): the sides segment differently.  (Not
# below 1280: that turns IPv6 off, and back on later with DAD and MLD
# from the SVM alone, which rightly times out.)
if [ -n "$REWRITER" ]; then
	check "svm-eth: mtu 1300, tso/gso off" \
		eval 'ip -n svm link set svm-eth mtu 1300 && ip netns exec svm ethtool -K svm-eth tso off gso off'
fi
through "smaller segments on the SVM"
[ -n "$REWRITER" ] && check "the SVM really sent more, smaller frames" expect "$SVM_TX" -gt "$PVM_TX"

# The other way round: the PVM segments small, the SVM big.
if [ -n "$REWRITER" ]; then
	check "svm-eth: mtu 1500, tso/gso on; pvm-eth: tso/gso off" \
		eval 'ip -n svm link set svm-eth mtu 1500 && ip netns exec svm ethtool -K svm-eth tso on gso on && ip netns exec pvm ethtool -K pvm-eth tso off gso off'
fi
through "smaller segments on the PVM"
[ -n "$REWRITER" ] && check "the PVM really sent more, smaller frames" expect "$PVM_TX" -gt "$SVM_TX"

show_stats
t_done
