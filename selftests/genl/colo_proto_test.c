// SPDX-License-Identifier: GPL-2.0
/*
 * The COLO command protocol over the "colo" family, as an agent sees it:
 * every valid transition, every step out of order (it must fail with
 * -EPROTO, name what was expected and what came, and change nothing),
 * failover, the stall timeout, events, namespaces and privileges.
 * Packets are not involved here: selftests/colo_agent.sh checks what a
 * checkpoint releases.
 */
#include "colo_genl.h"

#define NO_STEP		0xff

static const char *const msg_name[] = {
	"checkpoint-ready", "checkpoint-request", "checkpoint-reply",
	"vmstate-send", "vmstate-size", "vmstate-received", "vmstate-loaded",
};

static const __u8 msg_cmd[] = {
	COLO_CMD_CHECKPOINT_READY, COLO_CMD_CHECKPOINT_REQUEST,
	COLO_CMD_CHECKPOINT_REPLY, COLO_CMD_VMSTATE_SEND,
	COLO_CMD_VMSTATE_SIZE, COLO_CMD_VMSTATE_RECEIVED,
	COLO_CMD_VMSTATE_LOADED,
};

#define NMSG ((int)(sizeof(msg_cmd) / sizeof(msg_cmd[0])))

/* One protocol message for group id (size only for vmstate-size). */
static int step(struct __test_metadata *_metadata, struct nl *nl, __u32 id,
		int msg, struct ack *ack)
{
	__u64 size = 5ULL << 32;	/* needs all 64 bits */
	struct req r;

	req_init(&r, colo.id, msg_cmd[msg]);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	if (msg == COLO_MSG_VMSTATE_SIZE)
		req_put(&r, COLO_A_GROUP_VMSTATE_SIZE, &size, sizeof(size));
	return genl_do(_metadata, nl, &r, ack, NULL, 0);
}

static int failover(struct __test_metadata *_metadata, struct nl *nl,
		    __u32 id, struct ack *ack)
{
	struct req r;

	req_init(&r, colo.id, COLO_CMD_FAILOVER);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	return genl_do(_metadata, nl, &r, ack, NULL, 0);
}

static int set_u32(struct __test_metadata *_metadata, struct nl *nl,
		   __u8 cmd, __u32 id, __u16 type, __u32 v, struct ack *ack)
{
	struct req r;

	req_init(&r, colo.id, cmd);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	req_put_u32(&r, type, v);
	return genl_do(_metadata, nl, &r, ack, NULL, 0);
}

static int set_mode(struct __test_metadata *_metadata, struct nl *nl,
		    __u32 id, __u8 mode, struct ack *ack)
{
	struct req r;

	req_init(&r, colo.id, COLO_CMD_GROUP_SET);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	req_put_u8(&r, COLO_A_GROUP_MODE, mode);
	return genl_do(_metadata, nl, &r, ack, NULL, 0);
}

/*
 * Where a group stands, as a position in the protocol: 0 passthrough,
 * 1 comparing, 1 + m checkpoint after message m (request .. received).
 */
static int position(struct __test_metadata *_metadata, struct nl *nl,
		    __u32 id)
{
	struct group_reply g;

	EXPECT_EQ(0, group_get(_metadata, nl, id, &g, NULL));
	switch (g.state) {
	case COLO_STATE_PASSTHROUGH:
		EXPECT_EQ(NO_STEP, g.step);
		return 0;
	case COLO_STATE_COMPARING:
		EXPECT_EQ(NO_STEP, g.step);
		return 1;
	default:
		EXPECT_EQ(COLO_STATE_CHECKPOINT, g.state);
		EXPECT_NE(NO_STEP, g.step);
		return 1 + g.step;
	}
}

/* The message a group at position pos accepts. */
static int expected_at(int pos)
{
	return pos == 0 ? COLO_MSG_CHECKPOINT_READY :
	       pos == 1 ? COLO_MSG_CHECKPOINT_REQUEST : pos;
}

/* Events: a socket on the "events" group. */
struct event {
	__u8 cmd;
	__u32 id;
	int state;		/* -1: absent */
	int step;		/* -1: absent */
	int reason;		/* -1: absent */
	bool failed_over;
	bool flow;
	__u64 size;
};

