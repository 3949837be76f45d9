// SPDX-License-Identifier: GPL-2.0
/*
 * TCP compare in sequence space: colo_tcp_step() driven the way the
 * kernel worker drives it (seq-sorted queues, act on each verdict), with
 * different segmentation, retransmissions, payload-less segments, the
 * ACK-ahead rule and sequence wrap-around.
 */
#include <stdlib.h>

#include "frame.h"
#include "tap.h"

#define QMAX	256

/* A stream both sides send; a segment points into one of its copies. */
static u8 pstream[65536], sstream[65536];

/* What the glue does: two seq-sorted queues and the step loop. */
struct sim {
	struct colo_tcp_state st;
	struct colo_tcp_seg pq[QMAX], sq[QMAX];
	unsigned int pn, sn;
	u32 rel_seq[QMAX * 4];	/* released primaries, in order */
	u32 rel_len[QMAX * 4];
	unsigned int nrel, nfree;
	enum colo_tcp_verdict last;
};

static void fill_streams(void)
{
	u32 seed = 42, i;

	for (i = 0; i < sizeof(pstream); i++)
		pstream[i] = prng(&seed);
	memcpy(sstream, pstream, sizeof(sstream));
}

/* Segment of stream bytes [at, at + len) sent with sequence base + at. */
static struct colo_tcp_seg seg(bool secondary, u32 base, u32 at, u32 len,
			       u32 ack)
{
	struct colo_tcp_seg s = {
		.data = (secondary ? sstream : pstream) + at,
		.seq = base + at,
		.len = len,
		.ack = ack,
		.flags = COLO_TCP_ACK | (len ? COLO_TCP_PSH : 0),
	};

	return s;
}

static struct colo_tcp_seg bare(u32 seq, u32 ack, u8 flags)
{
	struct colo_tcp_seg s = { .seq = seq, .ack = ack, .flags = flags };

	return s;
}

static void sim_init(struct sim *sim)
{
	memset(sim, 0, sizeof(*sim));
	fill_streams();
}

/* Insert after every segment that does not start later (stable). */
static void sim_add(struct sim *sim, bool secondary, struct colo_tcp_seg s)
{
	struct colo_tcp_seg *q = secondary ? sim->sq : sim->pq;
	unsigned int *n = secondary ? &sim->sn : &sim->pn;
	unsigned int i = *n;

	if (*n == QMAX)
		abort();
	while (i > 0 && (s32)(s.seq - q[i - 1].seq) < 0) {
		q[i] = q[i - 1];
		i--;
	}
	q[i] = s;
	(*n)++;
	colo_tcp_note(&sim->st, &s, secondary);
}

static void pop(struct colo_tcp_seg *q, unsigned int *n)
{
	memmove(q, q + 1, (*n - 1) * sizeof(*q));
	(*n)--;
}

/* Step until nothing more can be done; returns the stopping verdict. */
static enum colo_tcp_verdict sim_run(struct sim *sim)
{
	enum colo_tcp_verdict v;

	for (;;) {
		v = colo_tcp_step(&sim->st, sim->pn ? &sim->pq[0] : NULL,
				  sim->sn ? &sim->sq[0] : NULL);
		sim->last = v;
		if (v == COLO_TCP_WAIT || (v & COLO_TCP_CHECKPOINT))
			return v;
		if (v & COLO_TCP_RELEASE_P) {
			sim->rel_seq[sim->nrel] = sim->pq[0].seq;
			sim->rel_len[sim->nrel++] = sim->pq[0].len;
			pop(sim->pq, &sim->pn);
		}
		if (v & COLO_TCP_FREE_S) {
			sim->nfree++;
			pop(sim->sq, &sim->sn);
		}
	}
}

/* Released primaries cover [base, base + total) in order, contiguously. */
static void check_released_in_order(const struct sim *sim, u32 base, u32 total)
{
	u32 next = base;
	unsigned int i;

	for (i = 0; i < sim->nrel; i++) {
		if (!sim->rel_len[i])
			continue;
		CHECK_EQ(sim->rel_seq[i], next);
		next = sim->rel_seq[i] + sim->rel_len[i];
	}
	CHECK_EQ(next - base, total);
}

