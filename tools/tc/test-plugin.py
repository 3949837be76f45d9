#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests of the tc plugin m_colo.so with the system's stock tc.

No kernel module is needed and nothing is configured:
  - parsing: "tc actions add action colo ..." and "tc filter add ... matchall
    action colo ..." run with an LD_PRELOAD shim (tc_test_shim.c) that writes
    the request tc is about to send to a file and exits; the test decodes the
    TCA_COLO_* attributes the plugin built.  Errors must be the plugin's own.
  - printing: "tc [-s] monitor file F" prints an RTM_NEWACTION message built
    here, as text and (shim: COLO_TEST_JSON) as JSON, compared exactly.
Every check matches text only m_colo.so produces: when tc cannot load the
plugin it silently falls back to gact, and the "fallback" tests prove that
these checks then fail.

Usage: test-plugin.py [--tc /sbin/tc] [--lib-dir DIR_WITH_m_colo.so] [--cc cc]
Output is TAP; exit status 1 if any test failed.
"""

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE_EXIT = 42

# linux/rtnetlink.h, linux/pkt_cls.h, linux/tc_act/tc_colo.h
RTM_NEWTFILTER, RTM_NEWACTION = 44, 48
NLA_F_NESTED = 0x8000
TCA_ACT_TAB = 1
TCA_ACT_KIND, TCA_ACT_OPTIONS, TCA_ACT_INDEX, TCA_ACT_COOKIE = 1, 2, 3, 6
TCA_KIND, TCA_OPTIONS = 1, 2
TCA_MATCHALL_ACT = 2
TCA_COLO_TM, TCA_COLO_PARMS, TCA_COLO_PAD = 1, 2, 3
TCA_COLO_GROUP, TCA_COLO_ROLE, TCA_COLO_STATS = 4, 5, 6
TCA_COLO_STATS_PAD, TCA_COLO_STATS_TAKEN = 1, 2
TCA_COLO_STATS_PASSED, TCA_COLO_STATS_DROPPED = 3, 4
PRIMARY, SECONDARY, REWRITE = 1, 2, 3
TC_ACT_UNSPEC, TC_ACT_OK, TC_ACT_SHOT, TC_ACT_PIPE = -1, 0, 2, 3
TC_ACT_GOTO_CHAIN = 2 << 28

USAGE_HEAD = "Usage: ... colo group ID { primary | secondary | rewrite }"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, detail=""):
        self.n += 1
        if not ok:
            self.failed += 1
        print("{}ok {} - {}".format("" if ok else "not ", self.n, name))
        if not ok and detail:
            for line in detail.rstrip("\n").split("\n"):
                print("#   " + line)
        sys.stdout.flush()

    def done(self):
        print("1..{}".format(self.n))
        if self.failed:
            print("# {} of {} tests failed".format(self.failed, self.n))
        return 1 if self.failed else 0


# ---------------------------------------------------------------- netlink

def nla(atype, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, atype) + payload + \
        b"\0" * ((4 - length % 4) % 4)


def attrs(buf):
    """{type: payload} of a run of attributes (flags masked off)."""
    out = {}
    off = 0
    while off + 4 <= len(buf):
        length, atype = struct.unpack_from("=HH", buf, off)
        if length < 4 or off + length > len(buf):
            raise ValueError("bad attribute at offset {}".format(off))
        out.setdefault(atype & 0x3fff, buf[off + 4:off + length])
        off += (length + 3) & ~3
    return out


def decode_act(act):
    """The TCA_ACT_* nest of one action -> dict of what the plugin sent."""
    a = attrs(act)
    res = {"kind": a[TCA_ACT_KIND].rstrip(b"\0").decode()}
    if TCA_ACT_COOKIE in a:
        res["cookie"] = a[TCA_ACT_COOKIE].hex()
    opts = attrs(a.get(TCA_ACT_OPTIONS, b""))
    if TCA_COLO_PARMS in opts:
        (res["index"], _capab, res["action"], _ref, _bind) = \
            struct.unpack("=IIiii", opts[TCA_COLO_PARMS])
    if TCA_COLO_GROUP in opts:
        (res["group"],) = struct.unpack("=I", opts[TCA_COLO_GROUP])
    if TCA_COLO_ROLE in opts:
        (res["role"],) = struct.unpack("=B", opts[TCA_COLO_ROLE])
    res["attrs"] = sorted(opts)
    return res


def decode_request(msg):
    length, mtype = struct.unpack_from("=IH", msg)
    body = msg[16:length]
    if mtype == RTM_NEWACTION:
        tab = attrs(attrs(body[4:])[TCA_ACT_TAB])      # struct tcamsg
    elif mtype == RTM_NEWTFILTER:
        a = attrs(body[20:])                             # struct tcmsg
        if a[TCA_KIND] != b"matchall\0":
            raise ValueError("filter kind {}".format(a[TCA_KIND]))
        tab = attrs(attrs(a[TCA_OPTIONS])[TCA_MATCHALL_ACT])
    else:
        raise ValueError("unexpected message type {}".format(mtype))
    return decode_act(tab[1])


def action_msg(options, index=3, nested=True):
    """RTM_NEWACTION carrying one colo action with the given option attrs."""
    act = nla(TCA_ACT_KIND, b"colo\0")
    if options is not None:
        act += nla(TCA_ACT_OPTIONS | (NLA_F_NESTED if nested else 0), options)
    act += nla(TCA_ACT_INDEX, struct.pack("=I", index))
    body = struct.pack("=BBH", 0, 0, 0) + nla(TCA_ACT_TAB, nla(1, act))
    return struct.pack("=IHHII", 16 + len(body), RTM_NEWACTION,
                       0x401, 1, 0) + body


def parms(index=3, action=TC_ACT_PIPE, ref=1, bind=0):
    return nla(TCA_COLO_PARMS, struct.pack("=IIiii", index, 0, action,
                                           ref, bind))


def u64(atype, v):
    return nla(atype, struct.pack("=Q", v))


def stats(taken, passed, dropped):
    return nla(TCA_COLO_STATS | NLA_F_NESTED,
               nla(TCA_COLO_STATS_PAD, b"") +
               u64(TCA_COLO_STATS_TAKEN, taken) +
               u64(TCA_COLO_STATS_PASSED, passed) +
               u64(TCA_COLO_STATS_DROPPED, dropped))


TM = nla(TCA_COLO_TM, struct.pack("=QQQQ", 100, 200, 300, 400))
GROUP7 = nla(TCA_COLO_GROUP, struct.pack("=I", 7))
ROLE_P = nla(TCA_COLO_ROLE, bytes([PRIMARY]))


# ---------------------------------------------------------------- running tc

class Runner:
    def __init__(self, tc, lib_dir, shim, tmp):
        self.tc = tc
        self.lib_dir = lib_dir
        self.shim = shim
        self.tmp = tmp
        self.capture = os.path.join(tmp, "request.bin")

    def run(self, args, lib_dir=None, capture=False, json_out=False):
        env = dict(os.environ)
        env["TC_LIB_DIR"] = self.lib_dir if lib_dir is None else lib_dir
        env["LC_ALL"] = "C"
        env["LD_PRELOAD"] = self.shim
        env.pop("COLO_TEST_CAPTURE", None)
        env.pop("COLO_TEST_JSON", None)
        if capture:
            env["COLO_TEST_CAPTURE"] = self.capture
            if os.path.exists(self.capture):
                os.unlink(self.capture)
        if json_out:
            env["COLO_TEST_JSON"] = "1"
        p = subprocess.run([self.tc] + args, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        return p.returncode, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")

    def monitor(self, msg, stats_flag=False, json_out=False, lib_dir=None):
        path = os.path.join(self.tmp, "dump.bin")
        with open(path, "wb") as f:
            f.write(msg)
        args = (["-s"] if stats_flag else []) + ["monitor", "file", path]
        return self.run(args, lib_dir=lib_dir, json_out=json_out)


def monitor_text(out):
    """Drop tc monitor's own header lines, keep what follows."""
    lines = out.split("\n")
    while lines and not lines[0].startswith("\taction order"):
        lines.pop(0)
    return "\n".join(lines)


