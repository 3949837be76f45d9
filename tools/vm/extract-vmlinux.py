#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the uncompressed ELF vmlinux contained in an x86 bzImage.

usage: extract-vmlinux.py BZIMAGE OUT

Booting the ELF directly (PVH entry) saves the in-guest decompression, which
costs seconds under TCG. The payload is located with the boot protocol header
(setup_sects at 0x1f1, payload_offset/payload_length at 0x248).
"""
import lzma
import struct
import subprocess
import sys
import zlib


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    if data[0x202:0x206] != b"HdrS":
        sys.exit("%s: not a bzImage (no HdrS header)" % src)
    setup_sects = data[0x1F1] or 4
    off, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + off
    payload = data[start:start + length]
    if payload.startswith(b"\xfd7zXZ\x00"):
        out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    elif payload.startswith(b"\x1f\x8b"):
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
    elif payload.startswith(b"\x28\xb5\x2f\xfd"):
        # zstd (Debian's 6.12 kernels; Python 3.11 has no zstd module). The
        # kernel build appends the 4-byte uncompressed size, which zstd rejects.
        out = subprocess.run(["zstd", "-dcq"], input=payload[:-4], stdout=subprocess.PIPE,
                             check=True).stdout
    else:
        sys.exit("%s: unsupported payload compression %r" % (src, payload[:6]))
    if not out.startswith(b"\x7fELF"):
        sys.exit("%s: payload is not an ELF file" % src)
    with open(dst, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
