#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Deterministic TCP peers for the VM selftests.

  tcp_echo.py server PORT PREFIX   accept one connection, answer PREFIX+line
  tcp_echo.py client HOST PORT MSG send MSG and a newline, print the answer
"""
import socket
import sys


def server(port, prefix):
    ls = socket.socket(socket.AF_INET6)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('::', port))
    ls.listen(1)
    print('listening', flush=True)
    conn, _ = ls.accept()
    data = b''
    while not data.endswith(b'\n'):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.sendall(prefix.encode() + data)
    conn.close()


def client(host, port, msg):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(msg.encode() + b'\n')
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    sys.stdout.write(data.decode())


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        server(int(sys.argv[2]), sys.argv[3])
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