def monitor_json(out):
    """tc monitor prints "Added action " in the middle of the JSON."""
    doc = json.loads(out.replace("Added action ", "", 1))
    return doc[1]["actions"][0], out


# ---------------------------------------------------------------- tests

def test_help(t, r):
    rc, out, err = r.run(["actions", "add", "action", "colo", "help"])
    t.result(rc == 255 and err.startswith(USAGE_HEAD) and
             "coloctl group add" in err,
             "help prints the colo usage and exits 255",
             "rc={}\nstderr:\n{}".format(rc, err))

    rc, out, err = r.run(["actions", "add", "action", "colo", "help"],
                         lib_dir=r.tmp)
    t.result(USAGE_HEAD not in err,
             "fallback: without m_colo.so tc does not print our usage "
             "(so the tests can tell)",
             "rc={}\nstderr:\n{}".format(rc, err))


PARSE_ERRORS = [
    ([], "colo: missing group"),
    (["primary"], "colo: missing group"),
    (["group"], "colo: group must be a number 1-4294967295"),
    (["group", "0", "primary"], "colo: group must be a number 1-4294967295"),
    (["group", "4294967296", "primary"],
     "colo: group must be a number 1-4294967295"),
    (["group", "-1", "primary"], "colo: group must be a number 1-4294967295"),
    (["group", "0x10", "primary"], "colo: group must be a number 1-4294967295"),
    (["group", "seven", "primary"],
     "colo: group must be a number 1-4294967295"),
    (["group", "7", "group", "8", "primary"], "colo: group given twice"),
    (["group", "7"], "colo: missing role"),
    (["group", "7", "role"],
     "colo: role must be primary, secondary or rewrite"),
    (["group", "7", "role", "bogus"],
     "colo: role must be primary, secondary or rewrite"),
    (["group", "7", "role", "pipe"],
     "colo: role must be primary, secondary or rewrite"),
    (["group", "7", "bogus"],
     "colo: role must be primary, secondary or rewrite"),
    (["group", "7", "primary", "secondary"], "colo: role given twice"),
    (["group", "7", "rewrite", "role", "primary"], "colo: role given twice"),
    (["group", "7", "rewriter"],
     "colo: role must be primary, secondary or rewrite"),
    (["group", "7", "primary", "index"], "colo: index must be a number"),
    (["group", "7", "primary", "index", "x"], "colo: index must be a number"),
    (["group", "7", "primary", "index", "1", "index", "2"],
     "colo: index given twice"),
]


