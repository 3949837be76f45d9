#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build, boot the test VM and show client traffic crossing the
# COLO topology of DESIGN.md §1 through "action colo" (passthrough).
#
#   tools/demo.sh [KVER]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${COLO_IN_VM:-}" ]; then
	cd "$TOP" || exit 1
	# a release or a series (6.1, 6.12, 6.12-rt); default 6.1
	KVER=$(bash tools/kver.sh "${1:-${KVER:-6.1}}") || exit 1
	echo "demo: building for $KVER"
	make -s module KERNELRELEASE="$KVER" && make -s -C colo_ctl && make -s -C tools/tc || exit 1
	echo "demo: booting the test VM (Debian $KVER under qemu)"
	exec bash tools/vm/run --kver "$KVER" -- bash tools/demo.sh
fi

# --- in the VM ---
export COLOCTL=$TOP/colo_ctl/coloctl
export TC_LIB_DIR=$TOP/tools/tc
. "$TOP/selftests/topology.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# the Makefile builds the default (6.1) kernel's module in the tree, others'
# in build/KERNELRELEASE/
KO=$TOP/build/$(uname -r)/colo_compare.ko
[ -f "$KO" ] || KO=$TOP/colo_compare.ko
insmod "$KO" || exit 1
trap topo_teardown EXIT
topo_setup || exit 1

say "primary host: COLO group $GROUP and the colo actions at tc ingress"
show ip netns exec phost "$COLOCTL" group add "$GROUP" timeout 3000
tc -n phost qdisc add dev p-tap clsact
show tc -n phost filter add dev p-tap ingress matchall action colo group "$GROUP" primary
tc -n phost qdisc add dev p-colo clsact
show tc -n phost filter add dev p-colo ingress matchall action colo group "$GROUP" secondary
show ip netns exec phost "$COLOCTL" group show
pvm0=$(dev_counter pvm pvm-eth tx_packets)
svm0=$(dev_counter svm svm-eth tx_packets)
cli0=$(dev_counter client c-eth rx_packets)

say "client -> VM: ping (PVM and SVM both answer; the client sees the PVM once)"
show ip netns exec client busybox ping -c 4 -i 0.3 $VM_IP

say "client -> VM: a TCP exchange with the same server in PVM and SVM"
ip netns exec pvm "$TOP/selftests/tcp_echo.py" server 7000 "hello from the VM: " >/dev/null &
pvm_srv=$!
ip netns exec svm "$TOP/selftests/tcp_echo.py" server 7000 "hello from the VM: " >/dev/null &
svm_srv=$!
sleep 1
show ip netns exec client "$TOP/selftests/tcp_echo.py" client $VM_IP 7000 "client says hi"
# In passthrough the SVM's TCP never gets an answer it accepts (its
# sequence numbers differ: that is the rewriter's job), so its server
# still waits: stop both.
kill $pvm_srv $svm_srv 2>/dev/null
wait $pvm_srv $svm_srv 2>/dev/null

sleep 1	# let the last frames of the exchange through before counting
say "what the group did (coloctl -s, and -j)"
show ip netns exec phost "$COLOCTL" -s group show "$GROUP"
show ip netns exec phost "$COLOCTL" -s -j -p group show "$GROUP"

say "the tc view (through the m_colo.so plugin)"
show tc -n phost -s actions show action colo

say "since the group took over: PVM sent $(( $(dev_counter pvm pvm-eth tx_packets) - pvm0 )) frames, SVM sent $(( $(dev_counter svm svm-eth tx_packets) - svm0 )), the client received $(( $(dev_counter client c-eth rx_packets) - cli0 ))"
topo_teardown
trap - EXIT
rmmod colo_compare && echo "demo: done, module unloaded"
