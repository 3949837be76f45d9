// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "colo" (colo_compare.ko) as any client sees
 * it: groups, validation, namespaces and privileges.  The checkpoint
 * protocol has its own program, colo_proto_test.c.
 */
#include "colo_genl.h"

TEST_F(colo, family_resolves_with_its_ops_and_events_mcgrp)
{
	static const __u8 mutating[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_DEL, COLO_CMD_GROUP_SET,
		COLO_CMD_CHECKPOINT_REQUEST, COLO_CMD_CHECKPOINT_READY,
		COLO_CMD_CHECKPOINT_REPLY, COLO_CMD_VMSTATE_SEND,
		COLO_CMD_VMSTATE_SIZE, COLO_CMD_VMSTATE_RECEIVED,
		COLO_CMD_VMSTATE_LOADED, COLO_CMD_FAILOVER,
	};
	struct family here;
	unsigned int i;

	NEED_FAMILY();
	EXPECT_EQ((__u32)COLO_FAMILY_VERSION, colo.version);
	EXPECT_EQ((__u32)COLO_A_GROUP_MAX, colo.maxattr);
	EXPECT_FALSE(colo.has_op[COLO_CMD_UNSPEC]);
	for (i = 0; i < sizeof(mutating); i++) {
		__u32 f = colo.op_flags[mutating[i]];

		ASSERT_TRUE(colo.has_op[mutating[i]]) TH_LOG("cmd %u", mutating[i]);
		EXPECT_TRUE(!!(f & GENL_UNS_ADMIN_PERM)) TH_LOG("cmd %u", mutating[i]);
		EXPECT_TRUE(!!(f & GENL_CMD_CAP_DO)) TH_LOG("cmd %u", mutating[i]);
		EXPECT_FALSE(!!(f & GENL_CMD_CAP_DUMP)) TH_LOG("cmd %u", mutating[i]);
	}
	ASSERT_TRUE(colo.has_op[COLO_CMD_GROUP_GET]);
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_GROUP_GET] & GENL_CMD_CAP_DO));
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_GROUP_GET] & GENL_CMD_CAP_DUMP));
	EXPECT_FALSE(!!(colo.op_flags[COLO_CMD_GROUP_GET] &
			(GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM)));
	/* flows: a dump, readable without privileges */
	ASSERT_TRUE(colo.has_op[COLO_CMD_FLOW_GET]);
	EXPECT_FALSE(!!(colo.op_flags[COLO_CMD_FLOW_GET] & GENL_CMD_CAP_DO));
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_FLOW_GET] & GENL_CMD_CAP_DUMP));
	/* retired: the protocol steps replace it */
	EXPECT_FALSE(colo.has_op[COLO_CMD_CHECKPOINT_DONE]);
	EXPECT_FALSE(colo.has_op[COLO_CMD_MAX + 1]);
	ASSERT_NE(0U, colo.grp_id) TH_LOG("no \"%s\" multicast group",
					  COLO_MCGRP_EVENTS);

	/* netnsok: the same family, resolved from a fresh namespace */
	ASSERT_EQ(0, family_get(_metadata, &self->nl, COLO_FAMILY_NAME,
				COLO_MCGRP_EVENTS, &here));
	EXPECT_EQ(colo.id, here.id);
	EXPECT_EQ(colo.grp_id, here.grp_id);

	/* root may listen to events */
	EXPECT_EQ(0, mcast_join(self->nl.fd, colo.grp_id));
}

TEST_F(colo, new_group_reads_back_passthrough_defaults_and_zero_stats)
{
	struct group_reply g;
	int i;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 1, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
	EXPECT_EQ(1U, g.id);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ((__u32)COLO_TIMEOUT_MS_DEFAULT, g.timeout_ms);
	EXPECT_EQ(0U, g.actions);
	for (i = COLO_A_STATS_PRIMARY_PACKETS; i <= COLO_A_STATS_MAX; i++)
		EXPECT_EQ(0ULL, g.stats[i]) TH_LOG("stats attribute %d", i);

	ASSERT_EQ(0, group_del(_metadata, &self->nl, 1, NULL));
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 1, &g, NULL));
}

TEST_F(colo, new_with_timeout_reads_back_that_timeout)
{
	static const __u32 timeouts[] = { 12345, 1, COLO_TIMEOUT_MS_MAX };
	struct group_reply g;
	unsigned int i;

	NEED_FAMILY();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, 2 + i,
				       timeouts[i], NULL));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, group_get(_metadata, &self->nl, 2 + i, &g, NULL));
		EXPECT_EQ(2 + i, g.id);
		EXPECT_EQ(timeouts[i], g.timeout_ms);
		EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, group_del(_metadata, &self->nl, 2 + i, NULL));
}

