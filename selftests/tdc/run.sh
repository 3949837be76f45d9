#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [TDC_DIR] [tdc.py options...]
#
# Runs the tc-testing (tdc.py) cases of selftests/tdc/colo.json with the tdc
# of the kernel under test, prints TAP and exits non-zero if any test did
# not pass.  Needs root (tdc creates a netns and a veth pair).
#
# TDC_DIR  the tools/testing/selftests/tc-testing directory (first argument
#          or environment); default: build/linux-source-6.1/... of this tree
#          (tools/linux-source.sh), else extracted from
#          /usr/src/linux-source-6.1.tar.xz (package linux-source-6.1) into
#          a temporary directory (about 20 s on the host).
# Environment:
#   TC          tc binary (default: command -v tc)
#   TC_LIB_DIR  directory with m_colo.so (default: tools/tc of this tree if
#               built there, else tc's own default directory)
#   COLOCTL     coloctl binary (default: coloctl on PATH)
#   PYTHON      Python interpreter (default: python3; "python3 -S" starts faster)
#
# tdc reports a test whose setup or teardown failed as "ok ... # skipped" and
# skips every test after it; this script reports those as "not ok".
set -u

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP tdc needs root (netns, veth)"
	exit 4
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

tdc_dir=${TDC_DIR:-}
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	tdc_dir=$1
	shift
fi

tmp=$(mktemp -d /tmp/colo-tdc.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# tools/linux-source.sh extracts it there once
if [ -z "$tdc_dir" ] &&
   [ -f "$top/build/linux-source-6.1/tools/testing/selftests/tc-testing/tdc.py" ]; then
	tdc_dir=$top/build/linux-source-6.1/tools/testing/selftests/tc-testing
fi
if [ -z "$tdc_dir" ]; then
	src=/usr/src/linux-source-6.1.tar.xz
	member=linux-source-6.1/tools/testing/selftests/tc-testing
	if [ ! -r "$src" ]; then
		echo "Bail out! no TDC_DIR given and no $src (apt-get install linux-source-6.1)"
		exit 1
	fi
	echo "# extracting $member from $src"
	tar -xJf "$src" -C "$tmp" "$member" || {
		echo "Bail out! cannot extract $member"
		exit 1
	}
	tdc_dir=$tmp/$member
fi
if [ ! -f "$tdc_dir/tdc.py" ]; then
	echo "Bail out! no tdc.py in $tdc_dir"
	exit 1
fi
tdc_dir=$(cd "$tdc_dir" && pwd)
if [ -e "$tdc_dir/tdc_config_local.py" ]; then
	echo "# warning: $tdc_dir/tdc_config_local.py shadows $here/tdc_config_local.py"
fi

TC=${TC:-$(command -v tc 2>/dev/null || echo /sbin/tc)}
if [ -z "${TC_LIB_DIR+set}" ] && [ -f "$top/tools/tc/m_colo.so" ]; then
	TC_LIB_DIR=$top/tools/tc
	export TC_LIB_DIR
fi
COLOCTL=${COLOCTL:-coloctl}
case $COLOCTL in
*/*) COLOCTL=$(cd "$(dirname "$COLOCTL")" && pwd)/$(basename "$COLOCTL") ;;
*) COLOCTL=$(command -v "$COLOCTL" 2>/dev/null || echo "$COLOCTL") ;;
esac
export COLOCTL
PYTHON=${PYTHON:-python3}

echo "# tdc: $tdc_dir"
echo "# tc: $TC ($("$TC" -V 2>&1))"
echo "# TC_LIB_DIR: ${TC_LIB_DIR:-(unset: the default directory of tc)}"
echo "# COLOCTL: $COLOCTL"

results=$tmp/results.tap
# tdc finds its plugins relative to the current directory
(
	cd "$tdc_dir" &&
	PYTHONPATH=$here${PYTHONPATH:+:$PYTHONPATH} \
		$PYTHON ./tdc.py -p "$TC" -f "$here/colo.json" \
			--outfile "$results" "$@"
) >"$tmp/tdc.log" 2>&1
rc=$?

if [ ! -s "$results" ]; then
	echo "Bail out! tdc.py produced no results (exit $rc); its output:"
	sed 's/^/# /' "$tmp/tdc.log"
	exit 1
fi

# tdc's TAP: plan first, "ok N ID - name", "ok N ID - name # skipped - why",
# "not ok N ID - name" followed by indented lines with the failure.
awk '
/^1\.\.[0-9]+$/ { print; plan = substr($0, 4) + 0; next }
/^(not )?ok [0-9]+ / {
	n++
	if ($0 ~ /^ok / && $0 ~ / # skipped/) {
		sub(/ # skipped/, " # (setup or teardown failed, or an earlier one did):")
		$0 = "not " $0
	}
	if ($0 ~ /^not ok /)
		bad++
	print
	next
}
{ sub(/^[ \t]+/, ""); if (length($0)) print "#   " $0 }
END {
	if (n != plan) {
		print "not ok " n + 1 " - tdc planned " plan " tests, reported " n
		bad++
	}
	exit bad ? 1 : 0
}' "$results"
status=$?

if [ $status -ne 0 ] || [ $rc -ne 0 ]; then
	echo "# tdc.py exit status $rc; its log up to the results follows"
	sed -e '/^All test results:/,$d' -e 's/^/# /' "$tmp/tdc.log"
	[ $status -ne 0 ] || status=1
fi
exit $status