/*
 * Bound first: an unbound socket has port id 0, the kernel's own, and
 * netlink does not deliver a broadcast back to its sender's port.
 */
static int events_bind_join(int fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	return mcast_join(fd, colo.grp_id);
}

static void events_open(struct __test_metadata *_metadata, struct nl *ev)
{
	struct timeval tv = { .tv_sec = 5 };

	ASSERT_EQ(0, nl_open(ev));
	ASSERT_EQ(0, events_bind_join(ev->fd));
	ASSERT_EQ(0, setsockopt(ev->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
}

static void event_next(struct __test_metadata *_metadata, struct nl *ev,
		       struct event *e)
{
	static char buf[RECV_SIZE] __attribute__((aligned(8)));
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	size_t len = nl_recv(_metadata, ev, buf);

	ASSERT_LE(NLMSG_LENGTH(GENL_HDRLEN), len);
	ASSERT_EQ(colo.id, nlh->nlmsg_type);
	ASSERT_EQ(0U, nlh->nlmsg_seq);
	ASSERT_TRUE(attr_parse((const char *)gh + GENL_HDRLEN,
			       nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
			       tb, COLO_A_GROUP_MAX));
	memset(e, 0, sizeof(*e));
	e->cmd = gh->cmd;
	e->id = attr_get(_metadata, tb, COLO_A_GROUP_ID, 4);
	e->state = tb[COLO_A_GROUP_STATE] ?
		   (int)attr_get(_metadata, tb, COLO_A_GROUP_STATE, 1) : -1;
	e->step = tb[COLO_A_GROUP_STEP] ?
		  (int)attr_get(_metadata, tb, COLO_A_GROUP_STEP, 1) : -1;
	e->reason = tb[COLO_A_GROUP_REASON] ?
		    (int)attr_get(_metadata, tb, COLO_A_GROUP_REASON, 1) : -1;
	e->failed_over = tb[COLO_A_GROUP_FAILED_OVER] != NULL;
	e->flow = tb[COLO_A_GROUP_FLOW] != NULL;
	if (tb[COLO_A_GROUP_VMSTATE_SIZE])
		e->size = attr_get(_metadata, tb, COLO_A_GROUP_VMSTATE_SIZE, 8);
}

/* Nothing (more) on the events socket within ms. */
static bool events_quiet(struct nl *ev, int ms)
{
	struct timeval tv = { .tv_usec = ms * 1000 };
	char buf[256];
	ssize_t n;

	setsockopt(ev->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(ev->fd, buf, sizeof(buf), 0);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void full_transaction(struct __test_metadata *_metadata,
			     struct nl *nl, __u32 id)
{
	int m;

	for (m = COLO_MSG_CHECKPOINT_REQUEST; m < NMSG; m++)
		ASSERT_EQ(0, step(_metadata, nl, id, m, NULL))
			TH_LOG("%s", msg_name[m]);
}

TEST_F(colo, every_step_in_order_walks_the_states_and_counts)
{
	struct group_reply g;
	int m;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 1, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ((__u32)COLO_CKPT_TIMEOUT_MS_DEFAULT, g.ckpt_timeout_ms);
	EXPECT_FALSE(g.failed_over);

	ASSERT_EQ(0, step(_metadata, &self->nl, 1, COLO_MSG_CHECKPOINT_READY,
			  NULL));
	EXPECT_EQ(1, position(_metadata, &self->nl, 1));

	for (m = COLO_MSG_CHECKPOINT_REQUEST; m < COLO_MSG_VMSTATE_LOADED; m++) {
		ASSERT_EQ(0, step(_metadata, &self->nl, 1, m, NULL))
			TH_LOG("%s", msg_name[m]);
		ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
		EXPECT_EQ(COLO_STATE_CHECKPOINT, g.state);
		EXPECT_EQ(m, g.step);
		EXPECT_EQ(COLO_REASON_MANUAL, g.reason);
	}
	ASSERT_EQ(0, step(_metadata, &self->nl, 1, COLO_MSG_VMSTATE_LOADED,
			  NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
	EXPECT_EQ(COLO_STATE_COMPARING, g.state);
	EXPECT_EQ(NO_STEP, g.step);
	EXPECT_EQ(0, g.reason);
	EXPECT_EQ(1U, g.stats[COLO_A_STATS_CHECKPOINTS]);
	EXPECT_EQ(1U, g.stats[COLO_A_STATS_CHECKPOINTS_DONE]);
	EXPECT_EQ(0U, g.stats[COLO_A_STATS_FAILOVERS]);

	/* and again: a group runs transaction after transaction */
	full_transaction(_metadata, &self->nl, 1);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
	EXPECT_EQ(COLO_STATE_COMPARING, g.state);
	EXPECT_EQ(2U, g.stats[COLO_A_STATS_CHECKPOINTS_DONE]);
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 1, NULL));
}

/*
 * At every position, every other message (a duplicate of the last one
 * included) fails with -EPROTO and "unexpected <got>, expected <exp>",
 * and the group stays where it was.
 */
TEST_F(colo, every_step_out_of_order_fails_eproto_and_changes_nothing)
{
	char want[128];
	struct ack ack;
	int pos, m, tried = 0;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 2, 0, NULL));
	for (pos = 0; pos <= COLO_MSG_VMSTATE_RECEIVED + 1; pos++) {
		int exp = expected_at(pos);

		ASSERT_EQ(pos, position(_metadata, &self->nl, 2));
		for (m = 0; m < NMSG; m++) {
			if (m == exp)
				continue;
			EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 2, m,
						&ack))
				TH_LOG("%s at position %d", msg_name[m], pos);
			snprintf(want, sizeof(want),
				 "colo_compare: unexpected %s, expected %s",
				 msg_name[m], msg_name[exp]);
			EXPECT_STREQ(want, ack.msg);
			EXPECT_EQ(pos, position(_metadata, &self->nl, 2));
			tried++;
		}
		ASSERT_EQ(0, step(_metadata, &self->nl, 2, exp, NULL))
			TH_LOG("%s at position %d", msg_name[exp], pos);
	}
	EXPECT_EQ(7 * 6, tried);
	/* loaded: comparing again */
	EXPECT_EQ(1, position(_metadata, &self->nl, 2));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 2, NULL));
}