TEST_F(colo, set_changes_timeout_and_keeps_it_when_absent_or_invalid)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, group_set(_metadata, &self->nl, 5, 250, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);

	/* SET without a timeout changes nothing */
	ASSERT_EQ(0, group_set(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);

	/* out of range: refused, value kept */
	EXPECT_NE(0, group_set(_metadata, &self->nl, 5,
			       COLO_TIMEOUT_MS_MAX + 1, &ack));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);

	EXPECT_EQ(0, group_del(_metadata, &self->nl, 5, NULL));
}

TEST_F(colo, new_existing_id_fails_eexist_with_extack_and_keeps_group)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 6, 111, NULL));
	EXPECT_EQ(-EEXIST, group_new(_metadata, &self->nl, 6, 222, &ack));
	EXPECT_TRUE(strstr(ack.msg, "already exists") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	ASSERT_EQ(0, group_get(_metadata, &self->nl, 6, &g, NULL));
	EXPECT_EQ(111U, g.timeout_ms);
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 6, NULL));
}

TEST_F(colo, del_missing_group_fails_enoent_with_extack)
{
	struct ack ack;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_del(_metadata, &self->nl, 7, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* and a second DEL of a deleted group */
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 7, 0, NULL));
	ASSERT_EQ(0, group_del(_metadata, &self->nl, 7, NULL));
	EXPECT_EQ(-ENOENT, group_del(_metadata, &self->nl, 7, NULL));
}

TEST_F(colo, get_missing_group_fails_enoent_with_extack)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 8, &g, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);
}

