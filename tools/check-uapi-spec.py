#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that include/uapi/linux/colo.h says what the YNL spec says.

    tools/check-uapi-spec.py [--spec S] [--header H] [--self-test]

The kernel's own generator (ynl-gen-c.py --mode uapi, from linux-source-6.12,
which also validates the spec against the genetlink-c schema) renders a uapi
header from Documentation/netlink/specs/colo.yaml.  Both headers must define
the same names (enum constants and macros, in either form: COLO_STATE_MAX is
an enum constant in one and a macro in the other), the same named enums, and
every name must have the same value: C evaluates each name against each
header and the two lists must be equal.

Events are the one thing the header has no names for: the kernel multicasts
them with the command's id, so the spec lists each as <command>-ntf with that
command's value; the check requires COLO_CMD_<X>_NTF (generated) to equal
COLO_CMD_<X> (header).

--self-test first proves the check can fail: it edits copies of the header
and of the spec in a few ways and expects each edit alone to be caught.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/colo.yaml")
HEADER = os.path.join(TOP, "include/uapi/linux/colo.h")
GUARD = "_UAPI_LINUX_COLO_H"


class Mismatch(Exception):
    pass


def ynl_tree():
    out = subprocess.run(["bash", os.path.join(TOP, "tools/linux-source-6.12.sh")],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def generate(tree, spec, out):
    """ynl-gen-c.py needs the spec inside a kernel tree: the schema is found
    at ../genetlink-c.yaml from the spec's directory, the root by MAINTAINERS."""
    d = tempfile.mkdtemp(prefix="colo-spec-", dir=os.path.join(tree, "Documentation/netlink"))
    try:
        copy = os.path.join(d, "colo.yaml")
        shutil.copyfile(spec, copy)
        r = subprocess.run([sys.executable, os.path.join(tree, "tools/net/ynl/ynl-gen-c.py"),
                            "--mode", "uapi", "--header", "--spec", copy, "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise Mismatch("ynl-gen-c.py rejected the spec:\n" + r.stdout)
    finally:
        shutil.rmtree(d)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def enums(path):
    """-> ({tag or None: [constant, ...]}, [constants]) of the header's enums."""
    text = strip_comments(open(path).read())
    tags, consts = {}, []
    for m in re.finditer(r"\benum\s+(\w+)?\s*\{(.*?)\}\s*;", text, flags=re.S):
        names = []
        for item in m.group(2).split(","):
            item = item.strip()
            if item:
                names.append(re.match(r"[A-Za-z_]\w*", item).group(0))
        if m.group(1):
            tags[m.group(1)] = names
        consts += names
    return tags, consts


def macros(path):
    """-> {name: body} of the macros the header defines (not the guard)."""
    def dm(p):
        out = subprocess.run(["gcc", "-dM", "-E", "-x", "c", p], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        d = {}
        for line in out.splitlines():
            m = re.match(r"#define (\w+)(?:\s+(.*))?$", line)
            if m:
                d[m.group(1)] = (m.group(2) or "").strip()
        return d
    base = dm("/dev/null")
    return {k: v for k, v in dm(path).items() if k not in base and k != GUARD}


def values(path, exprs):
    """Evaluate [(label, C expression)] against the header -> {label: value}."""
    with tempfile.TemporaryDirectory(prefix="colo-uapi-") as d:
        src = os.path.join(d, "p.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n#include "%s"\nint main(void)\n{\n' % path)
            for label, expr in exprs:
                f.write('\tprintf("%%s %%lld\\n", "%s", (long long)(%s));\n' % (label, expr))
            f.write("\treturn 0;\n}\n")
        exe = os.path.join(d, "p")
        r = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", exe, src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise Mismatch("cannot evaluate the names against %s:\n%s" % (path, r.stdout))
        out = subprocess.run([exe], check=True, stdout=subprocess.PIPE, text=True).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def event_names(spec):
    """-> {generated event name: the command's name} from the spec."""
    y = yaml.safe_load(open(spec))
    ops = y["operations"]
    cmd_pfx = ops.get("name-prefix", y["name"] + "-cmd-")
    ntf_pfx = ops.get("async-prefix", cmd_pfx)
    up = lambda s: s.upper().replace("-", "_")
    calls = {op["name"] for op in ops["list"] if "do" in op or "dump" in op}
    res = {}
    for op in ops["list"]:
        if "event" in op or "notify" in op:
            base = op["name"][:-len("-ntf")] if op["name"].endswith("-ntf") else None
            if base not in calls:
                raise Mismatch("event %s does not name a command (<command>-ntf)" % op["name"])
            res[up(ntf_pfx + op["name"])] = up(cmd_pfx + base)
    return res


def compare(spec, header, gen):
    events = event_names(spec)
    gtags, gconsts = enums(gen)
    htags, hconsts = enums(header)
    gmac, hmac = macros(gen), macros(header)
    errs = []
    if gtags.keys() != htags.keys():
        errs.append("named enums: spec has %s, header has %s" %
                    (sorted(gtags), sorted(htags)))
    for n in (gconsts, hconsts):
        dup = {x for x in n if n.count(x) > 1}
        if dup:
            errs.append("defined twice: %s" % sorted(dup))
    gnames = set(gconsts) | set(gmac)
    hnames = set(hconsts) | set(hmac)
    missing = gnames - set(events) - hnames
    extra = hnames - gnames
    if missing:
        errs.append("in the spec, not in the header: %s" % sorted(missing))
    if extra:
        errs.append("in the header, not in the spec: %s" % sorted(extra))
    if errs:
        raise Mismatch("\n".join(errs))

    strings = {k for k, v in gmac.items() if v.startswith('"')}
    for k in strings:
        if gmac[k] != hmac.get(k):
            errs.append("%s: spec %s, header %s" % (k, gmac[k], hmac.get(k)))
    nums = sorted(gnames - strings)
    gv = values(gen, [(n, n) for n in nums])
    hv = values(header, [(n, events.get(n, n)) for n in nums])
    for n in nums:
        if gv[n] != hv[n]:
            what = "%s (= %s in the header)" % (n, events[n]) if n in events else n
            errs.append("%s: spec %s, header %s" % (what, gv[n], hv[n]))
    if errs:
        raise Mismatch("\n".join(errs))
    return len(nums) + len(strings), len(events)


def check(tree, spec, header, out):
    generate(tree, spec, out)
    return compare(spec, header, out)


# (what, file, old, new): each edit alone must make the check fail
MUTATIONS = [
    ("header: an attribute renamed", "header",
     "COLO_A_FLOW_CLOSED,", "COLO_A_FLOW_CLOSE,"),
    ("header: an attribute added at the end", "header",
     "COLO_A_GROUP_FAILED_OVER,", "COLO_A_GROUP_FAILED_OVER,\n\tCOLO_A_GROUP_NEW,"),
    ("header: two commands swapped", "header",
     "COLO_CMD_CHECKPOINT_REQUEST,\n\tCOLO_CMD_CHECKPOINT_READY,",
     "COLO_CMD_CHECKPOINT_READY,\n\tCOLO_CMD_CHECKPOINT_REQUEST,"),
    ("header: a limit changed", "header",
     "#define COLO_SCAN_MS_MIN\t10", "#define COLO_SCAN_MS_MIN\t20"),
    ("header: the mcast group renamed", "header",
     '"events"', '"event"'),
    ("spec: a stats attribute dropped", "spec",
     "      -\n        name: failovers\n        type: u64\n", ""),
    ("spec: an enum entry renamed", "spec",
     "        name: flow-limit\n        doc: the flow table is full",
     "        name: flows-limit\n        doc: the flow table is full"),
    ("spec: the retired command's placeholder dropped", "spec",
     "    -\n      name: checkpoint-done\n      doc: |\n"
     "        Retired: the protocol steps below replace it; the id stays\n"
     "        reserved and the command is not accepted.\n", ""),
    ("spec: a flow attribute added", "spec",
     "        doc: FIN or RST seen\n",
     "        doc: FIN or RST seen\n      -\n        name: rtt-us\n        type: u32\n"),
    ("spec: an event with another id", "spec",
     "      name: vmstate-size-ntf\n      doc: vmstate-size was accepted.\n      value: 11\n",
     "      name: vmstate-size-ntf\n      doc: vmstate-size was accepted.\n      value: 12\n"),
]


def self_test(tree, out):
    failures = 0
    with tempfile.TemporaryDirectory(prefix="colo-uapi-st-") as d:
        for what, which, old, new in MUTATIONS:
            src = {"header": HEADER, "spec": SPEC}[which]
            text = open(src).read()
            if text.count(old) != 1:
                print("self-test: cannot apply '%s' (the text moved?)" % what)
                failures += 1
                continue
            copy = os.path.join(d, os.path.basename(src))
            open(copy, "w").write(text.replace(old, new))
            spec, header = (copy, HEADER) if which == "spec" else (SPEC, copy)
            try:
                check(tree, spec, header, out)
                print("self-test: NOT caught: %s" % what)
                failures += 1
            except Mismatch as e:
                print("self-test: caught: %s (%s)" % (what, str(e).splitlines()[0][:90]))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=SPEC)
    ap.add_argument("--header", default=HEADER)
    ap.add_argument("--out", default=os.path.join(TOP, "build/ynl/colo-uapi-gen.h"),
                    help="where the generated header goes")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    tree = ynl_tree()
    if a.self_test:
        scratch = a.out + ".self-test"
        n = self_test(tree, scratch)
        os.unlink(scratch) if os.path.exists(scratch) else None
        if n:
            print("check-uapi-spec: self-test: %d edit(s) not caught" % n)
            return 1
    try:
        names, events = check(tree, a.spec, a.header, a.out)
    except Mismatch as e:
        print("check-uapi-spec: %s and %s disagree:\n%s" %
              (os.path.relpath(a.spec, TOP), os.path.relpath(a.header, TOP), e))
        return 1
    print("check-uapi-spec: %s matches %s: %d names, %d events" %
          (os.path.relpath(a.header, TOP), os.path.relpath(a.spec, TOP), names, events))
    return 0


if __name__ == "__main__":
    sys.exit(main())
