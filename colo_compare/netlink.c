// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "colo": group configuration, state, flows and
 * checkpoint events.
 *
 * Per network namespace (.netnsok); every op validates strictly against
 * its own policy (the attributes its request takes, as in the YNL spec);
 * ops that change anything need CAP_NET_ADMIN in the user namespace
 * owning the netns.  Lock order: colo_net.lock, then
 * colo_group.mutex.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/colo.h>

#include "compat.h"
#include "group.h"
#include "netlink.h"
#include "rewrite.h"

static struct genl_family colo_genl_family;

/* not const: 6.1 policies point to mutable ranges */
static struct netlink_range_validation colo_timeout_range = {
	.min = 1,
	.max = COLO_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation colo_scan_range = {
	.min = COLO_SCAN_MS_MIN,
	.max = COLO_SCAN_MS_MAX,
};

static struct netlink_range_validation colo_limit_range = {
	.min = COLO_LIMIT_MIN,
	.max = U32_MAX,
};

static struct netlink_range_validation colo_ckpt_timeout_range = {
	.min = COLO_CKPT_TIMEOUT_MS_MIN,
	.max = COLO_CKPT_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation colo_flows_range = {
	.min = 1,
	.max = COLO_MAX_FLOWS_MAX,
};

/*
 * Each command takes exactly the attributes its request lists in
 * Documentation/netlink/specs/colo.yaml: anything else is refused
 * (strict validation: unknown or policy-less types are errors).
 */
static const struct nla_policy colo_id_policy[COLO_A_GROUP_ID + 1] = {
	[COLO_A_GROUP_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
};

/* GROUP_NEW, GROUP_SET */
static const struct nla_policy
colo_params_policy[COLO_A_GROUP_CKPT_TIMEOUT_MS + 1] = {
	[COLO_A_GROUP_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[COLO_A_GROUP_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_timeout_range),
	[COLO_A_GROUP_MODE]		= NLA_POLICY_MAX(NLA_U8,
							 COLO_STATE_COMPARING),
	[COLO_A_GROUP_SCAN_MS]		= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_scan_range),
	[COLO_A_GROUP_FLOW_LIMIT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_limit_range),
	[COLO_A_GROUP_GROUP_LIMIT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_limit_range),
	[COLO_A_GROUP_MAX_FLOWS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_flows_range),
	[COLO_A_GROUP_CKPT_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
								&colo_ckpt_timeout_range),
};

static const struct nla_policy
colo_vmstate_size_policy[COLO_A_GROUP_VMSTATE_SIZE + 1] = {
	[COLO_A_GROUP_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[COLO_A_GROUP_VMSTATE_SIZE]	= { .type = NLA_U64 },
};

/* The protocol's commands and the messages they carry. */
static const u8 colo_msg_cmd[__COLO_MSG_MAX] = {
	[COLO_MSG_CHECKPOINT_READY]	= COLO_CMD_CHECKPOINT_READY,
	[COLO_MSG_CHECKPOINT_REQUEST]	= COLO_CMD_CHECKPOINT_REQUEST,
	[COLO_MSG_CHECKPOINT_REPLY]	= COLO_CMD_CHECKPOINT_REPLY,
	[COLO_MSG_VMSTATE_SEND]		= COLO_CMD_VMSTATE_SEND,
	[COLO_MSG_VMSTATE_SIZE]		= COLO_CMD_VMSTATE_SIZE,
	[COLO_MSG_VMSTATE_RECEIVED]	= COLO_CMD_VMSTATE_RECEIVED,
	[COLO_MSG_VMSTATE_LOADED]	= COLO_CMD_VMSTATE_LOADED,
};

static int colo_put_counters(struct sk_buff *msg, struct colo_group *g,
			     const struct colo_rewrite_stats *rw)
{
	const struct {
		int type;
		u64 value;
	} s[] = {
		{ COLO_A_STATS_PRIMARY_PACKETS,
		  atomic64_read(&g->stats.primary_packets) },
		{ COLO_A_STATS_SECONDARY_PACKETS,
		  atomic64_read(&g->stats.secondary_packets) },
		{ COLO_A_STATS_RELEASED, atomic64_read(&g->stats.released) },
		{ COLO_A_STATS_DROPPED, atomic64_read(&g->stats.dropped) },
		{ COLO_A_STATS_HELD_PACKETS, atomic_read(&g->held_primaries) },
		{ COLO_A_STATS_HELD_BYTES, atomic_long_read(&g->held_bytes) },
		{ COLO_A_STATS_COMPARED, atomic64_read(&g->stats.compared) },
		{ COLO_A_STATS_MISCOMPARES,
		  atomic64_read(&g->stats.miscompares) },
		{ COLO_A_STATS_CHECKPOINTS,
		  atomic64_read(&g->stats.checkpoints) },
		{ COLO_A_STATS_TIMEOUTS, atomic64_read(&g->stats.timeouts) },
		{ COLO_A_STATS_FLOWS, READ_ONCE(g->nflows) },
		{ COLO_A_STATS_SECONDARY_HELD,
		  atomic_read(&g->held_secondaries) },
		{ COLO_A_STATS_SECONDARY_DROPPED,
		  atomic64_read(&g->stats.secondary_dropped) },
		{ COLO_A_STATS_CHECKPOINTS_DONE,
		  atomic64_read(&g->stats.checkpoints_done) },
		{ COLO_A_STATS_FAILOVERS, atomic64_read(&g->stats.failovers) },
		{ COLO_A_STATS_RW_FLOWS, rw->flows },
		{ COLO_A_STATS_RW_LEARNED, rw->learned },
		{ COLO_A_STATS_RW_REWRITTEN, rw->rewritten },
		{ COLO_A_STATS_RW_UNKNOWN, rw->unknown },
		{ COLO_A_STATS_RW_UNTRACKED, rw->untracked },
		{ COLO_A_STATS_RW_ERRORS, rw->errors },
		{ COLO_A_STATS_RW_RESETS, rw->resets },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, COLO_A_GROUP_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		if (nla_put_u64_64bit(msg, s[i].type, s[i].value,
				      COLO_A_STATS_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int colo_put_stats(struct sk_buff *msg, struct colo_group *g)
{
	struct colo_rewrite_stats rw;

	colo_rewrite_get_stats(g, &rw);
	return colo_put_counters(msg, g, &rw);
}

/* State, and where a transaction stands: replies and events. */
static int colo_put_state(struct sk_buff *msg, struct colo_group *g)
{
	u8 state = READ_ONCE(g->state);
	u8 reason = READ_ONCE(g->reason);

	if (nla_put_u8(msg, COLO_A_GROUP_STATE, state) ||
	    (READ_ONCE(g->failed_over) &&
	     nla_put_flag(msg, COLO_A_GROUP_FAILED_OVER)))
		return -EMSGSIZE;
	if (state != COLO_STATE_CHECKPOINT)
		return 0;
	if (nla_put_u8(msg, COLO_A_GROUP_STEP, READ_ONCE(g->step)) ||
	    (reason && nla_put_u8(msg, COLO_A_GROUP_REASON, reason)))
		return -EMSGSIZE;
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
	    colo_put_state(msg, g) ||
	    nla_put_u32(msg, COLO_A_GROUP_TIMEOUT_MS,
			READ_ONCE(g->p.timeout_ms)) ||
	    nla_put_u32(msg, COLO_A_GROUP_SCAN_MS, READ_ONCE(g->p.scan_ms)) ||
	    nla_put_u32(msg, COLO_A_GROUP_FLOW_LIMIT,
			READ_ONCE(g->p.flow_limit)) ||
	    nla_put_u32(msg, COLO_A_GROUP_GROUP_LIMIT,
			READ_ONCE(g->p.group_limit)) ||
	    nla_put_u32(msg, COLO_A_GROUP_MAX_FLOWS,
			READ_ONCE(g->p.max_flows)) ||
	    nla_put_u32(msg, COLO_A_GROUP_CKPT_TIMEOUT_MS,
			READ_ONCE(g->p.ckpt_timeout_ms)) ||
	    nla_put_u32(msg, COLO_A_GROUP_ACTIONS, atomic_read(&g->actions)) ||
	    colo_put_stats(msg, g)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/*
 * An IP flow with addresses and ports: not the whole-frame key of frames
 * whose headers could not be trusted (parse.c zeroes all but the VLAN ids
 * and ethertype of that one), which has none to show.
 */
static bool colo_key_is_ip(const struct colo_flow_key *k, int *alen)
{
	if (!k->proto && !memchr_inv(k->addr, 0, sizeof(k->addr)))
		return false;
	if (k->ethertype == ETH_P_IP)
		*alen = 4;
	else if (k->ethertype == ETH_P_IPV6)
		*alen = 16;
	else
		return false;
	return true;
}

static int colo_put_flow(struct sk_buff *msg, const struct colo_flow *f)
{
	const struct colo_flow_key *k = &f->key;
	struct nlattr *nest;
	int alen;

	nest = nla_nest_start(msg, COLO_A_GROUP_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(msg, COLO_A_FLOW_ETHERTYPE, k->ethertype) ||
	    nla_put_u8(msg, COLO_A_FLOW_PROTO, k->proto) ||
	    nla_put_u16(msg, COLO_A_FLOW_VLAN, k->vlan[0]) ||
	    nla_put_u32(msg, COLO_A_FLOW_PRIMARY_QUEUED,
			skb_queue_len(&f->primary)) ||
	    nla_put_u32(msg, COLO_A_FLOW_SECONDARY_QUEUED,
			skb_queue_len(&f->secondary)) ||
	    nla_put_u32(msg, COLO_A_FLOW_HELD_BYTES, f->bytes) ||
	    nla_put_u32(msg, COLO_A_FLOW_IDLE_MS,
			jiffies_to_msecs(jiffies - f->last_active)) ||
	    (f->closed && nla_put_flag(msg, COLO_A_FLOW_CLOSED)))
		goto cancel;
	if (colo_key_is_ip(k, &alen) &&
	    (nla_put(msg, COLO_A_FLOW_ADDR_A, alen, k->addr[0]) ||
	     nla_put(msg, COLO_A_FLOW_ADDR_B, alen, k->addr[1]) ||
	     nla_put_u16(msg, COLO_A_FLOW_PORT_A, k->port[0]) ||
	     nla_put_u16(msg, COLO_A_FLOW_PORT_B, k->port[1])))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * Events go to the "events" group of the group's netns only.  Process
 * context; protocol events are sent under g->mutex, so they leave in the
 * order the steps were taken.
 */
static struct sk_buff *colo_event_new(struct net *net, u8 cmd, u32 id,
				      void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&colo_genl_family, net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &colo_genl_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, COLO_A_GROUP_ID, id)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void colo_event_send(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	/* group 0: the index of "events" in colo_mcgrps[] */
	genlmsg_multicast_netns(&colo_genl_family, net, msg, 0, 0, GFP_KERNEL);
}

/*
 * A protocol step was taken.  Requests carry their reason (in the state)
 * and, from the kernel, the flow that caused them.
 */
void colo_nl_step_event(struct colo_group *g, u8 msg_type,
			const struct colo_flow *f, u64 vmstate_size)
{
	struct sk_buff *msg;
	void *hdr;

	msg = colo_event_new(g->net, colo_msg_cmd[msg_type], g->id, &hdr);
	if (!msg)
		return;
	if (colo_put_state(msg, g) ||
	    (f && colo_put_flow(msg, f)) ||
	    (msg_type == COLO_MSG_VMSTATE_SIZE &&
	     nla_put_u64_64bit(msg, COLO_A_GROUP_VMSTATE_SIZE, vmstate_size,
			       COLO_A_GROUP_PAD))) {
		nlmsg_free(msg);
		return;
	}
	colo_event_send(g->net, msg, hdr);
}

void colo_nl_failover_event(struct colo_group *g, u8 reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = colo_event_new(g->net, COLO_CMD_FAILOVER, g->id, &hdr);
	if (!msg)
		return;
	if (colo_put_state(msg, g) ||
	    nla_put_u8(msg, COLO_A_GROUP_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	colo_event_send(g->net, msg, hdr);
}

/* GROUP_NEW, GROUP_SET and GROUP_DEL (@g NULL: only the id). */
static void colo_nl_group_event(struct net *net, u8 cmd, u32 id,
				struct colo_group *g)
{
	struct sk_buff *msg;
	void *hdr;

	msg = colo_event_new(net, cmd, id, &hdr);
	if (!msg)
		return;
	if (g && colo_put_state(msg, g)) {
		nlmsg_free(msg);
		return;
	}
	colo_event_send(net, msg, hdr);
}

static void colo_get_params(struct genl_info *info,
			    struct colo_group_params *p)
{
	struct nlattr **a = info->attrs;

	if (a[COLO_A_GROUP_TIMEOUT_MS])
		p->timeout_ms = nla_get_u32(a[COLO_A_GROUP_TIMEOUT_MS]);
	if (a[COLO_A_GROUP_SCAN_MS])
		p->scan_ms = nla_get_u32(a[COLO_A_GROUP_SCAN_MS]);
	if (a[COLO_A_GROUP_FLOW_LIMIT])
		p->flow_limit = nla_get_u32(a[COLO_A_GROUP_FLOW_LIMIT]);
	if (a[COLO_A_GROUP_GROUP_LIMIT])
		p->group_limit = nla_get_u32(a[COLO_A_GROUP_GROUP_LIMIT]);
	if (a[COLO_A_GROUP_MAX_FLOWS])
		p->max_flows = nla_get_u32(a[COLO_A_GROUP_MAX_FLOWS]);
	if (a[COLO_A_GROUP_CKPT_TIMEOUT_MS])
		p->ckpt_timeout_ms =
			nla_get_u32(a[COLO_A_GROUP_CKPT_TIMEOUT_MS]);
}

static int colo_nl_group_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *mode = info->attrs[COLO_A_GROUP_MODE];
	struct colo_group_params p;
	struct colo_group *g;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;

	colo_group_params_default(&p);
	colo_get_params(info, &p);
	g = colo_group_create(genl_info_net(info),
			      nla_get_u32(info->attrs[COLO_A_GROUP_ID]), &p,
			      mode ? nla_get_u8(mode) : COLO_STATE_PASSTHROUGH,
			      info->extack);
	if (IS_ERR(g))
		return PTR_ERR(g);
	/* not held: it cannot be freed before the next genl op runs */
	colo_nl_group_event(genl_info_net(info), COLO_CMD_GROUP_NEW, g->id, g);
	return 0;
}

static int colo_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[COLO_A_GROUP_ID]);
	err = colo_group_delete(genl_info_net(info), id, info->extack);
	if (!err)
		colo_nl_group_event(genl_info_net(info), COLO_CMD_GROUP_DEL, id,
				    NULL);
	return err;
}

static int colo_nl_group_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *mode = info->attrs[COLO_A_GROUP_MODE];
	struct colo_net *cn = colo_net(genl_info_net(info));
	struct colo_group_params p;
	struct colo_group *g;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;

	mutex_lock(&cn->lock);
	g = colo_group_find(cn, nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
			    info->extack);
	if (!g) {
		err = -ENOENT;
		goto out;
	}
	if (mode) {
		err = colo_group_set_mode(g, nla_get_u8(mode), info->extack);
		if (err)
			goto out;
	}
	p = g->p;
	colo_get_params(info, &p);
	WRITE_ONCE(g->p.timeout_ms, p.timeout_ms);
	WRITE_ONCE(g->p.scan_ms, p.scan_ms);
	WRITE_ONCE(g->p.flow_limit, p.flow_limit);
	WRITE_ONCE(g->p.group_limit, p.group_limit);
	WRITE_ONCE(g->p.max_flows, p.max_flows);
	WRITE_ONCE(g->p.ckpt_timeout_ms, p.ckpt_timeout_ms);
	colo_group_kick(g);
	colo_nl_group_event(genl_info_net(info), COLO_CMD_GROUP_SET, g->id, g);
out:
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

/* One flow as one message of a FLOW_GET dump. */
static int colo_nl_flow_one(struct sk_buff *skb, struct netlink_callback *cb,
			    struct colo_group *g, const struct colo_flow *f)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &colo_genl_family, NLM_F_MULTI, COLO_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, COLO_A_GROUP_ID, g->id) ||
	    colo_put_flow(skb, f)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Flows of one group, open ones then closed ones, least recently active
 * first.  cb->args[0]: flows already dumped (the lists may change between
 * calls: a dump is a snapshot per message, not of the whole table).
 */
static int colo_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = colo_dumpit_attrs(cb);
	struct netlink_ext_ack *extack = cb->extack;
	struct list_head *lists[2];
	struct colo_flow *f;
	struct colo_group *g;
	unsigned int l;
	long i = 0;
	int err = 0;

	if (NL_REQ_ATTR_CHECK(extack, NULL, attrs, COLO_A_GROUP_ID)) {
		/*
		 * A dump's error comes back in NLMSG_DONE, which carries the
		 * extack message but (6.1) not the missing attribute's type.
		 */
		NL_SET_ERR_MSG_MOD(extack, "a flow dump needs the group id");
		return -EINVAL;
	}
	g = colo_group_get(sock_net(skb->sk),
			   nla_get_u32(attrs[COLO_A_GROUP_ID]), extack);
	if (!g)
		return -ENOENT;

	lists[0] = &g->lru;
	lists[1] = &g->closed_lru;
	mutex_lock(&g->mutex);
	for (l = 0; l < ARRAY_SIZE(lists) && !err; l++) {
		list_for_each_entry(f, lists[l], lru) {
			if (i++ < cb->args[0])
				continue;
			err = colo_nl_flow_one(skb, cb, g, f);
			if (err)
				break;
			cb->args[0]++;
		}
	}
	mutex_unlock(&g->mutex);
	colo_group_put(g);

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* CHECKPOINT_READY ... VMSTATE_LOADED, and FAILOVER: GROUP_ID [VMSTATE_SIZE] */
static int colo_nl_step(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct colo_group *g;
	u64 size = 0;
	int err, msg;

	if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_ID))
		return -EINVAL;
	if (cmd == COLO_CMD_VMSTATE_SIZE) {
		if (GENL_REQ_ATTR_CHECK(info, COLO_A_GROUP_VMSTATE_SIZE))
			return -EINVAL;
		size = nla_get_u64(info->attrs[COLO_A_GROUP_VMSTATE_SIZE]);
	}
	g = colo_group_get(genl_info_net(info),
			   nla_get_u32(info->attrs[COLO_A_GROUP_ID]),
			   info->extack);
	if (!g)
		return -ENOENT;
	if (cmd == COLO_CMD_FAILOVER) {
		err = colo_proto_failover(g, COLO_REASON_MANUAL, info->extack);
	} else {
		for (msg = 0; colo_msg_cmd[msg] != cmd; msg++)
			;
		err = colo_proto_step(g, msg, size, info->extack);
	}
	colo_group_put(g);
	return err;
}

#define COLO_ID_ONLY	.policy = colo_id_policy, .maxattr = COLO_A_GROUP_ID
#define COLO_PARAMS	.policy = colo_params_policy,		\
			.maxattr = COLO_A_GROUP_CKPT_TIMEOUT_MS
#define COLO_STEP_OP(c) {					\
		.cmd	= c,					\
		.doit	= colo_nl_step,				\
		.flags	= GENL_UNS_ADMIN_PERM,			\
		COLO_ID_ONLY,					\
	}

static const struct genl_ops colo_genl_ops[] = {
	{
		.cmd	= COLO_CMD_GROUP_NEW,
		.doit	= colo_nl_group_new,
		.flags	= GENL_UNS_ADMIN_PERM,
		COLO_PARAMS,
	}, {
		.cmd	= COLO_CMD_GROUP_DEL,
		.doit	= colo_nl_group_del,
		.flags	= GENL_UNS_ADMIN_PERM,
		COLO_ID_ONLY,
	}, {
		.cmd	= COLO_CMD_GROUP_GET,
		.doit	= colo_nl_group_get,
		.dumpit	= colo_nl_group_dump,
		COLO_ID_ONLY,
	}, {
		.cmd	= COLO_CMD_GROUP_SET,
		.doit	= colo_nl_group_set,
		.flags	= GENL_UNS_ADMIN_PERM,
		COLO_PARAMS,
	}, {
		.cmd	= COLO_CMD_FLOW_GET,
		.dumpit	= colo_nl_flow_dump,
		COLO_ID_ONLY,
	},
	COLO_STEP_OP(COLO_CMD_CHECKPOINT_REQUEST),
	COLO_STEP_OP(COLO_CMD_CHECKPOINT_READY),
	COLO_STEP_OP(COLO_CMD_CHECKPOINT_REPLY),
	COLO_STEP_OP(COLO_CMD_VMSTATE_SEND),
	{
		.cmd	= COLO_CMD_VMSTATE_SIZE,
		.doit	= colo_nl_step,
		.flags	= GENL_UNS_ADMIN_PERM,
		.policy	= colo_vmstate_size_policy,
		.maxattr = COLO_A_GROUP_VMSTATE_SIZE,
	},
	COLO_STEP_OP(COLO_CMD_VMSTATE_RECEIVED),
	COLO_STEP_OP(COLO_CMD_VMSTATE_LOADED),
	COLO_STEP_OP(COLO_CMD_FAILOVER),
#undef COLO_STEP_OP
#undef COLO_PARAMS
#undef COLO_ID_ONLY
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
	.maxattr	= COLO_A_GROUP_MAX,	/* the ops' policies are smaller */
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= colo_genl_ops,
	.n_ops		= ARRAY_SIZE(colo_genl_ops),
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
