// SPDX-License-Identifier: GPL-2.0
/*
 * Group lifetime, the per-netns group table and the data path's entry.
 *
 * Lifetime: a group is created by genl and lives in its netns table until
 * deleted (refused while tc actions are bound to it) or until the netns
 * goes away.  Leaving the table makes it dead: the worker releases every
 * held primary, drops every held secondary and exits; new primaries pass
 * and new secondaries are dropped.  The memory goes with the last
 * reference, which a replaced or destroyed action may drop after an RCU
 * grace period.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/dst.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <linux/colo.h>

#include "compat.h"
#include "group.h"
#include "rewrite.h"

static unsigned int colo_net_id __read_mostly;
/* Groups in all namespaces, see COLO_MAX_GROUPS_TOTAL. */
static atomic_t colo_groups_total = ATOMIC_INIT(0);
/* Set before the netdev notifier goes, see colo_netdev_event(). */
static bool colo_unloading;
/* Frees groups; drained at module exit. */
static struct workqueue_struct *colo_wq;

struct colo_net *colo_net(struct net *net)
{
	return net_generic(net, colo_net_id);
}

void colo_group_params_default(struct colo_group_params *p)
{
	p->timeout_ms = COLO_TIMEOUT_MS_DEFAULT;
	p->scan_ms = COLO_SCAN_MS_DEFAULT;
	p->flow_limit = COLO_FLOW_LIMIT_DEFAULT;
	p->group_limit = COLO_GROUP_LIMIT_DEFAULT;
	p->max_flows = COLO_MAX_FLOWS_DEFAULT;
	p->ckpt_timeout_ms = COLO_CKPT_TIMEOUT_MS_DEFAULT;
}

/* The last put can come from an RCU callback: free in process context. */
static void colo_group_free_work(struct work_struct *work)
{
	struct colo_group *g = container_of(work, struct colo_group, free_work);

	WARN_ON_ONCE(!skb_queue_empty(&g->intake));
	colo_rewrite_destroy(g);
	kfree(g);
}

void colo_group_put(struct colo_group *g)
{
	if (refcount_dec_and_test(&g->refcnt))
		queue_work(colo_wq, &g->free_work);
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

/* A reference for genl; colo_group_put() when done. */
struct colo_group *colo_group_get(struct net *net, u32 id,
				  struct netlink_ext_ack *extack)
{
	struct colo_net *cn = colo_net(net);
	struct colo_group *g;

	mutex_lock(&cn->lock);
	g = colo_group_find(cn, id, extack);
	if (g)
		refcount_inc(&g->refcnt);
	mutex_unlock(&cn->lock);
	return g;
}

struct colo_group *colo_group_create(struct net *net, u32 id,
				     const struct colo_group_params *p,
				     u8 mode, struct netlink_ext_ack *extack)
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
	INIT_WORK(&g->free_work, colo_group_free_work);
	g->p = *p;
	g->state = mode;
	g->step = COLO_MSG_NONE;
	skb_queue_head_init(&g->intake);
	mutex_init(&g->mutex);
	err = colo_flows_init(g);
	if (err) {
		kfree(g);
		return ERR_PTR(err);
	}
	err = colo_rewrite_init(g);
	if (err) {
		colo_flows_destroy(g);
		kfree(g);
		return ERR_PTR(err);
	}

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
	colo_rewrite_destroy(g);
	colo_flows_destroy(g);
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

	spin_lock_bh(&g->intake.lock);
	g->dead = true;
	spin_unlock_bh(&g->intake.lock);
	colo_worker_stop(g);

	mutex_lock(&g->mutex);
	colo_flows_destroy(g);
	mutex_unlock(&g->mutex);
	atomic_dec(&colo_groups_total);
	/* rewrite actions may still run until they are unbound */
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
 * Under @g->mutex: release every held primary, drop every held secondary,
 * forget the flows (comparing starts afresh) and end any transaction.
 */
void colo_group_go_passthrough(struct colo_group *g)
{
	lockdep_assert_held(&g->mutex);
	colo_flush_all(g);
	colo_flow_evict_idle(g, true);
	colo_proto_reset(g);
	WRITE_ONCE(g->state, COLO_STATE_PASSTHROUGH);
}

/*
 * passthrough <-> comparing by hand.  A group that failed over pairs again
 * only through the protocol (checkpoint-ready), and an outstanding
 * checkpoint is finished by the protocol too.
 */
int colo_group_set_mode(struct colo_group *g, u8 mode,
			struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&g->mutex);
	if (mode == g->state)
		goto out;
	if (mode == COLO_STATE_PASSTHROUGH) {
		colo_group_go_passthrough(g);
	} else if (g->state == COLO_STATE_CHECKPOINT) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a checkpoint is outstanding: finish it with the protocol steps or fail over");
		err = -EBUSY;
	} else if (g->failed_over) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the group failed over: checkpoint-ready pairs it again");
		err = -EPROTO;
	} else {
		WRITE_ONCE(g->state, mode);
	}
