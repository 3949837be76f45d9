/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows of a group: the per-connection primary and secondary queues and
 * their compare state, in a per-group rhashtable keyed by the
 * direction-normalized flow key of parse.h.
 */
#ifndef _COLO_FLOW_H
#define _COLO_FLOW_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>

#include "compare.h"
#include "parse.h"

/* Empty flows are evicted when idle this long, closed ones sooner. */
#define COLO_FLOW_IDLE_MS	60000
#define COLO_FLOW_CLOSED_MS	1000

struct colo_group;

struct colo_flow {
	struct rhash_head node;
	struct colo_flow_key key;
	/* Both queues use only the unlocked __skb_* helpers: g->mutex. */
	struct sk_buff_head primary;	/* TCP: sorted by seq; else FIFO */
	struct sk_buff_head secondary;
	struct colo_tcp_state tcp;
	u32 bytes;			/* truesize held here */
	unsigned long last_active;	/* jiffies */
	u8 cls;				/* enum colo_class of the flow */
	bool closed;			/* FIN or RST seen */
	bool is_pending;
	struct list_head lru;
	struct list_head pending;
	struct rcu_head rcu;
};

/*
 * What the worker keeps with a held skb (skb->cb is ours once the action
 * took the packet at ingress).
 */
struct colo_cb {
	struct colo_pkt_meta m;
	u32 off;			/* TCP: payload bytes matched so far */
	u32 stamp;			/* jiffies when taken */
	u8 secondary;
	u8 parsed;
};

static inline struct colo_cb *colo_cb(const struct sk_buff *skb)
{
	return (struct colo_cb *)skb->cb;
}

int colo_flows_init(struct colo_group *g);
void colo_flows_destroy(struct colo_group *g);
struct colo_flow *colo_flow_lookup_create(struct colo_group *g,
					  const struct colo_flow_key *key,
					  u8 cls, bool *full);
void colo_flow_enqueue(struct colo_group *g, struct colo_flow *f,
		       struct sk_buff *skb);
struct sk_buff *colo_flow_dequeue(struct colo_group *g, struct colo_flow *f,
				  bool secondary);
void colo_flow_evict_idle(struct colo_group *g, bool all);

/* The frame the parser saw: from the MAC header to the end. */
static inline const u8 *colo_frame(const struct sk_buff *skb)
{
	return skb_mac_header_was_set(skb) ? skb_mac_header(skb) : skb->data;
}

#endif /* _COLO_FLOW_H */
