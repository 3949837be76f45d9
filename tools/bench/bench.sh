#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the two parts of the benchmark, then the report.
#   1. callgrind.py (host): instructions per matched pair of the module's
#      parse.c + compare.c built for userspace, deterministic;
#   2. vm_bench.sh (one test VM run): frames/s, pairs/s, release latency
#      and kernel memory per flow of gact / colo_compare / QEMU.
# Results: a table on stdout, bench/results.json (its path printed last).
#
#   tools/bench/bench.sh [--quick]
# --quick: a sanity run (one small run of each kind).  BENCH_* variables
# (see vm_bench.sh) are passed into the VM; BENCH_VM_MEM (default 2G),
# BENCH_TIMEOUT (VM seconds, default 7200) and BENCH_OUT (default bench/)
# are read here.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
OUT=${BENCH_OUT:-$TOP/bench}
QUICK=
[ "${1:-}" = --quick ] && QUICK=--quick

die() { echo "bench: $*" >&2; exit 1; }

mkdir -p "$OUT" || die "cannot create $OUT"
make -s module || die "module build failed"
# another change may be half-way in colo_ctl/: a built coloctl will do
if ! make -s coloctl plugin; then
	if [ -x colo_ctl/coloctl ] && [ -f tools/tc/m_colo.so ]; then
		echo "bench: using the coloctl and m_colo.so already built" >&2
	else
		die "coloctl/plugin build failed"
	fi
fi
make -s -C tools/bench || die "tools/bench build failed"

echo "bench: part 2, instruction counts (callgrind)" >&2
nice -n 10 /usr/bin/python3 tools/bench/callgrind.py $QUICK "$OUT/callgrind.json" ||
	die "callgrind part failed"

echo "bench: part 1, in one VM run (minutes under TCG)" >&2
envs=()
while IFS='=' read -r name _; do
	envs+=(--env "$name")
done < <(env | grep '^BENCH_')
rm -f "$OUT/vm-raw.jsonl"
tools/vm/run --mem "${BENCH_VM_MEM:-2G}" --timeout "${BENCH_TIMEOUT:-7200}" \
	"${envs[@]}" -- tools/bench/vm_bench.sh "$OUT/vm-raw.jsonl" $QUICK ||
	die "VM part failed"

/usr/bin/python3 tools/bench/report.py "$OUT/vm-raw.jsonl" "$OUT/callgrind.json" \
	"$OUT/results.json"
