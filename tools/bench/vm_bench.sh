#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086 # $common, $lat, $PIN: word lists on purpose
# The in-VM part of `make bench` (run by bench.sh through tools/vm/run):
# the same pre-built pairs through
#   gact  the COLO topology (selftests/topology.sh) with `action gact pass`
#         where the colo actions go: the path's own cost;
#   colo  the same with colo_compare (group in comparing mode);
#   qemu  QEMU's colo-compare run standalone in this guest (qemu_colo.sh);
#   send  the sender alone, into `action drop` at the same hooks: its
#         ceiling, to show it is not what limits the others.
# Runs are interleaved (gact, colo, QEMU, gact, ...) so that the load of
# a shared host weighs on all three alike.
# Every result is one JSON line appended to OUT; report.py summarizes.
#
#   tools/bench/vm_bench.sh OUT [--quick]
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$1
QUICK=${2:-}
BIN=$TOP/tools/bench
export COLOCTL=${COLOCTL:-$TOP/colo_ctl/coloctl}
export TC_LIB_DIR=$TOP/tools/tc
. "$TOP/selftests/topology.sh"

# BENCH_* in the environment override these (smaller runs when the host
# is slow); --quick is the sanity mode a selftest can afford (< 60 s).
RUNS=${BENCH_RUNS:-5} RUNS_MANY=${BENCH_RUNS_MANY:-3}
PAIRS_1K=${BENCH_PAIRS:-10000}
LAT_PAIRS=${BENCH_LAT_PAIRS:-300} LAT_RATE=${BENCH_LAT_RATE:-200}
CONFIGS=${BENCH_CONFIGS:-"udp:64 tcp:64 udp:1400 tcp:1400"}
FLOWS=${BENCH_FLOWS:-"1000 100000"}
# BENCH_SKIP_RATE=1: only the latency runs (to complete an interrupted run)
[ -n "${BENCH_SKIP_RATE:-}" ] && FLOWS=
if [ "$QUICK" = --quick ]; then
	RUNS=1 RUNS_MANY=1 PAIRS_1K=2000 LAT_PAIRS=40 CONFIGS="udp:64" FLOWS=1000
fi

# The project share is uncached 9p: run the programs from tmpfs.
TMP=$(mktemp -d /tmp/bench.XXXXXX)
for p in inject qemu_feed qemu_colo.sh; do
	cp "$BIN/$p" "$TMP/" || exit 1
done
cp "$COLOCTL" "$TMP/coloctl" && COLOCTL=$TMP/coloctl
QEMU_PID=
PIN=

cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	topo_teardown
	rm -rf "$TMP"
}
trap cleanup EXIT

log() { echo "# $*" >&2; }
emit() { echo "$1" >>"$OUT"; }

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# ingress ACTION...: the same action on both hooks the colo actions use.
ingress() {
	local dev
	for dev in p-tap p-colo; do
		tc -n phost qdisc del dev $dev clsact 2>/dev/null
		tc -n phost qdisc add dev $dev clsact || return 1
	done
	tc -n phost filter add dev p-tap ingress matchall action "$@" || return 1
	if [ "$1" = colo ]; then
		shift 3
		set -- colo group "$GROUP" secondary
	fi
	tc -n phost filter add dev p-colo ingress matchall action "$@"
}

colo_attach() {
	# no timeout, memory or table limit may end a run in a checkpoint
	ip netns exec phost "$COLOCTL" group add "$GROUP" mode comparing \
		timeout 3600000 flow-limit 1073741824 group-limit 1073741824 \
		max-flows 262144 || return 1
	ingress colo group "$GROUP" primary
}

colo_detach() {
	local st
	st=$(ip netns exec phost "$COLOCTL" -s -j group show "$GROUP")
	emit "{\"kind\": \"group\", \"label\": \"$1\", \"group\": ${st:-null}}"
	tc -n phost qdisc del dev p-tap clsact
	tc -n phost qdisc del dev p-colo clsact
	ip netns exec phost "$COLOCTL" group del "$GROUP"
}

# inject MODE LABEL ARGS...: one measurement, recorded with its labels.
inject() {
	local mode=$1 label=$2 res
	shift 2
	res=$($PIN "$TMP/inject" "$mode" --pri pvm:pvm-eth --sec svm:svm-eth \
		--cli client:c-eth "$@") || res=null
	emit "{\"kind\": \"run\", $label, \"result\": $res}"
	log "$label -> $res"
}

# PIN: empty, or `taskset -c 0` for the latency runs (see below).
qemu_start() {
	QEMU_PID=$($PIN "$TMP/qemu_colo.sh" "$TMP/q")
}