def test_parse_errors(t, r):
    for words, expect in PARSE_ERRORS:
        rc, out, err = r.run(["actions", "add", "action", "colo"] + words,
                             capture=True)
        sent = os.path.exists(r.capture)
        t.result(rc != 0 and rc != CAPTURE_EXIT and not sent and
                 expect in err,
                 "parse error: colo {} -> {}".format(" ".join(words), expect),
                 "rc={} request sent={}\nstderr:\n{}".format(rc, sent, err))


PARSE_OK = [
    (["group", "7", "primary"],
     dict(group=7, role=PRIMARY, action=TC_ACT_PIPE, index=0)),
    (["group", "7", "role", "primary"],
     dict(group=7, role=PRIMARY, action=TC_ACT_PIPE, index=0)),
    (["group", "4294967295", "role", "secondary", "drop", "index", "5"],
     dict(group=4294967295, role=SECONDARY, action=TC_ACT_SHOT, index=5)),
    (["secondary", "index", "9", "group", "1", "continue"],
     dict(group=1, role=SECONDARY, action=TC_ACT_UNSPEC, index=9)),
    (["group", "2", "primary", "pass"],
     dict(group=2, role=PRIMARY, action=TC_ACT_OK, index=0)),
    (["group", "3", "secondary", "goto", "chain", "4"],
     dict(group=3, role=SECONDARY, action=TC_ACT_GOTO_CHAIN | 4, index=0)),
    (["group", "5", "rewrite"],
     dict(group=5, role=REWRITE, action=TC_ACT_PIPE, index=0)),
    (["group", "5", "role", "rewrite", "continue", "index", "6"],
     dict(group=5, role=REWRITE, action=TC_ACT_UNSPEC, index=6)),
    (["group", "010", "primary", "cookie", "abcd"],
     dict(group=10, role=PRIMARY, action=TC_ACT_PIPE, index=0,
          cookie="abcd")),
]


