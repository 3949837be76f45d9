// SPDX-License-Identifier: GPL-2.0
/*
 * The group worker: a kthread that moves taken packets from the intake
 * queue into their flows, compares, releases, ages and evicts.
 *
 * Release re-injects a primary at the ingress of the device it came from,
 * with tc_skip_classify set so tc ingress (and taps) do not see it twice:
 * the action took it exactly once, the stack gets it exactly once.
 * Everything here runs under g->mutex (see group.h).
 */
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/if_vlan.h>
#include <linux/colo.h>

#include "group.h"
#include "netlink.h"
#include "rewrite.h"
#include "trace.h"

/* Empty flows are looked at for eviction this often. */
#define COLO_EVICT_PERIOD	HZ

static void colo_unhold(struct colo_group *g, struct sk_buff *skb)
{
	atomic_long_sub(skb->truesize, &g->held_bytes);
	atomic_dec(colo_cb(skb)->secondary ? &g->held_secondaries :
					     &g->held_primaries);
}

/* Send a held primary on, exactly once.  Process context: may sleep. */
void colo_release(struct colo_group *g, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	trace_colo_release(g->id, skb);
	colo_unhold(g, skb);
	/* The stack's layers own the control block again. */
	memset(skb->cb, 0, sizeof(skb->cb));
	skb->tc_skip_classify = 1;
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
	dev_put(dev);
	atomic64_inc(&g->stats.released);
	/*
	 * A flush releases thousands of packets in a row.  On a kernel
	 * without full preemption a woken ksoftirqd would not run before
	 * the loop ends, and the backlog the releases fill (the client's
	 * veth, netdev_max_backlog) would overflow: packets released but
	 * lost.  Let it run.
	 */
	cond_resched();
}

/* Free a held packet: secondaries are consumed, primaries dropped. */
void colo_discard(struct colo_group *g, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	bool secondary = colo_cb(skb)->secondary;

	colo_unhold(g, skb);
	if (secondary) {
		consume_skb(skb);
	} else {
		atomic64_inc(&g->stats.dropped);
		kfree_skb(skb);
	}
	dev_put(dev);
}

/*
 * Move everything the actions queued so far onto @batch; the next packet
 * queued wakes the worker again.
 */
static void colo_intake_take(struct colo_group *g, struct sk_buff_head *batch)
{
	__skb_queue_head_init(batch);
	spin_lock_bh(&g->intake.lock);
	skb_queue_splice_init(&g->intake, batch);
	g->kicked = false;
	spin_unlock_bh(&g->intake.lock);
}

/* Uncompared: a primary goes on, a secondary is consumed. */
static void colo_let_go(struct colo_group *g, struct sk_buff *skb)
{
	if (colo_cb(skb)->secondary)
		colo_discard(g, skb);
	else
		colo_release(g, skb);
}

static void colo_drop_counted(struct colo_group *g, struct sk_buff *skb)
{
	if (colo_cb(skb)->secondary)
		atomic64_inc(&g->stats.secondary_dropped);
	colo_discard(g, skb);
}

static void colo_miscompare(struct colo_group *g, struct colo_flow *f)
{
	atomic64_inc(&g->stats.miscompares);
	trace_colo_miscompare(g->id, f->cls);
	colo_proto_request(g, COLO_REASON_MISCOMPARE, f);
}

/* Parse a taken packet and queue it in its flow. */
static void colo_classify(struct colo_group *g, struct sk_buff *skb)
{
	long limit = READ_ONCE(g->p.flow_limit);
	struct colo_cb *cb = colo_cb(skb);
	struct colo_flow *f;
	struct colo_pkt pkt;
	const u8 *frame;
	bool full;

	/* The rules read bytes: give them one linear frame. */
	if (skb_linearize(skb)) {
		colo_drop_counted(g, skb);
		return;
	}
	frame = colo_frame(skb);
	colo_parse(frame, skb->len + (skb->data - frame),
		   skb_vlan_tag_present(skb), skb_vlan_tag_get(skb), &pkt);
	cb->m = pkt.m;
	cb->parsed = 1;

	f = colo_flow_lookup_create(g, &pkt.key, pkt.m.cls, &full);
	if (!f) {
		/*
		 * The overflow queue is in no table, its key is free: it
		 * names the flow that did not fit in the request event.
		 */
		f = &g->overflow;
		f->key = pkt.key;
	}
	if (f->bytes + skb->truesize > 2 * limit)
		colo_drop_counted(g, skb);
	else
		colo_flow_enqueue(g, f, skb);
	/* after the enqueue: the event shows the packet queued */
	if (f == &g->overflow)
		colo_proto_request(g, COLO_REASON_FLOW_LIMIT, f);
	else if (f->bytes > limit)
		colo_proto_request(g, COLO_REASON_MEMORY, f);
}