TEST_F(colo, steps_for_a_missing_group_fail_enoent)
{
	struct ack ack;
	int m;

	NEED_FAMILY();
	for (m = 0; m < NMSG; m++) {
		EXPECT_EQ(-ENOENT, step(_metadata, &self->nl, 3, m, &ack))
			TH_LOG("%s", msg_name[m]);
		EXPECT_NE('\0', ack.msg[0]);
	}
	EXPECT_EQ(-ENOENT, failover(_metadata, &self->nl, 3, NULL));
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, vmstate_size_needs_its_size_and_wrong_sizes_are_rejected)
{
	struct ack ack;
	struct req r;
	__u32 small = 7;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 4, 0, NULL));
	for (int m = 0; m <= COLO_MSG_VMSTATE_SEND; m++)
		ASSERT_EQ(0, step(_metadata, &self->nl, 4, m, NULL));

	req_init(&r, colo.id, COLO_CMD_VMSTATE_SIZE);
	req_put_u32(&r, COLO_A_GROUP_ID, 4);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(COLO_A_GROUP_VMSTATE_SIZE, ack.miss_type);

	/* a u32 where the u64 goes */
	req_init(&r, colo.id, COLO_CMD_VMSTATE_SIZE);
	req_put_u32(&r, COLO_A_GROUP_ID, 4);
	req_put(&r, COLO_A_GROUP_VMSTATE_SIZE, &small, sizeof(small));
	EXPECT_GT(0, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_LT(0, ack.offs);

	/* still waiting for vmstate-size */
	EXPECT_EQ(1 + COLO_MSG_VMSTATE_SEND,
		  position(_metadata, &self->nl, 4));
	EXPECT_EQ(0, step(_metadata, &self->nl, 4, COLO_MSG_VMSTATE_SIZE,
			  NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 4, NULL));
}

