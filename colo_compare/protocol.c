// SPDX-License-Identifier: GPL-2.0
/*
 * The COLO command protocol: each group's checkpoint state machine.
 *
 *   passthrough --ready--> comparing --request--> checkpoint
 *   checkpoint: reply, vmstate-send, vmstate-size, vmstate-received
 *               (held primaries go out, held secondaries are dropped),
 *               vmstate-loaded --> comparing
 *   failover (command, or a step overdue by ckpt_timeout_ms) --> passthrough
 *
 * The agent reports every step; the kernel accepts only the one it
 * expects, so a confused or malicious agent cannot release packets out of
 * turn.  Everything here runs under g->mutex.
 */
#include <linux/jiffies.h>
#include <linux/colo.h>

#include "group.h"
#include "netlink.h"
#include "trace.h"

static const char *const colo_msg_name[__COLO_MSG_MAX] = {
	[COLO_MSG_CHECKPOINT_READY]	= "checkpoint-ready",
	[COLO_MSG_CHECKPOINT_REQUEST]	= "checkpoint-request",
	[COLO_MSG_CHECKPOINT_REPLY]	= "checkpoint-reply",
	[COLO_MSG_VMSTATE_SEND]		= "vmstate-send",
	[COLO_MSG_VMSTATE_SIZE]		= "vmstate-size",
	[COLO_MSG_VMSTATE_RECEIVED]	= "vmstate-received",
	[COLO_MSG_VMSTATE_LOADED]	= "vmstate-loaded",
};

/*
 * "unexpected <got>, expected <expected>", written once at load: extack
 * keeps a pointer, and 6.1 cannot format extack messages.
 */
static char colo_unexpected[__COLO_MSG_MAX][__COLO_MSG_MAX][72];

void __init colo_proto_init(void)
{
	int got, exp;

	for (got = 0; got < __COLO_MSG_MAX; got++)
		for (exp = 0; exp < __COLO_MSG_MAX; exp++)
			snprintf(colo_unexpected[got][exp],
				 sizeof(colo_unexpected[got][exp]),
				 KBUILD_MODNAME ": unexpected %s, expected %s",
				 colo_msg_name[got], colo_msg_name[exp]);
}

static u8 colo_expected(const struct colo_group *g)
{
	switch (g->state) {
	case COLO_STATE_PASSTHROUGH:
		return COLO_MSG_CHECKPOINT_READY;
	case COLO_STATE_COMPARING:
		return COLO_MSG_CHECKPOINT_REQUEST;
	default:
		return g->step + 1;
	}
}

/* The next step is due within ckpt_timeout_ms, or the group fails over. */
static void colo_step_accepted(struct colo_group *g, u8 msg)
{
	WRITE_ONCE(g->step, msg);
	WRITE_ONCE(g->step_deadline, jiffies +
		   msecs_to_jiffies(READ_ONCE(g->p.ckpt_timeout_ms)));
}

/* Worker or genl: start a transaction.  The first reason wins. */
void colo_proto_request(struct colo_group *g, u8 reason,
			const struct colo_flow *f)
{
	lockdep_assert_held(&g->mutex);
	if (g->state != COLO_STATE_COMPARING)
		return;
	WRITE_ONCE(g->state, COLO_STATE_CHECKPOINT);
	WRITE_ONCE(g->reason, reason);
	colo_step_accepted(g, COLO_MSG_CHECKPOINT_REQUEST);
	atomic64_inc(&g->stats.checkpoints);
	if (reason == COLO_REASON_TIMEOUT)
		atomic64_inc(&g->stats.timeouts);
	trace_colo_checkpoint_request(g->id, reason);
	colo_nl_step_event(g, COLO_MSG_CHECKPOINT_REQUEST, f, 0);
	/* the worker's sleep now ends at the step deadline */
	colo_group_kick(g);
}

/* Genl: the agent reports protocol message @msg. */
int colo_proto_step(struct colo_group *g, u8 msg, u64 vmstate_size,
		    struct netlink_ext_ack *extack)
{
	u8 expected;
	int err = 0;

	mutex_lock(&g->mutex);
	expected = colo_expected(g);
	if (msg != expected) {
		/* NL_SET_ERR_MSG() takes literals only */
		if (extack)
			extack->_msg = colo_unexpected[msg][expected];
		err = -EPROTO;
		goto out;
	}

	switch (msg) {
	case COLO_MSG_CHECKPOINT_READY:
		WRITE_ONCE(g->failed_over, false);
		WRITE_ONCE(g->state, COLO_STATE_COMPARING);
		break;
	case COLO_MSG_CHECKPOINT_REQUEST:
		/* sends its own event */
		colo_proto_request(g, COLO_REASON_MANUAL, NULL);
		goto out;
	case COLO_MSG_VMSTATE_RECEIVED:
		/* the secondary has the primary's state: what the primary
		 * sent is now safe to show, what the secondary sent is moot
		 */
		colo_flush_all(g);
		fallthrough;
	case COLO_MSG_CHECKPOINT_REPLY:
	case COLO_MSG_VMSTATE_SEND:
	case COLO_MSG_VMSTATE_SIZE:
		colo_step_accepted(g, msg);
		break;
	case COLO_MSG_VMSTATE_LOADED:
		WRITE_ONCE(g->step, COLO_MSG_NONE);
		WRITE_ONCE(g->reason, COLO_REASON_NONE);
		WRITE_ONCE(g->state, COLO_STATE_COMPARING);
		atomic64_inc(&g->stats.checkpoints_done);
		break;
	}
	colo_nl_step_event(g, msg, NULL, vmstate_size);
out:
	mutex_unlock(&g->mutex);
	/* compare what arrived meanwhile, or sleep until the next deadline */
	colo_group_kick(g);
	return err;
}

/* Passthrough for good: until checkpoint-ready pairs the group again. */
static void colo_failover_locked(struct colo_group *g, u8 reason)
{
	colo_group_go_passthrough(g);
	WRITE_ONCE(g->failed_over, true);
	atomic64_inc(&g->stats.failovers);
	colo_nl_failover_event(g, reason);
}

int colo_proto_failover(struct colo_group *g, u8 reason,
			struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&g->mutex);
	if (g->state == COLO_STATE_PASSTHROUGH) {
		NL_SET_ERR_MSG_MOD(extack,
				   "unexpected failover: the group is in passthrough");
		err = -EPROTO;
	} else {
		colo_failover_locked(g, reason);
	}
	mutex_unlock(&g->mutex);
	colo_group_kick(g);
	return err;
}

/*
 * Worker: a transaction whose next step is overdue fails over, so a dead
 * or stuck agent never leaves the client waiting on held packets.
 */
void colo_proto_check_stall(struct colo_group *g)
{
	lockdep_assert_held(&g->mutex);
	if (g->state == COLO_STATE_CHECKPOINT &&
	    time_after_eq(jiffies, g->step_deadline))
		colo_failover_locked(g, COLO_REASON_STALLED);
}

/* Worker, lockless: how long it may sleep before a step is overdue. */
long colo_proto_sleep(const struct colo_group *g)
{
	long left;

	if (READ_ONCE(g->state) != COLO_STATE_CHECKPOINT)
		return MAX_SCHEDULE_TIMEOUT;
	left = (long)(READ_ONCE(g->step_deadline) - jiffies);
	return left > 0 ? left : 0;
}

/* A transaction ends without failover when the mode is set by hand. */
void colo_proto_reset(struct colo_group *g)
{
	WRITE_ONCE(g->step, COLO_MSG_NONE);
	WRITE_ONCE(g->reason, COLO_REASON_NONE);
}
