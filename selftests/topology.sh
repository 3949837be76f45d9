#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The COLO topology of DESIGN.md §1 in network namespaces.  Source it.
#
#                 primary host (ns phost)                 secondary host (ns shost)
#  ns client                                                                ns svm
#  c-eth ═══ p-cli ─┬─ br0 ─ p-tap ═══ pvm-eth (ns pvm)    s-tap ═══ svm-eth
#                   │          ▲ ingress: colo group 1 primary   ▲ │
#                   │          │                                 │ │ ingress: redirect
#     ingress: mirror ─────► p-colo ═══════════════════ s-colo ──┘ │ to s-colo
#                              ▲ ingress: colo group 1 secondary ◄─┘
#
# Client frames reach the PVM through br0 and are mirrored over the colo
# link to the SVM.  The PVM's output is taken at p-tap ingress by the
# group's primary action; the SVM's output comes back over the colo link
# and is taken at p-colo ingress as the secondary.  Released primaries
# continue through br0 to the client.  PVM and SVM share MAC and IP.

TOPO_NS="client phost pvm shost svm"
CLIENT_IP=10.0.0.1
VM_IP=10.0.0.2
CLIENT_IP6=fd00::1
VM_IP6=fd00::2
VM_MAC=52:54:00:c0:10:02
CLIENT_MAC=52:54:00:c0:10:01
GROUP=${GROUP:-1}

topo_teardown() {
	local ns
	for ns in $TOPO_NS; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# topo_veth NS1 DEV1 NS2 DEV2
topo_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# Builds everything but the colo actions (see topo_attach_colo).
topo_setup() {
	local ns
	topo_teardown
	for ns in $TOPO_NS; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		# no router solicitations or DAD noise unless a test asks for v6
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
	done
	topo_veth client c-eth phost p-cli || return 1
	topo_veth phost p-tap pvm pvm-eth || return 1
	topo_veth phost p-colo shost s-colo || return 1
	topo_veth shost s-tap svm svm-eth || return 1

	# the VM replicas have the same MAC and addresses
	ip -n pvm link set pvm-eth address $VM_MAC
	ip -n svm link set svm-eth address $VM_MAC
	ip -n client link set c-eth address $CLIENT_MAC
	# Static neighbours: the SVM's output never reaches the client, so
	# its ARP/ND would never be answered and its neighbour state would
	# drift from the PVM's (a real SVM gets the PVM's at each checkpoint).
	local vm
	for vm in pvm:pvm-eth svm:svm-eth; do
		ip -n "${vm%%:*}" neigh add $CLIENT_IP lladdr $CLIENT_MAC nud permanent dev "${vm#*:}"
		ip -n "${vm%%:*}" neigh add $CLIENT_IP6 lladdr $CLIENT_MAC nud permanent dev "${vm#*:}"
	done
	ip -n client neigh add $VM_IP lladdr $VM_MAC nud permanent dev c-eth
	ip -n client neigh add $VM_IP6 lladdr $VM_MAC nud permanent dev c-eth
	ip -n client addr add $CLIENT_IP/24 dev c-eth
	ip -n pvm addr add $VM_IP/24 dev pvm-eth
	ip -n svm addr add $VM_IP/24 dev svm-eth
	ip -n client addr add $CLIENT_IP6/64 dev c-eth nodad
	ip -n pvm addr add $VM_IP6/64 dev pvm-eth nodad
	ip -n svm addr add $VM_IP6/64 dev svm-eth nodad

	# host side ports carry no addresses of their own
	for dev in p-cli p-tap p-colo; do
		ip netns exec phost sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
	done
	for dev in s-colo s-tap; do
		ip netns exec shost sysctl -qw net.ipv6.conf.$dev.disable_ipv6=1
	done
	ip -n phost link add br0 type bridge stp_state 0 forward_delay 0 || return 1
	ip netns exec phost sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	ip -n phost link set p-cli master br0
	ip -n phost link set p-tap master br0
	ip -n phost link set br0 up

	# client -> VM: mirrored to the secondary host over the colo link
	tc -n phost qdisc add dev p-cli clsact || return 1
	tc -n phost filter add dev p-cli ingress matchall \
		action mirred egress mirror dev p-colo || return 1
	# secondary host: mirrored frames to the SVM, SVM output back
	tc -n shost qdisc add dev s-colo clsact || return 1
	tc -n shost filter add dev s-colo ingress matchall \
		action mirred egress redirect dev s-tap || return 1
	tc -n shost qdisc add dev s-tap clsact || return 1
	tc -n shost filter add dev s-tap ingress matchall \
		action mirred egress redirect dev s-colo || return 1
}

# The comparator: group + primary and secondary actions on the primary host.
topo_attach_colo() {
	ip netns exec phost "$COLOCTL" group add "$GROUP" "$@" || return 1
	tc -n phost qdisc add dev p-tap clsact || return 1
	tc -n phost filter add dev p-tap ingress matchall \
		action colo group "$GROUP" primary || return 1
	tc -n phost qdisc add dev p-colo clsact || return 1
	tc -n phost filter add dev p-colo ingress matchall \
		action colo group "$GROUP" secondary || return 1
}

# dev_counter NS DEV rx_packets|tx_packets
dev_counter() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}
