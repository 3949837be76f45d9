/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The COLO command protocol (enum colo_message) as coloctl uses it: the
 * names of the steps, their commands, a group's protocol state and the
 * order of a checkpoint transaction.  Shared by "coloctl checkpoint",
 * "coloctl failover", "coloctl monitor" and "coloctl agent".
 */
#ifndef COLOCTL_PROTOCOL_H
#define COLOCTL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct genl_sock;
struct nlmsghdr;

/* "checkpoint-ready", ... "vmstate-loaded", or "unknown(N)" in @buf. */
const char *colo_msg_name(uint8_t msg, char *buf, size_t size);
/* The command of message @msg (COLO_CMD_CHECKPOINT_READY ...). */
uint8_t colo_msg_cmd(uint8_t msg);
/* The message of command @cmd, or -1 if it is not a protocol step. */
int colo_cmd_msg(uint8_t cmd);

/* What GROUP_GET says about a group's protocol state. */
struct colo_group_status {
	uint32_t id;
	uint8_t state;			/* enum colo_group_state */
	bool has_step, has_reason;
	uint8_t step;			/* enum colo_message, in CHECKPOINT */
	uint8_t reason;			/* enum colo_reason */
	bool failed_over;
	uint32_t ckpt_timeout_ms;	/* 0: the kernel did not say */
};

/* Parses a GROUP_GET reply (or a group event) into @st. */
int colo_group_status_parse(const struct nlmsghdr *nlh,
			    struct colo_group_status *st);

/*
 * GROUP_GET of group @id on @gs.  Returns 0 or a negative errno (the
 * kernel's message in gs->ext).
 */
int colo_group_status_get(struct genl_sock *gs, uint32_t id,
			  struct colo_group_status *st);

/*
 * Sends protocol message @msg for group @id on @gs (VMSTATE_SIZE with
 * @size) and waits for the ack.  0 or a negative errno: -EPROTO for a
 * step out of order, -ENOENT for a missing group.
 */
int colo_step_send(struct genl_sock *gs, uint32_t id, uint8_t msg,
		   uint64_t size);

/* Sends COLO_CMD_FAILOVER for group @id on @gs; as colo_step_send(). */
int colo_failover_send(struct genl_sock *gs, uint32_t id);

/*
 * The next message that moves a checkpoint transaction on from @st:
 * COMPARING -> CHECKPOINT_REQUEST, CHECKPOINT at step S -> S + 1;
 * -1 when there is none (PASSTHROUGH, or the last step was accepted).
 */
int colo_next_msg(const struct colo_group_status *st);

#endif /* COLOCTL_PROTOCOL_H */
