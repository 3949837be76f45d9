#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The secondary host's TCP rewriter ("action colo group N rewrite" at the
# SVM tap's ingress and egress, DESIGN.md §1) on the topology of
# topology.sh: the client talks to the PVM, its traffic is mirrored to the
# SVM, and the SVM's TCP connections only come up when its sequence
# numbers are translated.  Proven from the servers' own logs and from ss
# in the svm namespace:
#   - without the rewriter the SVM never accepts a connection;
#   - with it, concurrent connections over IPv4, IPv6 and QinQ-tagged
#     frames complete on both VMs (the SVM gets every request and its
#     reply and FIN are acknowledged: its sockets reach TIME-WAIT), a bulk
#     reply is acknowledged in full, and a connection the VM opens works;
#   - on the wire (packet sockets, no tcpdump): checksums stay right with
#     full checksums, SACK blocks are shifted, the SVM's output lands in
#     the PVM's sequence space;
#   - a completed checkpoint makes every offset 0;
#   - a full table (max-flows) leaves new connections untranslated.
# Needs colo_compare loaded (or installed) and root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"

TMP=$(mktemp -d /tmp/colo_rewrite.XXXXXX) || exit 1
PIDS=""
cleanup() {
	local ns
	# "ip netns exec" may fork: end what runs in our namespaces
	for ns in $TOPO_NS; do
		# shellcheck disable=SC2046
		kill $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null
	done
	# shellcheck disable=SC2086
	[ -n "$PIDS" ] && kill $PIDS 2>/dev/null
	wait 2>/dev/null
	topo_teardown
	rm -rf "$TMP"
}
trap cleanup EXIT
echo "TAP version 13"

n() { ip netns exec "$@"; }

# Threaded TCP peers that log what they see, one line at a time.
cat >"$TMP/peer.py" <<'EOF'
import os
import socket
import sys
import threading
import time

lock = threading.Lock()


def log(*words):
    with lock:
        sys.stdout.write(" ".join(str(w) for w in words) + "\n")
        sys.stdout.flush()


def recv_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def recv_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def serve(port, prefix, bulk, multi):
    """Answer a line with prefix + the line (+ bulk bytes), then close;
    with multi, answer every line until the client closes."""
    ls = socket.socket(socket.AF_INET6)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port))
    ls.listen(64)
    log("listening")

    def one(conn, peer):
        log("accepted", peer[0], peer[1])
        while True:
            line = recv_line(conn)
            if not line:
                break
            log("request", line.decode().strip())
            conn.sendall(prefix.encode() + line + b"x" * bulk)
            log("replied", line.decode().strip())
            if not multi:
                break
        conn.close()

    while True:
        conn, peer = ls.accept()
        threading.Thread(target=one, args=(conn, peer), daemon=True).start()


def clients(host, port, count, msg):
    """count connections open at once, then one request on each."""
    socks = [socket.create_connection((host, port), timeout=20)
             for _ in range(count)]
    for i, s in enumerate(socks):
        s.sendall("{}-{}\n".format(msg, i).encode())
    for s in socks:
        reply = recv_all(s)
        s.close()
        head = reply.split(b"\n", 1)[0].decode()
        log("reply", head, len(reply))


def session(host, port, msg1, go, msg2):
    """msg1, then msg2 once the file go exists, on one connection."""
    s = socket.create_connection((host, port), timeout=20)
    for msg in (msg1, msg2):
        while msg == msg2 and not os.path.exists(go):
            time.sleep(0.1)
        s.sendall(msg.encode() + b"\n")
        log("reply", recv_line(s).decode().strip())
    s.close()


