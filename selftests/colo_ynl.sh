#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The contract: the kernel's own netlink tools (YNL: tools/net/ynl of
# linux-source-6.12, cli.py and its library) drive colo_compare knowing
# only the spec Documentation/netlink/specs/colo.yaml: no coloctl, no
# colo.h.  Every command id, attribute type, enum name and event comes
# from the spec, so a spec and a module that disagree fail here.
#
# cli.py validates the spec against genetlink-c and does the group ops at
# both ends; colo_ynl.py (YNL's library in one process, as cli.py under
# TCG costs seconds per call) does group ops, flows of a ping through the
# topology of DESIGN.md §1, the checkpoint protocol in and out of order,
# failover, the stall timeout and the event of every step.  Needs the
# module loaded and build/linux-source-6.12 (tools/linux-source-6.12.sh).
GROUP=7
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topology.sh"
set -u

YNL_TREE=$TOP/build/linux-source-6.12
[ -f "$YNL_TREE/tools/net/ynl/cli.py" ] || {
	echo "# no $YNL_TREE: run tools/linux-source-6.12.sh on the host"
	exit "$KSFT_SKIP"
}

TMPD=$(mktemp -d /tmp/colo_ynl.XXXXXX)
cleanup() {
	topo_teardown
	rm -rf "$TMPD"
}
trap cleanup EXIT
echo "TAP version 13"

# The project share is uncached 9p: run YNL from tmpfs.
cp -r "$YNL_TREE/tools/net/ynl" "$TMPD/ynl"
# COLO_YNL_SPEC: another spec, to see this suite catch a wrong one
cp "${COLO_YNL_SPEC:-$TOP/Documentation/netlink/specs/colo.yaml}" "$TMPD/colo.yaml"
# -S (no site) starts faster under TCG; yaml and jsonschema are in
# dist-packages.
export PYTHONPATH=/usr/lib/python3/dist-packages

# ynl ARGS...: cli.py in phost, where the group lives; JSON output.
ynl() {
	ip netns exec phost /usr/bin/python3 -S "$TMPD/ynl/cli.py" \
		--spec "$TMPD/colo.yaml" --output-json "$@"
}

# has TEXT OUTPUT: OUTPUT contains TEXT.
has() { grep -qF -- "$1" <<<"$2" || { echo "no '$1' in: $2"; return 1; }; }

# is JSON PYEXPR: PYEXPR on the parsed JSON `j` is true.
is() {
	/usr/bin/python3 -S -c '
import json, sys
j = json.loads(sys.argv[1])
if not eval(sys.argv[2]):
	sys.exit("false: %s\n  for: %s" % (sys.argv[2], json.dumps(j)))' "$1" "$2"
}

t "topology of DESIGN.md §1 builds" topo_setup

out=$(ynl --schema "$YNL_TREE/Documentation/netlink/genetlink-c.yaml" --list-ops 2>&1)
t "cli.py: the spec validates against genetlink-c, the kernel knows the family" \
	has "vmstate-size  [ do ]" "$out"

# group-new and group-get through cli.py: ids, types and enums of the spec
out=$(ynl --no-schema --do group-new --json '{"id": '$GROUP', "mode": "passthrough", "max-flows": 4096}' 2>&1)
t "cli.py: group-new" test "$out" = null
out=$(ynl --no-schema --dump group-get 2>&1)
t "cli.py: group-get dump decodes it" is "$out" \
	"len(j) == 1 and j[0]['id'] == $GROUP and j[0]['state'] == 'passthrough' and j[0]['max-flows'] == 4096"
out=$(ynl --no-schema --do checkpoint-reply --json '{"id": '$GROUP'}' 2>&1)
t "cli.py: a step out of order prints EPROTO and the extack" \
	has "'msg': 'colo_compare: unexpected checkpoint-reply, expected checkpoint-ready'" "$out"
out=$(ynl --no-schema --do group-del --json '{"id": '$GROUP'}' 2>&1)
t "cli.py: group-del" test "$out" = null

# the rest in one process (it prints its own TAP lines, numbered on)
ip netns exec phost /usr/bin/python3 -S "$TOP/selftests/colo_ynl.py" \
	"$TMPD/ynl" "$TMPD/colo.yaml" "$GROUP" $((_t_n + 1)) >"$TMPD/py.out" 2>&1
py_rc=$?
cat "$TMPD/py.out"
py_n=$(sed -n 's/^# tests \([0-9]*\) failed \([0-9]*\)$/\1/p' "$TMPD/py.out")
py_f=$(sed -n 's/^# tests \([0-9]*\) failed \([0-9]*\)$/\2/p' "$TMPD/py.out")
_t_n=$((_t_n + ${py_n:-0}))
_t_fail=$((_t_fail + ${py_f:-0}))
t "colo_ynl.py ran to the end (exit $py_rc)" test -n "$py_n" -a "$py_rc" -eq "$((py_f > 0))"

tc -n phost filter del dev p-tap ingress
tc -n phost filter del dev p-colo ingress
out=$(ynl --no-schema --do group-del --json '{"id": '$GROUP'}' 2>&1)
t "cli.py: group-del once the tc actions are gone" test "$out" = null
out=$(ynl --no-schema --do group-get --json '{"id": '$GROUP'}' 2>&1)
t "cli.py: group-get of the deleted group: ENOENT" has "No such file or directory" "$out"

t_done
