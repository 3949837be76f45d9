// SPDX-License-Identifier: GPL-2.0
/*
 * tc action "colo": hands packets seen at tc ingress to a COLO group as
 * its primary or secondary side.
 *
 *   tc filter add dev tap-pvm ingress matchall action colo group 1 primary
 *
 * Only ingress: there TC_ACT_CONSUMED lets the group keep the skb itself;
 * 6.1 egress does not honour it.  Binding elsewhere is refused where the
 * kernel lets us see it, and at run time a packet met outside ingress is
 * passed (primary) or dropped (secondary) and counted.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/act_api.h>
#include <net/netlink.h>
#include <net/pkt_cls.h>
#include <net/netns/generic.h>
#include <linux/tc_act/tc_colo.h>

#include "act.h"
#include "group.h"
#include "rewrite.h"

/*
 * enum tca_id has no entry for out-of-tree actions; the id only has to be
 * unique among registered actions.  Far above the in-tree range.
 */
#define TCA_ID_COLO	((enum tca_id)200)

struct tcf_colo_params {
	struct colo_group *group;
	u8 role;			/* enum tc_colo_role */
	struct rcu_head rcu;
};

struct tcf_colo {
	struct tc_action common;
	struct tcf_colo_params __rcu *params;	/* replaced under tcf_lock */
	atomic64_t taken;
	atomic64_t passed;
	atomic64_t dropped;
};

#define to_colo(a) ((struct tcf_colo *)(a))

static struct tc_action_ops act_colo_ops;

static const struct nla_policy colo_policy[TCA_COLO_MAX + 1] = {
	[TCA_COLO_TM]		= { .type = NLA_REJECT },
	[TCA_COLO_PARMS]	= NLA_POLICY_EXACT_LEN(sizeof(struct tc_colo)),
	[TCA_COLO_GROUP]	= NLA_POLICY_MIN(NLA_U32, 1),
	[TCA_COLO_ROLE]		= NLA_POLICY_RANGE(NLA_U8, TCA_COLO_ROLE_PRIMARY,
						   TCA_COLO_ROLE_MAX),
	[TCA_COLO_STATS]	= { .type = NLA_REJECT },
};

static void colo_params_free_rcu(struct rcu_head *head)
{
	struct tcf_colo_params *p = container_of(head, struct tcf_colo_params,
						 rcu);

	colo_group_put(p->group);
	kfree(p);
}

/* Unpublished or no longer used: stop counting as a user at once, free
 * after readers are gone.
 */
static void colo_params_release(struct tcf_colo_params *p)
{
	colo_group_unbind(p->group);
	call_rcu(&p->rcu, colo_params_free_rcu);
}

/*
 * The filter being added tells where the action runs.  6.1 only flags
 * "ingress or clsact"; the clsact egress hook is told apart by the parent
 * the filter was added to.  Shared blocks can be both: checked at run time.
 */
static bool colo_bind_at_ingress(const struct tcf_proto *tp, u32 flags)
{
	if (!(flags & TCA_ACT_FLAGS_AT_INGRESS_OR_CLSACT))
		return false;
	if (tp && TC_H_MIN(tp->chain->block->classid) == TC_H_MIN_EGRESS)
		return false;
	return true;
}

static int tcf_colo_init(struct net *net, struct nlattr *nla,
			 struct nlattr *est, struct tc_action **a,
			 struct tcf_proto *tp, u32 flags,
			 struct netlink_ext_ack *extack)
{
	struct tc_action_net *tn = net_generic(net, act_colo_ops.net_id);
	bool bind = flags & TCA_ACT_FLAGS_BIND;
	struct tcf_colo_params *p, *old;
	struct nlattr *tb[TCA_COLO_MAX + 1];
	struct tcf_chain *goto_ch = NULL;
	struct tc_colo *parm;
	struct tcf_colo *c;
	int ret = 0, err;
	bool exists;
	u32 index;

