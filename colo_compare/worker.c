// SPDX-License-Identifier: GPL-2.0
/*
 * The group worker: a kthread that releases held primaries.
 *
 * Release re-injects a primary at the ingress of the device it came from,
 * with tc_skip_classify set so tc ingress (and taps) do not see it twice:
 * the action took it exactly once, the stack gets it exactly once.
 */
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/sched.h>

#include "group.h"

/* Packets re-injected per bottom-half-disabled section. */
#define COLO_RELEASE_BATCH	64

static void colo_release_one(struct colo_group *g, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	skb->tc_skip_classify = 1;
	netif_receive_skb(skb);
	dev_put(dev);
	atomic64_inc(&g->stats.released);
}

/* Release everything held now, in arrival order. */
static void colo_release_held(struct colo_group *g)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;
	unsigned int n = 0;

	__skb_queue_head_init(&batch);
	spin_lock_bh(&g->held.lock);
	skb_queue_splice_init(&g->held, &batch);
	g->held_bytes = 0;
	spin_unlock_bh(&g->held.lock);

	local_bh_disable();
	while ((skb = __skb_dequeue(&batch))) {
		colo_release_one(g, skb);
		if (++n % COLO_RELEASE_BATCH == 0) {
			local_bh_enable();
			cond_resched();
			local_bh_disable();
		}
	}
	local_bh_enable();
}

static int colo_worker_fn(void *data)
{
	struct colo_group *g = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		if (skb_queue_empty_lockless(&g->held)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		colo_release_held(g);
		cond_resched();
	}
	/* The group is dead: nothing new gets queued, release the rest. */
	colo_release_held(g);
	return 0;
}

int colo_worker_start(struct colo_group *g)
{
	struct task_struct *t;

	t = kthread_create(colo_worker_fn, g, "colo/%u", g->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	g->worker = t;
	wake_up_process(t);
	return 0;
}

/* Returns once every held packet is released.  Process context. */
void colo_worker_stop(struct colo_group *g)
{
	kthread_stop(g->worker);
	g->worker = NULL;
}

/* Softirq, under held.lock (see colo_group_take_primary()). */
void colo_worker_kick(struct colo_group *g)
{
	wake_up_process(g->worker);
}