def check_request(t, r, args, expect, name):
    rc, out, err = r.run(args, capture=True)
    got = None
    detail = "rc={}\nstderr:\n{}".format(rc, err)
    if rc == CAPTURE_EXIT:
        try:
            with open(r.capture, "rb") as f:
                got = decode_request(f.read())
        except (ValueError, KeyError, struct.error) as e:
            detail += "\ndecode: {!r}".format(e)
    want = dict(kind="colo",
                attrs=[TCA_COLO_PARMS, TCA_COLO_GROUP, TCA_COLO_ROLE],
                **expect)
    t.result(got == want, name,
             detail + "\ngot  {}\nwant {}".format(got, want))


def test_parse_ok(t, r):
    for words, expect in PARSE_OK:
        check_request(t, r, ["actions", "add", "action", "colo"] + words,
                      expect, "parse: colo " + " ".join(words))
    check_request(t, r, ["filter", "add", "dev", "lo", "ingress", "matchall",
                         "action", "colo", "group", "7", "secondary"],
                  dict(group=7, role=SECONDARY, action=TC_ACT_PIPE, index=0),
                  "parse: filter add dev lo ingress matchall action colo "
                  "group 7 secondary")
    check_request(t, r, ["filter", "add", "dev", "lo", "egress", "matchall",
                         "action", "colo", "group", "7", "rewrite"],
                  dict(group=7, role=REWRITE, action=TC_ACT_PIPE, index=0),
                  "parse: filter add dev lo egress matchall action colo "
                  "group 7 rewrite")


FULL = parms() + GROUP7 + ROLE_P + TM + stats(10, 2, 2**64 - 1)

PRINT_TEXT = [
    # (name, options, -s, expected text after tc's header)
    ("full, no -s", FULL, False,
     "\taction order 1: colo group 7 primary pipe\n"
     "\t index 3 ref 1 bind 0\n"),
    ("full, -s", FULL, True,
     "\taction order 1: colo group 7 primary pipe\n"
     "\t index 3 ref 1 bind 0 installed 1 sec used 2 sec firstused 4 sec"
     " expires 3 sec\n"
     "\t taken 10 passed 2 dropped 18446744073709551615\n"),
    ("secondary drop, -s without TM and STATS",
     parms(index=12, action=TC_ACT_SHOT, ref=2, bind=1) +
     nla(TCA_COLO_GROUP, struct.pack("=I", 4294967295)) +
     nla(TCA_COLO_ROLE, bytes([SECONDARY])), True,
     "\taction order 1: colo group 4294967295 secondary drop\n"
     "\t index 12 ref 2 bind 1\n"),
    ("goto chain, attributes in another order",
     ROLE_P + GROUP7 + parms(action=TC_ACT_GOTO_CHAIN | 5), False,
     "\taction order 1: colo group 7 primary goto chain 5\n"
     "\t index 3 ref 1 bind 0\n"),
    ("rewrite continue",
     parms(action=TC_ACT_UNSPEC) + GROUP7 +
     nla(TCA_COLO_ROLE, bytes([REWRITE])), False,
     "\taction order 1: colo group 7 rewrite continue\n"
     "\t index 3 ref 1 bind 0\n"),
    ("unknown role shown as a number",
     parms() + GROUP7 + nla(TCA_COLO_ROLE, bytes([9])), False,
     "\taction order 1: colo group 7 role 9 pipe\n"
     "\t index 3 ref 1 bind 0\n"),
    ("missing group, role and stats entries", parms() +
     nla(TCA_COLO_STATS | NLA_F_NESTED,
         u64(TCA_COLO_STATS_TAKEN, 5)), True,
     "\taction order 1: colo pipe\n"
     "\t index 3 ref 1 bind 0\n"
     "\t taken 5\n"),
    ("short attributes are skipped, not read",
     nla(TCA_COLO_PARMS, b"\1\0\0\0\0\0\0\0") +
     nla(TCA_COLO_GROUP, b"\7\0") + nla(TCA_COLO_ROLE, b"") +
     nla(TCA_COLO_TM, b"\1" * 16) +
     nla(TCA_COLO_STATS | NLA_F_NESTED,
         nla(TCA_COLO_STATS_TAKEN, b"\1\0\0\0") +
         nla(TCA_COLO_STATS_DROPPED, b"")), True,
     "\taction order 1: colo \n"
     "\n"),
    ("empty options", b"", True,
     "\taction order 1: colo \n"
     "\n"),
    ("no options at all", None, True,
     "\taction order 1: colo "),
]