out:
	mutex_unlock(&g->mutex);
	colo_group_kick(g);
	return err;
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
 * Data path, softirq (tc ingress): O(1), never sleeps.  Queue the packet
 * for the worker unless the group is over its hard byte limit.  In
 * passthrough a secondary is consumed right here.
 */
enum colo_verdict colo_group_take(struct colo_group *g, struct sk_buff *skb,
				  bool secondary)
{
	long hard = 2L * READ_ONCE(g->p.group_limit);
	struct colo_cb *cb;

	if (secondary) {
		atomic64_inc(&g->stats.secondary_packets);
		if (READ_ONCE(g->state) == COLO_STATE_PASSTHROUGH)
			return COLO_CONSUME;
	}

	spin_lock(&g->intake.lock);
	if (unlikely(g->dead)) {
		spin_unlock(&g->intake.lock);
		return secondary ? COLO_CONSUME : COLO_PASS;
	}
	/* Counted once taken: primary_packets = released + dropped + held */
	if (!secondary)
		atomic64_inc(&g->stats.primary_packets);
	if (unlikely(atomic_long_read(&g->held_bytes) + skb->truesize > hard)) {
		spin_unlock(&g->intake.lock);
		atomic64_inc(secondary ? &g->stats.secondary_dropped :
					 &g->stats.dropped);
		return COLO_DROP;
	}

	cb = colo_cb(skb);
	memset(cb, 0, sizeof(*cb));
	cb->secondary = secondary;
	cb->stamp = (u32)jiffies;
	/* Held past this RCU section: pin the route and the device. */
	skb_dst_force(skb);
	dev_hold(skb->dev);
	__skb_queue_tail(&g->intake, skb);
	atomic_long_add(skb->truesize, &g->held_bytes);
	atomic_inc(secondary ? &g->held_secondaries : &g->held_primaries);
	/*
	 * Under the lock: a dead group's worker is never kicked.  Once per
	 * batch: a wakeup costs more than the rest of this function, and
	 * the worker spun on this lock while it was held for one.
	 */
	if (!g->kicked) {
		g->kicked = true;
		colo_worker_kick(g);
	}
	spin_unlock(&g->intake.lock);
	return COLO_QUEUED;
}

/*
 * A device going away must not wait for packets a group holds (it would
 * wait forever while a checkpoint is outstanding): its packets are
 * dropped and counted.
 */
static int colo_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct colo_net *cn;
	struct colo_group *g;
	unsigned long id;

	/* Unregistering the notifier replays UNREGISTER for every device. */
	if (event != NETDEV_UNREGISTER || READ_ONCE(colo_unloading))
		return NOTIFY_DONE;
	cn = colo_net(dev_net(dev));
	mutex_lock(&cn->lock);
	xa_for_each(&cn->groups, id, g)
		colo_purge_dev(g, dev);
	mutex_unlock(&cn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block colo_netdev_notifier = {
	.notifier_call = colo_netdev_event,
};

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
	int err;

	colo_wq = alloc_workqueue("colo", 0, 0);
	if (!colo_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&colo_net_ops);
	if (err)
		goto err_wq;
	err = register_netdevice_notifier(&colo_netdev_notifier);
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&colo_net_ops);
err_wq:
	destroy_workqueue(colo_wq);
	return err;
}

/* After the action and genl are gone: no new references. */
void colo_group_pernet_exit(void)
{
	WRITE_ONCE(colo_unloading, true);
	unregister_netdevice_notifier(&colo_netdev_notifier);
	unregister_pernet_subsys(&colo_net_ops);
	/* action params drop their group references from RCU callbacks */
	rcu_barrier();
	destroy_workqueue(colo_wq);
}