def connect(host, port, sport, msg):
    """A connection from a fixed source port, as both VMs must use."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", sport))
    s.settimeout(30)
    s.connect((host, port))
    log("connected")
    s.sendall(msg.encode() + b"\n")
    reply = recv_all(s)
    s.close()
    log("reply", reply.decode().strip())


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "serve":
        serve(int(a[2]), a[3], int(a[4]), a[5] == "multi")
    elif a[1] == "clients":
        clients(a[2], int(a[3]), int(a[4]), a[5])
    elif a[1] == "session":
        session(a[2], int(a[3]), a[4], a[5], a[6])
    else:
        connect(a[2], int(a[3]), int(a[4]), a[5])
EOF

# start_servers PORT [BULK [multi]]: the same server in pvm and svm, logs
# in $TMP
start_servers() {
	local vm
	for vm in pvm svm; do
		n $vm /usr/bin/python3 -S "$TMP/peer.py" serve "$1" "$vm:" "${2:-0}" "${3:-one}" \
			>"$TMP/$vm.$1.log" 2>&1 &
		PIDS="$PIDS $!"
	done
	wait_for 10 grep -q listening "$TMP/pvm.$1.log" &&
	wait_for 10 grep -q listening "$TMP/svm.$1.log"
}

count() { grep -c "$1" "$2" 2>/dev/null; }
# lines_eq PATTERN FILE N: FILE has exactly N lines matching PATTERN
lines_eq() { [ "$(count "$1" "$2")" -eq "$3" ]; }

# rw_stat GROUP KEY: a rewriter counter of the secondary host's group
rw_stat() {
	json_get "$(n shost "$COLOCTL" -s -j group show "$1")" "j[0]['stats']['rewrite_$2']"
}
# rw_expect GROUP KEY OP N: that counter compared with N (test(1) OP)
rw_expect() {
	local v
	v=$(rw_stat "$1" "$2") || return 1
	echo "rewrite_$2 = $v"
	test "$v" "$3" "$4"
}

# ss_count NS STATE PORT: sockets of the server on PORT in that state
ss_count() {
	n "$1" ss -Htan state "$2" "( sport = :$3 )" | wc -l
}

# svm_done PORT N: the SVM served N requests and each connection closed
# cleanly: its reply and FIN acknowledged, so either in TIME-WAIT (it sent
# its FIN first) or gone (LAST-ACK ended: the client's FIN came first,
# which happens when the SVM lags the PVM by more than $DELAY), and none
# in any other state (half-open, unacknowledged FIN, never accepted).
# The client never sees the SVM's packets here, so it never resets them.
svm_done() {
	lines_eq '^replied' "$TMP/svm.$1.log" "$2" &&
	[ "$(ss_count svm connected "$1")" -eq "$(ss_count svm time-wait "$1")" ]
}

# exchange NAME HOST PORT N: N concurrent connections from the client
exchange() {
	local name=$1 host=$2 port=$3 cnt=$4 out
	out=$(n client /usr/bin/python3 -S "$TMP/peer.py" clients "$host" "$port" "$cnt" "$name" 2>&1)
	echo "$out" >"$TMP/client.$port.log"
	t "$name: the client gets $cnt replies, all from the PVM" \
		test "$(echo "$out" | grep -c "^reply pvm:$name-")" -eq "$cnt"
	t "$name: the PVM's server served $cnt requests" \
		wait_for 10 lines_eq '^replied' "$TMP/pvm.$port.log" "$cnt"
	t "$name: the SVM's server accepted and served $cnt requests" \
		wait_for 20 lines_eq '^replied' "$TMP/svm.$port.log" "$cnt"
	t "$name: the SVM's connections closed cleanly (reply and FIN acknowledged)" \
		wait_for 20 svm_done "$port" "$cnt"
	log "$name: svm sockets: $(n svm ss -Htan "( sport = :$port )" | awk '{print $1}' | sort | uniq -c | tr -s ' \n' ' ')"
}

rewrite_filters() {
	tc -n shost filter add dev s-tap ingress prio 1 matchall \
		action colo group "$GROUP" rewrite continue &&
	tc -n shost filter add dev s-tap egress prio 1 matchall \
		action colo group "$GROUP" rewrite
}

t "topology of DESIGN.md §1 builds" topo_setup
t "primary host: group $GROUP and its actions" topo_attach_colo
t "secondary host: group $GROUP" n shost "$COLOCTL" group add "$GROUP"
# In comparing mode the comparator releases the PVM's packets only once the
# SVM sent the same, so the client never acknowledges data the SVM has not
# sent yet (the SVM would ignore such an ACK, and any FIN riding on it).
# The group here stays in passthrough: model that ordering by delaying the
# PVM's packets on their way to the client, on the primary host (netem on
# the PVM's own device would hold its TCP back through TSQ, and the two
# stacks would drift apart).  The delay must exceed how far the SVM lags
# behind the PVM: under TCG on a loaded host (the kernel matrix runs) that
# went past 100 ms and one SVM socket stayed in FIN-WAIT-1.
DELAY=${REWRITE_CLIENT_DELAY_MS:-300}ms
t "the PVM's packets reach the client $DELAY late (the comparator's ordering)" \
	tc -n phost qdisc add dev p-cli root netem delay "$DELAY"

# ---- without the rewriter: the SVM's side never comes up ----------------
start_servers 7009
out=$(n client /usr/bin/python3 -S "$TMP/peer.py" clients $VM_IP 7009 2 norw 2>&1)
t "no rewriter: the client still gets the PVM's replies" \
	test "$(echo "$out" | grep -c '^reply pvm:norw-')" -eq 2
sleep 2
log "no rewriter: svm log: $(tr '\n' ';' <"$TMP/svm.7009.log")"
t "no rewriter: the SVM's server never accepted a connection" \
	lines_eq '^accepted' "$TMP/svm.7009.log" 0
t "no rewriter: no established connection in the SVM" \
	test "$(ss_count svm established 7009)" -eq 0

# ---- with the rewriter ----------------------------------------------------
t "rewrite bound at s-tap ingress (before the redirect) and egress" rewrite_filters
acts=$(tc -n shost -j filter show dev s-tap egress)
t "tc -j shows the rewrite role through the plugin" json_get "$acts" \
	"[a for f in j if 'options' in f for a in f['options']['actions'] if a['kind'] == 'colo' and a['role'] == 'rewrite'] or sys.exit(1)"

rw0=$(rw_stat "$GROUP" learned)
start_servers 7001
exchange ipv4 $VM_IP 7001 8
t "ipv4: coloctl -s counts 8 connections learned" rw_expect "$GROUP" learned -eq $((rw0 + 8))
rw_shifting() { rw_expect "$GROUP" rewritten -gt 0 && rw_expect "$GROUP" errors -eq 0; }
t "ipv4: and packets rewritten, none dropped for an error" rw_shifting

start_servers 7002
exchange ipv6 $VM_IP6 7002 8

# 256 KiB answers: GSO, many ACKs to translate.  The SVM's lag grows with
# the answer's size (its ACK clock is the client's ACKs of the PVM's data),
# and an ACK for data it has not sent yet is ignored with the FIN riding on
# it, leaving its FIN unacknowledged for ever: under a loaded TCG host 300
# ms was once not enough (one socket stayed in FIN-WAIT-1), so the bulk
# exchange runs with a longer delay, but well below a second: the client's
# handshake ACK must reach the SVM before its SYN-ACK timer (1 s) fires, or
# its first window is one segment and it never catches up (at 1500 ms a
# socket stayed ESTABLISHED with its data unacknowledged).
BULK_DELAY=${REWRITE_BULK_DELAY_MS:-600}ms
t "bulk: the PVM's packets reach the client $BULK_DELAY late" \
	tc -n phost qdisc change dev p-cli root netem delay "$BULK_DELAY"
start_servers 7003 262144
exchange bulk $VM_IP 7003 2
t "bulk: back to $DELAY" \
	tc -n phost qdisc change dev p-cli root netem delay "$DELAY"
t "bulk: the client got every byte" \
	test "$(grep -c " $((262144 + 11))\$" "$TMP/client.7003.log")" -eq 2

# ---- on the wire: checksums, the shift, SACK --------------------------------
# Full checksums from the client and the SVM (no offload), and loss on the
# PVM's output so the client sends SACK blocks.  wire.py captures both
# sides of the rewriter in shost and checks every rewritten checksum, one
# constant non-zero shift per connection (seq from the SVM, ack and every
# SACK edge to it), and that the SVM's translated output is in the PVM's
# sequence space (its first byte and its FIN where the client's ACKs of
# the PVM's say).  The SVM's side is not required to finish here: after
# losses the two TCP stacks recover differently (their timers differ), and
# with the PVM's packets released at once, as in passthrough, the client
# may then acknowledge data the SVM has not sent yet; in comparing mode the
# comparator holds the PVM's packets until the SVM sent the same, and a
# divergence is a checkpoint.
cat >"$TMP/wire.py" <<'EOF'
import os
import socket
import struct
import sys

# Captures the TCP/IPv4 frames on both sides of the rewriter in the shost
# namespace until the file STOP exists, then checks them.  Packet taps see
# a frame arriving on a device before tc ingress and a frame leaving one
# after tc egress, so:
#   client -> SVM:  s-colo in = before,  s-tap out = after
#   SVM -> client:  s-tap in  = before,  s-colo out = after
SOL_PACKET, PACKET_AUXDATA, PACKET_STATISTICS = 263, 8, 6
TP_STATUS_CSUMNOTREADY = 8
PACKET_OUTGOING = 4


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def parse(frame):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != 6 or tot > len(ip):
        return None
    tcp = ip[ihl:tot]
    doff = (tcp[12] >> 4) * 4
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    sack = []
    i = 20
    while i < doff:
        kind = tcp[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        ln = tcp[i + 1]
        if ln < 2:
            break
        if kind == 5:
            sack = list(struct.unpack("!%dI" % ((ln - 2) // 4),
                                      tcp[i + 2:i + ln]))
        i += ln
    sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
    return dict(src=ip[12:16], sport=sport, dport=dport, seq=seq, ack=ack,
                flags=tcp[13], ipid=ip[4:6], plen=len(tcp) - doff,
                sack=sack, csum_ok=csum(pseudo + tcp) == 0xffff)


def main(vm_port, conns, need_sack, stop):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    # SO_RCVBUFFORCE: room for the whole test, python is slow in the VM
    s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)
    s.settimeout(0.2)
    print("capturing", flush=True)
    pkts = []
    while not os.path.exists(stop):
        try:
            data, anc, _, addr = s.recvmsg(70000, socket.CMSG_SPACE(32))
        except socket.timeout:
            continue
        partial = any(t == PACKET_AUXDATA and
                      struct.unpack("I", d[:4])[0] & TP_STATUS_CSUMNOTREADY
                      for lvl, t, d in anc if lvl == SOL_PACKET)
        p = parse(data)
        if not p or vm_port not in (p["sport"], p["dport"]):
            continue
        p["to_svm"] = p["dport"] == vm_port
        p["out"] = addr[2] == PACKET_OUTGOING
        p["dev"] = addr[0]
        p["partial"] = partial
        pkts.append(p)

    drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS,
                                             8))[1]
    # before/after per direction, matched in order on what the rewriter
    # does not touch
    def side(to_svm, dev, out):
        return [p for p in pkts if p["to_svm"] == to_svm and
                p["dev"] == dev and p["out"] == out]
    pairs = []
    for to_svm, pre, post in ((True, ("s-colo", False), ("s-tap", True)),
                              (False, ("s-tap", False), ("s-colo", True))):
        queue = {}
        for p in side(to_svm, *pre):
            k = (p["sport"], p["dport"], p["ipid"], p["plen"], p["flags"])
            queue.setdefault(k, []).append(p)
        for q in side(to_svm, *post):
            k = (q["sport"], q["dport"], q["ipid"], q["plen"], q["flags"])
            if queue.get(k):
                pairs.append((queue[k].pop(0), q))
    errors = []
    checked = sum(1 for p in pkts if p["out"] and not p["partial"])
    bad = [p for p in pkts if p["out"] and not p["partial"] and
           not p["csum_ok"]]
    if bad:
        errors.append("%d frames with a bad TCP checksum after the "
                      "rewriter, e.g. %r" % (len(bad), bad[0]))
    offsets = {}
    sacks = 0
    for pre, post in pairs:
        conn = pre["sport"] if pre["to_svm"] else pre["dport"]
        if pre["to_svm"]:
            if not pre["flags"] & 0x10:
                continue
            d = (pre["ack"] - post["ack"]) & 0xffffffff
            for a, b in zip(pre["sack"], post["sack"]):
                sacks += 1
                if (a - b) & 0xffffffff != d:
                    errors.append("SACK edge %u -> %u, ack shifted by %u"
                                  % (a, b, d))
        else:
            if pre["flags"] & 0x02:     # the SVM's SYN: not translatable
                continue
            d = (post["seq"] - pre["seq"]) & 0xffffffff
        offsets.setdefault(conn, set()).add(d)
    for conn, ds in sorted(offsets.items()):
        if len(ds) != 1 or 0 in ds:
            errors.append("connection %d: shifts %s" % (conn, sorted(ds)))
    # In the PVM's sequence space: the SVM's first data segment, translated,
    # starts where the client's handshake ACK (PVM ISN + 1) says; its FIN,
    # if sent, ends at what the client acknowledged of the PVM's FIN.
    firsts = fins = 0
    for conn in offsets:
        acks = [p["ack"] for p in side(True, "s-colo", False)
                if p["sport"] == conn and p["flags"] & 0x10]
        data = [q["seq"] for q in side(False, "s-colo", True)
                if q["dport"] == conn and q["plen"]]
        if acks and data:
            firsts += 1
            if data[0] != acks[0]:
                errors.append("connection %d: the SVM's data starts at %u, "
                              "the PVM's at %u" % (conn, data[0], acks[0]))
        for q in side(False, "s-colo", True):
            if q["dport"] == conn and q["flags"] & 0x01:
                fins += 1
                if q["seq"] + q["plen"] + 1 not in acks:
                    errors.append("connection %d: the SVM's FIN ends at %u, "
                                  "never acked by the client"
                                  % (conn, q["seq"] + q["plen"] + 1))
                break
    print("frames %d (dropped %d), matched %d, checksums checked %d, "
          "connections %d, SACK edges %d, first data %d, FINs %d" %
          (len(pkts), drops, len(pairs), checked, len(offsets), sacks, firsts,
           fins))
    if len(offsets) != conns or firsts != conns:
        errors.append("expected %d connections, each with data" % conns)
    if checked < 10 * conns:
        errors.append("only %d checksums could be checked" % checked)
    if need_sack and not sacks:
        errors.append("no SACK block seen")
    for e in errors[:10]:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "sack",
                  sys.argv[4]))
EOF
wire_setup() {
	n client ethtool -K c-eth tx off >/dev/null &&
	n svm ethtool -K svm-eth tx off >/dev/null &&
	tc -n phost qdisc change dev p-cli root netem delay "$DELAY" loss 3%
}
wire_restore() {
	n client ethtool -K c-eth tx on >/dev/null &&
	n svm ethtool -K svm-eth tx on >/dev/null &&
	tc -n phost qdisc change dev p-cli root netem delay "$DELAY"
}
t "no checksum offload on the client and the SVM, 3% loss on the PVM's output" wire_setup
start_servers 7007 262144
n shost /usr/bin/python3 -S "$TMP/wire.py" 7007 2 sack "$TMP/wire.stop" >"$TMP/wire.log" 2>&1 &
wire=$!
PIDS="$PIDS $wire"
wait_for 10 grep -q capturing "$TMP/wire.log"
out=$(n client /usr/bin/python3 -S "$TMP/peer.py" clients $VM_IP 7007 2 wire 2>&1)
t "wire: the client gets 2 full replies from the PVM" \
	test "$(echo "$out" | grep -c "^reply pvm:wire-[01] $((262144 + 11))\$")" -eq 2
t "wire: the SVM's server got both requests" \
	wait_for 20 lines_eq '^request wire-' "$TMP/svm.7007.log" 2
touch "$TMP/wire.stop"
wait $wire
wire_rc=$?
log "wire: $(grep -v capturing "$TMP/wire.log" | tr '\n' ' ')"
t "wire: checksums right, one shift per connection, SACK shifted, FIN in the PVM's space" \
	test $wire_rc -eq 0
t "offload and loss back" wire_restore

# QinQ: 802.1ad 100 outside (out of band at tc), 802.1Q 10 inside (in band)
qinq() {
	local ns dev addr
	for spec in "client c-eth 10.0.10.1" "pvm pvm-eth 10.0.10.2" "svm svm-eth 10.0.10.2"; do
		read -r ns dev addr <<<"$spec"
		ip -n "$ns" link add link "$dev" name "$dev.100" type vlan proto 802.1ad id 100 &&
		ip -n "$ns" link add link "$dev.100" name "$dev.10" type vlan id 10 &&
		ip -n "$ns" link set "$dev.100" up &&
		ip -n "$ns" link set "$dev.10" mtu 1400 up &&
		ip -n "$ns" addr add "$addr/24" dev "$dev.10" || return 1
	done
}
t "QinQ links on client, pvm and svm" qinq
start_servers 7004
exchange qinq 10.0.10.2 7004 4

# ---- the VM opens: both VMs connect from the same source port --------------
n client /usr/bin/python3 -S "$TMP/peer.py" serve 7005 srv: 0 one >"$TMP/client.7005.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 grep -q listening "$TMP/client.7005.log"
# the SVM first: its SYN is consumed; the client's SYN-ACK answers the PVM's
n svm /usr/bin/python3 -S "$TMP/peer.py" connect $CLIENT_IP 7005 40000 vmopen >"$TMP/svm.open.log" 2>&1 &
PIDS="$PIDS $!"
syn_sent() { [ "$(n svm ss -Htan state syn-sent '( dport = :7005 )' | wc -l)" -eq 1 ]; }
wait_for 10 syn_sent
pvm_out=$(n pvm /usr/bin/python3 -S "$TMP/peer.py" connect $CLIENT_IP 7005 40000 vmopen 2>&1)
t "VM opens: the PVM's connection gets the answer" test "$pvm_out" = "$(printf 'connected\nreply srv:vmopen')"
t "VM opens: the SVM's connection comes up and gets the same answer" \
	wait_for 20 grep -q "^reply srv:vmopen" "$TMP/svm.open.log"
log "VM opens: svm log: $(tr '\n' ';' <"$TMP/svm.open.log")"

# ---- a completed checkpoint: every offset becomes 0 --------------------------
# After a real checkpoint the SVM has the PVM's TCP state, so untranslated
# is right.  Here the SVM keeps its own: a connection that spans the
# "checkpoint" shows the reset, as the SVM then drops what the client sends
# (its acks are the PVM's); a new connection is learned afresh.
start_servers 7008 0 multi
n client /usr/bin/python3 -S "$TMP/peer.py" session $VM_IP 7008 before "$TMP/go" after \
	>"$TMP/session.log" 2>&1 &
PIDS="$PIDS $!"
t "before the checkpoint: the SVM answers on the long connection" \
	wait_for 20 grep -q "^replied before" "$TMP/svm.7008.log"
checkpoint() {
	n shost "$COLOCTL" group set "$GROUP" comparing &&
	n shost "$COLOCTL" checkpoint "$GROUP" "done"
}
t "the secondary group completes a checkpoint" checkpoint
t "coloctl -s counts one rewriter reset" rw_expect "$GROUP" resets -eq 1
touch "$TMP/go"
t "after it the client still gets the PVM's answer" \
	wait_for 20 grep -q "^reply pvm:after" "$TMP/session.log"
sleep 2
t "and the SVM gets the client's data untranslated (so drops it here)" \
	lines_eq "^request after" "$TMP/svm.7008.log" 0
start_servers 7010
exchange after-checkpoint $VM_IP 7010 2

# ---- a full table: new connections pass untranslated ----------------------
full_group=$((GROUP + 1))
full_setup() {
	n shost "$COLOCTL" group add $full_group max-flows 2 &&
	tc -n shost filter del dev s-tap ingress prio 1 &&
	tc -n shost filter del dev s-tap egress prio 1 &&
	GROUP=$full_group rewrite_filters
}
t "rewrite moved to group $full_group with max-flows 2" full_setup
start_servers 7006
out=$(n client /usr/bin/python3 -S "$TMP/peer.py" clients $VM_IP 7006 3 full 2>&1)
t "full: the client gets all 3 replies from the PVM" \
	test "$(echo "$out" | grep -c '^reply pvm:full-')" -eq 3
t "full: the SVM serves the 2 tracked connections" \
	wait_for 20 lines_eq '^replied' "$TMP/svm.7006.log" 2
sleep 1
t "full: the third was not translated and never accepted" \
	lines_eq '^accepted' "$TMP/svm.7006.log" 2
t "full: coloctl -s counts it untracked" rw_expect $full_group untracked -ge 1

t_expect_fail "the secondary group cannot be deleted while rewrite uses it" \
	ip netns exec shost "$COLOCTL" group del $full_group
tc -n shost filter del dev s-tap ingress prio 1
tc -n shost filter del dev s-tap egress prio 1
t "once the rewrite filters are gone both groups can be deleted" \
	wait_for 5 sh -c "ip netns exec shost $COLOCTL group del $full_group && ip netns exec shost $COLOCTL group del $GROUP"

t_done
