#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Traffic for selftests/colo_stress.sh: runs until SIGTERM, then prints
one line of counters.  Every send error is counted, never fatal: the
stress test deletes and re-creates the devices under it.

  serve PORTS TAG        UDP echo on 0.0.0.0, PORTS like 9000-9003,9100.
                         R is answered "re:R"; R containing "/tag" is
                         answered "TAG:R" (the PVM and SVM differ: a
                         miscompare); R containing "/mute=TAG" is not
                         answered by that side (the other one times out).
                         -> "served N"
  client HOST PORTS NSOCK SEED
                         UDP requests round robin from NSOCK sockets (one
                         flow each) to each port; 1 in 20 "/tag", 1 in 50
                         "/mute=svm"; answers are drained.
                         -> "sent N errors E received R"
  raw DEV SEED           random frames out of DEV (AF_PACKET): UDP/IPv4
                         VM -> client on new random ports (new flows),
                         VLAN-tagged UDP, odd ethertypes, truncated IPv4.
                         -> "sent N errors E"

Frames and datagrams are paced (short sleeps): under TCG an unpaced
sender takes the CPU the comparator and the test need.
"""
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ENV = os.environ
VM_MAC = bytes.fromhex(ENV.get('VM_MAC', '52:54:00:c0:10:02').replace(':', ''))
CLIENT_MAC = bytes.fromhex(ENV.get('CLIENT_MAC', '52:54:00:c0:10:01').replace(':', ''))
VM_IP = socket.inet_aton(ENV.get('VM_IP', '10.0.0.2'))
CLIENT_IP = socket.inet_aton(ENV.get('CLIENT_IP', '10.0.0.1'))
BATCH = int(ENV.get('STRESS_BATCH', '16'))	# sends between pauses
PAUSE = float(ENV.get('STRESS_PAUSE', '0.002'))

stop = False
why = 'never stopped'


def on_term(sig, _frame):
    global stop, why
    stop = True
    why = 'signal %d at %.3f' % (sig, time.time())


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)


def ports(spec):
    out = []
    for part in spec.split(','):
        lo, _, hi = part.partition('-')
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def serve(spec, tag):
    socks = []
    for p in ports(spec):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('0.0.0.0', p))
        socks.append(s)
    served = 0
    mute = b'/mute=' + tag.encode()
    while not stop:
        try:
            ready, _, _ = select.select(socks, [], [], 0.2)
        except InterruptedError:
            continue
        for s in ready:
            try:
                data, addr = s.recvfrom(2048)
            except OSError:
                continue
            if mute in data:
                continue
            if b'/tag' in data:
                reply = tag.encode() + b':' + data
            else:
                reply = b're:' + data
            try:
                s.sendto(reply, addr)
                served += 1
            except OSError:
                pass
    return 'served %d' % served


def client(host, spec, nsock, seed):
    rnd = random.Random(seed)
    dests = ports(spec)
    socks = []
    for _ in range(int(nsock)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        socks.append(s)
    sent = errors = received = 0
    seq = 0
    while not stop:
        for _ in range(BATCH):
            s = socks[seq % len(socks)]
            port = dests[(seq // len(socks)) % len(dests)]
            payload = b's%d' % seq
            r = rnd.randrange(100)
            if r < 5:
                payload += b'/tag'
            elif r < 7:
                payload += b'/mute=svm'
            payload += b'x' * rnd.randrange(0, 200)
            seq += 1
            try:
                s.sendto(payload, (host, port))
                sent += 1
            except OSError:
                errors += 1
        try:
            ready, _, _ = select.select(socks, [], [], PAUSE)
        except InterruptedError:
            continue
        for s in ready:
            while True:
                try:
                    s.recv(2048)
                    received += 1
                except OSError:
                    break
    return 'sent %d errors %d received %d' % (sent, errors, received)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0x4000,
                    64, proto, 0, VM_IP, CLIENT_IP)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def frame(rnd):
    eth = CLIENT_MAC + VM_MAC
    kind = rnd.randrange(10)
    data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 64)))
    udp = struct.pack('!HHHH', rnd.randrange(1024, 65536),
                      rnd.randrange(1024, 65536), 8 + len(data), 0) + data
    if kind < 6:
        return eth + b'\x08\x00' + ipv4(17, udp)
    if kind < 8:
        vid = rnd.randrange(1, 4095)
        return eth + b'\x81\x00' + struct.pack('!H', vid) + b'\x08\x00' + ipv4(17, udp)
    if kind == 8:
        return eth + struct.pack('!H', rnd.choice((0x88b5, 0x0806, 0x86dd, 0x1234))) + data
    return eth + b'\x08\x00' + ipv4(17, udp)[:rnd.randrange(1, 28)]


def raw(dev, seed):
    rnd = random.Random(seed)
    s = None
    sent = errors = 0
    while not stop:
        if s is None:
            try:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind((dev, 0))
            except OSError:
                # the device is being re-created
                errors += 1
                s = None
                time.sleep(0.05)
                continue
        for _ in range(BATCH // 2):
            try:
                s.send(frame(rnd))
                sent += 1
            except OSError:
                errors += 1
                s.close()
                s = None
                break
        time.sleep(PAUSE * 2)
    return 'sent %d errors %d' % (sent, errors)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == 'serve':
            out = serve(*args)
        elif cmd == 'client':
            out = client(*args)
        elif cmd == 'raw':
            out = raw(*args)
        else:
            sys.exit('unknown command ' + cmd)
    except Exception as e:	# say what broke, then fail
        print('error %r' % e, flush=True)
        raise
    print('%s (%s)' % (out, why), flush=True)


main()
