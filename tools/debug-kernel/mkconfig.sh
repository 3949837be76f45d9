#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debug-kernel config for the test VM (qemu q35 under TCG, 9p root, no
# modules but colo_compare.ko).  Run in a kernel tree after `make defconfig`.
# Its hash is part of the cache key (tools/debug-kernel/build.sh): any edit
# here rebuilds the kernel.  Options that must end up =y are listed in
# required.txt and checked after olddefconfig.
set -eu
C=scripts/config
# trim hardware/subsystems a q35 9p-root guest never uses (build-time savings)
$C -d DRM -d AGP -d SOUND -d CFG80211 -d MAC80211 -d WLAN -d WIRELESS -d RFKILL -d PCCARD \
   -d USB_SUPPORT -d ETHERNET -d NFS_FS -d SECURITY_SELINUX -d MD -d ATA -d FB -d HID -d EFI \
   -d NETWORK_FILESYSTEMS_NFS -d IP_PNP -d MICROCODE -d KVM -d VIRTUALIZATION -d DEBUG_INFO \
   -e DEBUG_INFO_NONE
# guest plumbing, built in: the initramfs loads no .ko
$C -e PVH -e PCI -e VIRTIO_MENU -e VIRTIO -e VIRTIO_PCI -e VIRTIO_CONSOLE -e HW_RANDOM_VIRTIO \
   -e NET_9P -e NET_9P_VIRTIO -e NETWORK_FILESYSTEMS -e 9P_FS -e 9P_FS_POSIX_ACL -e 9P_FS_SECURITY \
   -e TMPFS -e TMPFS_POSIX_ACL -e DEVTMPFS -e DEVTMPFS_MOUNT -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
   -e OVERLAY_FS -e BLK_DEV_INITRD -e CGROUPS -e DEBUG_FS -e SECURITYFS -e UNIX98_PTYS
# networking the selftests use (selftests/*.sh, topology.sh, tdc): veth,
# bridge, 802.1Q, IPv6, packet sockets, clsact + matchall + mirred, netem
$C -e NET -e INET -e IPV6 -e PACKET -e UNIX -e NET_NS -e USER_NS -e NAMESPACES \
   -e VETH -e DUMMY -e TUN -e BRIDGE -e BRIDGE_VLAN_FILTERING -e VLAN_8021Q \
   -e NET_SCHED -e NET_SCH_INGRESS -e NET_SCH_NETEM -e NET_SCH_PRIO -e NET_SCH_FQ_CODEL \
   -e NET_CLS -e NET_CLS_ACT -e NET_CLS_MATCHALL -e NET_CLS_U32 -e NET_CLS_FLOWER -e NET_CLS_BASIC \
   -e NET_CLS_BPF -e NET_ACT_GACT -e NET_ACT_MIRRED -e NET_ACT_VLAN -e NET_ACT_PEDIT \
   -e NET_ACT_CSUM -e NET_ACT_SKBEDIT -e PSAMPLE -e NET_ACT_SAMPLE \
   -e NETFILTER -e NETFILTER_ADVANCED -e NF_CONNTRACK -e NF_TABLES -e NF_TABLES_INET \
   -e NFT_CT -e NETFILTER_XTABLES -e IP_NF_IPTABLES -e IP_NF_FILTER -e NET_PKTGEN \
   -e ETHTOOL_NETLINK
# modules + symbols + tracing basics
$C -e MODULES -e MODULE_UNLOAD -e MODULE_FORCE_UNLOAD -e KALLSYMS -e KALLSYMS_ALL \
   -e FTRACE -e FUNCTION_TRACER -e DYNAMIC_FTRACE -e KPROBES -e KPROBE_EVENTS \
   -e BPF_SYSCALL -e BPF_EVENTS -e PERF_EVENTS -e IKCONFIG -e IKCONFIG_PROC
# the debug set
$C -e DEBUG_KERNEL -e KASAN -e KASAN_GENERIC -d KASAN_OUTLINE -e KASAN_INLINE \
   -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_KMEMLEAK -e DEBUG_KMEMLEAK_AUTO_SCAN \
   --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 32000 \
   -e DEBUG_LIST -e DEBUG_OBJECTS -e DEBUG_OBJECTS_FREE -e DEBUG_OBJECTS_TIMERS -e DEBUG_OBJECTS_WORK \
   -e DEBUG_OBJECTS_RCU_HEAD -e DEBUG_OBJECTS_PERCPU_COUNTER --set-val DEBUG_OBJECTS_ENABLE_DEFAULT 1 \
   -e UBSAN -e UBSAN_BOUNDS -d UBSAN_BOOL -d UBSAN_ENUM -d UBSAN_DIV_ZERO -d UBSAN_UNREACHABLE \
   -e DEBUG_NET -e NET_DEV_REFCNT_TRACKER -e NET_NS_REFCNT_TRACKER -e REF_TRACKER \
   -d DEBUG_PAGEALLOC -e SLUB_DEBUG -e STACKTRACE -e UNWINDER_ORC
make olddefconfig >/dev/null
