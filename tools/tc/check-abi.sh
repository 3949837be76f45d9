#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-abi.sh PLUGIN [TC]
#
# tc dlopen()s its plugins with RTLD_LAZY and, when that fails or the
# <kind>_action_util symbol is missing, silently falls back to the gact
# action.  So check before shipping that:
#  - PLUGIN defines colo_action_util;
#  - every undefined symbol of PLUGIN that does not come from glibc (those
#    carry a @GLIBC_* version) is exported by the tc binary (tc is linked
#    with -export-dynamic); weak undefined symbols (w) are fine.
# Exit 0 if so, 1 otherwise.
set -eu

plugin=${1:?usage: check-abi.sh PLUGIN [TC]}
tc=${2:-$(command -v tc 2>/dev/null || echo /sbin/tc)}

fail() {
	echo "check-abi: $*" >&2
	exit 1
}

[ -r "$plugin" ] || fail "cannot read $plugin"
[ -x "$tc" ] || fail "no tc binary at \"$tc\" (set TC=/path/to/tc)"

nm -D --defined-only "$plugin" | awk '$3 == "colo_action_util" { found = 1 }
	END { exit !found }' || fail "$plugin does not define colo_action_util"

exports=$(mktemp)
trap 'rm -f "$exports"' EXIT
nm -D --defined-only "$tc" | awk 'NF == 3 { print $3 }' | sort -u >"$exports"
[ -s "$exports" ] || fail "$tc exports no symbols (not linked with -export-dynamic?)"

missing=
count=0
for sym in $(nm -D --undefined-only "$plugin" | awk '$1 == "U" { print $2 }'); do
	case $sym in
	*@GLIBC_*) continue ;;
	esac
	count=$((count + 1))
	grep -qxF -- "$sym" "$exports" || missing="$missing $sym"
done

[ -z "$missing" ] || fail "symbols of $plugin not exported by $tc:$missing"
echo "check-abi: ok: $plugin imports $count symbols, all exported by $tc"
