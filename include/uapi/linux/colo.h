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
#define COLO_SCAN_MS_DEFAULT	100	/* how often held packets are aged */
#define COLO_SCAN_MS_MIN	10
#define COLO_SCAN_MS_MAX	60000
#define COLO_FLOW_LIMIT_DEFAULT	(4U << 20)	/* bytes held per flow */
#define COLO_GROUP_LIMIT_DEFAULT (64U << 20)	/* bytes held per group */
#define COLO_LIMIT_MIN		(64U << 10)
#define COLO_MAX_FLOWS_DEFAULT	65536
#define COLO_MAX_FLOWS_MAX	(1U << 22)
#define COLO_CKPT_TIMEOUT_MS_DEFAULT 30000	/* longest wait for the next step */
#define COLO_CKPT_TIMEOUT_MS_MIN 100
#define COLO_CKPT_TIMEOUT_MS_MAX 3600000

/*
 * passthrough --checkpoint-ready--> comparing --checkpoint-request-->
 * checkpoint --(reply, vmstate-send, vmstate-size, vmstate-received,
 * vmstate-loaded)--> comparing.  Failover (by command, or when a
 * checkpoint transaction stalls) goes to passthrough from anywhere.
 */
enum colo_group_state {
	COLO_STATE_PASSTHROUGH,	/* primaries released at once, secondaries dropped */
	COLO_STATE_COMPARING,	/* primaries held until matched */
	COLO_STATE_CHECKPOINT,	/* a checkpoint is outstanding, primaries held */
	__COLO_STATE_MAX
};

#define COLO_STATE_MAX (__COLO_STATE_MAX - 1)

/* Why a group asks for a checkpoint. */
enum colo_reason {
	COLO_REASON_NONE,
	COLO_REASON_MISCOMPARE,	/* primary and secondary output differ */
	COLO_REASON_TIMEOUT,	/* a packet waited longer than the timeout */
	COLO_REASON_MEMORY,	/* a flow or the group holds too many bytes */
	COLO_REASON_FLOW_LIMIT,	/* the flow table is full */
	COLO_REASON_MANUAL,	/* asked for by a command (agent, coloctl) */
	COLO_REASON_STALLED,	/* failover: a checkpoint step did not come in time */
	__COLO_REASON_MAX
};

#define COLO_REASON_MAX (__COLO_REASON_MAX - 1)

/*
 * The COLO command protocol: QEMU's COLOMessage, same numbers.  Each
 * message is a command (COLO_CMD_CHECKPOINT_READY ...) the agent sends
 * and an event the kernel multicasts once it accepted it.
 */
enum colo_message {
	COLO_MSG_CHECKPOINT_READY,
	COLO_MSG_CHECKPOINT_REQUEST,
	COLO_MSG_CHECKPOINT_REPLY,
	COLO_MSG_VMSTATE_SEND,
	COLO_MSG_VMSTATE_SIZE,
	COLO_MSG_VMSTATE_RECEIVED,
	COLO_MSG_VMSTATE_LOADED,
	__COLO_MSG_MAX
};

#define COLO_MSG_MAX (__COLO_MSG_MAX - 1)

/*
 * Soft byte limits (FLOW_LIMIT, GROUP_LIMIT) ask for a checkpoint when
 * crossed; packets are dropped (and counted) only past twice the limit.
 */
enum {
	COLO_A_GROUP_UNSPEC,
	COLO_A_GROUP_PAD,
	COLO_A_GROUP_ID,		/* u32, 1 and up */
	COLO_A_GROUP_STATE,		/* u8, enum colo_group_state; reply only */
	COLO_A_GROUP_TIMEOUT_MS,	/* u32, compare timeout */
	COLO_A_GROUP_ACTIONS,		/* u32, tc actions bound; reply only */
	COLO_A_GROUP_STATS,		/* nest of COLO_A_STATS_*; reply only */
	COLO_A_GROUP_MODE,		/* u8, PASSTHROUGH or COMPARING; NEW/SET */
	COLO_A_GROUP_SCAN_MS,		/* u32, aging period */
	COLO_A_GROUP_FLOW_LIMIT,	/* u32, bytes held per flow */
	COLO_A_GROUP_GROUP_LIMIT,	/* u32, bytes held per group */
	COLO_A_GROUP_MAX_FLOWS,		/* u32, flow table size */
	COLO_A_GROUP_REASON,		/* u8, enum colo_reason; reply/events */
	COLO_A_GROUP_FLOW,		/* nest of COLO_A_FLOW_*; reply only */
	COLO_A_GROUP_STEP,		/* u8, enum colo_message: the last step
					 * accepted; reply/events, in CHECKPOINT
					 */
	COLO_A_GROUP_VMSTATE_SIZE,	/* u64, bytes; VMSTATE_SIZE */
	COLO_A_GROUP_CKPT_TIMEOUT_MS,	/* u32, longest wait for the next
					 * checkpoint step before failover
					 */
	COLO_A_GROUP_FAILED_OVER,	/* flag, reply/events: failed over,
					 * passthrough until CHECKPOINT_READY
					 */
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
	COLO_A_STATS_COMPARED,		/* u64, primaries released by a match */
	COLO_A_STATS_MISCOMPARES,	/* u64 */
	COLO_A_STATS_CHECKPOINTS,	/* u64, checkpoints requested */
	COLO_A_STATS_TIMEOUTS,		/* u64, timeouts seen */
	COLO_A_STATS_FLOWS,		/* u64, flows in the table now */
	COLO_A_STATS_SECONDARY_HELD,	/* u64, secondaries held now */
	COLO_A_STATS_SECONDARY_DROPPED,	/* u64, secondaries dropped at a limit */
	COLO_A_STATS_CHECKPOINTS_DONE,	/* u64, transactions that reached
					 * VMSTATE_LOADED
					 */
	COLO_A_STATS_FAILOVERS,		/* u64 */
	/*
	 * The TCP rewriter of the secondary host ("action colo ... rewrite"):
	 * all 0 on a group no rewrite action uses.
	 */
	COLO_A_STATS_RW_FLOWS,		/* u64, connections tracked now */
	COLO_A_STATS_RW_LEARNED,	/* u64, connections whose offset was
					 * learned at the handshake
					 */
	COLO_A_STATS_RW_REWRITTEN,	/* u64, packets shifted */
	COLO_A_STATS_RW_UNKNOWN,	/* u64, packets passed unchanged: the
					 * offset was not known (yet)
					 */
	COLO_A_STATS_RW_UNTRACKED,	/* u64, connections not tracked: table
					 * full (MAX_FLOWS) or no memory
					 */
	COLO_A_STATS_RW_ERRORS,		/* u64, packets dropped: headers could
					 * not be made writable
					 */
	COLO_A_STATS_RW_RESETS,		/* u64, offsets reset by a completed
					 * checkpoint
					 */
	__COLO_A_STATS_MAX
};