/* Both sides send [0, total) cut at the given lengths; all must match. */
static void run_cuts(u32 base, const u32 *pcut, unsigned int np,
		     const u32 *scut, unsigned int ns)
{
	struct sim sim;
	unsigned int i;
	u32 at;

	sim_init(&sim);
	for (i = 0, at = 0; i < np; at += pcut[i++])
		sim_add(&sim, false, seg(false, base, at, pcut[i], 1));
	for (i = 0, at = 0; i < ns; at += scut[i++])
		sim_add(&sim, true, seg(true, base, at, scut[i], 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.pn, 0);
	CHECK_EQ(sim.sn, 0);
	CHECK_EQ(sim.nrel, np);
	CHECK_EQ(sim.nfree, ns);
	check_released_in_order(&sim, base, at);
	CHECK(sim.st.flags & COLO_TCPST_VERIFIED);
	CHECK_EQ(sim.st.verified, base + at);
}

/* ---- segmentation ---- */

static void identical_segmentation_releases_pairwise(void)
{
	static const u32 cut[] = { 100, 1448, 1448, 7 };
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;

	run_cuts(1000, cut, 4, cut, 4);

	/* one pair: both heads go in one step */
	fill_streams();
	p = seg(false, 0, 0, 10, 1);
	s = seg(true, 0, 0, 10, 1);
	colo_tcp_note(&st, &p, false);
	colo_tcp_note(&st, &s, true);
	CHECK_EQ(colo_tcp_step(&st, &p, &s), COLO_TCP_RELEASE_BOTH);
}

static void one_big_primary_vs_three_small_secondaries(void)
{
	static const u32 p[] = { 3000 }, s[] = { 1000, 1000, 1000 };

	run_cuts(5, p, 1, s, 3);
}

static void three_small_primaries_vs_one_big_secondary(void)
{
	static const u32 p[] = { 1000, 1000, 1000 }, s[] = { 3000 };

	run_cuts(5, p, 3, s, 1);
}

static void misaligned_boundaries_match(void)
{
	static const u32 p[] = { 100, 250, 150, 1, 499 };
	static const u32 s[] = { 200, 300, 333, 167 };

	run_cuts(77, p, 5, s, 4);
}

static void partial_consumption_tracked_in_offsets(void)
{
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;

	fill_streams();
	p = seg(false, 0, 0, 300, 1);
	s = seg(true, 0, 0, 100, 1);
	colo_tcp_note(&st, &p, false);
	colo_tcp_note(&st, &s, true);
	CHECK_EQ(colo_tcp_step(&st, &p, &s), COLO_TCP_FREE_S);
	CHECK_EQ(p.off, 100);
	CHECK_EQ(s.off, 100);
	CHECK_EQ(st.verified, 100);
}

static void random_segmentations_of_64k_match(void)
{
	u32 seed = 7, pcut[QMAX], scut[QMAX], left, n;
	unsigned int np, ns, round;

	for (round = 0; round < 50; round++) {
		for (np = 0, left = 20000; left; left -= n) {
			n = 100 + prng(&seed) % 1400;
			n = n < left ? n : left;
			pcut[np++] = n;
		}
		for (ns = 0, left = 20000; left; left -= n) {
			n = 100 + prng(&seed) % 1400;
			n = n < left ? n : left;
			scut[ns++] = n;
		}
		run_cuts(prng(&seed), pcut, np, scut, ns);
	}
}

/* ---- miscompares ---- */

static void divergent_byte_mid_segment_miscompares(void)
{
	struct sim sim;

	sim_init(&sim);
	sstream[150] ^= 0x20;
	sim_add(&sim, false, seg(false, 0, 0, 300, 1));
	sim_add(&sim, true, seg(true, 0, 0, 300, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_MISCOMPARE);
	/* nothing released, nothing consumed, nothing verified */
	CHECK_EQ(sim.nrel, 0);
	CHECK_EQ(sim.pq[0].off, 0);
	CHECK_EQ(sim.sq[0].off, 0);
	CHECK(!(sim.st.flags & COLO_TCPST_VERIFIED));
}

static void divergent_byte_after_partial_match_miscompares(void)
{
	struct sim sim;

	sim_init(&sim);
	sstream[1500] ^= 1;
	sim_add(&sim, false, seg(false, 9, 0, 3000, 1));
	sim_add(&sim, true, seg(true, 9, 0, 1000, 1));
	sim_add(&sim, true, seg(true, 9, 1000, 1000, 1));
	sim_add(&sim, true, seg(true, 9, 2000, 1000, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_MISCOMPARE);
	CHECK_EQ(sim.nfree, 1);
	CHECK_EQ(sim.nrel, 0);
	CHECK_EQ(sim.pq[0].off, 1000);
	CHECK_EQ(sim.st.verified, 9 + 1000);
}

static void shorter_secondary_leaves_rest_of_primary_waiting(void)
{
	struct sim sim;

	/* the SVM sends 10 bytes fewer: the rest of the primary waits */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 110, 1));
	sim_add(&sim, true, seg(true, 0, 0, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.pn, 1);
	CHECK_EQ(sim.pq[0].off, 100);
}

/* ---- retransmissions ---- */

static void retransmission_of_verified_data_released_alone(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
	/* the PVM retransmits; the SVM does not (yet) */
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, false, seg(false, 0, 100, 200, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 3);
	CHECK_EQ(sim.pn, 0);
}

static void retransmission_straddling_verified_compared_from_there(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	sim_run(&sim);
	/* the PVM resends 400..900 coalesced; the SVM sends 500..900 */
	sim_add(&sim, false, seg(false, 0, 400, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.pq[0].off, 100);
	sim_add(&sim, true, seg(true, 0, 500, 400, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.pn, 0);
	CHECK_EQ(sim.sn, 0);
	CHECK_EQ(sim.st.verified, 900);

	/* and a difference in the new part is still seen */
	sstream[950] ^= 4;
	sim_add(&sim, false, seg(false, 0, 800, 200, 1));
	sim_add(&sim, true, seg(true, 0, 900, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_MISCOMPARE);
}

/*
 * Found by tools/fuzz (corpus fuzz_flow/finding-tcp-checkpoint-off): a
 * head straddling the verified mark was moved onto it, then the step gave
 * a checkpoint verdict, which must leave the heads as they were.
 */
static void checkpoint_verdict_leaves_straddling_heads(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	/* both resend 400..900; the secondary's new part differs */
	sstream[700] ^= 1;
	sim_add(&sim, false, seg(false, 0, 400, 500, 1));
	sim_add(&sim, true, seg(true, 0, 400, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_MISCOMPARE);
	CHECK_EQ(sim.pq[0].off, 0);
	CHECK_EQ(sim.sq[0].off, 0);
	CHECK_EQ(sim.st.verified, 500);

	/* the same for ACK-ahead: the primary acks what the secondary did not */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	sim_add(&sim, false, seg(false, 0, 400, 200, 9));
	sim_add(&sim, true, seg(true, 0, 400, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_ACK_AHEAD);
	CHECK_EQ(sim.pq[0].off, 0);
	CHECK_EQ(sim.sq[0].off, 0);
	CHECK_EQ(sim.st.verified, 500);
}

static void secondary_retransmission_of_verified_data_freed(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 500, 1));
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	sim_run(&sim);
	sim_add(&sim, true, seg(true, 0, 0, 500, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.sn, 0);
	CHECK_EQ(sim.nfree, 2);
}

/* ---- payload-less segments ---- */

static void payloadless_primary_waits_for_secondary_counterpart(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, bare(100, 1, COLO_TCP_SYN | COLO_TCP_ACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 0);
	/* the SVM's SYN-ACK: now the flow has a counterpart */
	sim_add(&sim, true, bare(100, 1, COLO_TCP_SYN | COLO_TCP_ACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
	CHECK_EQ(sim.nfree, 1);
}

static void payloadless_released_at_once_after_counterpart(void)
{
	static const u8 flags[] = {
		COLO_TCP_ACK, COLO_TCP_FIN | COLO_TCP_ACK, COLO_TCP_RST,
		COLO_TCP_SYN,
	};
	struct sim sim;
	unsigned int i;

	sim_init(&sim);
	sim_add(&sim, true, bare(1, 1, COLO_TCP_ACK));
	sim_run(&sim);
	CHECK_EQ(sim.sn, 0);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		sim_add(&sim, false, bare(1, 1, flags[i]));
		CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
		CHECK_EQ(sim.nrel, i + 1);
	}
}

static void payloadless_waits_behind_held_data(void)
{
	struct sim sim;

	/* a FIN after held data goes after it, never before */
	sim_init(&sim);
	sim_add(&sim, true, bare(0, 1, COLO_TCP_ACK));
	sim_add(&sim, false, seg(false, 0, 0, 100, 1));
	sim_add(&sim, false, bare(100, 1, COLO_TCP_FIN | COLO_TCP_ACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 0);
	sim_add(&sim, true, seg(true, 0, 0, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 2);
	CHECK_EQ(sim.rel_len[0], 100);
	CHECK_EQ(sim.rel_len[1], 0);
}

static void checkpoint_makes_secondary_a_counterpart(void)
{
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p = bare(5, 1, COLO_TCP_ACK);

	CHECK_EQ(colo_tcp_step(&st, &p, NULL), COLO_TCP_WAIT);
	colo_tcp_checkpoint(&st);
	CHECK_EQ(colo_tcp_step(&st, &p, NULL), COLO_TCP_RELEASE_P);
}

static void syn_with_data_compared_after_the_syn(void)
{
	static const u8 body[] = "GET / HTTP/1.0\r\n\r\n";
	struct colo_pkt pp, sp;
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;
	struct fbuilt b;
	struct fspec f;
	u8 frame[FS_BUF];

	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_SYN;
	f.seq = 0xffffffff;	/* data starts at 0 */
	f.payload = body;
	f.plen = sizeof(body) - 1;
	fs_build(&f, frame, sizeof(frame), &b);
	colo_parse(frame, b.len, false, 0, &pp);
	colo_tcp_seg_init(&p, &pp.m, frame);
	CHECK_EQ(p.seq, 0);
	CHECK_EQ(p.len, sizeof(body) - 1);
	CHECK(!memcmp(p.data, body, p.len));

	/* the SVM sent SYN alone, then the data: same stream */
	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_ACK;
	f.seq = 0;
	f.payload = body;
	f.plen = sizeof(body) - 1;
	fs_build(&f, frame + 1024, sizeof(frame) - 1024, &b);
	colo_parse(frame + 1024, b.len, false, 0, &sp);
	colo_tcp_seg_init(&s, &sp.m, frame + 1024);
	CHECK_EQ(colo_tcp_step(&st, &p, &s), COLO_TCP_RELEASE_BOTH);
}

static void headers_and_options_ignored(void)
{
	static const u8 body[] = "HTTP/1.0 200 OK\r\n";
	u8 pf[FS_BUF], sf[FS_BUF];
	struct colo_tcp_state st = { 0 };
	struct colo_pkt pp, sp;
	struct colo_tcp_seg p, s;
	struct fspec f, g;
	struct fbuilt b;

	fs_ipv4(&f, IPPROTO_TCP);
	f.seq = 1000;
	f.ack = 5;
	f.tcpflags = COLO_TCP_ACK | COLO_TCP_PSH;
	f.payload = body;
	f.plen = sizeof(body) - 1;
	g = f;
	g.tcpopt_len = 12;	/* timestamps on one side only */
	g.window = 9999;
	g.ttl = 1;
	g.ipid = 4242;
	g.tcpflags = COLO_TCP_ACK;
	g.pad_to = 200;
	fs_build(&f, pf, sizeof(pf), &b);
	colo_parse(pf, b.len, false, 0, &pp);
	fs_build(&g, sf, sizeof(sf), &b);
	colo_parse(sf, b.len, false, 0, &sp);
	colo_tcp_seg_init(&p, &pp.m, pf);
	colo_tcp_seg_init(&s, &sp.m, sf);
	colo_tcp_note(&st, &p, false);
	colo_tcp_note(&st, &s, true);
	CHECK_EQ(colo_tcp_step(&st, &p, &s), COLO_TCP_RELEASE_BOTH);
}

/* ---- ACK-ahead ---- */

static void ack_ahead_on_partial_match_checkpoints(void)
{
	struct sim sim;

	/* PVM acked client data up to 2000, the SVM only up to 1000 */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 100, 2000));
	sim_add(&sim, true, seg(true, 0, 0, 300, 1000));
	CHECK_EQ(sim_run(&sim), COLO_TCP_ACK_AHEAD);
	CHECK_EQ(sim.nrel, 0);
	/* heads untouched */
	CHECK_EQ(sim.pq[0].off, 0);
	CHECK_EQ(sim.sq[0].off, 0);
	CHECK(!(sim.st.flags & COLO_TCPST_VERIFIED));
}

static void ack_ahead_ignored_for_identical_segments(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 300, 2000));
	sim_add(&sim, true, seg(true, 0, 0, 300, 1000));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
}

static void ack_ahead_not_when_secondary_queued_higher_ack(void)
{
	struct sim sim;

	/* a later secondary segment already acks 2000 */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 100, 2000));
	sim_add(&sim, false, seg(false, 0, 100, 200, 2000));
	sim_add(&sim, true, seg(true, 0, 0, 300, 1000));
	sim_add(&sim, true, bare(300, 2000, COLO_TCP_ACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 2);
	CHECK_EQ(sim.sn, 0);
}

static void ack_ahead_when_secondary_never_acked(void)
{
	struct colo_tcp_seg s;
	struct sim sim;

	sim_init(&sim);
	s = seg(true, 0, 0, 300, 0);
	s.flags = COLO_TCP_PSH;		/* no ACK flag: acks nothing */
	sim_add(&sim, false, seg(false, 0, 0, 100, 0x90000000));
	sim_add(&sim, true, s);
	CHECK(!(sim.st.flags & COLO_TCPST_SACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_ACK_AHEAD);
}

static void ack_ahead_skipped_for_primary_without_ack_flag(void)
{
	struct colo_tcp_seg p;
	struct sim sim;

	/* a SYN with data (TFO) acks nothing */
	sim_init(&sim);
	p = seg(false, 0, 0, 100, 0x5000);
	p.flags = COLO_TCP_SYN;
	sim_add(&sim, false, p);
	sim_add(&sim, true, seg(true, 0, 0, 300, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
}

static void ack_ahead_not_checked_when_primary_not_released(void)
{
	struct sim sim;

	/* the primary outlives the secondary: only the secondary goes */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 300, 2000));
	sim_add(&sim, true, seg(true, 0, 0, 100, 1000));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nfree, 1);
	CHECK_EQ(sim.pq[0].off, 100);
}

static void ack_tracking_and_ack_ahead_wrap_at_2_32(void)
{
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg a = bare(0, 0xfffffff0, COLO_TCP_ACK);
	struct colo_tcp_seg b = bare(0, 0x10, COLO_TCP_ACK);
	struct sim sim;

	colo_tcp_note(&st, &a, true);
	colo_tcp_note(&st, &b, true);
	CHECK_EQ(st.sack, 0x10);
	colo_tcp_note(&st, &a, true);
	CHECK_EQ(st.sack, 0x10);

	/* primary ack 0x20 is ahead of the secondary's 0xfffffff0 */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 100, 0x20));
	sim_add(&sim, true, seg(true, 0, 0, 300, 0xfffffff0));
	CHECK_EQ(sim_run(&sim), COLO_TCP_ACK_AHEAD);
	/* once the SVM acks 0x20 (past the wrap) it is not */
	sim_add(&sim, true, bare(300, 0x20, COLO_TCP_ACK));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
}

/* ---- sequence space ---- */

static void sequence_wrap_at_2_32_with_different_segmentation(void)
{
	static const u32 p[] = { 1000, 1000, 1000 }, s[] = { 1500, 1500 };
	struct sim sim;

	/* stream crosses 0xffffffff -> 0 in the middle of segments */
	run_cuts(0xfffffa00, p, 3, s, 2);
	run_cuts(0xffffffff, s, 2, p, 3);

	/* verified data before the wrap passes after it */
	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0xffffff00, 0, 512, 1));
	sim_add(&sim, true, seg(true, 0xffffff00, 0, 512, 1));
	sim_run(&sim);
	CHECK_EQ(sim.st.verified, 0x100);
	sim_add(&sim, false, seg(false, 0xffffff00, 0, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 2);
}

static void primary_ahead_waits_for_missing_secondary_segment(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 100, 1));
	sim_add(&sim, false, seg(false, 0, 100, 100, 1));
	sim_add(&sim, true, seg(true, 0, 100, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 0);
	/* the late secondary segment sorts first and unblocks both */
	sim_add(&sim, true, seg(true, 0, 0, 100, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 2);
	CHECK_EQ(sim.sn, 0);
}

static void secondary_ahead_waits_for_missing_primary_segment(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 200, 100, 1));
	sim_add(&sim, true, seg(true, 0, 0, 300, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 0);
	sim_add(&sim, false, seg(false, 0, 0, 200, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 2);
	CHECK_EQ(sim.sn, 0);
}

static void primary_data_without_secondary_waits(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, true, bare(0, 1, COLO_TCP_ACK));
	sim_run(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 10, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 0);
	CHECK_EQ(sim.pq[0].off, 0);
}