TEST_F(colo, set_missing_group_fails_enoent_and_creates_nothing)
{
	struct ack ack;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_set(_metadata, &self->nl, 9, 500, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, request_without_id_fails_einval_naming_missing_attr)
{
	static const __u8 cmds[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_DEL,
		COLO_CMD_GROUP_GET, COLO_CMD_GROUP_SET,
	};
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} reply;
	struct ack ack;
	struct req r;
	unsigned int i;

	NEED_FAMILY();
	for (i = 0; i < sizeof(cmds); i++) {
		req_init(&r, colo.id, cmds[i]);
		/* not empty: an attribute the command takes, but no id */
		if (cmds[i] == COLO_CMD_GROUP_NEW ||
		    cmds[i] == COLO_CMD_GROUP_SET)
			req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
		EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack,
					   &reply.nlh, sizeof(reply)))
			TH_LOG("cmd %u", cmds[i]);
		EXPECT_EQ(COLO_A_GROUP_ID, ack.miss_type)
			TH_LOG("cmd %u: NLMSGERR_ATTR_MISS_TYPE", cmds[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, id_zero_is_rejected_by_policy_pointing_at_the_id)
{
	static const __u8 cmds[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_GET,
	};
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} reply;
	struct ack ack;
	struct req r;
	unsigned int i;
	int off, err;

	NEED_FAMILY();
	for (i = 0; i < sizeof(cmds); i++) {
		req_init(&r, colo.id, cmds[i]);
		off = req_put_u32(&r, COLO_A_GROUP_ID, 0);
		err = genl_do(_metadata, &self->nl, &r, &ack, &reply.nlh,
			      sizeof(reply));
		EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
			TH_LOG("cmd %u: %d", cmds[i], err);
		EXPECT_EQ(off, ack.offs) TH_LOG("cmd %u: NLMSGERR_ATTR_OFFS",
						cmds[i]);
		EXPECT_NE(0, ack.msg[0]) TH_LOG("cmd %u: no extack message",
						cmds[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, timeout_out_of_range_is_rejected_and_creates_nothing)
{
	static const __u32 bad[] = { 0, COLO_TIMEOUT_MS_MAX + 1, 0xffffffff };
	struct ack ack;
	struct req r;
	unsigned int i;
	int off, err;

	NEED_FAMILY();
	for (i = 0; i < 3; i++) {
		req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
		req_put_u32(&r, COLO_A_GROUP_ID, 10);
		off = req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, bad[i]);
		err = genl_do(_metadata, &self->nl, &r, &ack, NULL, 0);
		EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
			TH_LOG("timeout %u: %d", bad[i], err);
		EXPECT_EQ(off, ack.offs) TH_LOG("timeout %u: NLMSGERR_ATTR_OFFS",
						bad[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, read_only_attributes_are_rejected_on_input)
{
	struct group_reply g;
	struct ack ack;
	struct req r;
	int off, nest;

	NEED_FAMILY();
	/* NEW + STATE */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u8(&r, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);

	/* NEW + ACTIONS */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u32(&r, COLO_A_GROUP_ACTIONS, 3);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);

	/* NEW + STATS { PRIMARY_PACKETS 5 } */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	nest = req_nest_start(&r, COLO_A_GROUP_STATS);
	req_put(&r, COLO_A_STATS_PRIMARY_PACKETS,
		&(__u64){ 5 }, sizeof(__u64));
	req_nest_end(&r, nest);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(nest, ack.offs);

	EXPECT_EQ(0, group_count(_metadata, &self->nl));

	/* SET + STATE on an existing group changes nothing */
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 11, 0, NULL));
	req_init(&r, colo.id, COLO_CMD_GROUP_SET);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u8(&r, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 11, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 11, NULL));
}

TEST_F(colo, unknown_attribute_types_are_rejected_and_create_nothing)
{
	/* UNSPEC, PAD (no input policy), past the max, far past it */
	static const __u16 types[] = {
		COLO_A_GROUP_UNSPEC, COLO_A_GROUP_PAD,
		COLO_A_GROUP_MAX + 1, 200,
	};
	struct ack ack;
	struct req r;
	unsigned int i;
	int off;

	NEED_FAMILY();
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
		req_put_u32(&r, COLO_A_GROUP_ID, 12);
		off = req_put_u32(&r, types[i], 1);
		EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack,
					   NULL, 0))
			TH_LOG("attribute type %u", types[i]);
		EXPECT_EQ(off, ack.offs) TH_LOG("attribute type %u: %s",
						types[i], ack.msg);
	}

	/* a u32 flagged as a nest */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put_u32(&r, COLO_A_GROUP_ID | NLA_F_NESTED, 12);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, truncated_or_misshapen_attributes_are_rejected)
{
	struct ack ack;
	struct req r;
	int off;

	NEED_FAMILY();
	/* u32 id with a 2-byte payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put(&r, COLO_A_GROUP_ID, "\x0d\x00", 2);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	/* u32 id with an 8-byte payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put(&r, COLO_A_GROUP_ID, &(__u64){ 13 }, 8);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	/* the message ends 2 bytes into the timeout's payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 13);
	req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
	r.nlh.nlmsg_len -= 2;
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	/* an attribute header claiming less than a header */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 13);
	off = req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
	((struct nlattr *)(r.buf + off))->nla_len = 2;
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, bad_genl_header_or_legacy_flags_are_rejected)
{
	struct ack ack;
	struct req r;

	NEED_FAMILY();
	/* genlmsghdr.reserved must be 0 (strict family: resv_start_op 0) */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_genl(&r)->reserved = 1;
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_TRUE(strstr(ack.msg, "reserved") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* rtnetlink-style NLM_F_CREATE | NLM_F_EXCL mean nothing here */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	r.nlh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_TRUE(strstr(ack.msg, "nlmsg_flags") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* shorter than a genl header */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	r.nlh.nlmsg_len = NLMSG_LENGTH(2);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	/* commands the family does not have */
	req_init(&r, colo.id, COLO_CMD_UNSPEC);
	EXPECT_EQ(-EOPNOTSUPP, genl_do(_metadata, &self->nl, &r, &ack,
				       NULL, 0));
	req_init(&r, colo.id, COLO_CMD_MAX + 1);
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EOPNOTSUPP, genl_do(_metadata, &self->nl, &r, &ack,
				       NULL, 0));

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, dump_lists_exactly_the_groups_created_each_once)
{
	static const __u32 made[] = { 3, 70000, 0xffffffff };
	unsigned int i, j, seen;
	__u32 ids[16];
	int n;

	NEED_FAMILY();
	EXPECT_EQ(0, group_dump(_metadata, &self->nl, ids, 16, NULL))
		TH_LOG("a new namespace has no groups");

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, made[i], 0, NULL));
	n = group_dump(_metadata, &self->nl, ids, 16, NULL);
	ASSERT_EQ(3, n);
	for (i = 0; i < 3; i++) {
		for (seen = 0, j = 0; j < 3; j++)
			seen += ids[j] == made[i];
		EXPECT_EQ(1U, seen) TH_LOG("group %u", made[i]);
	}

	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, group_del(_metadata, &self->nl, made[i], NULL));
	EXPECT_EQ(0, group_dump(_metadata, &self->nl, ids, 16, NULL));
}