static void colo_process_intake(struct colo_group *g)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;

	colo_intake_take(g, &batch);

	while ((skb = __skb_dequeue(&batch))) {
		if (g->state == COLO_STATE_PASSTHROUGH)
			colo_let_go(g, skb);
		else
			colo_classify(g, skb);
	}
	if (atomic_long_read(&g->held_bytes) > READ_ONCE(g->p.group_limit))
		colo_proto_request(g, COLO_REASON_MEMORY, NULL);
}

static void colo_release_head(struct colo_group *g, struct colo_flow *f)
{
	atomic64_inc(&g->stats.compared);
	colo_release(g, colo_flow_dequeue(g, f, false));
}

static void colo_compare_tcp(struct colo_group *g, struct colo_flow *f)
{
	struct colo_tcp_seg ps, ss;
	struct sk_buff *p, *s;
	unsigned int v;

	for (;;) {
		p = skb_peek(&f->primary);
		s = skb_peek(&f->secondary);
		if (!p && !s)
			return;
		if (p) {
			colo_tcp_seg_init(&ps, &colo_cb(p)->m, colo_frame(p));
			ps.off = colo_cb(p)->off;
		}
		if (s) {
			colo_tcp_seg_init(&ss, &colo_cb(s)->m, colo_frame(s));
			ss.off = colo_cb(s)->off;
		}
		v = colo_tcp_step(&f->tcp, p ? &ps : NULL, s ? &ss : NULL);
		if (p)
			colo_cb(p)->off = ps.off;
		if (s)
			colo_cb(s)->off = ss.off;
		if (v & COLO_TCP_CHECKPOINT) {
			colo_miscompare(g, f);
			return;
		}
		if (v == COLO_TCP_WAIT)
			return;
		if (v & COLO_TCP_RELEASE_P)
			colo_release_head(g, f);
		if (v & COLO_TCP_FREE_S)
			colo_discard(g, colo_flow_dequeue(g, f, true));
	}
}

/* UDP, ICMP, other IP and whole frames: first in, first compared. */
static void colo_compare_fifo(struct colo_group *g, struct colo_flow *f)
{
	struct sk_buff *p, *s;

	while ((p = skb_peek(&f->primary)) && (s = skb_peek(&f->secondary))) {
		if (!colo_cmp_datagram(&colo_cb(p)->m, colo_frame(p),
				       &colo_cb(s)->m, colo_frame(s))) {
			colo_miscompare(g, f);
			return;
		}
		colo_release_head(g, f);
		colo_discard(g, colo_flow_dequeue(g, f, true));
	}
}

static bool colo_flow_empty(const struct colo_flow *f)
{
	return skb_queue_empty(&f->primary) && skb_queue_empty(&f->secondary);
}

static void colo_compare_pending(struct colo_group *g)
{
	struct colo_flow *f, *tmp;

	list_for_each_entry_safe(f, tmp, &g->pending, pending) {
		if (g->state != COLO_STATE_COMPARING)
			return;
		if (f->cls == COLO_CLS_TCP)
			colo_compare_tcp(g, f);
		else
			colo_compare_fifo(g, f);
		if (colo_flow_empty(f)) {
			list_del_init(&f->pending);
			f->is_pending = false;
		}
	}
}

static bool colo_head_expired(struct sk_buff_head *q, u32 now, u32 timeout)
{
	struct sk_buff *skb = skb_peek(q);

	return skb && (s32)(now - colo_cb(skb)->stamp) > (s32)timeout;
}

/* A packet (either side) older than the compare timeout: checkpoint. */
static void colo_age(struct colo_group *g)
{
	u32 timeout = msecs_to_jiffies(READ_ONCE(g->p.timeout_ms));
	u32 now = (u32)jiffies;
	struct colo_flow *f;

	list_for_each_entry(f, &g->pending, pending) {
		if (g->state != COLO_STATE_COMPARING)
			return;
		if (colo_head_expired(&f->primary, now, timeout) ||
		    colo_head_expired(&f->secondary, now, timeout))
			colo_proto_request(g, COLO_REASON_TIMEOUT, f);
	}
}

static void colo_flush_flow(struct colo_group *g, struct colo_flow *f)
{
	struct colo_tcp_seg seg;
	struct sk_buff *skb;

	while ((skb = colo_flow_dequeue(g, f, false))) {
		if (f->cls == COLO_CLS_TCP && colo_cb(skb)->m.cls == COLO_CLS_TCP) {
			colo_tcp_seg_init(&seg, &colo_cb(skb)->m,
					  colo_frame(skb));
			colo_tcp_flushed(&f->tcp, &seg);
		}
		colo_release(g, skb);
	}
	while ((skb = colo_flow_dequeue(g, f, true)))
		colo_discard(g, skb);
	if (f->cls == COLO_CLS_TCP)
		colo_tcp_checkpoint(&f->tcp);
}