	if (!nla) {
		NL_SET_ERR_MSG_MOD(extack, "colo needs a group and a role");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, TCA_COLO_MAX, nla, colo_policy, extack);
	if (err < 0)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nla, tb, TCA_COLO_PARMS)) {
		NL_SET_ERR_MSG_MOD(extack, "missing colo parameters");
		return -EINVAL;
	}
	/* The rewriter works both ways; the comparator only at ingress. */
	if (bind && !colo_bind_at_ingress(tp, flags) &&
	    !(tb[TCA_COLO_ROLE] &&
	      nla_get_u8(tb[TCA_COLO_ROLE]) == TCA_COLO_ROLE_REWRITE)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "colo works at tc ingress only: attach it with \"tc filter add dev DEV ingress ...\"");
		return -EOPNOTSUPP;
	}
	parm = nla_data(tb[TCA_COLO_PARMS]);
	index = parm->index;

	err = tcf_idr_check_alloc(tn, &index, a, bind);
	if (err < 0)
		return err;
	exists = err;
	if (exists && bind)
		return 0;

	if (NL_REQ_ATTR_CHECK(extack, nla, tb, TCA_COLO_GROUP) ||
	    NL_REQ_ATTR_CHECK(extack, nla, tb, TCA_COLO_ROLE)) {
		NL_SET_ERR_MSG_MOD(extack, "colo needs a group and a role");
		err = -EINVAL;
		goto err_idr;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		err = -ENOMEM;
		goto err_idr;
	}
	p->role = nla_get_u8(tb[TCA_COLO_ROLE]);
	p->group = colo_group_bind(net, nla_get_u32(tb[TCA_COLO_GROUP]),
				   extack);
	if (IS_ERR(p->group)) {
		err = PTR_ERR(p->group);
		kfree(p);
		goto err_idr;
	}

	if (!exists) {
		err = tcf_idr_create_from_flags(tn, index, est, a,
						&act_colo_ops, bind, flags);
		if (err) {
			tcf_idr_cleanup(tn, index);
			goto err_params;
		}
		ret = ACT_P_CREATED;
	} else if (!(flags & TCA_ACT_FLAGS_REPLACE)) {
		tcf_idr_release(*a, bind);
		err = -EEXIST;
		goto err_params;
	}

	err = tcf_action_check_ctrlact(parm->action, tp, &goto_ch, extack);
	if (err < 0)
		goto err_release;

	c = to_colo(*a);
	spin_lock_bh(&c->tcf_lock);
	goto_ch = tcf_action_set_ctrlact(*a, parm->action, goto_ch);
	old = rcu_replace_pointer(c->params, p, lockdep_is_held(&c->tcf_lock));
	spin_unlock_bh(&c->tcf_lock);

	if (goto_ch)
		tcf_chain_put_by_act(goto_ch);
	if (old)
		colo_params_release(old);
	return ret;

err_release:
	tcf_idr_release(*a, bind);
err_params:
	colo_params_release(p);
	return err;

err_idr:
	if (exists)
		tcf_idr_release(*a, bind);
	else
		tcf_idr_cleanup(tn, index);
	return err;
}

/* Runs under rcu_read_lock_bh(), in softirq at ingress. */
static int tcf_colo_act(struct sk_buff *skb, const struct tc_action *a,
			struct tcf_result *res)
{
	struct tcf_colo *c = to_colo(a);
	struct tcf_colo_params *p;
	enum colo_verdict v;

	tcf_lastuse_update(&c->tcf_tm);
	tcf_action_update_bstats(&c->common, skb);

	p = rcu_dereference_bh(c->params);
	if (p->role == TCA_COLO_ROLE_REWRITE) {
		/* from the SVM at its tap's ingress, to it at egress */
		if (colo_rewrite_skb(p->group, skb, !skb_at_tc_ingress(skb)))
			v = COLO_DROP;
		else
			v = COLO_PASS;
	} else if (likely(skb_at_tc_ingress(skb))) {
		v = colo_group_take(p->group, skb,
				    p->role == TCA_COLO_ROLE_SECONDARY);
	} else {
		/* A secondary's output must never reach the client. */
		v = p->role == TCA_COLO_ROLE_PRIMARY ? COLO_PASS : COLO_DROP;
	}

	switch (v) {
	case COLO_QUEUED:
		atomic64_inc(&c->taken);
		return TC_ACT_CONSUMED;
	case COLO_CONSUME:
		atomic64_inc(&c->taken);
		return TC_ACT_STOLEN;
	case COLO_PASS:
		atomic64_inc(&c->passed);
		return READ_ONCE(c->tcf_action);
	case COLO_DROP:
	default:
		atomic64_inc(&c->dropped);
		tcf_action_inc_drop_qstats(&c->common);
		return TC_ACT_SHOT;
	}
}