static void checkpoint_flush_counts_as_verified(void)
{
	struct sim sim;

	sim_init(&sim);
	sim_add(&sim, false, seg(false, 0, 0, 100, 1));
	sim_add(&sim, false, seg(false, 0, 100, 100, 1));
	sim_add(&sim, true, seg(true, 0, 0, 50, 1));
	sstream[10] ^= 1;
	CHECK_EQ(sim_run(&sim), COLO_TCP_MISCOMPARE);
	/* checkpoint: release every primary, drop every secondary */
	colo_tcp_flushed(&sim.st, &sim.pq[0]);
	colo_tcp_flushed(&sim.st, &sim.pq[1]);
	colo_tcp_checkpoint(&sim.st);
	sim.pn = 0;
	sim.sn = 0;
	CHECK_EQ(sim.st.verified, 200);
	/* the PVM's retransmission of flushed data passes alone */
	sim_add(&sim, false, seg(false, 0, 0, 200, 1));
	CHECK_EQ(sim_run(&sim), COLO_TCP_WAIT);
	CHECK_EQ(sim.nrel, 1);
}

static void step_with_no_heads_waits(void)
{
	struct colo_tcp_state st = { 0 };

	CHECK_EQ(colo_tcp_step(&st, NULL, NULL), COLO_TCP_WAIT);
	CHECK_EQ(st.flags, 0);
}

