// SPDX-License-Identifier: GPL-2.0
/*
 * The COLO command protocol: step names and commands, a group's protocol
 * state, sending steps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "protocol.h"
#include "utils.h"

static const struct {
	const char *name;
	uint8_t cmd;
} msgs[COLO_MSG_MAX + 1] = {
	[COLO_MSG_CHECKPOINT_READY]	= { "checkpoint-ready", COLO_CMD_CHECKPOINT_READY },
	[COLO_MSG_CHECKPOINT_REQUEST]	= { "checkpoint-request", COLO_CMD_CHECKPOINT_REQUEST },
	[COLO_MSG_CHECKPOINT_REPLY]	= { "checkpoint-reply", COLO_CMD_CHECKPOINT_REPLY },
	[COLO_MSG_VMSTATE_SEND]		= { "vmstate-send", COLO_CMD_VMSTATE_SEND },
	[COLO_MSG_VMSTATE_SIZE]		= { "vmstate-size", COLO_CMD_VMSTATE_SIZE },
	[COLO_MSG_VMSTATE_RECEIVED]	= { "vmstate-received", COLO_CMD_VMSTATE_RECEIVED },
	[COLO_MSG_VMSTATE_LOADED]	= { "vmstate-loaded", COLO_CMD_VMSTATE_LOADED },
};

const char *colo_msg_name(uint8_t msg, char *buf, size_t size)
{
	if (msg <= COLO_MSG_MAX)
		return msgs[msg].name;
	snprintf(buf, size, "unknown(%u)", msg);
	return buf;
}

uint8_t colo_msg_cmd(uint8_t msg)
{
	return msg <= COLO_MSG_MAX ? msgs[msg].cmd : COLO_CMD_UNSPEC;
}

int colo_cmd_msg(uint8_t cmd)
{
	int i;

	for (i = 0; i <= COLO_MSG_MAX; i++)
		if (msgs[i].cmd == cmd)
			return i;
	return -1;
}

int colo_group_status_parse(const struct nlmsghdr *nlh,
			    struct colo_group_status *st)
{
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	int err;

	memset(st, 0, sizeof(*st));
	err = genl_parse(nlh, tb, COLO_A_GROUP_MAX, colo_group_policy);
	if (err)
		return err;
	if (!tb[COLO_A_GROUP_ID] || !tb[COLO_A_GROUP_STATE])
		return -EBADMSG;
	st->id = mnl_attr_get_u32(tb[COLO_A_GROUP_ID]);
	st->state = mnl_attr_get_u8(tb[COLO_A_GROUP_STATE]);
	if (tb[COLO_A_GROUP_STEP]) {
		st->has_step = true;
		st->step = mnl_attr_get_u8(tb[COLO_A_GROUP_STEP]);
	}
	if (tb[COLO_A_GROUP_REASON]) {
		st->has_reason = true;
		st->reason = mnl_attr_get_u8(tb[COLO_A_GROUP_REASON]);
	}
	st->failed_over = tb[COLO_A_GROUP_FAILED_OVER] != NULL;
	if (tb[COLO_A_GROUP_CKPT_TIMEOUT_MS])
		st->ckpt_timeout_ms =
			mnl_attr_get_u32(tb[COLO_A_GROUP_CKPT_TIMEOUT_MS]);
	return 0;
}

struct status_ctx {
	struct colo_group_status *st;
	int n;
};

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct status_ctx *c = data;
	int err;

	if (c->n++)
		return -EBADMSG;	/* one group asked, one answer */
	err = colo_group_status_parse(nlh, c->st);
	return err;
}

int colo_group_status_get(struct genl_sock *gs, uint32_t id,
			  struct colo_group_status *st)
{
	struct status_ctx c = { .st = st };
	struct genl_req req;
	int err;

	colo_req_init(&req, gs, COLO_CMD_GROUP_GET);
	genl_req_put_u32(&req, COLO_A_GROUP_ID, id);
	err = genl_do(gs, &req, status_cb, &c);
	if (!err && (c.n != 1 || st->id != id))
		err = -EBADMSG;
	return err;
}

int colo_step_send(struct genl_sock *gs, uint32_t id, uint8_t msg,
		   uint64_t size)
{
	struct genl_req req;

	if (msg > COLO_MSG_MAX)
		return -EINVAL;
	colo_req_init(&req, gs, colo_msg_cmd(msg));
	genl_req_put_u32(&req, COLO_A_GROUP_ID, id);
	if (msg == COLO_MSG_VMSTATE_SIZE)
		genl_req_put_u64(&req, COLO_A_GROUP_VMSTATE_SIZE, size);
	return genl_do(gs, &req, NULL, NULL);
}

int colo_failover_send(struct genl_sock *gs, uint32_t id)
{
	struct genl_req req;

	colo_req_init(&req, gs, COLO_CMD_FAILOVER);
	genl_req_put_u32(&req, COLO_A_GROUP_ID, id);
	return genl_do(gs, &req, NULL, NULL);
}

int colo_next_msg(const struct colo_group_status *st)
{
	switch (st->state) {
	case COLO_STATE_COMPARING:
		return COLO_MSG_CHECKPOINT_REQUEST;
	case COLO_STATE_CHECKPOINT:
		/* A kernel that does not say: the request was the last. */
		if (!st->has_step || st->step < COLO_MSG_CHECKPOINT_REQUEST)
			return COLO_MSG_CHECKPOINT_REPLY;
		if (st->step >= COLO_MSG_VMSTATE_LOADED)
			return -1;
		return st->step + 1;
	}
	return -1;
}