TEST_F(colo, failover_is_for_good_until_checkpoint_ready)
{
	struct group_reply g;
	struct ack ack;
	int m;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 5, 0, NULL));
	/* not paired yet: nothing to fail over */
	EXPECT_EQ(-EPROTO, failover(_metadata, &self->nl, 5, &ack));
	EXPECT_NE('\0', ack.msg[0]);

	/* from comparing */
	ASSERT_EQ(0, step(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, failover(_metadata, &self->nl, 5, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_TRUE(g.failed_over);
	EXPECT_EQ(1U, g.stats[COLO_A_STATS_FAILOVERS]);

	/* after failover: only checkpoint-ready, and no pairing by hand */
	for (m = 1; m < NMSG; m++)
		EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 5, m, NULL));
	EXPECT_EQ(-EPROTO, failover(_metadata, &self->nl, 5, NULL));
	EXPECT_EQ(-EPROTO, set_mode(_metadata, &self->nl, 5,
				    COLO_STATE_COMPARING, &ack));
	EXPECT_NE(NULL, strstr(ack.msg, "checkpoint-ready"));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_TRUE(g.failed_over);

	/* a new pairing, then failover in the middle of a transaction */
	ASSERT_EQ(0, step(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(COLO_STATE_COMPARING, g.state);
	EXPECT_FALSE(g.failed_over);
	for (m = 1; m <= COLO_MSG_VMSTATE_SIZE; m++)
		ASSERT_EQ(0, step(_metadata, &self->nl, 5, m, NULL));
	ASSERT_EQ(0, failover(_metadata, &self->nl, 5, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ(NO_STEP, g.step);
	EXPECT_TRUE(g.failed_over);
	EXPECT_EQ(2U, g.stats[COLO_A_STATS_FAILOVERS]);
	EXPECT_EQ(0U, g.stats[COLO_A_STATS_CHECKPOINTS_DONE]);
	EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 5,
				COLO_MSG_VMSTATE_RECEIVED, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 5, NULL));
}

TEST_F(colo, mode_by_hand_does_not_skip_or_fake_protocol_steps)
{
	struct group_reply g;
	struct ack ack;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 6, 0, NULL));
	ASSERT_EQ(0, set_mode(_metadata, &self->nl, 6, COLO_STATE_COMPARING,
			      NULL));
	ASSERT_EQ(0, step(_metadata, &self->nl, 6, 1, NULL));
	/* an outstanding checkpoint is not ended by "comparing" */
	EXPECT_EQ(-EBUSY, set_mode(_metadata, &self->nl, 6,
				   COLO_STATE_COMPARING, &ack));
	EXPECT_NE('\0', ack.msg[0]);
	EXPECT_EQ(2, position(_metadata, &self->nl, 6));
	/* passthrough ends it (no failover) */
	ASSERT_EQ(0, set_mode(_metadata, &self->nl, 6, COLO_STATE_PASSTHROUGH,
			      NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 6, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ(NO_STEP, g.step);
	EXPECT_FALSE(g.failed_over);
	EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 6, 2, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 6, NULL));
}

TEST_F(colo, ckpt_timeout_reads_back_and_out_of_range_is_rejected)
{
	struct group_reply g;
	struct ack ack;

	NEED_FAMILY();
	ASSERT_EQ(0, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_NEW, 7,
			     COLO_A_GROUP_CKPT_TIMEOUT_MS, 1500, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 7, &g, NULL));
	EXPECT_EQ(1500U, g.ckpt_timeout_ms);
	EXPECT_EQ(-ERANGE, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_SET, 7,
				   COLO_A_GROUP_CKPT_TIMEOUT_MS,
				   COLO_CKPT_TIMEOUT_MS_MIN - 1, &ack));
	EXPECT_LT(0, ack.offs);
	EXPECT_EQ(-ERANGE, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_SET, 7,
				   COLO_A_GROUP_CKPT_TIMEOUT_MS,
				   COLO_CKPT_TIMEOUT_MS_MAX + 1, NULL));
	EXPECT_EQ(-ERANGE, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_NEW, 8,
				   COLO_A_GROUP_CKPT_TIMEOUT_MS, 0, NULL));
	EXPECT_EQ(0, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_SET, 7,
			     COLO_A_GROUP_CKPT_TIMEOUT_MS,
			     COLO_CKPT_TIMEOUT_MS_MAX, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 7, &g, NULL));
	EXPECT_EQ((__u32)COLO_CKPT_TIMEOUT_MS_MAX, g.ckpt_timeout_ms);
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 8, &g, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 7, NULL));
}

