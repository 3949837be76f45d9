// SPDX-License-Identifier: GPL-2.0
/*
 * COLO compare rules (DESIGN.md section 3) on frames parsed by
 * colo_parse().  The primary (PVM) and secondary (SVM) output of one flow
 * is compared here; the caller owns the queues and acts on the result.
 *
 * Datagrams (UDP, ICMP, ICMPv6, other IP, whole frames) are compared one
 * primary against one secondary, oldest first.  TCP is compared in
 * sequence space, so the two sides may segment differently.
 */
#include "compare.h"

/* Sequence numbers wrap: compare them as a signed distance. */
static bool colo_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool colo_seq_after(u32 a, u32 b)
{
	return (s32)(b - a) < 0;
}

/* An empty frame may come with a NULL pointer: never memcmp() it. */
static bool colo_same(const u8 *a, const u8 *b, u32 n)
{
	return !n || !memcmp(a, b, n);
}

/*
 * Source and destination address, in order: the receiver sees them.  The
 * flow key is direction-normalized, so equal keys do not imply this.
 */
static bool colo_same_addrs(const struct colo_pkt_meta *p, const u8 *pframe,
			    const struct colo_pkt_meta *s, const u8 *sframe)
{
	const u8 *a = pframe + p->l3_off, *b = sframe + s->l3_off;

	/* constant sizes: the compiler compares in place, no call */
	if (p->ethertype == ETH_P_IPV6)
		return !memcmp(a + 8, b + 8, 32);
	return !memcmp(a + 12, b + 12, 8);
}

/**
 * colo_cmp_datagram() - compare one primary and one secondary packet
 * @p: metadata of the primary, from colo_parse()
 * @pframe: the primary frame that @p was parsed from
 * @s: metadata of the secondary
 * @sframe: the secondary frame
 *
 * For every class but TCP.  Per-flow FIFO order is the caller's: it
 * passes the oldest primary and the oldest secondary of the flow.
 *
 * Return: true if a receiver cannot tell the two apart.
 */
bool colo_cmp_datagram(const struct colo_pkt_meta *p, const u8 *pframe,
		       const struct colo_pkt_meta *s, const u8 *sframe)
{
	/* Different class, L3 type or VLAN: never the same output. */
	if (p->cls != s->cls || p->ethertype != s->ethertype ||
	    p->vlan[0] != s->vlan[0] || p->vlan[1] != s->vlan[1])
		return false;

	switch (p->cls) {
	case COLO_CLS_FRAME:
		/* Every byte up to the ARP/IP length or the frame end. */
		return p->cmp_len == s->cmp_len &&
		       colo_same(pframe, sframe, p->cmp_len);
	case COLO_CLS_TCP:
		/* TCP is compared in sequence space: colo_tcp_step(). */
		return false;
	default:
		break;
	}

	/*
	 * IP: of the IP header only addresses, protocol and fragment
	 * position count.  ID, TTL/hop limit, TOS, flow label, checksum,
	 * options, extension headers and Ethernet padding are ignored.
	 */
	if (p->l4proto != s->l4proto || p->frag != s->frag ||
	    p->pay_len != s->pay_len ||
	    !colo_same_addrs(p, pframe, s, sframe))
		return false;

	switch (p->cls) {
	case COLO_CLS_UDP:
		/* Ports; not the checksum (0 = none vs computed), not length. */
		if (memcmp(pframe + p->l4_off, sframe + s->l4_off, 4))
			return false;
		break;
	case COLO_CLS_ICMP:
	case COLO_CLS_ICMPV6:
		/* Type, code and the id/seq word; not the checksum. */
		if (!colo_same(pframe + p->l4_off, sframe + s->l4_off, 2) ||
		    !colo_same(pframe + p->l4_off + 4, sframe + s->l4_off + 4, 4))
			return false;
		break;
	default:
		/* Other protocols and fragments: the L3 payload alone. */
		break;
	}
	return colo_same(pframe + p->pay_off, sframe + s->pay_off, p->pay_len);
}

