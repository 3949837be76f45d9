# SPDX-License-Identifier: GPL-2.0
"""What tools/colo-replay must say about the example traces of
selftests/traces/ (written by tools/colo-replay-gen).  Used by
selftests/colo_replay.sh:

    colo_replay_check.py MODE RESULTS...

MODE "dir": RESULTS is the --out directory of a run over the examples
plus broken traces; "auto": RESULTS are files of JSON lines from
--auto-checkpoint runs.  Prints one line per check: "ok<TAB>NAME" or
"fail<TAB>NAME<TAB>WHY".
"""
import json
import os
import sys

C, K = "compare", "checkpoint"

# name -> (released [(label, by)] in order, never_released, dropped,
#          checkpoint reasons in order), without --auto-checkpoint
EXPECT = {
    "udp_match": ([("one", C), ("two", C), ("two-again", C)], [], [], []),
    "udp_miscompare": ([("answer", K), ("other", K)], [], [], ["miscompare"]),
    "timeout_lone_primary": ([("lone", K)], [], [], ["timeout"]),
    "held_at_end": ([("held", K)], [], [], ["manual"]),
    "tcp_handshake_data": ([("syn-ack", C), ("data", C), ("fin", C)], [], [], []),
    "ipv6": ([("udp6", C), ("echo-reply", C)], [], [], []),
    "vlan": ([("vlan5", C)], [], [], []),
    "malformed": ([("ihl4", C), ("runt", C), ("totlen", K)], [], [], ["miscompare"]),
}

# file name -> a word the error must contain
ERRORS = {
    "too_short.json": "shorter than an Ethernet header",
    "zz_not_json.json": "cannot read the trace",
    "zz_bad_hex.json": "hex",
    "zz_bad_side.json": "side",
    "zz_bad_config.json": "compare_timeout",
}

out = []


def check(name, ok, why=""):
    out.append("ok\t%s" % name if ok else "fail\t%s\t%s" % (name, why))


def same_shape(name, res, exp):
    rel, never, dropped, reasons = exp
    # by None: either
    got = [(r.get("label"), r.get("by") if b else None)
           for r, (_, b) in zip(res.get("released", []), rel + [("", 1)] * 99)]
    check("%s: released %s" % (name, rel), got == rel, "got %s" % got)
    check("%s: never_released %s, dropped %s" % (name, never, dropped),
          res.get("never_released") == never and res.get("dropped") == dropped,
          "got %s, %s" % (res.get("never_released"), res.get("dropped")))
    cps = [c.get("reason") for c in res.get("checkpoints", [])]
    check("%s: checkpoints %s" % (name, reasons), cps == reasons, "got %s" % cps)
    check("%s: nothing unmatched, nothing held at the end" % name,
          "unmatched" not in res and res.get("stats", {}).get("held_packets") == 0,
          "unmatched %s, stats %s" % (res.get("unmatched"), res.get("stats")))
    ck = [r["t_ms"] for r in res.get("released", []) if r.get("by") == K]
    if ck:
        first = min([c["t_ms"] for c in res.get("checkpoints", [])], default=None)
        check("%s: the checkpoint was asked for before what it released came out" % name,
              first is not None and first <= min(ck), "request %s, release %s" % (first, ck))
    times = [r["t_ms"] for r in res.get("released", [])]
    check("%s: release times from the first record, in order" % name,
          times == sorted(times) and all(t >= 0 for t in times), "got %s" % times)


def dir_mode(d):
    for name, exp in EXPECT.items():
        path = os.path.join(d, name + ".json")
        try:
            with open(path) as f:
                res = json.loads(f.read())
        except (OSError, ValueError) as e:
            check("%s: result file" % name, False, str(e))
            continue
        check("%s: result named after the trace, no error" % name,
              res.get("name") == name and "error" not in res, str(res)[:300])
        same_shape(name, res, exp)
        if name == "timeout_lone_primary":
            t = res["checkpoints"][0]["t_ms"] if res.get("checkpoints") else -1
            check("timeout: the request came after compare_timeout (500 ms)", t >= 500,
                  "at %s ms" % t)
    for fname, word in ERRORS.items():
        try:
            with open(os.path.join(d, fname)) as f:
                res = json.loads(f.read())
        except (OSError, ValueError) as e:
            check("%s: an error result" % fname, False, str(e))
            continue
        check("%s: an error result saying %r" % (fname, word),
              word in res.get("error", "") and "released" not in res, str(res)[:300])
    # the run went on after the broken traces
    check("a trace after the broken ones ran: zzz_after_errors released vlan5",
          os.path.exists(os.path.join(d, "zzz_after_errors.json")) and
          [r["label"] for r in json.load(open(os.path.join(d, "zzz_after_errors.json")))
           .get("released", [])] == ["vlan5"], "missing or wrong")


def auto_mode(files):
    got = {}
    for path in files:
        with open(path) as f:
            for line in f:
                if line.strip():
                    res = json.loads(line)
                    got[res.get("name")] = res
    exp = {
        "timeout_lone_primary": ([("lone", K)], [], [], ["timeout"]),
        # "other" is sent once the checkpoint is complete (compare) unless
        # the request event took longer than its 100 ms delay (checkpoint)
        "udp_miscompare": ([("answer", K), ("other", None)], [], [], ["miscompare"]),
    }
    check("--auto-checkpoint: one JSON line per trace on stdout",
          sorted(got) == sorted(exp), "got %s" % sorted(got))
    for name, e in exp.items():
        res = got.get(name, {})
        same_shape("auto " + name, res, e)
        cp = res.get("checkpoints") or [{"t_ms": 1e9}]
        rel = res.get("released") or [{"t_ms": -1}]
        # answered at once: the tool needed no checkpoint of its own
        check("auto %s: released after the request, which was the only checkpoint" % name,
              cp[0]["t_ms"] <= rel[0]["t_ms"] and
              res.get("stats", {}).get("checkpoints") == 1,
              "request at %s ms, release at %s ms, stats %s"
              % (cp[0]["t_ms"], rel[0]["t_ms"], res.get("stats")))


def main():
    if sys.argv[1] == "dir":
        dir_mode(sys.argv[2])
    else:
        auto_mode(sys.argv[2:])
    print("\n".join(out))


if __name__ == "__main__":
    main()