def test_print_text(t, r):
    for name, opts, sflag, want in PRINT_TEXT:
        rc, out, err = r.monitor(action_msg(opts), stats_flag=sflag)
        got = monitor_text(out)
        t.result(rc == 0 and got == want and "gact" not in out,
                 "print text: " + name,
                 "rc={}\ngot:  {!r}\nwant: {!r}\nstderr:\n{}".format(
                     rc, got, want, err))


def test_print_json(t, r):
    base = {"order": 1, "kind": "colo", "group": 7, "role": "primary",
            "control_action": {"type": "pipe"},
            "index": 3, "ref": 1, "bind": 0}
    with_s = dict(base, installed=1, last_used=2, first_used=4, expires=3,
                  taken=10, passed=2, dropped=2**64 - 1)
    cases = [("full, no -s", FULL, False, base),
             ("full, -s", FULL, True, with_s),
             ("short attributes", nla(TCA_COLO_GROUP, b"\7\0") +
              nla(TCA_COLO_ROLE, b""), True, {"order": 1, "kind": "colo"}),
             ("rewrite", parms() + GROUP7 +
              nla(TCA_COLO_ROLE, bytes([REWRITE])), False,
              dict(base, role="rewrite")),
             ("unknown role", parms() + GROUP7 +
              nla(TCA_COLO_ROLE, bytes([9])), False, dict(base, role="9"))]
    for name, opts, sflag, want in cases:
        rc, out, err = r.monitor(action_msg(opts), stats_flag=sflag,
                                 json_out=True)
        try:
            got, _ = monitor_json(out)
        except (ValueError, KeyError, IndexError) as e:
            got = "unparsable: {!r}".format(e)
        ok = rc == 0 and got == want and list(got) == list(want)
        t.result(ok, "print json: " + name,
                 "rc={}\nout: {}\ngot:  {}\nwant: {}\nstderr:\n{}".format(
                     rc, out, got, want, err))

    rc, out, err = r.monitor(action_msg(FULL), json_out=True)
    key = '"kind":"colo","group":7,"role":"primary","control_action":' \
        '{"type":"pipe"},"index":3,"ref":1,"bind":0'
    t.result(key in out, "print json: key order as in tdc's colo.json",
             "out: {}".format(out))


def test_print_fallback(t, r):
    """Without the plugin, tc prints gact: the print checks must catch it."""
    rc, out, err = r.monitor(action_msg(FULL), lib_dir=r.tmp)
    got = monitor_text(out)
    t.result(got != PRINT_TEXT[0][3] and "colo group" not in out,
             "fallback: without m_colo.so the print checks fail",
             "got: {!r}".format(got))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tc", default=shutil.which("tc") or "/sbin/tc")
    ap.add_argument("--lib-dir", default=HERE,
                    help="directory holding m_colo.so (default: this one)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    a = ap.parse_args()

    lib_dir = os.path.abspath(a.lib_dir)
    plugin = os.path.join(lib_dir, "m_colo.so")
    if not os.path.isfile(plugin):
        print("Bail out! no {} (run make first)".format(plugin))
        return 1
    if not os.access(a.tc, os.X_OK):
        print("Bail out! no tc binary at {}".format(a.tc))
        return 1

    with tempfile.TemporaryDirectory(prefix="colo-tc-test.") as tmp:
        shim = os.path.join(tmp, "tc_test_shim.so")
        cmd = [a.cc, "-O2", "-Wall", "-Wextra", "-Werror", "-shared",
               "-fPIC", "-o", shim, os.path.join(HERE, "tc_test_shim.c"),
               "-ldl"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if p.returncode:
            print("Bail out! cannot build the test shim: {}\n{}".format(
                " ".join(cmd), p.stdout.decode(errors="replace")))
            return 1

        ver = subprocess.run([a.tc, "-V"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        print("# {} ({}), plugin {}".format(
            a.tc, ver.stdout.decode(errors="replace").strip(), plugin))

        t = Tap()
        r = Runner(a.tc, lib_dir, shim, tmp)
        test_help(t, r)
        test_parse_errors(t, r)
        test_parse_ok(t, r)
        test_print_text(t, r)
        test_print_json(t, r)
        test_print_fallback(t, r)
        return t.done()


if __name__ == "__main__":
    sys.exit(main())
