#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The protocol half of selftests/colo_ynl.sh, through the kernel's YNL
library (tools/net/ynl/lib of linux-source-6.12: what cli.py wraps) and
the spec alone.

    colo_ynl.py YNL_DIR SPEC GROUP FIRST_TEST_NUMBER

Runs in the group's netns (phost of selftests/topology.sh), with the tc
actions not yet bound.  One YnlFamily sends the commands; a second one
is subscribed to "events", so each step's events are read right after
the step (the kernel multicasts them before it acks).  cli.py cannot do
both in one process: 6.12's YnlFamily._ops() crashes on an event that
arrives before the ack of its request.  Prints TAP lines numbered from
FIRST_TEST_NUMBER, then "# tests N failed F"; exit 1 on any failure.
"""
import json
import subprocess
import sys
import time

YNL_DIR, SPEC, GROUP, FIRST = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, YNL_DIR)
from lib import YnlFamily, NlError  # noqa: E402

CLIENT_IP, VM_IP = "10.0.0.1", "10.0.0.2"  # selftests/topology.sh
ID = {"id": GROUP}
n = FIRST - 1
failed = 0


def t(name, ok, info=None):
    global n, failed
    n += 1
    print(("ok %d %s" if ok else "not ok %d %s") % (n, name), flush=True)
    if not ok:
        failed += 1
        if info is not None:
            for line in json.dumps(info, default=str, indent=1).splitlines():
                print("#   " + line)
    return ok


ynl = YnlFamily(SPEC, "")
mon = YnlFamily(SPEC, "")
mon.ntf_subscribe("events")


def events():
    mon.check_ntf()
    ev = list(mon.async_msg_queue)
    mon.async_msg_queue.clear()
    return ev


def do(op, attrs, dump=False):
    """-> (reply, errno or 0, extack message or '', extack)"""
    try:
        return (ynl.dump if dump else ynl.do)(op, attrs), 0, "", {}
    except NlError as e:
        ext = e.nl_msg.extack or {}
        return None, e.error, ext.get("msg", ""), ext


def get():
    return ynl.do("group-get", ID)


def step(op, attrs=None, check=None, name=None):
    """A step that must be accepted and make exactly one event `op`-ntf
    whose msg passes `check`."""
    attrs = attrs or ID
    reply, err, msg, _ = do(op, attrs)
    ev = events()
    ok = err == 0 and reply is None and len(ev) == 1 and ev[0]["name"] == op + "-ntf" \
        and ev[0]["msg"]["id"] == attrs["id"] and (check is None or check(ev[0]["msg"]))
    t(name or "%s: accepted, one %s-ntf event" % (op, op), ok,
      {"errno": err, "extack": msg, "reply": reply, "events": ev})
    return ev[0]["msg"] if ev else {}


def refused(name, op, attrs, errno, text=None, bad_attr=None, dump=False):
    """op fails with errno, extack saying text / pointing at bad_attr, no event."""
    _, err, msg, ext = do(op, attrs, dump)
    ev = events()
    ok = err == errno and not ev and (text is None or text in msg) and \
        (bad_attr is None or ext.get("bad-attr") == "." + bad_attr)
    t(name, ok, {"errno": err, "extack": ext, "events": ev})


def sh(*argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


EPROTO, ENOENT, EINVAL, ERANGE, EBUSY = 71, 2, 22, 34, 16

# --- group ops
params = {"id": GROUP, "timeout-ms": 5000, "scan-ms": 50, "flow-limit": 1048576,
          "group-limit": 8388608, "max-flows": 1000, "ckpt-timeout-ms": 20000}
step("group-new", params, lambda m: m == {"id": GROUP, "state": "passthrough"},
     "group-new with every parameter: event group-new-ntf, passthrough")
g = get()
t("group-get decodes every parameter as given",
  all(g.get(k) == v for k, v in params.items()) and g["state"] == "passthrough"
  and g["actions"] == 0, g)
STATS = {"primary-packets", "secondary-packets", "released", "dropped", "held-packets",
         "held-bytes", "compared", "miscompares", "checkpoints", "timeouts", "flows",
         "secondary-held", "secondary-dropped", "checkpoints-done", "failovers",
         "rw-flows", "rw-learned", "rw-rewritten", "rw-unknown", "rw-untracked",
         "rw-errors", "rw-resets"}
t("group-get: the stats nest decodes to the %d counters, all 0" % len(STATS),
  set(g["stats"]) == STATS and set(g["stats"].values()) == {0}, g)
t("group-get: no step, reason or failed-over in passthrough",
  not {"step", "reason", "failed-over"} & set(g), g)

step("group-new", {"id": GROUP + 2}, name="a second group, with defaults")
d = ynl.dump("group-get", {})
t("group-get dump: both groups in id order, the defaults of the spec's consts",
  [x["id"] for x in d] == [GROUP, GROUP + 2] and d[1]["timeout-ms"] == 3000 and
  d[1]["scan-ms"] == 100 and d[1]["flow-limit"] == 4194304 and
  d[1]["group-limit"] == 67108864 and d[1]["max-flows"] == 65536 and
  d[1]["ckpt-timeout-ms"] == 30000, d)
step("group-del", {"id": GROUP + 2}, lambda m: m == {"id": GROUP + 2},
     "group-del of the second: event group-del-ntf with only the id")

step("group-set", {"id": GROUP, "timeout-ms": 4000, "ckpt-timeout-ms": 15000},
     lambda m: m["state"] == "passthrough", "group-set: event group-set-ntf")
g = get()
t("group-set: group-get shows the new values, the others kept",
  g["timeout-ms"] == 4000 and g["ckpt-timeout-ms"] == 15000 and g["scan-ms"] == 50, g)

# the spec's checks and request lists are the kernel's policy
refused("id 0 is refused (checks: min 1)", "group-new", {"id": 0}, ERANGE, bad_attr="id")
refused("ckpt-timeout-ms 99 is refused (checks: min)", "group-set",
        {"id": GROUP, "ckpt-timeout-ms": 99}, ERANGE, bad_attr="ckpt-timeout-ms")
refused("ckpt-timeout-ms 3600001 is refused (checks: max)", "group-set",
        {"id": GROUP, "ckpt-timeout-ms": 3600001}, ERANGE, bad_attr="ckpt-timeout-ms")
refused("mode checkpoint is refused (checks: max 1)", "group-set",
        {"id": GROUP, "mode": "checkpoint"}, ERANGE, bad_attr="mode")
refused("reply-only state is refused on input", "group-set",
        {"id": GROUP, "state": "comparing"}, EINVAL, bad_attr="state")
refused("a missing group: ENOENT", "group-get", {"id": 99}, ENOENT)
# a command takes only the attributes its request lists
refused("checkpoint-ready refuses timeout-ms, not in its request", "checkpoint-ready",
        {"id": GROUP, "timeout-ms": 5}, EINVAL, bad_attr="timeout-ms")
refused("group-get refuses mode, not in its request", "group-get",
        {"id": GROUP, "mode": "comparing"}, EINVAL, bad_attr="mode")
refused("checkpoint-reply refuses vmstate-size, not in its request", "checkpoint-reply",
        {"id": GROUP, "vmstate-size": 1}, EINVAL, bad_attr="vmstate-size")

# --- flows: a ping through the comparing group
attach = [["tc", "qdisc", "add", "dev", "p-tap", "clsact"],
          ["tc", "filter", "add", "dev", "p-tap", "ingress", "matchall",
           "action", "colo", "group", str(GROUP), "primary"],
          ["tc", "qdisc", "add", "dev", "p-colo", "clsact"],
          ["tc", "filter", "add", "dev", "p-colo", "ingress", "matchall",
           "action", "colo", "group", str(GROUP), "secondary"]]
outs = [sh(*a) for a in attach]
t("tc actions bound: group-get says actions 2",
  all(o.returncode == 0 for o in outs) and get()["actions"] == 2,
  [o.stdout for o in outs])

step("checkpoint-ready", None, lambda m: m == {"id": GROUP, "state": "comparing"},
     "checkpoint-ready: event checkpoint-ready-ntf, comparing")
p = sh("ip", "netns", "exec", "client", "busybox", "ping", "-c", "3", "-i", "0.2",
       "-W", "5", VM_IP)
t("a ping through the comparing group: 3 replies",
  "3 packets transmitted, 3 packets received" in p.stdout, p.stdout)
fl = ynl.dump("flow-get", ID)
t("flow-get dump: the ICMP flow decodes (ethertype, proto, vlan, addresses, queues)",
  any(r["id"] == GROUP and r["flow"]["ethertype"] == "0x800" and r["flow"]["proto"] == 1
      and r["flow"]["vlan"] == 0 and {r["flow"]["addr-a"], r["flow"]["addr-b"]} ==
      {CLIENT_IP, VM_IP} and r["flow"]["primary-queued"] == 0 and
      r["flow"]["secondary-queued"] == 0 for r in fl), fl)
g = get()
t("group-get: the replies were compared and released",
  g["stats"]["compared"] >= 3 and g["stats"]["flows"] >= 1, g)
refused("flow-get of a missing group: ENOENT", "flow-get", {"id": 99}, ENOENT, dump=True)

# --- the protocol, in order, with two steps out of order
refused("checkpoint-reply in comparing: EPROTO, extack names the expected step",
        "checkpoint-reply", ID, EPROTO,
        "unexpected checkpoint-reply, expected checkpoint-request")
t("  ... and nothing changed", get()["state"] == "comparing")
step("checkpoint-request", None,
     lambda m: m["state"] == "checkpoint" and m["step"] == "checkpoint-request"
     and m["reason"] == "manual" and "flow" not in m,
     "checkpoint-request: event in checkpoint, step checkpoint-request, reason manual")
g = get()
t("group-get in checkpoint: step and reason",
  g["state"] == "checkpoint" and g["step"] == "checkpoint-request" and
  g["reason"] == "manual", g)
step("checkpoint-reply", None, lambda m: m["step"] == "checkpoint-reply")
step("vmstate-send", None, lambda m: m["step"] == "vmstate-send")
refused("vmstate-received before vmstate-size: EPROTO, extack names the expected step",
        "vmstate-received", ID, EPROTO, "unexpected vmstate-received, expected vmstate-size")
t("  ... and the step did not move", get()["step"] == "vmstate-send")
refused("vmstate-size without the size: EINVAL", "vmstate-size", ID, EINVAL)
BIG = 6000000000
step("vmstate-size", {"id": GROUP, "vmstate-size": BIG},
     lambda m: m["step"] == "vmstate-size" and m["vmstate-size"] == BIG,
     "vmstate-size %d (> 2^32): the event carries the u64" % BIG)
step("vmstate-received", None, lambda m: m["step"] == "vmstate-received")
step("vmstate-loaded", None, lambda m: m == {"id": GROUP, "state": "comparing"},
     "vmstate-loaded: event, comparing again")
g = get()
t("group-get: comparing, one checkpoint requested and done",
  g["state"] == "comparing" and "step" not in g and
  g["stats"]["checkpoints"] == 1 and g["stats"]["checkpoints-done"] == 1, g)

# --- failover
step("failover", None,
     lambda m: m["state"] == "passthrough" and m["reason"] == "manual" and
     m.get("failed-over") is True,
     "failover: event in passthrough, reason manual, failed-over")
g = get()
t("group-get: failed-over, one failover",
  g["state"] == "passthrough" and g.get("failed-over") is True and
  g["stats"]["failovers"] == 1, g)
refused("after failover, group-set mode comparing: EPROTO", "group-set",
        {"id": GROUP, "mode": "comparing"}, EPROTO)
refused("failover in passthrough: EPROTO", "failover", ID, EPROTO,
        "unexpected failover: the group is in passthrough")

# --- the stall timeout: the kernel's own failover
step("checkpoint-ready", None, lambda m: m == {"id": GROUP, "state": "comparing"},
     "checkpoint-ready pairs the group again, clears failed-over")
step("group-set", {"id": GROUP, "ckpt-timeout-ms": 100}, name="ckpt-timeout-ms 100")
step("checkpoint-request", name="checkpoint-request, then no step for 100 ms")
ev, deadline = [], time.monotonic() + 30
while not ev and time.monotonic() < deadline:
    time.sleep(0.1)
    ev = events()
t("the kernel fails the group over: event failover-ntf, reason stalled",
  len(ev) == 1 and ev[0]["name"] == "failover-ntf" and ev[0]["msg"]["reason"] == "stalled"
  and ev[0]["msg"]["state"] == "passthrough" and ev[0]["msg"].get("failed-over") is True, ev)
g = get()
t("group-get after the stall: passthrough, failed over, two failovers",
  g["state"] == "passthrough" and g.get("failed-over") is True and
  g["stats"]["failovers"] == 2, g)

# --- group-del: refused while bound
refused("group-del while tc actions use the group: EBUSY", "group-del", ID, EBUSY)

print("# tests %d failed %d" % (n - FIRST + 1, failed))
sys.exit(1 if failed else 0)
