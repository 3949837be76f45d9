#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Plays Xen's libxl against "coloctl agent --xen-notify PATH": the
notify_dev protocol of QEMU's colo-compare, each message a big-endian u32
length and that many bytes of text.  Driven line by line on stdin (by
selftests/colo_agent.sh, through FIFOs); one answer line per command:
"ok [VALUES]" or "err MESSAGE".

  connect PATH          connect to the agent's unix socket
  send TEXT             one framed message
  raw HEX               bytes as they are (hostile framing)
  expect TEXT TIMEOUT   the next message is TEXT, within TIMEOUT seconds
  none TIMEOUT          no message within TIMEOUT seconds
  eof TIMEOUT           the agent closes the connection within TIMEOUT
  close                 close the connection
  quit
"""
import select
import socket
import struct
import sys
import time


class Client:
    def __init__(self):
        self.sock = None
        self.buf = b''
        self.closed = False

    def fill(self, deadline):
        """Read what comes until @deadline; False once it passed."""
        left = deadline - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            return False
        data = self.sock.recv(4096)
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def next_msg(self, timeout):
        """The next whole message, or None at the timeout or EOF."""
        deadline = time.time() + float(timeout)
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack('>I', self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    msg = self.buf[4:4 + n]
                    self.buf = self.buf[4 + n:]
                    return msg
            if self.closed or not self.fill(deadline):
                return None

    def cmd_connect(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b''
        self.closed = False
        return ''

    def cmd_send(self, text):
        data = text.encode()
        self.sock.sendall(struct.pack('>I', len(data)) + data)
        return ''

    def cmd_raw(self, hexbytes):
        self.sock.sendall(bytes.fromhex(hexbytes))
        return ''

    def cmd_expect(self, text, timeout):
        msg = self.next_msg(timeout)
        if msg is None:
            raise RuntimeError('no message in %s s%s' %
                               (timeout, ' (closed)' if self.closed else ''))
        if msg != text.encode():
            raise RuntimeError('got %r, expected %r' % (msg, text))
        return ''

    def cmd_none(self, timeout):
        msg = self.next_msg(timeout)
        if msg is not None:
            raise RuntimeError('got %r' % msg)
        return ''

    def cmd_eof(self, timeout):
        deadline = time.time() + float(timeout)
        while not self.closed:
            if not self.fill(deadline) and not self.closed:
                raise RuntimeError('still connected after %s s' % timeout)
        return ''

    def cmd_close(self):
        if self.sock:
            self.sock.close()
        self.sock = None
        return ''


def main():
    c = Client()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'quit':
            break
        fn = getattr(c, 'cmd_' + words[0], None)
        try:
            if fn is None:
                raise RuntimeError('unknown command ' + words[0])
            out = fn(*words[1:])
            print(('ok ' + out).rstrip(), flush=True)
        except Exception as e:  # one answer per command, whatever happened
            print('err %s' % e, flush=True)


if __name__ == '__main__':
    main()