/**
 * colo_tcp_seg_init() - describe a parsed TCP packet as a segment
 * @seg: filled in, with nothing consumed yet
 * @m: metadata from colo_parse(), class COLO_CLS_TCP
 * @frame: the frame that @m was parsed from
 */
void colo_tcp_seg_init(struct colo_tcp_seg *seg,
		       const struct colo_pkt_meta *m, const u8 *frame)
{
	seg->data = frame + m->pay_off;
	/* SYN takes one sequence number; data sent with it follows. */
	seg->seq = m->seq + !!(m->tcp_flags & COLO_TCP_SYN);
	seg->len = m->pay_len;
	seg->off = 0;
	seg->ack = m->ack;
	seg->flags = m->tcp_flags;
}

/**
 * colo_tcp_note() - account a segment as it is queued
 * @st: the flow's TCP state
 * @seg: the segment
 * @secondary: it comes from the secondary
 *
 * Tracks the highest ACK each side has sent, over all queued segments
 * (the ACK-ahead rule needs them), and that the secondary has sent at
 * least one segment in the flow.
 */
void colo_tcp_note(struct colo_tcp_state *st, const struct colo_tcp_seg *seg,
		   bool secondary)
{
	u8 bit = secondary ? COLO_TCPST_SACK : COLO_TCPST_PACK;
	u32 *max = secondary ? &st->sack : &st->pack;

	if (secondary)
		st->flags |= COLO_TCPST_SEC_SEEN;
	if (!(seg->flags & COLO_TCP_ACK))
		return;
	if (!(st->flags & bit) || colo_seq_after(seg->ack, *max)) {
		*max = seg->ack;
		st->flags |= bit;
	}
}

/*
 * Verified data passes: a segment that ends at or before ->verified is a
 * retransmission (true); one that straddles it is compared from there on.
 */
static bool colo_tcp_skip_verified(const struct colo_tcp_state *st,
				   struct colo_tcp_seg *seg)
{
	u32 done;

	if (!(st->flags & COLO_TCPST_VERIFIED))
		return false;
	if (!colo_seq_after(seg->seq + seg->len, st->verified))
		return true;
	if (colo_seq_after(st->verified, seg->seq)) {
		done = st->verified - seg->seq;
		if (done > seg->off)
			seg->off = done;
	}
	return false;
}

/*
 * ACK-ahead (as QEMU): a primary that acks client data beyond what both
 * sides have acked (min of the highest primary and secondary ACK) is not
 * released on a partial match; the secondary has not shown that it got
 * that data, so its next output may differ.  A secondary that never
 * acked is behind any ACK.
 */
static bool colo_tcp_ack_ahead(const struct colo_tcp_state *st,
			       const struct colo_tcp_seg *p)
{
	u32 min_ack;

	if (!(p->flags & COLO_TCP_ACK))
		return false;
	if (!(st->flags & COLO_TCPST_SACK))
		return true;
	min_ack = st->sack;
	if ((st->flags & COLO_TCPST_PACK) && colo_seq_before(st->pack, min_ack))
		min_ack = st->pack;
	return colo_seq_after(p->ack, min_ack);
}

/* A checkpoint verdict leaves the heads as they were before the step. */
static enum colo_tcp_verdict colo_tcp_keep(struct colo_tcp_seg *p, u32 poff,
					   struct colo_tcp_seg *s, u32 soff,
					   enum colo_tcp_verdict v)
{
	p->off = poff;
	s->off = soff;
	return v;
}

/**
 * colo_tcp_step() - one compare decision on the heads of a TCP flow
 * @st: the flow's TCP state
 * @p: lowest-sequence primary segment, or NULL if none is queued
 * @s: lowest-sequence secondary segment, or NULL if none is queued
 *
 * Call repeatedly, acting on the verdict each time, until it is
 * COLO_TCP_WAIT or a checkpoint verdict.  ->off only moves forward over
 * matched or already verified bytes; a checkpoint verdict leaves the
 * heads and the verified mark as they were.
 *
 * Return: what to do with the heads (enum colo_tcp_verdict).
 */