/* The per-namespace limit (COLO_MAX_GROUPS in the module). */
#define MANY	256

TEST_F_TIMEOUT(colo, namespace_full_of_groups_dumps_each_once_and_refuses_more, 300)
{
	static __u32 ids[2 * MANY];
	unsigned char seen[MANY] = {};
	int i, n, datagrams, dups = 0;
	struct ack ack;

	NEED_FAMILY();
	/* ids 1, 8, 15, ...: sparse, so resuming by id is exercised */
	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, 1 + 7 * i, 0, NULL))
			TH_LOG("group %d", 1 + 7 * i);
	EXPECT_EQ(-ENOSPC, group_new(_metadata, &self->nl, 1 + 7 * MANY, 0,
				     &ack));
	EXPECT_NE(NULL, strstr(ack.msg, "too many groups"))
		TH_LOG("extack \"%s\"", ack.msg);

	n = group_dump(_metadata, &self->nl, ids, 2 * MANY, &datagrams);
	for (i = 0; i < n; i++) {
		__u32 k = (ids[i] - 1) / 7;

		ASSERT_TRUE((ids[i] - 1) % 7 == 0 && k < MANY)
			TH_LOG("dumped id %u was never created", ids[i]);
		if (seen[k]++)
			dups++;
	}
	EXPECT_EQ(0, dups) TH_LOG("groups dumped more than once");
	ASSERT_EQ(MANY, n);
	for (i = 0; i < MANY; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("group %d", 1 + 7 * i);
	EXPECT_LE(2, datagrams) TH_LOG("%d groups fit one datagram?", MANY);

	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, group_del(_metadata, &self->nl, 1 + 7 * i, NULL));
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, group_in_one_netns_is_invisible_in_another)
{
	struct family there;
	struct nl other = { .fd = -1 };
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 42, 1111, NULL));

	/* self->nl stays in namespace A; "other" is opened in B */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&other));
	ASSERT_EQ(0, family_get(_metadata, &other, COLO_FAMILY_NAME, NULL,
				&there));
	EXPECT_EQ(colo.id, there.id);

	EXPECT_EQ(-ENOENT, group_get(_metadata, &other, 42, &g, NULL));
	EXPECT_EQ(-ENOENT, group_set(_metadata, &other, 42, 5, NULL));
	EXPECT_EQ(-ENOENT, group_del(_metadata, &other, 42, NULL));
	EXPECT_EQ(0, group_count(_metadata, &other));

	/* the same id is free in B and independent of A's */
	ASSERT_EQ(0, group_new(_metadata, &other, 42, 2222, NULL));
	ASSERT_EQ(0, group_get(_metadata, &other, 42, &g, NULL));
	EXPECT_EQ(2222U, g.timeout_ms);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 42, &g, NULL));
	EXPECT_EQ(1111U, g.timeout_ms);

	ASSERT_EQ(0, group_del(_metadata, &other, 42, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 42, &g, NULL));
	EXPECT_EQ(1111U, g.timeout_ms);
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 42, NULL));
	nl_close(&other);
}

struct unpriv_result {
	int new_err, set_err, del_err, get_err, dump_n;
	__u32 get_timeout;
};

TEST_F(colo, unprivileged_user_can_read_but_not_change_groups)
{
	struct unpriv_result *res = shared_page(_metadata);
	struct group_reply g;
	pid_t pid;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 50, 4000, NULL));

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl nl;
		struct group_reply cg;

		if (nl_open(&nl))
			_exit(3);
		res->new_err = group_new(_metadata, &nl, 51, 0, NULL);
		res->set_err = group_set(_metadata, &nl, 50, 9, NULL);
		res->del_err = group_del(_metadata, &nl, 50, NULL);
		res->get_err = group_get(_metadata, &nl, 50, &cg, NULL);
		res->get_timeout = res->get_err ? 0 : cg.timeout_ms;
		res->dump_n = group_count(_metadata, &nl);
		_exit(0);
	}
	wait_child(_metadata, pid);
	EXPECT_EQ(-EPERM, res->new_err);
	EXPECT_EQ(-EPERM, res->set_err);
	EXPECT_EQ(-EPERM, res->del_err);
	EXPECT_EQ(0, res->get_err);
	EXPECT_EQ(4000U, res->get_timeout);
	EXPECT_EQ(1, res->dump_n);

	/* nothing changed */
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 50, &g, NULL));
	EXPECT_EQ(4000U, g.timeout_ms);
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 51, &g, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 50, NULL));
}

