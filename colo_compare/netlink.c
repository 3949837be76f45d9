// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "colo": group configuration and state.
 *
 * Per network namespace (.netnsok); every op validates strictly against
 * the family policy; ops that change anything need CAP_NET_ADMIN in the
 * user namespace owning the netns.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/colo.h>

#include "compat.h"
#include "group.h"
#include "netlink.h"

static struct genl_family colo_genl_family;

/* not const: 6.1 policies point to a mutable range */
static struct netlink_range_validation colo_timeout_range = {
	.min = 1,
	.max = COLO_TIMEOUT_MS_MAX,
};

static const struct nla_policy colo_group_policy[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[COLO_A_GROUP_STATE]		= { .type = NLA_REJECT },
	[COLO_A_GROUP_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_timeout_range),
	[COLO_A_GROUP_ACTIONS]		= { .type = NLA_REJECT },
	[COLO_A_GROUP_STATS]		= { .type = NLA_REJECT },
};

static int colo_put_stats(struct sk_buff *msg, struct colo_group *g)
{
	struct nlattr *nest;
	u64 held_packets, held_bytes;

	spin_lock_bh(&g->held.lock);
	held_packets = skb_queue_len(&g->held);
	held_bytes = g->held_bytes;
	spin_unlock_bh(&g->held.lock);

	nest = nla_nest_start(msg, COLO_A_GROUP_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, COLO_A_STATS_PRIMARY_PACKETS,
			      atomic64_read(&g->stats.primary_packets),
			      COLO_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, COLO_A_STATS_SECONDARY_PACKETS,
			      atomic64_read(&g->stats.secondary_packets),
			      COLO_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, COLO_A_STATS_RELEASED,
			      atomic64_read(&g->stats.released),
			      COLO_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, COLO_A_STATS_DROPPED,
			      atomic64_read(&g->stats.dropped),
			      COLO_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, COLO_A_STATS_HELD_PACKETS, held_packets,
			      COLO_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, COLO_A_STATS_HELD_BYTES, held_bytes,
			      COLO_A_STATS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int colo_group_fill(struct sk_buff *msg, struct colo_group *g,
			   u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &colo_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, COLO_A_GROUP_ID, g->id) ||
	    nla_put_u8(msg, COLO_A_GROUP_STATE, READ_ONCE(g->state)) ||
	    nla_put_u32(msg, COLO_A_GROUP_TIMEOUT_MS,
			READ_ONCE(g->timeout_ms)) ||
	    nla_put_u32(msg, COLO_A_GROUP_ACTIONS, atomic_read(&g->actions)) ||
	    colo_put_stats(msg, g)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static u32 colo_get_timeout(struct genl_info *info, u32 dflt)
{
	struct nlattr *a = info->attrs[COLO_A_GROUP_TIMEOUT_MS];

	return a ? nla_get_u32(a) : dflt;
}

static int colo_nl_group_new(struct sk_buff *skb, struct genl_info *info)
{
	struct colo_group *g;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;

	g = colo_group_create(genl_info_net(info), nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
			      colo_get_timeout(info, COLO_TIMEOUT_MS_DEFAULT),
			      info->extack);
	return PTR_ERR_OR_ZERO(g);
}

static int colo_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;
	return colo_group_delete(genl_info_net(info),
				 nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
				 info->extack);
}

static int colo_nl_group_set(struct sk_buff *skb, struct genl_info *info)
{
	struct colo_net *cn = colo_net(genl_info_net(info));
	struct colo_group *g;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;

	mutex_lock(&cn->lock);
	g = colo_group_find(cn, nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
			    info->extack);
	if (!g)
		err = -ENOENT;
	else
		WRITE_ONCE(g->timeout_ms, colo_get_timeout(info, g->timeout_ms));
	mutex_unlock(&cn->lock);
	return err;
}

static int colo_nl_group_get(struct sk_buff *skb, struct genl_info *info)
{
	struct colo_net *cn = colo_net(genl_info_net(info));
	struct colo_group *g;
	struct sk_buff *msg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&cn->lock);
	g = colo_group_find(cn, nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
			    info->extack);
	if (!g)
		err = -ENOENT;
	else
		err = colo_group_fill(msg, g, info->snd_portid, info->snd_seq,
				      0, COLO_CMD_GROUP_GET);
	mutex_unlock(&cn->lock);

	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the lowest group id not dumped yet. */
static int colo_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct colo_net *cn = colo_net(sock_net(skb->sk));
	struct colo_group *g;
	unsigned long id;
	int err = 0;

	mutex_lock(&cn->lock);
	xa_for_each_start(&cn->groups, id, g, cb->args[0]) {
		err = colo_group_fill(skb, g, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      COLO_CMD_GROUP_GET);
		if (err)
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&cn->lock);

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static const struct genl_small_ops colo_genl_ops[] = {
	{
		.cmd	= COLO_CMD_GROUP_NEW,
		.doit	= colo_nl_group_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	}, {
		.cmd	= COLO_CMD_GROUP_DEL,
		.doit	= colo_nl_group_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	}, {
		.cmd	= COLO_CMD_GROUP_GET,
		.doit	= colo_nl_group_get,
		.dumpit	= colo_nl_group_dump,
	}, {
		.cmd	= COLO_CMD_GROUP_SET,
		.doit	= colo_nl_group_set,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group colo_mcgrps[] = {
	{
		.name = COLO_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		/* events name flows and carry checkpoint state */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

static struct genl_family colo_genl_family __ro_after_init = {
	.name		= COLO_FAMILY_NAME,
	.version	= COLO_FAMILY_VERSION,
	.maxattr	= COLO_A_GROUP_MAX,
	.policy		= colo_group_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= colo_genl_ops,
	.n_small_ops	= ARRAY_SIZE(colo_genl_ops),
	.mcgrps		= colo_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(colo_mcgrps),
	/* .resv_start_op 0: strict validation of every command */
};

int colo_genl_register(void)
{
	return genl_register_family(&colo_genl_family);
}

void colo_genl_unregister(void)
{
	genl_unregister_family(&colo_genl_family);
}