enum colo_tcp_verdict colo_tcp_step(struct colo_tcp_state *st,
				    struct colo_tcp_seg *p,
				    struct colo_tcp_seg *s)
{
	u32 cur, prem, srem, n, poff, soff;

	if (s)
		st->flags |= COLO_TCPST_SEC_SEEN;
	/* colo_tcp_skip_verified() may move them; a checkpoint undoes that */
	poff = p ? p->off : 0;
	soff = s ? s->off : 0;

	if (p) {
		/*
		 * Payload-less (pure ACK, SYN, FIN, RST): nothing to
		 * compare, released once the secondary has sent anything
		 * in the flow (QEMU: once a secondary is queued).
		 */
		if (!p->len)
			return (st->flags & COLO_TCPST_SEC_SEEN) ?
			       COLO_TCP_RELEASE_P : COLO_TCP_WAIT;
		/* Retransmitted verified data needs no counterpart. */
		if (colo_tcp_skip_verified(st, p))
			return COLO_TCP_RELEASE_P;
	}
	if (s && (!s->len || colo_tcp_skip_verified(st, s)))
		return COLO_TCP_FREE_S;
	if (!p || !s)
		return COLO_TCP_WAIT;

	/*
	 * The heads start at different sequence numbers: the side whose
	 * head starts later lacks a segment that may still arrive (queues
	 * are sorted by sequence).  If it never does, the timeout fires.
	 */
	cur = p->seq + p->off;
	if (cur != s->seq + s->off)
		return COLO_TCP_WAIT;

	/* Segmentation may differ: compare the overlap, keep the rest. */
	prem = p->len - p->off;
	srem = s->len - s->off;
	n = prem < srem ? prem : srem;
	if (!colo_same(p->data + p->off, s->data + s->off, n))
		return colo_tcp_keep(p, poff, s, soff, COLO_TCP_MISCOMPARE);

	/* Whole identical segments are released whatever they ack. */
	if (n == prem && (p->seq != s->seq || p->len != s->len) &&
	    colo_tcp_ack_ahead(st, p))
		return colo_tcp_keep(p, poff, s, soff, COLO_TCP_ACK_AHEAD);

	p->off += n;
	s->off += n;
	st->verified = cur + n;
	st->flags |= COLO_TCPST_VERIFIED;

	if (n == prem && n == srem)
		return COLO_TCP_RELEASE_BOTH;
	return n == prem ? COLO_TCP_RELEASE_P : COLO_TCP_FREE_S;
}

/**
 * colo_tcp_flushed() - a checkpoint released a primary uncompared
 * @st: the flow's TCP state
 * @p: the released segment
 *
 * After the checkpoint the secondary holds the primary's state, so what
 * the primary sent counts as verified: its retransmissions pass.
 */
void colo_tcp_flushed(struct colo_tcp_state *st, const struct colo_tcp_seg *p)
{
	u32 end = p->seq + p->len;

	if (!p->len)
		return;
	if (!(st->flags & COLO_TCPST_VERIFIED) ||
	    colo_seq_after(end, st->verified)) {
		st->verified = end;
		st->flags |= COLO_TCPST_VERIFIED;
	}
}

/**
 * colo_tcp_checkpoint() - a checkpoint completed
 * @st: the flow's TCP state
 *
 * The secondary now has the primary's connection state, so it counts as
 * a counterpart for payload-less segments.  ACK maxima are kept: they are
 * in the client's sequence space, which a checkpoint does not change.
 */
void colo_tcp_checkpoint(struct colo_tcp_state *st)
{
	st->flags |= COLO_TCPST_SEC_SEEN;
}