static const struct unit_test tests[] = {
	UNIT_TEST(identical_segmentation_releases_pairwise),
	UNIT_TEST(one_big_primary_vs_three_small_secondaries),
	UNIT_TEST(three_small_primaries_vs_one_big_secondary),
	UNIT_TEST(misaligned_boundaries_match),
	UNIT_TEST(partial_consumption_tracked_in_offsets),
	UNIT_TEST(random_segmentations_of_64k_match),
	UNIT_TEST(divergent_byte_mid_segment_miscompares),
	UNIT_TEST(divergent_byte_after_partial_match_miscompares),
	UNIT_TEST(shorter_secondary_leaves_rest_of_primary_waiting),
	UNIT_TEST(retransmission_of_verified_data_released_alone),
	UNIT_TEST(retransmission_straddling_verified_compared_from_there),
	UNIT_TEST(checkpoint_verdict_leaves_straddling_heads),
	UNIT_TEST(secondary_retransmission_of_verified_data_freed),
	UNIT_TEST(payloadless_primary_waits_for_secondary_counterpart),
	UNIT_TEST(payloadless_released_at_once_after_counterpart),
	UNIT_TEST(payloadless_waits_behind_held_data),
	UNIT_TEST(checkpoint_makes_secondary_a_counterpart),
	UNIT_TEST(syn_with_data_compared_after_the_syn),
	UNIT_TEST(headers_and_options_ignored),
	UNIT_TEST(ack_ahead_on_partial_match_checkpoints),
	UNIT_TEST(ack_ahead_ignored_for_identical_segments),
	UNIT_TEST(ack_ahead_not_when_secondary_queued_higher_ack),
	UNIT_TEST(ack_ahead_when_secondary_never_acked),
	UNIT_TEST(ack_ahead_skipped_for_primary_without_ack_flag),
	UNIT_TEST(ack_ahead_not_checked_when_primary_not_released),
	UNIT_TEST(ack_tracking_and_ack_ahead_wrap_at_2_32),
	UNIT_TEST(sequence_wrap_at_2_32_with_different_segmentation),
	UNIT_TEST(primary_ahead_waits_for_missing_secondary_segment),
	UNIT_TEST(secondary_ahead_waits_for_missing_primary_segment),
	UNIT_TEST(primary_data_without_secondary_waits),
	UNIT_TEST(checkpoint_flush_counts_as_verified),
	UNIT_TEST(step_with_no_heads_waits),
};

const struct unit_suite tcp_suite = { "tcp", tests, ARRAY_SIZE(tests) };
