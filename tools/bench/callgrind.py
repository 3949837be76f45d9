#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Instruction counts of the comparator's per-pair work (make bench, part 2).

Runs cg_pairs (the module's parse.c and compare.c, built for userspace)
under valgrind --tool=callgrind, counting only run_pairs(), for a small
and a large number of matched pairs; (large - small) / (difference in
pairs) is the cost of one more pair, with fixed costs (flow creation,
first touches) removed.  Deterministic: the same on any x86-64 machine
with the same compiler.

    callgrind.py [--quick] [--prog PATH] OUT.json

Prints a table and writes JSON: per frame set, instructions per pair with
the flow lookup (jhash2 over the 44-byte key + table, as the kernel) and
without it (parse + compare alone), and a per-function breakdown.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SETS = [("udp64", "udp", 64), ("tcp64", "tcp", 64), ("udp1400", "udp", 1400),
        ("tcp1400", "tcp", 1400)]
FLOWS = 1000
# QEMU 7.2 (Debian), same method, whole colo-compare process (issue 5)
QEMU = {"udp64": 5867, "tcp64": 6250, "udp1400": 9951}


def count(prog, proto, payload, pairs, direct, tmp):
    out = os.path.join(tmp, "cg.%s.%d.%d.%d" % (proto, payload, pairs, direct))
    cmd = ["valgrind", "--tool=callgrind", "--toggle-collect=run_pairs",
           "--callgrind-out-file=" + out, prog, proto, str(payload),
           str(FLOWS), str(pairs)] + (["direct"] if direct else [])
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode:
        sys.exit("callgrind.py: %s failed:\n%s%s" % (" ".join(cmd), r.stdout,
                                                     r.stderr[-2000:]))
    total = None
    with open(out) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    ann = subprocess.run(["callgrind_annotate", "--inclusive=no", out],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    funcs = {}
    for m in re.finditer(r"^\s*([\d,]+) \([ \d.]+%\)\s+(\S+?):(\S+)", ann, re.M):
        if m.group(2) == "PROGRAM":
            continue
        name = m.group(3)
        funcs[name] = funcs.get(name, 0) + int(m.group(1).replace(",", ""))
    return total, funcs


def per_pair(prog, proto, payload, small, large, direct, tmp):
    ts, fs = count(prog, proto, payload, small, direct, tmp)
    tl, fl = count(prog, proto, payload, large, direct, tmp)
    n = large - small
    funcs = {k: round((fl.get(k, 0) - fs.get(k, 0)) / n, 1) for k in fl}
    funcs = {k: v for k, v in sorted(funcs.items(), key=lambda kv: -kv[1])
             if v >= 0.5}
    return {"ir_small": ts, "ir_large": tl, "pairs_small": small,
            "pairs_large": large, "per_pair": round((tl - ts) / n, 1),
            "functions": funcs}


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    prog = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cg_pairs")
    if len(args) >= 2 and args[0] == "--prog":
        prog = os.path.abspath(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit(__doc__)
    small, large = (1000, 3000) if quick else (5000, 25000)
    res = {"method": "valgrind --tool=callgrind --toggle-collect=run_pairs; "
           "(Ir(%d pairs) - Ir(%d pairs)) / %d, %d flows" %
           (large, small, large - small, FLOWS),
           "prog": prog, "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, proto, payload in SETS:
            res["sets"][name] = {
                "with_lookup": per_pair(prog, proto, payload, small, large,
                                        False, tmp),
                "parse_compare": per_pair(prog, proto, payload, small, large,
                                          True, tmp),
                "qemu": QEMU.get(name)}
    print("%-8s %12s %14s %10s %8s" % ("set", "with lookup", "parse+compare",
                                       "QEMU", "QEMU/this"))
    for name, r in res["sets"].items():
        q = r["qemu"]
        w = r["with_lookup"]["per_pair"]
        print("%-8s %12.1f %14.1f %10s %8s" % (
            name, w, r["parse_compare"]["per_pair"], q or "-",
            "%.1f" % (q / w) if q else "-"))
    with open(args[0], "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
