/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Generic netlink family "colo": COLO network comparator groups.
 *
 * A group is one protected NIC of one VM: the primary and secondary
 * "action colo" instances that name it feed its queues.  Groups live in
 * a network namespace and are addressed by a u32 id (1 and up).
 */
#ifndef _UAPI_LINUX_COLO_H
#define _UAPI_LINUX_COLO_H

#define COLO_FAMILY_NAME	"colo"
#define COLO_FAMILY_VERSION	1
#define COLO_MCGRP_EVENTS	"events"

/* Defaults and limits of group parameters. */
#define COLO_TIMEOUT_MS_DEFAULT	3000
#define COLO_TIMEOUT_MS_MAX	3600000

enum colo_group_state {
	COLO_STATE_PASSTHROUGH,	/* primaries released at once, secondaries dropped */
	COLO_STATE_COMPARING,	/* primaries held until matched */
	COLO_STATE_CHECKPOINT,	/* a checkpoint is outstanding, primaries held */
	__COLO_STATE_MAX
};

#define COLO_STATE_MAX (__COLO_STATE_MAX - 1)

enum {
	COLO_A_GROUP_UNSPEC,
	COLO_A_GROUP_PAD,
	COLO_A_GROUP_ID,		/* u32, 1 and up */
	COLO_A_GROUP_STATE,		/* u8, enum colo_group_state; reply only */
	COLO_A_GROUP_TIMEOUT_MS,	/* u32, compare timeout */
	COLO_A_GROUP_ACTIONS,		/* u32, tc actions bound; reply only */
	COLO_A_GROUP_STATS,		/* nest of COLO_A_STATS_*; reply only */
	__COLO_A_GROUP_MAX
};

#define COLO_A_GROUP_MAX (__COLO_A_GROUP_MAX - 1)

enum {
	COLO_A_STATS_UNSPEC,
	COLO_A_STATS_PAD,
	COLO_A_STATS_PRIMARY_PACKETS,	/* u64, primaries taken by the group */
	COLO_A_STATS_SECONDARY_PACKETS,	/* u64, secondaries taken */
	COLO_A_STATS_RELEASED,		/* u64, primaries sent on */
	COLO_A_STATS_DROPPED,		/* u64, primaries dropped (counted) */
	COLO_A_STATS_HELD_PACKETS,	/* u64, primaries held now */
	COLO_A_STATS_HELD_BYTES,	/* u64, truesize of held packets */
	__COLO_A_STATS_MAX
};

#define COLO_A_STATS_MAX (__COLO_A_STATS_MAX - 1)

enum {
	COLO_CMD_UNSPEC,
	COLO_CMD_GROUP_NEW,	/* GROUP_ID [TIMEOUT_MS] */
	COLO_CMD_GROUP_DEL,	/* GROUP_ID */
	COLO_CMD_GROUP_GET,	/* GROUP_ID, or dump all groups */
	COLO_CMD_GROUP_SET,	/* GROUP_ID [TIMEOUT_MS] */
	__COLO_CMD_MAX
};

#define COLO_CMD_MAX (__COLO_CMD_MAX - 1)

#endif /* _UAPI_LINUX_COLO_H */
