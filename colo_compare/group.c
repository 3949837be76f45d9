// SPDX-License-Identifier: GPL-2.0
/*
 * Group lifetime and the per-netns group table.
 *
 * Lifetime: a group is created by genl and lives in its netns table until
 * deleted (refused while tc actions are bound to it) or until the netns
 * goes away.  Leaving the table makes it dead: the worker drains and
 * releases whatever is held, and new packets pass (primary) or are dropped
 * (secondary).  The memory goes with the last reference, which a replaced
 * or destroyed action may drop after an RCU grace period.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/dst.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <linux/colo.h>

#include "compat.h"
#include "group.h"

static unsigned int colo_net_id __read_mostly;
/* Groups in all namespaces, see COLO_MAX_GROUPS_TOTAL. */
static atomic_t colo_groups_total = ATOMIC_INIT(0);

struct colo_net *colo_net(struct net *net)
{
	return net_generic(net, colo_net_id);
}

static void colo_group_free(struct colo_group *g)
{
	WARN_ON_ONCE(!skb_queue_empty(&g->held));
	kfree(g);
}

void colo_group_put(struct colo_group *g)
{
	if (refcount_dec_and_test(&g->refcnt))
		colo_group_free(g);
}

/* Caller holds cn->lock. */
struct colo_group *colo_group_find(struct colo_net *cn, u32 id,
				   struct netlink_ext_ack *extack)
{
	struct colo_group *g = xa_load(&cn->groups, id);

	if (!g)
		COLO_SET_ERR_MSG(extack, "group does not exist",
				 "group %u does not exist", id);
	return g;
}

struct colo_group *colo_group_create(struct net *net, u32 id, u32 timeout_ms,
				     struct netlink_ext_ack *extack)
{
	struct colo_net *cn = colo_net(net);
	struct colo_group *g;
	int err;

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->id = id;
	g->net = net;
	refcount_set(&g->refcnt, 1);
	g->timeout_ms = timeout_ms;
	g->state = COLO_STATE_PASSTHROUGH;
	skb_queue_head_init(&g->held);

	mutex_lock(&cn->lock);
	if (xa_load(&cn->groups, id)) {
		COLO_SET_ERR_MSG(extack, "group already exists",
				 "group %u already exists", id);
		err = -EEXIST;
		goto err_unlock;
	}
	if (cn->ngroups >= COLO_MAX_GROUPS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many groups in this network namespace");
		err = -ENOSPC;
		goto err_unlock;
	}
	if (atomic_inc_return(&colo_groups_total) > COLO_MAX_GROUPS_TOTAL) {
		NL_SET_ERR_MSG_MOD(extack, "too many groups on this host");
		err = -ENOSPC;
		goto err_total;
	}
	err = colo_worker_start(g);
	if (err)
		goto err_total;
	err = xa_insert(&cn->groups, id, g, GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_worker;
	cn->ngroups++;
	mutex_unlock(&cn->lock);
	return g;

err_worker:
	colo_worker_stop(g);
err_total:
	atomic_dec(&colo_groups_total);
err_unlock:
	mutex_unlock(&cn->lock);
	kfree(g);
	return ERR_PTR(err);
}

/*
 * Take a group out of its table: no new packets get queued, the worker
 * releases what is held and exits.  Drops the table's reference.
 */
static void colo_group_shutdown(struct colo_net *cn, struct colo_group *g)
{
	lockdep_assert_held(&cn->lock);
	xa_erase(&cn->groups, g->id);
	cn->ngroups--;

	spin_lock_bh(&g->held.lock);
	g->dead = true;
	spin_unlock_bh(&g->held.lock);
	colo_worker_stop(g);
	atomic_dec(&colo_groups_total);
	colo_group_put(g);
}

int colo_group_delete(struct net *net, u32 id, struct netlink_ext_ack *extack)
{
	struct colo_net *cn = colo_net(net);
	struct colo_group *g;
	int users;

	mutex_lock(&cn->lock);
	g = colo_group_find(cn, id, extack);
	if (!g) {
		mutex_unlock(&cn->lock);
		return -ENOENT;
	}
	users = atomic_read(&g->actions);
	if (users) {
		COLO_SET_ERR_MSG(extack,
				 "group is used by tc actions; delete them first",
				 "group %u is used by %d tc action(s); delete them first",
				 id, users);
		mutex_unlock(&cn->lock);
		return -EBUSY;
	}
	colo_group_shutdown(cn, g);
	mutex_unlock(&cn->lock);
	return 0;
}

/*
 * A tc action takes a reference and counts itself as a user, so the group
 * cannot be deleted under it.  Process context (action init).
 */
struct colo_group *colo_group_bind(struct net *net, u32 id,
				   struct netlink_ext_ack *extack)
{
	struct colo_net *cn = colo_net(net);
	struct colo_group *g;

