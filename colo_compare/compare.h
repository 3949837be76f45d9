/* SPDX-License-Identifier: GPL-2.0 */
/*
 * COLO compare rules on parsed packets (DESIGN.md section 3).  No skb, no
 * allocation, no locks: the caller serializes calls per flow.
 */
#ifndef _COLO_COMPARE_H
#define _COLO_COMPARE_H

#include "parse.h"

bool colo_cmp_datagram(const struct colo_pkt_meta *p, const u8 *pframe,
		       const struct colo_pkt_meta *s, const u8 *sframe);

/* colo_tcp_state.flags */
#define COLO_TCPST_VERIFIED	BIT(0)	/* .verified is set */
#define COLO_TCPST_PACK		BIT(1)	/* .pack is set */
#define COLO_TCPST_SACK		BIT(2)	/* .sack is set */
#define COLO_TCPST_SEC_SEEN	BIT(3)	/* the secondary has sent in the flow */

/* Per-flow TCP compare state; all zero is the initial state. */
struct colo_tcp_state {
	u32 verified;		/* payload matched up to here (exclusive) */
	u32 pack;		/* highest ACK sent by the primary */
	u32 sack;		/* highest ACK sent by the secondary */
	u8 flags;		/* COLO_TCPST_* */
};

/*
 * One queued segment as the TCP rules see it.  @off is the only field the
 * rules change; the caller keeps it with the packet between calls.
 */
struct colo_tcp_seg {
	const u8 *data;		/* first payload byte */
	u32 seq;		/* sequence number of data[0] */
	u32 len;		/* payload length */
	u32 off;		/* payload bytes already matched or skipped */
	u32 ack;		/* acknowledgment number */
	u8 flags;		/* COLO_TCP_FIN ... COLO_TCP_URG */
};

/*
 * What the caller does with the queue heads after colo_tcp_step().  The
 * values are bits: test COLO_TCP_RELEASE_P and COLO_TCP_FREE_S separately.
 */
enum colo_tcp_verdict {
	COLO_TCP_WAIT		= 0,	/* nothing to do until more arrives */
	COLO_TCP_RELEASE_P	= 1,	/* send the primary head on */
	COLO_TCP_FREE_S		= 2,	/* free the secondary head */
	COLO_TCP_RELEASE_BOTH	= 3,	/* both of the above */
	COLO_TCP_MISCOMPARE	= 4,	/* payload differs: checkpoint */
	COLO_TCP_ACK_AHEAD	= 8,	/* primary acks unacked data: checkpoint */
};

#define COLO_TCP_CHECKPOINT	(COLO_TCP_MISCOMPARE | COLO_TCP_ACK_AHEAD)

void colo_tcp_seg_init(struct colo_tcp_seg *seg,
		       const struct colo_pkt_meta *m, const u8 *frame);
void colo_tcp_note(struct colo_tcp_state *st, const struct colo_tcp_seg *seg,
		   bool secondary);
enum colo_tcp_verdict colo_tcp_step(struct colo_tcp_state *st,
				    struct colo_tcp_seg *p,
				    struct colo_tcp_seg *s);
void colo_tcp_flushed(struct colo_tcp_state *st,
		      const struct colo_tcp_seg *p);
void colo_tcp_checkpoint(struct colo_tcp_state *st);

#endif /* _COLO_COMPARE_H */
