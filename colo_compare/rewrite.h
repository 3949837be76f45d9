/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The secondary host's TCP rewriter (DESIGN.md section 1): shifts the
 * sequence numbers of the secondary VM's TCP connections into the primary
 * VM's sequence space and back, per flow, by an offset learned at the
 * handshake.  See rewrite.c for the rules.
 */
#ifndef _COLO_REWRITE_H
#define _COLO_REWRITE_H

#include <linux/types.h>

struct colo_group;
struct colo_rewriter;
struct sk_buff;

/* A snapshot of a group's rewriter, see colo_rewrite_get_stats(). */
struct colo_rewrite_stats {
	u64 rewritten;	/* packets whose seq, ack or SACK blocks were shifted */
	u64 learned;	/* connections whose offset was learned */
	u64 unknown;	/* packets passed unchanged: offset not learned (yet) */
	u64 untracked;	/* new connections not tracked: table full, no memory */
	u64 errors;	/* packets dropped: headers could not be made writable */
	u64 resets;	/* colo_rewrite_reset() calls (completed checkpoints) */
	u32 flows;	/* connections tracked now (at most the group's max_flows) */
};

int colo_rewrite_init(struct colo_group *g);
void colo_rewrite_destroy(struct colo_group *g);
int colo_rewrite_skb(struct colo_group *g, struct sk_buff *skb, bool to_svm);
void colo_rewrite_reset(struct colo_group *g);
void colo_rewrite_get_stats(struct colo_group *g,
			    struct colo_rewrite_stats *st);

#endif /* _COLO_REWRITE_H */