	mutex_lock(&cn->lock);
	g = xa_load(&cn->groups, id);
	if (g) {
		refcount_inc(&g->refcnt);
		atomic_inc(&g->actions);
	}
	mutex_unlock(&cn->lock);
	if (!g) {
		COLO_SET_ERR_MSG(extack,
				 "group does not exist; create it with \"coloctl group add ID\"",
				 "group %u does not exist; create it with \"coloctl group add %u\"",
				 id, id);
		return ERR_PTR(-ENOENT);
	}
	return g;
}

/* The action stops using the group; its reference is put separately. */
void colo_group_unbind(struct colo_group *g)
{
	atomic_dec(&g->actions);
}

/*
 * Data path, softirq (tc ingress).  O(1), never sleeps.  Only passthrough
 * exists so far: every primary is queued for the worker, which releases it.
 */
enum colo_verdict colo_group_take_primary(struct colo_group *g,
					  struct sk_buff *skb)
{
	spin_lock(&g->held.lock);
	if (unlikely(g->dead)) {
		spin_unlock(&g->held.lock);
		return COLO_PASS;
	}
	if (unlikely(skb_queue_len(&g->held) >= COLO_MAX_HELD_PACKETS)) {
		spin_unlock(&g->held.lock);
		atomic64_inc(&g->stats.dropped);
		return COLO_DROP;
	}
	atomic64_inc(&g->stats.primary_packets);
	/* Held past this RCU section: pin the route and the device. */
	skb_dst_force(skb);
	dev_hold(skb->dev);
	__skb_queue_tail(&g->held, skb);
	g->held_bytes += skb->truesize;
	/* Under the lock: a dead group's worker is never kicked. */
	colo_worker_kick(g);
	spin_unlock(&g->held.lock);
	return COLO_QUEUED;
}

/* Secondary output never leaves the host: consumed, even when dead. */
enum colo_verdict colo_group_take_secondary(struct colo_group *g,
					    struct sk_buff *skb)
{
	atomic64_inc(&g->stats.secondary_packets);
	return COLO_CONSUME;
}

static int __net_init colo_net_init(struct net *net)
{
	struct colo_net *cn = colo_net(net);

	mutex_init(&cn->lock);
	xa_init(&cn->groups);
	return 0;
}

static void __net_exit colo_net_exit(struct net *net)
{
	struct colo_net *cn = colo_net(net);
	struct colo_group *g;
	unsigned long id;

	/* Devices are gone by now (pernet device ops run first), so no
	 * traffic; actions still bound only hold references.
	 */
	mutex_lock(&cn->lock);
	xa_for_each(&cn->groups, id, g)
		colo_group_shutdown(cn, g);
	mutex_unlock(&cn->lock);
	xa_destroy(&cn->groups);
}

static struct pernet_operations colo_net_ops = {
	.init	= colo_net_init,
	.exit	= colo_net_exit,
	.id	= &colo_net_id,
	.size	= sizeof(struct colo_net),
};

int colo_group_pernet_init(void)
{
	return register_pernet_subsys(&colo_net_ops);
}

void colo_group_pernet_exit(void)
{
	unregister_pernet_subsys(&colo_net_ops);
}