# QEMU is not our child (qemu_colo.sh started it): wait until it is gone,
# so the next one can bind the same socket paths.
qemu_stop() {
	local _
	kill "$QEMU_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	QEMU_PID=
}

qemu_feed() {
	local mode=$1 label=$2 res
	shift 2
	qemu_start
	res=$($PIN "$TMP/qemu_feed" "$mode" "$TMP/q" "$@") || res=null
	qemu_stop
	emit "{\"kind\": \"run\", $label, \"result\": $res}"
	log "$label -> $res"
}

lbl() { echo "\"system\": \"$1\", \"proto\": \"$2\", \"payload\": $3, \"flows\": $4, \"run\": $5"; }

# ---- setup ----------------------------------------------------------------
grep -q '^colo_compare ' /proc/modules || insmod "$TOP/colo_compare.ko" || exit 1
topo_setup || { log "topology failed"; exit 1; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
emit "{\"kind\": \"env\", \"cpu\": \"$cpu\", \"vcpus\": $(nproc), \"mem_kb\": $(meminfo MemTotal), \"kernel\": \"$(uname -r)\", \"quick\": $([ -n "$QUICK" ] && echo true || echo false), \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}"
log "guest: $cpu, $(nproc) vCPUs"

for cfg in $CONFIGS; do
	proto=${cfg%:*} size=${cfg#*:}
	for flows in $FLOWS; do
		pairs=$PAIRS_1K runs=$RUNS
		if [ "$flows" -gt "$pairs" ]; then
			pairs=$flows runs=$RUNS_MANY
		fi
		common="--proto $proto --payload $size --flows $flows --pairs $pairs"

		# the sender's ceiling (1k flows is enough: it keeps no state)
		if [ "$flows" -eq 1000 ]; then
			ingress drop || exit 1
			for r in $(seq 1 "$runs"); do
				inject send "$(lbl send $proto $size $flows $r)" $common
			done
		fi

		# colo: one pass creates the flows (and gives memory per flow);
		# the measured runs continue them.
		s0=$(meminfo SUnreclaim) v0=$(meminfo VmallocUsed)
		colo_attach || exit 1
		inject rate "$(lbl colo-warmup $proto $size $flows 0)" \
			--proto $proto --payload $size --flows $flows --pairs $flows
		s1=$(meminfo SUnreclaim) v1=$(meminfo VmallocUsed)
		emit "{\"kind\": \"memory\", \"proto\": \"$proto\", \"payload\": $size, \"flows\": $flows, \"sunreclaim_kb\": [$s0, $s1], \"vmalloc_kb\": [$v0, $v1]}"

		# Interleaved, so that the host's load swings hit every system
		# alike: gact, colo, QEMU, gact, colo, QEMU, ...  The group (and
		# its flows) stays while gact takes its hooks.
		round=1
		for r in $(seq 1 "$runs"); do
			ingress gact pass || exit 1
			inject rate "$(lbl gact $proto $size $flows $r)" $common
			ingress colo group "$GROUP" primary || exit 1
			inject rate "$(lbl colo $proto $size $flows $r)" $common --round $round
			round=$((round + pairs / flows))
			# QEMU's table holds 16384 connections and is reset when
			# full (queued packets lost): 1k flows only
			[ "$flows" -eq 1000 ] &&
				qemu_feed rate "$(lbl qemu $proto $size $flows $r)" $common
		done
		colo_detach "$proto/$size/$flows"
	done

	# Release latency at a low rate, one pair per flow per run.  Sender,
	# worker and QEMU share vCPU 0: under TCG a wake-up across vCPUs waits
	# for the host to schedule that vCPU's thread (milliseconds on a busy
	# host), which would measure the host, not the path.
	PIN="taskset -c 0"
	lat="--proto $proto --payload $size --flows $LAT_PAIRS --pairs $LAT_PAIRS --rate $LAT_RATE"
	colo_attach || exit 1
	taskset -p -c 0 "$(pgrep -x "colo/$GROUP")" >/dev/null || exit 1
	for r in $(seq 1 "$RUNS"); do
		ingress gact pass || exit 1
		inject latency "$(lbl gact $proto $size $LAT_PAIRS $r)" $lat --ref p
		ingress colo group "$GROUP" primary || exit 1
		inject latency "$(lbl colo $proto $size $LAT_PAIRS $r)" $lat --ref s --round $((r - 1))
		qemu_feed latency "$(lbl qemu $proto $size $LAT_PAIRS $r)" $lat
	done
	colo_detach "latency/$proto/$size"
	PIN=
done
log "done"
