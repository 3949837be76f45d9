// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table of a group.  Only the group's worker and genl touch it,
 * both under g->mutex: the data path never does (it only feeds the
 * intake queue), so lookups need no RCU and inserts never race.
 */
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "group.h"
#include "trace.h"

/*
 * jhash2 over the words of the key that can be non-zero: all 11 for
 * IPv6, but only 5 for every other key (parse.h zeroes the rest of an
 * IPv4 address), which halves the cost of the two lookups per pair.
 * Still injective on those words and seeded, so no easier to flood.
 */
static u32 colo_flow_hash(const void *data, u32 len, u32 seed)
{
	const struct colo_flow_key *k = data;
	const u32 *w = data;
	u32 v4[5];

	BUILD_BUG_ON(offsetof(struct colo_flow_key, port) != 8 * sizeof(u32));
	BUILD_BUG_ON(offsetof(struct colo_flow_key, vlan) != 9 * sizeof(u32));
	BUILD_BUG_ON(offsetof(struct colo_flow_key, ethertype) != 10 * sizeof(u32));
	if (k->ethertype == ETH_P_IPV6)
		return jhash2(w, len / sizeof(u32), seed);
	v4[0] = w[0];					/* addr[0][0] */
	v4[1] = w[4];					/* addr[1][0] */
	v4[2] = w[8];					/* ports */
	v4[3] = w[9];					/* VLAN ids */
	v4[4] = w[10];					/* ethertype, proto */
	return jhash2(v4, ARRAY_SIZE(v4), seed);
}

static const struct rhashtable_params colo_flow_params = {
	.key_len		= sizeof(struct colo_flow_key),
	.key_offset		= offsetof(struct colo_flow, key),
	.head_offset		= offsetof(struct colo_flow, node),
	.hashfn			= colo_flow_hash,
	.automatic_shrinking	= true,
};

static void colo_flow_init(struct colo_flow *f)
{
	__skb_queue_head_init(&f->primary);
	__skb_queue_head_init(&f->secondary);
	INIT_LIST_HEAD(&f->lru);
	INIT_LIST_HEAD(&f->pending);
	f->last_active = jiffies;
}

int colo_flows_init(struct colo_group *g)
{
	int err;

	err = rhashtable_init(&g->flows, &colo_flow_params);
	if (err)
		return err;
	INIT_LIST_HEAD(&g->lru);
	INIT_LIST_HEAD(&g->closed_lru);
	INIT_LIST_HEAD(&g->pending);
	colo_flow_init(&g->overflow);
	g->overflow.cls = COLO_CLS_FRAME;
	g->tables_ready = true;
	return 0;
}

static void colo_flow_free(struct colo_group *g, struct colo_flow *f)
{
	rhashtable_remove_fast(&g->flows, &f->node, colo_flow_params);
	list_del(&f->lru);
	list_del(&f->pending);
	g->nflows--;
	kfree_rcu(f, rcu);
}

/* Every flow must be empty (colo_flush_all()). */
void colo_flows_destroy(struct colo_group *g)
{
	if (!g->tables_ready)
		return;
	colo_flow_evict_idle(g, true);
	WARN_ON_ONCE(g->nflows);
	rhashtable_destroy(&g->flows);
	g->tables_ready = false;
}

/*
 * The flow of @key, created if needed.  A full table (max_flows) or a
 * failed allocation gives NULL with *full set: the caller parks the packet
 * and asks for a checkpoint, it never drops it for that.
 */
struct colo_flow *colo_flow_lookup_create(struct colo_group *g,
					  const struct colo_flow_key *key,
					  u8 cls, bool *full)
{
	struct colo_flow *f;

	*full = false;
	f = rhashtable_lookup_fast(&g->flows, key, colo_flow_params);
	if (f)
		return f;

	if (g->nflows >= READ_ONCE(g->p.max_flows))
		goto full;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		goto full;
	colo_flow_init(f);
	f->key = *key;
	f->cls = cls;
	if (rhashtable_insert_fast(&g->flows, &f->node, colo_flow_params)) {
		kfree(f);
		goto full;
	}
	list_add_tail(&f->lru, &g->lru);
	g->nflows++;
	return f;

full:
	*full = true;
	return NULL;
}

/* TCP queues stay sorted by sequence number (wrap-safe), others FIFO. */
static void colo_queue_sorted(struct sk_buff_head *q, struct sk_buff *skb)
{
	u32 seq = colo_cb(skb)->m.seq;
	struct sk_buff *pos;

	skb_queue_reverse_walk(q, pos) {
		if ((s32)(seq - colo_cb(pos)->m.seq) >= 0) {
			__skb_queue_after(q, pos, skb);
			return;
		}
	}
	__skb_queue_head(q, skb);
}

void colo_flow_enqueue(struct colo_group *g, struct colo_flow *f,
		       struct sk_buff *skb)
{
	struct colo_cb *cb = colo_cb(skb);
	struct sk_buff_head *q = cb->secondary ? &f->secondary : &f->primary;

	if (f->cls == COLO_CLS_TCP && cb->m.cls == COLO_CLS_TCP) {
		struct colo_tcp_seg seg;

		colo_tcp_seg_init(&seg, &cb->m, colo_frame(skb));
		colo_tcp_note(&f->tcp, &seg, cb->secondary);
		if (cb->m.tcp_flags & (COLO_TCP_FIN | COLO_TCP_RST))
			f->closed = true;
		colo_queue_sorted(q, skb);
	} else {
		__skb_queue_tail(q, skb);
	}
	f->bytes += skb->truesize;
	f->last_active = jiffies;
	if (f != &g->overflow) {
		list_move_tail(&f->lru, f->closed ? &g->closed_lru : &g->lru);
		if (!f->is_pending) {
			f->is_pending = true;
			list_add_tail(&f->pending, &g->pending);
		}
	}
	trace_colo_enqueue(g->id, skb, cb->secondary, f->bytes);
}

struct sk_buff *colo_flow_dequeue(struct colo_group *g, struct colo_flow *f,
				  bool secondary)
{
	struct sk_buff *skb;

	skb = __skb_dequeue(secondary ? &f->secondary : &f->primary);
	if (skb)
		f->bytes -= skb->truesize;
	return skb;
}

/* Drop the empty flows of @lru idle for @idle_ms or more (@all: all). */
static void colo_flow_evict_list(struct colo_group *g, struct list_head *lru,
				 unsigned int idle_ms, bool all)
{
	unsigned long now = jiffies, min_idle = msecs_to_jiffies(idle_ms);
	struct colo_flow *f, *tmp;

	list_for_each_entry_safe(f, tmp, lru, lru) {
		if (!all && now - f->last_active < min_idle)
			break;	/* the rest were active more recently */
		if (skb_queue_empty(&f->primary) &&
		    skb_queue_empty(&f->secondary))
			colo_flow_free(g, f);
	}
}

/*
 * Drop flows that hold nothing and are idle, closed ones sooner; @all:
 * every empty flow.  Each walk ends at the first flow that is too young,
 * so a periodic call costs what it evicts, not the size of the table.
 */
void colo_flow_evict_idle(struct colo_group *g, bool all)
{
	colo_flow_evict_list(g, &g->closed_lru, COLO_FLOW_CLOSED_MS, all);
	colo_flow_evict_list(g, &g->lru, COLO_FLOW_IDLE_MS, all);
}