#define COLO_A_STATS_MAX (__COLO_A_STATS_MAX - 1)

/*
 * One flow of a group.  The key is direction-normalized: endpoint A is
 * the one whose (address, port) sorts lower.
 */
enum {
	COLO_A_FLOW_UNSPEC,
	COLO_A_FLOW_ETHERTYPE,		/* u16 */
	COLO_A_FLOW_PROTO,		/* u8, L4 protocol; 0 for non-IP */
	COLO_A_FLOW_VLAN,		/* u16, outer VLAN id, 0 = none */
	COLO_A_FLOW_ADDR_A,		/* binary, 4 or 16 bytes, network order */
	COLO_A_FLOW_ADDR_B,
	COLO_A_FLOW_PORT_A,		/* u16 (ICMP echo id in PORT_A) */
	COLO_A_FLOW_PORT_B,
	COLO_A_FLOW_PRIMARY_QUEUED,	/* u32, packets */
	COLO_A_FLOW_SECONDARY_QUEUED,	/* u32, packets */
	COLO_A_FLOW_HELD_BYTES,		/* u32 */
	COLO_A_FLOW_IDLE_MS,		/* u32, since the last packet */
	COLO_A_FLOW_CLOSED,		/* flag: FIN or RST seen */
	__COLO_A_FLOW_MAX
};

#define COLO_A_FLOW_MAX (__COLO_A_FLOW_MAX - 1)

enum {
	COLO_CMD_UNSPEC,
	COLO_CMD_GROUP_NEW,	/* GROUP_ID [MODE] [TIMEOUT_MS] [SCAN_MS] [limits] */
	COLO_CMD_GROUP_DEL,	/* GROUP_ID */
	COLO_CMD_GROUP_GET,	/* GROUP_ID, or dump all groups */
	COLO_CMD_GROUP_SET,	/* GROUP_ID [MODE] [TIMEOUT_MS] [SCAN_MS] [limits] */
	COLO_CMD_FLOW_GET,	/* dump only: GROUP_ID -> GROUP_ID + GROUP_FLOW */
	COLO_CMD_CHECKPOINT_DONE, /* retired: the protocol steps below
				   * replace it; not accepted
				   */
	/*
	 * The protocol (enum colo_message).  Commands take GROUP_ID
	 * (VMSTATE_SIZE also VMSTATE_SIZE); a step out of order fails with
	 * -EPROTO and changes nothing.  Each accepted step is multicast as
	 * an event with the same command: GROUP_ID STATE [STEP] [REASON]
	 * [GROUP_FLOW] [VMSTATE_SIZE].  CHECKPOINT_REQUEST events come from
	 * the kernel (REASON says why) or from a command (REASON_MANUAL).
	 */
	COLO_CMD_CHECKPOINT_REQUEST,
	COLO_CMD_CHECKPOINT_READY,
	COLO_CMD_CHECKPOINT_REPLY,
	COLO_CMD_VMSTATE_SEND,
	COLO_CMD_VMSTATE_SIZE,
	COLO_CMD_VMSTATE_RECEIVED,	/* releases held primaries, drops
					 * held secondaries
					 */
	COLO_CMD_VMSTATE_LOADED,	/* back to COMPARING */
	COLO_CMD_FAILOVER,	/* GROUP_ID: passthrough until CHECKPOINT_READY;
				 * event: GROUP_ID STATE REASON (MANUAL or
				 * STALLED)
				 */
	__COLO_CMD_MAX
};

#define COLO_CMD_MAX (__COLO_CMD_MAX - 1)

/*
 * GROUP_NEW, GROUP_SET and GROUP_DEL are also multicast as events when
 * they succeed: GROUP_ID STATE [FAILED_OVER] (GROUP_DEL: GROUP_ID).
 */

#endif /* _UAPI_LINUX_COLO_H */