/* Each accepted step is one event, in order, with the state after it. */
TEST_F(colo, each_step_and_group_change_is_one_event_in_order)
{
	struct nl ev = { .fd = -1 };
	struct event e;
	int m;

	NEED_FAMILY();
	events_open(_metadata, &ev);
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 9, 0, NULL));
	event_next(_metadata, &ev, &e);
	EXPECT_EQ(COLO_CMD_GROUP_NEW, e.cmd);
	EXPECT_EQ(9U, e.id);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, e.state);

	/* a rejected step is silent */
	EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 9, 2, NULL));
	for (m = 0; m < NMSG; m++) {
		ASSERT_EQ(0, step(_metadata, &self->nl, 9, m, NULL));
		event_next(_metadata, &ev, &e);
		EXPECT_EQ(msg_cmd[m], e.cmd) TH_LOG("%s", msg_name[m]);
		EXPECT_EQ(9U, e.id);
		if (m == COLO_MSG_CHECKPOINT_READY ||
		    m == COLO_MSG_VMSTATE_LOADED) {
			EXPECT_EQ(COLO_STATE_COMPARING, e.state);
			EXPECT_EQ(-1, e.step);
		} else {
			EXPECT_EQ(COLO_STATE_CHECKPOINT, e.state);
			EXPECT_EQ(m, e.step);
			EXPECT_EQ(COLO_REASON_MANUAL, e.reason);
		}
		EXPECT_FALSE(e.flow);
		EXPECT_EQ(m == COLO_MSG_VMSTATE_SIZE ? 5ULL << 32 : 0, e.size);
	}
	ASSERT_EQ(0, failover(_metadata, &self->nl, 9, NULL));
	event_next(_metadata, &ev, &e);
	EXPECT_EQ(COLO_CMD_FAILOVER, e.cmd);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, e.state);
	EXPECT_EQ(COLO_REASON_MANUAL, e.reason);
	EXPECT_TRUE(e.failed_over);

	ASSERT_EQ(0, group_set(_metadata, &self->nl, 9, 2000, NULL));
	event_next(_metadata, &ev, &e);
	EXPECT_EQ(COLO_CMD_GROUP_SET, e.cmd);
	EXPECT_TRUE(e.failed_over);
	ASSERT_EQ(0, group_del(_metadata, &self->nl, 9, NULL));
	event_next(_metadata, &ev, &e);
	EXPECT_EQ(COLO_CMD_GROUP_DEL, e.cmd);
	EXPECT_EQ(9U, e.id);
	EXPECT_EQ(-1, e.state);
	EXPECT_TRUE(events_quiet(&ev, 300));
	nl_close(&ev);
}

/* A step that does not come in time: failover, said by an event. */
TEST_F(colo, stalled_transaction_fails_over_with_an_event)
{
	struct nl ev = { .fd = -1 };
	struct group_reply g;
	struct event e;
	int tries;

	NEED_FAMILY();
	ASSERT_EQ(0, set_u32(_metadata, &self->nl, COLO_CMD_GROUP_NEW, 10,
			     COLO_A_GROUP_CKPT_TIMEOUT_MS, 300, NULL));
	ASSERT_EQ(0, step(_metadata, &self->nl, 10, 0, NULL));
	/* steps in time keep it alive: each one restarts the clock */
	ASSERT_EQ(0, step(_metadata, &self->nl, 10, 1, NULL));
	usleep(200 * 1000);
	ASSERT_EQ(0, step(_metadata, &self->nl, 10, 2, NULL));
	usleep(200 * 1000);
	ASSERT_EQ(0, step(_metadata, &self->nl, 10, 3, NULL));

	events_open(_metadata, &ev);
	/* now nothing more comes */
	event_next(_metadata, &ev, &e);
	EXPECT_EQ(COLO_CMD_FAILOVER, e.cmd);
	EXPECT_EQ(10U, e.id);
	EXPECT_EQ(COLO_REASON_STALLED, e.reason);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, e.state);
	EXPECT_TRUE(e.failed_over);
	for (tries = 0; tries < 50; tries++) {
		ASSERT_EQ(0, group_get(_metadata, &self->nl, 10, &g, NULL));
		if (g.state == COLO_STATE_PASSTHROUGH)
			break;
		usleep(20 * 1000);
	}
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_TRUE(g.failed_over);
	EXPECT_EQ(1U, g.stats[COLO_A_STATS_FAILOVERS]);
	EXPECT_EQ(-EPROTO, step(_metadata, &self->nl, 10, 4, NULL));
	/* a new pairing works as usual */
	ASSERT_EQ(0, step(_metadata, &self->nl, 10, 0, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 10, NULL));
	nl_close(&ev);
}

