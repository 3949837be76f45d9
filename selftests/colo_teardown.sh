#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Accounting across teardown (issue 3, item 6): with primaries held while
# a checkpoint is outstanding,
#  - "tc filter del" then "coloctl group del" releases every one of them
#    (the client gets each once);
#  - rmmod releases them too;
#  - removing the device they came from drops and counts them, without
#    hanging the unregistration (no "unregister_netdevice: waiting").
# Needs root and colo_compare loaded (it is unloaded and loaded again);
# run in the VM by selftests/run_vm.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
. "$(dirname "$0")/colo_lib.sh"

trap colo_cleanup EXIT
echo "TAP version 13"

# Long: only the checkpoint holds packets here, never a timeout.
TIMEOUT_MS=60000
PORT=7000
NHELD=5

check "topology of DESIGN.md §1, group $GROUP attached, peers up" \
	colo_setup timeout $TIMEOUT_MS || t_done
check "the same UDP server in the PVM and the SVM" \
	eval 'peer pvm serve $PORT pvm && peer svm serve $PORT svm'

# attach: the group, comparing, and both actions (the qdiscs are there).
attach() {
	"$COLOCTL" -n phost group add "$GROUP" comparing timeout $TIMEOUT_MS &&
		tc -n phost filter add dev p-tap ingress matchall \
			action colo group "$GROUP" primary &&
		tc -n phost filter add dev p-colo ingress matchall \
			action colo group "$GROUP" secondary
}

# hold ROUND: a divergent answer starts a checkpoint, then NHELD - 1
# matching answers of other flows are held behind it.
hold() {
	local i
	mon_skip
	stats_base || return 1
	peer client udp "$1-0" $VM_IP $PORT && peer client send "$1-0" "$1-0/tag" || return 1
	mon_wait 20 '*"reason":"miscompare"*' || { echo "no miscompare event"; return 1; }
	for ((i = 1; i < NHELD; i++)); do
		peer client udp "$1-$i" $VM_IP $PORT && peer client send "$1-$i" "$1-$i" || return 1
	done
	until_ok 20 eval 'stats && [ "${ST[held_packets]}" -eq $NHELD ]' ||
		{ echo "held ${ST[held_packets]} of $NHELD"; return 1; }
	expect "${ST[state]}" = checkpoint
}

# got_held ROUND: the client gets every held answer (the PVM's), once.
got_held() {
	local i want
	for ((i = 0; i < NHELD; i++)); do
		want=re:$1-$i
		[ $i -eq 0 ] && want=pvm:$1-0/tag
		peer client recv "$1-$i" 1 5 || return 1
		expect "${RA[0]}" -eq 1 && expect "${RA[2]}" = "$want" || return 1
	done
	# and no second copy of any
	nap 1
	got_none "$1"
}

# got_none ROUND: nothing at all.
got_none() {
	local i
	for ((i = 0; i < NHELD; i++)); do
		peer client recv "$1-$i" 1 0.3 || return 1
		expect "${RA[0]}" -eq 0 || { echo "got ${RA[2]}"; return 1; }
	done
}

cli_rx() { peer client counters c-eth && CLI_RX=${RA[0]}; }

# ---- tc filter del, then coloctl group del -------------------------------------

check "group set $GROUP comparing" group_set comparing
check "coloctl -j monitor subscribed in phost" mon_start
check "$NHELD answers held behind a checkpoint" hold a
check "while held the client gets nothing" got_none a
cli_rx && RX0=$CLI_RX
check "tc filter del on p-tap and p-colo" \
	eval 'tc -n phost filter del dev p-tap ingress && tc -n phost filter del dev p-colo ingress'
check "without its actions the group still holds them" \
	eval 'stats && expect "${ST[held_packets]}" -eq $NHELD && expect "${ST[actions]}" -eq 0'
check "coloctl group del $GROUP" "$COLOCTL" -n phost group del "$GROUP"
check "the group is gone" eval '! "$COLOCTL" -n phost group show "$GROUP"'
check "group del released every held answer: the client gets each once" got_held a
check "the client received exactly $NHELD frames" \
	eval 'cli_rx && expect $((CLI_RX - RX0)) -eq $NHELD'

# ---- rmmod ----------------------------------------------------------------------

check "group $GROUP again, comparing, actions bound" attach
check "$NHELD answers held behind a checkpoint" hold b
cli_rx && RX0=$CLI_RX
check "tc filter del on p-tap and p-colo" \
	eval 'tc -n phost filter del dev p-tap ingress && tc -n phost filter del dev p-colo ingress'
mon_stop
check "rmmod colo_compare with $NHELD held" rmmod colo_compare
check "rmmod released every held answer: the client gets each once" got_held b
check "the client received exactly $NHELD frames" \
	eval 'cli_rx && expect $((CLI_RX - RX0)) -eq $NHELD'
check "insmod colo_compare again" insmod "${COLO_KO:-$TOP/colo_compare.ko}"

# ---- device removal ---------------------------------------------------------------

check "group $GROUP again, comparing, actions bound" attach
check "coloctl -j monitor subscribed in phost" mon_start
check "$NHELD answers held behind a checkpoint" hold c
cli_rx && RX0=$CLI_RX
T0=$SECONDS
check "ip link del p-tap with $NHELD held returns" timeout 60 ip -n phost link del p-tap
log "took $((SECONDS - T0)) s"
check "the held primaries are dropped and counted" \
	eval 'stats && expect "$(delta dropped)" -eq $NHELD && expect "${ST[held_packets]}" -eq 0'
check "primary_packets == released + dropped" \
	eval 'expect "${ST[primary_packets]}" -eq $((ST[released] + ST[dropped]))'
check "the p-tap action is gone with the device, p-colo's stays" expect "${ST[actions]}" -eq 1
check "the client got none of them" \
	eval 'got_none c && cli_rx && expect "$CLI_RX" -eq "$RX0"'
check "checkpoint done drops the held secondaries" \
	eval '"$COLOCTL" -n phost checkpoint "$GROUP" done && drained 10 && expect "${ST[secondary_held]}" -eq 0'
check "no unregister_netdevice wait in dmesg" \
	eval '! dmesg | grep "unregister_netdevice: waiting"'
check "tc filter del on p-colo, coloctl group del $GROUP" \
	eval 'tc -n phost filter del dev p-colo ingress && "$COLOCTL" -n phost group del "$GROUP"'

t_done