/*
 * Release every held primary (each flow in order, the intake after the
 * flows since it is newer) and drop every held secondary.
 */
void colo_flush_all(struct colo_group *g)
{
	struct colo_flow *f, *tmp;
	struct sk_buff_head batch;
	struct sk_buff *skb;

	lockdep_assert_held(&g->mutex);
	colo_intake_take(g, &batch);

	list_for_each_entry_safe(f, tmp, &g->pending, pending) {
		colo_flush_flow(g, f);
		list_del_init(&f->pending);
		f->is_pending = false;
	}
	colo_flush_flow(g, &g->overflow);
	while ((skb = __skb_dequeue(&batch)))
		colo_let_go(g, skb);
	colo_rewrite_reset(g);
}

static void colo_purge_queue(struct colo_group *g, struct sk_buff_head *q,
			     const struct net_device *dev, struct colo_flow *f)
{
	struct sk_buff *skb, *tmp;

	skb_queue_walk_safe(q, skb, tmp) {
		if (skb->dev != dev)
			continue;
		__skb_unlink(skb, q);
		if (f)
			f->bytes -= skb->truesize;
		colo_drop_counted(g, skb);
	}
}

/* @dev is being unregistered: drop (and count) what the group holds of it. */
void colo_purge_dev(struct colo_group *g, const struct net_device *dev)
{
	struct sk_buff_head batch;
	struct colo_flow *f;

	mutex_lock(&g->mutex);
	colo_intake_take(g, &batch);
	colo_purge_queue(g, &batch, dev, NULL);
	/* what is left goes back in front, in order */
	spin_lock_bh(&g->intake.lock);
	skb_queue_splice(&batch, &g->intake);
	spin_unlock_bh(&g->intake.lock);

	list_for_each_entry(f, &g->pending, pending) {
		colo_purge_queue(g, &f->primary, dev, f);
		colo_purge_queue(g, &f->secondary, dev, f);
	}
	colo_purge_queue(g, &g->overflow.primary, dev, &g->overflow);
	colo_purge_queue(g, &g->overflow.secondary, dev, &g->overflow);
	mutex_unlock(&g->mutex);
	colo_group_kick(g);
}

static long colo_worker_sleep(struct colo_group *g)
{
	long scan = MAX_SCHEDULE_TIMEOUT;

	if (!list_empty(&g->pending) || g->nflows) {
		if (time_after_eq(jiffies, g->next_scan))
			return 0;
		scan = g->next_scan - jiffies;
	}
	return min(scan, colo_proto_sleep(g));
}

static void colo_worker_round(struct colo_group *g, unsigned long *next_evict)
{
	mutex_lock(&g->mutex);
	colo_process_intake(g);
	colo_compare_pending(g);
	colo_proto_check_stall(g);
	if (time_after_eq(jiffies, g->next_scan)) {
		colo_age(g);
		if (time_after_eq(jiffies, *next_evict)) {
			colo_flow_evict_idle(g, false);
			*next_evict = jiffies + COLO_EVICT_PERIOD;
		}
		g->next_scan = jiffies +
			msecs_to_jiffies(READ_ONCE(g->p.scan_ms));
	}
	mutex_unlock(&g->mutex);
}

static int colo_worker_fn(void *data)
{
	unsigned long next_evict = jiffies;
	struct colo_group *g = data;
	long timeout;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		if (skb_queue_empty_lockless(&g->intake)) {
			timeout = colo_worker_sleep(g);
			if (timeout)
				schedule_timeout(timeout);
		}
		__set_current_state(TASK_RUNNING);
		colo_worker_round(g, &next_evict);
		cond_resched();
	}
	/* The group is dead: nothing new gets queued, flush the rest. */
	mutex_lock(&g->mutex);
	colo_flush_all(g);
	mutex_unlock(&g->mutex);
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

/* Returns once every held packet is released or dropped.  Process context. */
void colo_worker_stop(struct colo_group *g)
{
	kthread_stop(g->worker);
	g->worker = NULL;
}

/* Under intake.lock and with the group alive (see colo_group_take()). */
void colo_worker_kick(struct colo_group *g)
{
	wake_up_process(g->worker);
}

/* From anywhere: a dead group's worker may be gone. */
void colo_group_kick(struct colo_group *g)
{
	spin_lock_bh(&g->intake.lock);
	if (!g->dead)
		colo_worker_kick(g);
	spin_unlock_bh(&g->intake.lock);
}
