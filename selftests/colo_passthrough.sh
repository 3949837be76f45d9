#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path in passthrough: client traffic reaches the VM, the PVM's
# replies reach the client exactly once through "action colo", the SVM's
# never do.  Needs colo_compare loaded (or installed) and root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"

trap topo_teardown EXIT
echo "TAP version 13"

t "topology of DESIGN.md §1 builds" topo_setup
t "group $GROUP created and actions bound at ingress" topo_attach_colo

n() { ip netns exec "$@"; }

group_json() { n phost "$COLOCTL" -s -j group show "$GROUP"; }
group_stat() { json_get "$(group_json)" "j[0]['stats']['$1']"; }

# Quiet: nothing held, every primary taken so far released.
quiescent() {
	local j
	j=$(group_json) || return 1
	json_get "$j" "j[0]['stats']['held_packets'] == 0 and j[0]['stats']['released'] == j[0]['stats']['primary_packets'] or sys.exit(1)"
}

pvm_tx0=$(dev_counter pvm pvm-eth tx_packets)
cli_rx0=$(dev_counter client c-eth rx_packets)
svm_tx0=$(dev_counter svm svm-eth tx_packets)

ping_out=$(n client busybox ping -c 5 -i 0.2 -W 5 $VM_IP 2>&1)
log "$(echo "$ping_out" | tail -n 2 | tr '\n' ' ')"
t "ping: 5 replies received" sh -c 'echo "$1" | grep -q "5 packets transmitted, 5 packets received"' sh "$ping_out"
t "ping: no duplicate replies" sh -c '! echo "$1" | grep -qi "dup"' sh "$ping_out"

n pvm "$TOP/selftests/tcp_echo.py" server 7000 "pvm:" >/tmp/pvm_srv.log 2>&1 &
pvm_srv=$!
n svm "$TOP/selftests/tcp_echo.py" server 7000 "svm:" >/tmp/svm_srv.log 2>&1 &
svm_srv=$!
wait_for 10 grep -q listening /tmp/pvm_srv.log
wait_for 10 grep -q listening /tmp/svm_srv.log
tcp_out=$(n client "$TOP/selftests/tcp_echo.py" client $VM_IP 7000 hello-colo 2>&1)
t "tcp: the client gets the PVM's answer, once" test "$tcp_out" = "pvm:hello-colo"
kill $pvm_srv $svm_srv 2>/dev/null
wait $pvm_srv $svm_srv 2>/dev/null

t "group drains: nothing held, released == primary_packets" wait_for 10 quiescent
sleep 0.5
pvm_tx=$(( $(dev_counter pvm pvm-eth tx_packets) - pvm_tx0 ))
cli_rx=$(( $(dev_counter client c-eth rx_packets) - cli_rx0 ))
svm_tx=$(( $(dev_counter svm svm-eth tx_packets) - svm_tx0 ))
log "pvm sent $pvm_tx frames, svm sent $svm_tx, client received $cli_rx"
t "every frame the PVM sent reached the client exactly once" test "$pvm_tx" -eq "$cli_rx"
t "the group released each of them" test "$(group_stat released)" -eq "$pvm_tx"
t "the SVM answered too, and the group consumed it" test "$svm_tx" -gt 0 -a "$(group_stat secondary_packets)" -ge "$svm_tx"
t "nothing dropped" test "$(group_stat dropped)" -eq 0

acts=$(tc -n phost -s -j actions show action colo)
log "tc -s -j actions show action colo: $acts"
t "tc -j shows kind, group and role through the plugin" json_get "$acts" \
	"[a for a in j[1]['actions'] if a['kind'] == 'colo' and a['group'] == $GROUP and a['role'] == 'primary'] or sys.exit(1)"
t "tc -s -j shows the colo counters (taken)" json_get "$acts" \
	"[a for a in j[1]['actions'] if a['role'] == 'secondary' and a['taken'] >= $svm_tx] or sys.exit(1)"

out=$(tc -n phost filter add dev p-tap egress matchall action colo group "$GROUP" primary 2>&1)
t "binding at egress is refused, saying to use ingress" sh -c 'echo "$1" | grep -q "ingress only"' sh "$out"
out=$(tc -n phost filter add dev p-cli ingress matchall action colo group 99 primary 2>&1)
t "binding to a missing group says how to create it" sh -c 'echo "$1" | grep -q "coloctl group add"' sh "$out"
out=$(n phost "$COLOCTL" group del "$GROUP" 2>&1)
t "a group in use cannot be deleted" sh -c 'echo "$1" | grep -q "tc action"' sh "$out"
tc -n phost filter del dev p-tap ingress
tc -n phost filter del dev p-colo ingress
t "once its filters are gone the group can be deleted" wait_for 5 n phost "$COLOCTL" group del "$GROUP"

t_done