struct userns_result {
	int unshare_err;
	int new_b, get_b, count_b, del_b;	/* own netns: allowed */
	int new_a, set_a, del_a;		/* parent's netns: not */
};

TEST_F(colo, user_namespace_root_manages_groups_only_in_its_own_netns)
{
	struct userns_result *res = shared_page(_metadata);
	struct group_reply g;
	pid_t pid;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 60, 4000, NULL));

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl a, b;
		struct group_reply cg;

		/* a: in the test's netns, owned by the initial user ns */
		if (nl_open(&a))
			_exit(3);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			res->unshare_err = -errno;
			_exit(0);
		}
		/* b: in a netns owned by our new user ns */
		if (nl_open(&b))
			_exit(3);
		res->new_b = group_new(_metadata, &b, 61, 0, NULL);
		res->get_b = group_get(_metadata, &b, 61, &cg, NULL);
		res->count_b = group_count(_metadata, &b);
		res->del_b = group_del(_metadata, &b, 61, NULL);
		res->new_a = group_new(_metadata, &a, 62, 0, NULL);
		res->set_a = group_set(_metadata, &a, 60, 9, NULL);
		res->del_a = group_del(_metadata, &a, 60, NULL);
		_exit(0);
	}
	wait_child(_metadata, pid);
	if (res->unshare_err) {
		EXPECT_EQ(0, group_del(_metadata, &self->nl, 60, NULL));
		SKIP(return, "unprivileged user namespaces unavailable: %s",
		     strerror(-res->unshare_err));
	}
	EXPECT_EQ(0, res->new_b);
	EXPECT_EQ(0, res->get_b);
	EXPECT_EQ(1, res->count_b);
	EXPECT_EQ(0, res->del_b);
	EXPECT_EQ(-EPERM, res->new_a);
	EXPECT_EQ(-EPERM, res->set_a);
	EXPECT_EQ(-EPERM, res->del_a);

	ASSERT_EQ(0, group_get(_metadata, &self->nl, 60, &g, NULL));
	EXPECT_EQ(4000U, g.timeout_ms);
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 62, &g, NULL));
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 60, NULL));
}

struct join_result {
	int colo_join, colo_bind;
	int mptcp_join;		/* 1: no mptcp_pm events group to probe */
};

TEST_F(colo, unprivileged_user_cannot_join_events_mcgrp)
{
	struct join_result *res = shared_page(_metadata);
	struct family mptcp;
	struct nl root = { .fd = -1 };
	pid_t pid;

	NEED_FAMILY();
	/* Does this kernel enforce GENL_MCAST_CAP_NET_ADMIN at all? */
	if (family_get(_metadata, &self->nl, MPTCP_FAMILY, MPTCP_EVENTS,
		       &mptcp))
		mptcp.grp_id = 0;

	/* root may join */
	ASSERT_EQ(0, nl_open(&root));
	EXPECT_EQ(0, mcast_join(root.fd, colo.grp_id));
	nl_close(&root);

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl nl;

		if (nl_open(&nl))
			_exit(3);
		res->colo_join = mcast_join(nl.fd, colo.grp_id);
		nl_close(&nl);
		if (nl_open(&nl))
			_exit(3);
		res->colo_bind = colo.grp_id <= 32 ?
				 mcast_bind(nl.fd, colo.grp_id) : -EPERM;
		nl_close(&nl);
		res->mptcp_join = 1;
		if (mptcp.grp_id) {
			if (nl_open(&nl))
				_exit(3);
			res->mptcp_join = mcast_join(nl.fd, mptcp.grp_id);
		}
		_exit(0);
	}
	wait_child(_metadata, pid);

	if (res->colo_join == 0 && res->mptcp_join != -EPERM)
		SKIP(return,
		     "kernel without GENL_MCAST_CAP_NET_ADMIN: anyone may listen (mptcp_pm probe: %d)",
		     res->mptcp_join);
	EXPECT_EQ(-EPERM, res->colo_join)
		TH_LOG("the kernel refuses nobody on mptcp_pm_events but colo's events group lets nobody in");
	EXPECT_EQ(-EPERM, res->colo_bind) TH_LOG("join by bind(nl_groups)");
}

TEST_HARNESS_MAIN
