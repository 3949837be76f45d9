#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Starts QEMU's colo-compare standalone (DESIGN.md section 6) with its
# sockets pri, sec, out and nfy in DIR; prints QEMU's pid.
#   tools/bench/qemu_colo.sh DIR
set -u
dir=$1
mkdir -p "$dir" && rm -f "$dir"/pri "$dir"/sec "$dir"/out "$dir"/nfy
chr() { echo "socket,id=$1,path=$dir/$1,server=on,wait=off"; }
qemu-system-x86_64 -machine none -nodefaults -display none \
	-object iothread,id=io0 \
	-chardev "$(chr pri)" -chardev "$(chr sec)" \
	-chardev "$(chr out)" -chardev "$(chr nfy)" \
	-object colo-compare,id=c0,primary_in=pri,secondary_in=sec,outdev=out,iothread=io0,notify_dev=nfy \
	</dev/null >"$dir/qemu.log" 2>&1 &
echo $!