static int tcf_colo_dump_stats(struct sk_buff *skb, struct tcf_colo *c)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCA_COLO_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TCA_COLO_STATS_TAKEN,
			      atomic64_read(&c->taken), TCA_COLO_STATS_PAD) ||
	    nla_put_u64_64bit(skb, TCA_COLO_STATS_PASSED,
			      atomic64_read(&c->passed), TCA_COLO_STATS_PAD) ||
	    nla_put_u64_64bit(skb, TCA_COLO_STATS_DROPPED,
			      atomic64_read(&c->dropped), TCA_COLO_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcf_colo_dump(struct sk_buff *skb, struct tc_action *a,
			 int bind, int ref)
{
	unsigned char *b = skb_tail_pointer(skb);
	struct tcf_colo *c = to_colo(a);
	struct tc_colo opt = {
		.index   = c->tcf_index,
		.refcnt  = refcount_read(&c->tcf_refcnt) - ref,
		.bindcnt = atomic_read(&c->tcf_bindcnt) - bind,
	};
	struct tcf_colo_params *p;
	struct tcf_t t;

	spin_lock_bh(&c->tcf_lock);
	opt.action = c->tcf_action;
	p = rcu_dereference_protected(c->params, lockdep_is_held(&c->tcf_lock));
	if (nla_put(skb, TCA_COLO_PARMS, sizeof(opt), &opt) ||
	    nla_put_u32(skb, TCA_COLO_GROUP, p->group->id) ||
	    nla_put_u8(skb, TCA_COLO_ROLE, p->role) ||
	    tcf_colo_dump_stats(skb, c))
		goto nla_put_failure;
	tcf_tm_dump(&t, &c->tcf_tm);
	if (nla_put_64bit(skb, TCA_COLO_TM, sizeof(t), &t, TCA_COLO_PAD))
		goto nla_put_failure;
	spin_unlock_bh(&c->tcf_lock);
	return skb->len;

nla_put_failure:
	spin_unlock_bh(&c->tcf_lock);
	nlmsg_trim(skb, b);
	return -1;
}

static void tcf_colo_cleanup(struct tc_action *a)
{
	struct tcf_colo *c = to_colo(a);
	struct tcf_colo_params *p;

	p = rcu_dereference_protected(c->params, 1);
	if (p)
		colo_params_release(p);
}

static size_t tcf_colo_get_fill_size(const struct tc_action *act)
{
	return nla_total_size(sizeof(struct tc_colo)) +
	       nla_total_size(sizeof(u32)) +		/* TCA_COLO_GROUP */
	       nla_total_size(sizeof(u8)) +		/* TCA_COLO_ROLE */
	       nla_total_size(0) +			/* TCA_COLO_STATS */
	       3 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size_64bit(sizeof(struct tcf_t));
}

static struct tc_action_ops act_colo_ops = {
	.kind		= "colo",
	.id		= TCA_ID_COLO,
	.owner		= THIS_MODULE,
	.act		= tcf_colo_act,
	.init		= tcf_colo_init,
	.dump		= tcf_colo_dump,
	.cleanup	= tcf_colo_cleanup,
	.get_fill_size	= tcf_colo_get_fill_size,
	.size		= sizeof(struct tcf_colo),
};

static __net_init int colo_act_init_net(struct net *net)
{
	struct tc_action_net *tn = net_generic(net, act_colo_ops.net_id);

	return tc_action_net_init(net, tn, &act_colo_ops);
}

static void __net_exit colo_act_exit_net(struct list_head *net_list)
{
	tc_action_net_exit(net_list, act_colo_ops.net_id);
}

static struct pernet_operations colo_act_net_ops = {
	.init		= colo_act_init_net,
	.exit_batch	= colo_act_exit_net,
	.id		= &act_colo_ops.net_id,
	.size		= sizeof(struct tc_action_net),
};

int colo_act_register(void)
{
	return tcf_register_action(&act_colo_ops, &colo_act_net_ops);
}

void colo_act_unregister(void)
{
	tcf_unregister_action(&act_colo_ops, &colo_act_net_ops);
}