struct ns_result {
	int steps[NMSG];
	int fail;
	bool event_seen;
};

/* Another netns neither sees nor drives this one's groups. */
TEST_F(colo, steps_and_events_stay_in_their_netns)
{
	struct ns_result *res = shared_page(_metadata);
	int sync[2], m;
	char c;
	pid_t pid;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 11, 0, NULL));
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct nl nl, ev = { .fd = -1 };
		struct timeval tv = { .tv_usec = 500 * 1000 };
		char buf[512];

		if (unshare(CLONE_NEWNET) || nl_open(&nl) || nl_open(&ev) ||
		    events_bind_join(ev.fd))
			_exit(3);
		setsockopt(ev.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (m = 0; m < NMSG; m++)
			res->steps[m] = step(_metadata, &nl, 11, m, NULL);
		res->fail = failover(_metadata, &nl, 11, NULL);
		if (write(sync[1], "x", 1) != 1)
			_exit(3);
		res->event_seen = recv(ev.fd, buf, sizeof(buf), 0) > 0;
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	/* the parent's group moves; the child must not hear of it */
	ASSERT_EQ(0, step(_metadata, &self->nl, 11, 0, NULL));
	wait_child(_metadata, pid);
	for (m = 0; m < NMSG; m++)
		EXPECT_EQ(-ENOENT, res->steps[m]) TH_LOG("%s", msg_name[m]);
	EXPECT_EQ(-ENOENT, res->fail);
	EXPECT_FALSE(res->event_seen);
	EXPECT_EQ(1, position(_metadata, &self->nl, 11));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 11, NULL));
	close(sync[0]);
	close(sync[1]);
}

struct unpriv_steps {
	int nobody[NMSG];
	int nobody_failover;
	int unshare_err;
	int own[NMSG];		/* userns root, own netns: allowed */
	int parent[NMSG];	/* userns root, the parent's netns: not */
};

TEST_F(colo, unprivileged_users_cannot_drive_the_protocol)
{
	struct unpriv_steps *res = shared_page(_metadata);
	struct group_reply g;
	pid_t pid;
	int m;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 12, 0, NULL));
	ASSERT_EQ(0, step(_metadata, &self->nl, 12, 0, NULL));

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl a, b;

		if (nl_open(&a))
			_exit(3);
		/* in order, so only privileges can refuse them */
		for (m = 1; m < NMSG; m++)
			res->nobody[m] = step(_metadata, &a, 12, m, NULL);
		res->nobody_failover = failover(_metadata, &a, 12, NULL);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			res->unshare_err = -errno;
			_exit(0);
		}
		if (nl_open(&b) || group_new(_metadata, &b, 12, 0, NULL))
			_exit(3);
		for (m = 0; m < NMSG; m++) {
			res->own[m] = step(_metadata, &b, 12, m, NULL);
			if (m)
				res->parent[m] = step(_metadata, &a, 12, m,
						      NULL);
		}
		_exit(0);
	}
	wait_child(_metadata, pid);
	for (m = 1; m < NMSG; m++)
		EXPECT_EQ(-EPERM, res->nobody[m]) TH_LOG("%s", msg_name[m]);
	EXPECT_EQ(-EPERM, res->nobody_failover);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 12, &g, NULL));
	EXPECT_EQ(COLO_STATE_COMPARING, g.state);
	EXPECT_EQ(0U, g.stats[COLO_A_STATS_CHECKPOINTS]);
	EXPECT_FALSE(g.failed_over);
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 12, NULL));
	if (res->unshare_err)
		SKIP(return, "unprivileged user namespaces unavailable: %s",
		     strerror(-res->unshare_err));
	for (m = 0; m < NMSG; m++)
		EXPECT_EQ(0, res->own[m]) TH_LOG("own netns: %s", msg_name[m]);
	for (m = 1; m < NMSG; m++)
		EXPECT_EQ(-EPERM, res->parent[m])
			TH_LOG("parent netns: %s", msg_name[m]);
}

TEST_HARNESS_MAIN
