#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""One test peer per network namespace, driven line by line on stdin.

The comparator suites (selftests/colo_*.sh) start one of these in the
client, pvm and svm namespaces and talk to it through a pair of FIFOs:
under TCG every process start costs up to a second, so one long-lived
peer per namespace does the traffic, and the shell only asserts.

Every command gets one answer line: "ok [VALUES]" or "err MESSAGE".
Times are CLOCK_REALTIME seconds (bash's $EPOCHREALTIME uses the same).

Servers (run in the background of the command loop):
  serve PORT TAG        UDP echo on [::]:PORT (IPv4 and IPv6).  A request
                        R is answered "re:R"; R containing "/tag" is
                        answered "TAG:R" (PVM and SVM then differ); R
                        containing "/mute=NAME" is not answered by the
                        peer whose TAG is NAME.
  listen PORT           count UDP datagrams to [::]:PORT
  listened PORT         -> ok COUNT DISTINCT_SOURCE_PORTS MAX_PER_SOURCE
  capture DEV [all]     record every frame DEV receives (AF_PACKET),
                        with "all" also those it sends
  captured [tcp]        -> ok COUNT HEX,HEX,... (and forget them); with
                        "tcp" one DIR:FLAGS:SEQ:ACK:LEN per TCP frame
                        instead (DIR: > sent, < received; for debugging)

Clients:
  udp NAME HOST PORT    a UDP socket connected to HOST:PORT -> ok SPORT
  send NAME PAYLOAD [COUNT]
                        COUNT datagrams; "{i}" in PAYLOAD becomes the
                        index -> ok TIME_OF_FIRST_SEND
  recv NAME N TIMEOUT   wait until N answers are in or TIMEOUT seconds
                        passed -> ok COUNT TIME_OF_FIRST PAYLOAD,...
                        (answers are forgotten once returned)
  flood HOST PORT N SIZE
                        N datagrams of SIZE bytes from one socket
  tcpserve PORT         TCP on [::]:PORT (a thread): for each connection,
                        read "N\n", send N bytes of PATTERN, close
  tcpget HOST PORT N TIMEOUT
                        -> ok BYTES_RECEIVED SAME|DIFFERENT|ERROR SECONDS
  counters DEV          -> ok RX_PACKETS TX_PACKETS
  sysctl KEY VALUE      write /proc/sys/KEY (KEY with "/", this netns)

Crafted frames (AF_PACKET on DEV, VM_MAC/VM_IP -> CLIENT_MAC/CLIENT_IP,
from the environment, defaults as in topology.sh):
  flows DEV N SPORT DPORT udp|rst
                        one frame per flow: a UDP datagram "flow<i>", or
                        a TCP RST, from source port SPORT+i
  malformed DEV VARIANT NAME,...
                        the named broken frames (see MALFORMED), VARIANT
                        (0-255) written into a byte each of them compares
                        -> ok COUNT HEX,HEX,...
  quit
"""
import os
import select
import threading
import socket
import struct
import sys
import time

ENV = os.environ
VM_MAC = bytes.fromhex(ENV.get('VM_MAC', '52:54:00:c0:10:02').replace(':', ''))
CLIENT_MAC = bytes.fromhex(ENV.get('CLIENT_MAC', '52:54:00:c0:10:01').replace(':', ''))
VM_IP = socket.inet_aton(ENV.get('VM_IP', '10.0.0.2'))
CLIENT_IP = socket.inet_aton(ENV.get('CLIENT_IP', '10.0.0.1'))
VM_IP6 = socket.inet_pton(socket.AF_INET6, ENV.get('VM_IP6', 'fd00::2'))
CLIENT_IP6 = socket.inet_pton(socket.AF_INET6, ENV.get('CLIENT_IP6', 'fd00::1'))

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_SOCKET = socket.SOL_SOCKET
SO_RCVBUFFORCE = 33
SO_SNDBUFFORCE = 32


PATTERN = bytes(range(256))


def pattern(n):
    return (PATTERN * (n // 256 + 1))[:n]


def tcp_server(ls):
    while True:
        conn, _ = ls.accept()
        try:
            req = b''
            while not req.endswith(b'\n'):
                chunk = conn.recv(64)
                if not chunk:
                    break
                req += chunk
            conn.sendall(pattern(int(req or b'0')))
        except (OSError, ValueError):
            pass
        conn.close()


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(ethertype, dst=CLIENT_MAC, src=VM_MAC):
    return dst + src + struct.pack('!H', ethertype)


def ipv4(proto, payload, tot=None, ihl=5, ident=1, extra=b''):
    """An IPv4 header (+ @extra header bytes) with a correct checksum."""
    if tot is None:
        tot = ihl * 4 + len(payload) if ihl >= 5 else 20 + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, tot & 0xffff, ident, 0x4000,
                    64, proto, 0, VM_IP, CLIENT_IP) + extra
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def udp4(sport, dport, data, ulen=None):
    """UDP over IPv4 without a checksum (0: none, legal for IPv4)."""
    if ulen is None:
        ulen = 8 + len(data)
    return ipv4(17, struct.pack('!HHHH', sport, dport, ulen, 0) + data)


def tcp4(sport, dport, seq, flags, data=b'', doff=5):
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, doff << 4, flags,
                    8192, 0, 0)
    pseudo = VM_IP + CLIENT_IP + struct.pack('!BBH', 0, 6, len(h) + len(data))
    c = csum(pseudo + h + data)
    h = h[:16] + struct.pack('!H', c) + h[18:]
    return ipv4(6, h + data)


def tcp_summary(frame):
    """DIR:FLAGS:SEQ:ACK:LEN of a captured (outgoing, frame), IPv4 only."""
    out, f = frame if isinstance(frame, tuple) else (False, frame)
    if len(f) < 54 or f[12:14] != b'\x08\x00' or f[23] != 6:
        return '%s:other:%d' % ('>' if out else '<', len(f))
    ihl = (f[14] & 15) * 4
    tot = struct.unpack('!H', f[16:18])[0]
    t = 14 + ihl
    seq, ack = struct.unpack('!II', f[t + 4:t + 12])
    doff = (f[t + 12] >> 4) * 4
    flags = ''.join(c for c, b in zip('FSRPAU', range(6)) if f[t + 13] >> b & 1)
    return '%s:%s:%d:%d:%d' % ('>' if out else '<', flags, seq, ack,
                               tot - ihl - doff)


def malformed(name, v):
    """Frames whose headers are cut short or lie; @v is a compared byte."""
    vb = bytes([v])
    if name == 'runt':		# Ethernet header only (@v: source MAC)
        return CLIENT_MAC + VM_MAC[:5] + vb + b'\x08\x00'
    if name == 'runt20':	# 6 bytes of an IPv4 header
        return eth(0x0800) + b'\x45\x00\x00\x54\x00' + vb
    if name == 'trunc_ip':	# 12 of 20 IPv4 header bytes
        return eth(0x0800) + ipv4(17, b'')[:11] + vb
    if name == 'ihl4':		# IHL below 5
        p = ipv4(17, struct.pack('!HHHH', 9, 9, 12, 0) + b'abc' + vb, ihl=4)
        return eth(0x0800) + p
    if name == 'ihl_past':	# IHL 15: 60 header bytes, 28 there
        return eth(0x0800) + ipv4(17, struct.pack('!HHHH', 9, 9, 8, 0)[:7] + vb,
                                  ihl=15, tot=28)
    if name == 'doff_past':	# TCP data offset 15 words, 20 bytes there
        return eth(0x0800) + tcp4(9, 9, 1000 + v, 0x18, doff=15)
    if name == 'doff_small':	# TCP data offset 2 words
        return eth(0x0800) + tcp4(9, 9, 1000 + v, 0x18, data=b'xyz', doff=2)
    if name == 'totlen_long':	# IPv4 total length past the frame
        return eth(0x0800) + ipv4(17, struct.pack('!HHHH', 9, 9, 12, 0) + b'abc' + vb,
                                  tot=1000)
    if name == 'totlen_short':  # IPv4 total length below the header
        return eth(0x0800) + ipv4(17, struct.pack('!HHHH', 9, 9, 12, 0) + b'abc' + vb,
                                  tot=10)
    if name == 'udplen_long':	# UDP length past the IP payload
        return eth(0x0800) + udp4(9, 9, b'abc' + vb, ulen=500)
    if name == 'ip6_plen':	# IPv6 payload length past the frame
        h = struct.pack('!IHBB16s16s', 0x60000000, 1000, 17, 64, VM_IP6, CLIENT_IP6)
        return eth(0x86dd) + h + struct.pack('!HHHH', 9, 9, 1000, 0) + b'abc' + vb
    if name == 'nonip':		# an experimental ethertype, 46 bytes
        return eth(0x88b5) + b'colo-non-ip-frame' + vb + bytes(28)
    if name == 'padded':	# valid UDP, 4 payload bytes, padding = @v
        return eth(0x0800) + udp4(9, 9, b'pad!') + vb * 14
    raise ValueError('unknown frame ' + name)


class Peer:
    def __init__(self):
        self.servers = {}	# fd -> (sock, tag)
        self.listeners = {}	# port -> [sock, count, {sport: n}]
        self.clients = {}	# name -> [sock, [(time, payload)]]
        self.capture = None	# [sock, [frames]]
        self.packet = {}	# dev -> AF_PACKET socket for sending
        self.buf = b''

    # ---- background work ----

    def fds(self):
        fds = [0] + list(self.servers)
        fds += [v[0].fileno() for v in self.listeners.values()]
        fds += [v[0].fileno() for v in self.clients.values()]
        if self.capture:
            fds.append(self.capture[0].fileno())
        return fds

    def poll(self, timeout):
        """Serve sockets for up to @timeout s; True if stdin is readable."""
        r, _, _ = select.select(self.fds(), [], [], timeout)
        stdin = False
        now = time.time()
        for fd in r:
            if fd == 0:
                stdin = True
            elif fd in self.servers:
                self.serve_one(*self.servers[fd])
            elif self.capture and fd == self.capture[0].fileno():
                self.drain_capture()
            else:
                for l in self.listeners.values():
                    if l[0].fileno() == fd:
                        self.drain_listener(l)
                for c in self.clients.values():
                    if c[0].fileno() == fd:
                        self.drain_client(c, now)
        return stdin

    def serve_one(self, sock, tag):
        while True:
            try:
                data, addr = sock.recvfrom(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            if b'/mute=' + tag + b'/' in data + b'/':
                continue
            if b'/tag' in data:
                reply = tag + b':' + data
            else:
                reply = b're:' + data
            sock.sendto(reply, addr)

    def drain_listener(self, l):
        while True:
            try:
                _, addr = l[0].recvfrom(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            l[1] += 1
            l[2][addr[1]] = l[2].get(addr[1], 0) + 1

    def drain_client(self, c, now):
        while True:
            try:
                data = c[0].recv(65536, socket.MSG_DONTWAIT)
            except (BlockingIOError, ConnectionRefusedError):
                return
            c[1].append((now, data))

    def drain_capture(self):
        s, frames, everything = self.capture
        while True:
            try:
                data, addr = s.recvfrom(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            if everything:
                frames.append((addr[2] == PACKET_OUTGOING, data))
            elif addr[2] != PACKET_OUTGOING:
                frames.append(data)

    # ---- commands ----

    def cmd_serve(self, port, tag):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(('::', int(port)))
        self.servers[s.fileno()] = (s, tag.encode())
        return ''

    def cmd_listen(self, port):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        s.bind(('::', int(port)))
        self.listeners[int(port)] = [s, 0, {}]
        return ''

    def cmd_listened(self, port):
        l = self.listeners[int(port)]
        self.drain_listener(l)
        return '%d %d %d' % (l[1], len(l[2]), max(l[2].values(), default=0))

    def cmd_capture(self, dev, everything=''):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        s.bind((dev, ETH_P_ALL))
        self.capture = [s, [], everything == 'all']
        return ''

    def cmd_captured(self, what=''):
        self.drain_capture()
        frames = self.capture[1]
        self.capture[1] = []
        if what == 'tcp':
            return '%d %s' % (len(frames), ' '.join(tcp_summary(f) for f in frames))
        if self.capture[2]:
            frames = [f for _, f in frames]
        return '%d %s' % (len(frames), ','.join(f.hex() for f in frames) or '-')

    def cmd_tcpserve(self, port):
        ls = socket.socket(socket.AF_INET6)
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        ls.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('::', int(port)))
        ls.listen(8)
        threading.Thread(target=tcp_server, args=(ls,), daemon=True).start()
        return ''

    def cmd_tcpget(self, host, port, n, timeout):
        t0 = time.time()
        n = int(n)
        data = b''
        verdict = 'ERROR'
        try:
            s = socket.create_connection((host, int(port)), timeout=float(timeout))
            s.sendall(b'%d\n' % n)
            while True:
                left = t0 + float(timeout) - time.time()
                if left <= 0:
                    break
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    verdict = 'SAME' if data == pattern(n) else 'DIFFERENT'
                    break
                data += chunk
            s.close()
        except OSError:
            pass
        return '%d %s %.3f' % (len(data), verdict, time.time() - t0)

    def cmd_udp(self, name, host, port):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.connect((host, int(port)))
        self.clients[name] = [s, []]
        return str(s.getsockname()[1])

    def cmd_send(self, name, payload, count='1'):
        s = self.clients[name][0]
        t0 = time.time()
        for i in range(int(count)):
            s.send(payload.replace('{i}', str(i)).encode())
        return '%.6f' % t0

    def cmd_recv(self, name, n, timeout):
        c = self.clients[name]
        deadline = time.time() + float(timeout)
        n = int(n)
        while len(c[1]) < n:
            left = deadline - time.time()
            if left <= 0:
                break
            # answer nothing on stdin meanwhile: one command at a time
            r, _, _ = select.select([c[0]], [], [], left)
            if r:
                self.drain_client(c, time.time())
        got = c[1]
        c[1] = []
        first = '%.6f' % got[0][0] if got else '0'
        return '%d %s %s' % (len(got), first,
                             ','.join(p.decode(errors='replace') for _, p in got) or '-')

    def cmd_flood(self, host, port, n, size):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)
        s.connect((host, int(port)))
        data = b'f' * int(size)
        sent = 0
        for _ in range(int(n)):
            try:
                s.send(data)
                sent += 1
            except OSError:
                pass
        s.close()
        return str(sent)

    def cmd_counters(self, dev):
        d = '/sys/class/net/%s/statistics/' % dev
        with open(d + 'rx_packets') as f:
            rx = f.read().strip()
        with open(d + 'tx_packets') as f:
            tx = f.read().strip()
        return rx + ' ' + tx

    def cmd_sysctl(self, key, value):
        with open('/proc/sys/' + key, 'w') as f:
            f.write(value)
        return ''

    def raw(self, dev):
        s = self.packet.get(dev)
        if not s:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.setsockopt(SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)
            s.bind((dev, 0))
            self.packet[dev] = s
        return s

    def sendframe(self, s, frame):
        # a full socket buffer or a busy device: try again
        for _ in range(1000):
            try:
                return s.send(frame)
            except (BlockingIOError, OSError) as e:
                if getattr(e, 'errno', 0) not in (11, 105):
                    raise
                time.sleep(0.001)
        raise OSError('cannot send')

    def cmd_flows(self, dev, n, sport, dport, kind):
        s = self.raw(dev)
        sport, dport = int(sport), int(dport)
        hdr = eth(0x0800)
        t0 = time.time()
        for i in range(int(n)):
            if kind == 'udp':
                p = udp4(sport + i, dport, b'flow%d' % i)
            else:
                p = tcp4(sport + i, dport, 1, 0x04)		# RST
            self.sendframe(s, hdr + p)
        return '%.6f' % t0

    def cmd_malformed(self, dev, variant, names):
        s = self.raw(dev)
        frames = [malformed(n, int(variant)) for n in names.split(',')]
        for f in frames:
            self.sendframe(s, f)
        return '%d %s' % (len(frames), ','.join(f.hex() for f in frames))

    def run(self):
        out = sys.stdout
        while True:
            while b'\n' not in self.buf:
                if not self.poll(None):
                    continue
                chunk = os.read(0, 4096)
                if not chunk:
                    return
                self.buf += chunk
            line, self.buf = self.buf.split(b'\n', 1)
            words = line.decode().split()
            if not words:
                continue
            if words[0] == 'quit':
                out.write('ok\n')
                out.flush()
                return
            try:
                res = getattr(self, 'cmd_' + words[0])(*words[1:])
                out.write(('ok ' + res).rstrip() + '\n')
            except Exception as e:		# pylint: disable=broad-except
                out.write('err %s: %s\n' % (type(e).__name__, e))
            out.flush()


if __name__ == '__main__':
    Peer().run()
