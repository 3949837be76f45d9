// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: primary/secondary frame sequences through the flow
 * logic of colo_compare/worker.c and flow.c - parse, flow lookup, sorted
 * TCP queues with colo_tcp_note(), the colo_tcp_step() and datagram
 * compare loops acting on each verdict, checkpoint flushes - asserting
 * the invariants listed in README after every step.
 *
 * Input: a header, then a script of operations (see decode below).
 *   header: mode (1), ISN (4), ACK base (4)
 *     mode 0x01 mirror: every frame goes to the primary now and an
 *               equivalent one (ignored fields changed) to the secondary
 *               later, in order; no miscompare may happen
 *     mode 0x02 IPv6, 0x04 one in-band VLAN tag, 0x08 IPv6 extension
 *               headers (hop-by-hop + destination options)
 *   op: 1 byte; kind = op & 7, side = op >> 3 & 1, flow = op >> 4 & 3
 *     0 TCP segment: flags, seq delta (2, signed, from ISN), ack delta
 *       (2, signed), length code, options/corruption byte
 *     1 datagram: type (UDP, ICMP echo, other IP, fragment), length, seed
 *     2, 7 compare (one worker round)
 *     3 checkpoint done: flush every flow; side 1 also evicts empty flows
 *     4 mirror: deliver the next secondary; else TCP segment with an
 *       absolute seq (4) and ack (4), flags, length code
 *     5 raw frame: length (1), bytes
 *     6 mirror: deliver every pending secondary
 * Flow 3 is flow 0 in the other direction (same key).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "frame.h"

#define MAX_FLOWS	4
#define QCAP		32	/* packets per queue; then dropped (memory limit) */
#define MAX_PKTS	1024	/* packets per input */
#define MAX_OPS		400
#define MODE_MIRROR	0x01
#define MODE_V6		0x02
#define MODE_VLAN	0x04
#define MODE_EXT	0x08

struct pkt {
	u8 *frame;
	u32 len;
	struct colo_pkt_meta m;
	u32 off;		/* colo_cb->off */
	u32 id;
	bool secondary;
};

struct flow {
	bool used;
	struct colo_flow_key key;
	u8 cls;
	struct colo_tcp_state tcp;
	struct pkt *q[2][QCAP];	/* [0] primary, [1] secondary */
	unsigned int n[2];
};

struct world {
	const u8 *in;
	size_t left;
	u8 mode;
	u32 isn, ackbase;
	bool checkpoint;	/* a checkpoint request is outstanding */
	bool tainted;		/* raw or absolute-seq input: no mirror oracle */
	struct flow flows[MAX_FLOWS];
	struct flow overflow;	/* never compared, only flushed */
	/* mirror: secondary frames not yet delivered, in order */
	u8 *pend[MAX_PKTS];
	u32 pend_len[MAX_PKTS];
	unsigned int npend, pend_head;
	/* every packet once: held -> released or discarded */
	u8 fate[MAX_PKTS];	/* 0 unused, 1 held, 2 released, 3 discarded */
	u32 npkts;
};

static u8 stream[65536];
static bool trace;	/* FUZZ_TRACE=1: what happens, on stderr */

#define TRACE(...)	do { if (trace) fprintf(stderr, __VA_ARGS__); } while (0)

static void init_stream(void)
{
	u32 seed = 0x12345678, i;

	if (stream[0] | stream[1])
		return;
	for (i = 0; i < sizeof(stream); i++)
		stream[i] = prng(&seed);
	stream[0] |= 1;
}

static bool take(struct world *w, void *out, size_t n)
{
	if (w->left < n)
		return false;
	memcpy(out, w->in, n);
	w->in += n;
	w->left -= n;
	return true;
}

static int take8(struct world *w)
{
	u8 b;

	return take(w, &b, 1) ? b : -1;
}

/* multi-byte script fields are big-endian */
static bool take16(struct world *w, u16 *v)
{
	u8 b[2];

	if (!take(w, b, 2))
		return false;
	*v = fz_get16(b);
	return true;
}

static bool take32(struct world *w, u32 *v)
{
	u8 b[4];

	if (!take(w, b, 4))
		return false;
	*v = fz_get32(b);
	return true;
}

static bool seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* ---- packet life: every packet is released or discarded exactly once ---- */

static void pkt_done(struct world *w, struct pkt *p, u8 fate)
{
	FUZZ_ASSERT(p->id < w->npkts && w->fate[p->id] == 1);
	w->fate[p->id] = fate;
	free(p->frame);
	free(p);
}

static void release(struct world *w, struct pkt *p)
{
	FUZZ_ASSERT(!p->secondary);
	pkt_done(w, p, 2);
}

static void discard(struct world *w, struct pkt *p)
{
	pkt_done(w, p, 3);
}

static struct pkt *dequeue(struct flow *f, bool secondary)
{
	struct pkt *p;

	if (!f->n[secondary])
		return NULL;
	p = f->q[secondary][0];
	memmove(f->q[secondary], f->q[secondary] + 1,
		--f->n[secondary] * sizeof(p));
	return p;
}

/* ---- classify and enqueue (worker.c colo_classify, flow.c) ---- */

static struct flow *lookup_create(struct world *w, const struct colo_pkt *pkt)
{
	struct flow *f;
	unsigned int i;

	for (i = 0; i < MAX_FLOWS; i++) {
		f = &w->flows[i];
		if (f->used && !memcmp(&f->key, &pkt->key, sizeof(f->key)))
			return f;
	}
	for (i = 0; i < MAX_FLOWS; i++) {
		f = &w->flows[i];
		if (!f->used) {
			memset(f, 0, sizeof(*f));
			f->used = true;
			f->key = pkt->key;
			f->cls = pkt->m.cls;
			return f;
		}
	}
	return NULL;
}

static void check_note(const struct colo_tcp_state *old,
		       const struct colo_tcp_state *st,
		       const struct colo_tcp_seg *seg, bool secondary)
{
	u8 bit = secondary ? COLO_TCPST_SACK : COLO_TCPST_PACK;
	u32 max = secondary ? st->sack : st->pack;

	u8 changed = old->flags ^ st->flags;

	FUZZ_ASSERT(st->verified == old->verified);
	FUZZ_ASSERT(!secondary || (st->flags & COLO_TCPST_SEC_SEEN));
	FUZZ_ASSERT(!(changed & ~(bit | COLO_TCPST_SEC_SEEN)));
	FUZZ_ASSERT(!(old->flags & ~st->flags));
	FUZZ_ASSERT((secondary ? st->pack == old->pack : st->sack == old->sack));
	if (seg->flags & COLO_TCP_ACK)
		FUZZ_ASSERT((st->flags & bit) && !seq_before(max, seg->ack));
	else
		FUZZ_ASSERT(!(changed & bit) &&
			    max == (secondary ? old->sack : old->pack));
}

static void enqueue(struct world *w, u8 *frame, u32 len, bool secondary)
{
	struct colo_pkt pkt;
	struct colo_tcp_state old;
	struct colo_tcp_seg seg;
	struct flow *f;
	struct pkt *p, **q;
	unsigned int i;

	colo_parse(frame, len, false, 0, &pkt);
	p = calloc(1, sizeof(*p));
	if (!p || w->npkts == MAX_PKTS)
		abort();
	p->frame = frame;
	p->len = len;
	p->m = pkt.m;
	p->secondary = secondary;
	p->id = w->npkts++;
	w->fate[p->id] = 1;

	f = lookup_create(w, &pkt);
	TRACE("%c#%u flow %ld cls %u seq %u ack %u flags %02x pay %u+%u len %u\n",
	      secondary ? 's' : 'p', p->id, f ? (long)(f - w->flows) : -1L,
	      p->m.cls, p->m.seq, p->m.ack, p->m.tcp_flags, p->m.pay_off,
	      p->m.pay_len, len);
	if (!f) {
		f = &w->overflow;
		w->checkpoint = true;
	}
	if (f->n[secondary] == QCAP) {
		/* over the memory limit: dropped, so the sides differ */
		discard(w, p);
		w->tainted = true;
		return;
	}
	q = f->q[secondary];
	if (f->cls == COLO_CLS_TCP && p->m.cls == COLO_CLS_TCP) {
		colo_tcp_seg_init(&seg, &p->m, frame);
		FUZZ_ASSERT(seg.data >= frame && seg.data + seg.len <= frame + len);
		old = f->tcp;
		colo_tcp_note(&f->tcp, &seg, secondary);
		check_note(&old, &f->tcp, &seg, secondary);
		/* sorted by seq, stable (flow.c colo_queue_sorted) */
		for (i = f->n[secondary]; i > 0; i--)
			if ((s32)(p->m.seq - q[i - 1]->m.seq) >= 0)
				break;
		memmove(q + i + 1, q + i, (f->n[secondary] - i) * sizeof(p));
		q[i] = p;
	} else {
		q[f->n[secondary]] = p;
	}
	f->n[secondary]++;
}

/* ---- compare (worker.c colo_compare_tcp / _fifo) ---- */

static bool covered(const struct colo_tcp_state *st,
		    const struct colo_tcp_seg *seg)
{
	return (st->flags & COLO_TCPST_VERIFIED) &&
	       !seq_before(st->verified, seg->seq + seg->len);
}

static void miscompare(struct world *w, bool ack_ahead)
{
	/* identical output never miscompares (ACK-ahead is about timing) */
	if ((w->mode & MODE_MIRROR) && !w->tainted && !ack_ahead)
		FUZZ_ASSERT(!"mirror miscompare");
	w->checkpoint = true;
}

/* colo_tcp_step() may change ->off only */
static void check_seg(const struct colo_tcp_seg *a, const struct colo_tcp_seg *b)
{
	FUZZ_ASSERT(a->data == b->data && a->seq == b->seq && a->len == b->len &&
		    a->ack == b->ack && a->flags == b->flags);
	FUZZ_ASSERT(b->off >= a->off && b->off <= b->len);
}

static void compare_tcp(struct world *w, struct flow *f)
{
	struct colo_tcp_seg ps = { 0 }, ss = { 0 }, p0 = { 0 }, s0 = { 0 };
	struct colo_tcp_state st0;
	unsigned int rounds = 0, bound = f->n[0] + f->n[1] + 1;
	struct pkt *p, *s;
	u32 v;

	for (;;) {
		FUZZ_ASSERT(++rounds <= bound);
		p = f->n[0] ? f->q[0][0] : NULL;
		s = f->n[1] ? f->q[1][0] : NULL;
		if (!p && !s)
			return;
		if (p) {
			colo_tcp_seg_init(&ps, &p->m, p->frame);
			ps.off = p->off;
			p0 = ps;
		}
		if (s) {
			colo_tcp_seg_init(&ss, &s->m, s->frame);
			ss.off = s->off;
			s0 = ss;
		}
		st0 = f->tcp;
		v = colo_tcp_step(&f->tcp, p ? &ps : NULL, s ? &ss : NULL);
		TRACE("step p#%d s#%d -> %u (off %u/%u, verified %u)\n",
		      p ? (int)p->id : -1, s ? (int)s->id : -1, v, ps.off,
		      ss.off, f->tcp.verified);

		FUZZ_ASSERT(v <= COLO_TCP_RELEASE_BOTH ||
			    v == COLO_TCP_MISCOMPARE || v == COLO_TCP_ACK_AHEAD);
		FUZZ_ASSERT(p || !(v & COLO_TCP_RELEASE_P));
		FUZZ_ASSERT(s || !(v & COLO_TCP_FREE_S));
		/* only ->off changes, forward, within the payload */
		if (p)
			check_seg(&p0, &ps);
		if (s)
			check_seg(&s0, &ss);
		FUZZ_ASSERT(!s || (f->tcp.flags & COLO_TCPST_SEC_SEEN));
		FUZZ_ASSERT(f->tcp.pack == st0.pack && f->tcp.sack == st0.sack);
		FUZZ_ASSERT((f->tcp.flags & ~COLO_TCPST_SEC_SEEN & ~COLO_TCPST_VERIFIED) ==
			    (st0.flags & ~COLO_TCPST_SEC_SEEN & ~COLO_TCPST_VERIFIED));
		if (!w->tainted && (st0.flags & COLO_TCPST_VERIFIED))
			FUZZ_ASSERT(!seq_before(f->tcp.verified, st0.verified));

		if (v & COLO_TCP_CHECKPOINT) {
			/* heads and the verified mark as they were */
			FUZZ_ASSERT(f->tcp.verified == st0.verified);
			FUZZ_ASSERT(!((f->tcp.flags ^ st0.flags) &
				      COLO_TCPST_VERIFIED));
			FUZZ_ASSERT(ps.off == p0.off && ss.off == s0.off);
			miscompare(w, v == COLO_TCP_ACK_AHEAD);
			return;
		}
		if (p)
			p->off = ps.off;
		if (s)
			s->off = ss.off;
		if (v == COLO_TCP_WAIT)
			return;
		/* no payload byte leaves uncompared: each is verified */
		if (v & COLO_TCP_RELEASE_P) {
			if (ps.len)
				FUZZ_ASSERT(covered(&f->tcp, &ps));
			else
				FUZZ_ASSERT(f->tcp.flags & COLO_TCPST_SEC_SEEN);
			release(w, dequeue(f, false));
		}
		if (v & COLO_TCP_FREE_S) {
			if (ss.len)
				FUZZ_ASSERT(covered(&f->tcp, &ss));
			discard(w, dequeue(f, true));
		}
	}
}

static void compare_fifo(struct world *w, struct flow *f)
{
	struct pkt *p, *s;
	bool same;

	while (f->n[0] && f->n[1]) {
		p = f->q[0][0];
		s = f->q[1][0];
		same = colo_cmp_datagram(&p->m, p->frame, &s->m, s->frame);
		TRACE("cmp p#%u s#%u -> %d\n", p->id, s->id, same);
		FUZZ_ASSERT(same == colo_cmp_datagram(&s->m, s->frame,
						      &p->m, p->frame));
		if (!same) {
			miscompare(w, false);
			return;
		}
		release(w, dequeue(f, false));
		discard(w, dequeue(f, true));
	}
}

static void compare_all(struct world *w)
{
	unsigned int i;

	for (i = 0; i < MAX_FLOWS; i++) {
		struct flow *f = &w->flows[i];

		if (w->checkpoint)
			return;
		if (!f->used)
			continue;
		if (f->cls == COLO_CLS_TCP)
			compare_tcp(w, f);
		else
			compare_fifo(w, f);
	}
}

/* ---- checkpoint done (worker.c colo_flush_flow) ---- */

static void flush_flow(struct world *w, struct flow *f)
{
	struct colo_tcp_seg seg;
	struct pkt *p;

	while ((p = dequeue(f, false))) {
		if (f->cls == COLO_CLS_TCP && p->m.cls == COLO_CLS_TCP) {
			colo_tcp_seg_init(&seg, &p->m, p->frame);
			colo_tcp_flushed(&f->tcp, &seg);
			if (seg.len)
				FUZZ_ASSERT(covered(&f->tcp, &seg));
		}
		release(w, p);
	}
	while ((p = dequeue(f, true)))
		discard(w, p);
	if (f->cls == COLO_CLS_TCP) {
		colo_tcp_checkpoint(&f->tcp);
		FUZZ_ASSERT(f->tcp.flags & COLO_TCPST_SEC_SEEN);
	}
}

static void flush_all(struct world *w, bool evict)
{
	unsigned int i;

	TRACE("flush%s\n", evict ? " + evict" : "");
	for (i = 0; i < MAX_FLOWS; i++) {
		if (!w->flows[i].used)
			continue;
		flush_flow(w, &w->flows[i]);
		if (evict)
			w->flows[i].used = false;
	}
	flush_flow(w, &w->overflow);
	/* the secondary restarts from the primary's state: its backlog is gone */
	while (w->pend_head < w->npend)
		free(w->pend[w->pend_head++]);
	w->checkpoint = false;
}

/* ---- frames built from the script ---- */

static void fs_flow(const struct world *w, struct fspec *f, u8 proto,
		    unsigned int flow)
{
	if (w->mode & MODE_V6)
		fs_ipv6(f, proto);
	else
		fs_ipv4(f, proto);
	if (w->mode & MODE_VLAN)
		fs_tag(f, ETH_P_8021Q, 100 + flow % 3);
	if ((w->mode & MODE_V6) && (w->mode & MODE_EXT)) {
		fs_ext(f, IPPROTO_HOPOPTS, 0);
		fs_ext(f, IPPROTO_DSTOPTS, 1);
	}
	f->sport = 80 + flow % 3;
	f->dport = 40000 + flow % 3;
	if (flow == 3)
		fs_swap(f);
}

static u8 *build(const struct fspec *f, u32 *len)
{
	static u8 buf[FS_BUF + 4096];
	u8 *frame;

	*len = fs_build(f, buf, sizeof(buf), NULL);
	frame = malloc(*len);
	if (!frame)
		abort();
	memcpy(frame, buf, *len);
	return frame;
}

/* Fields a receiver does not see differently: the secondary's copy. */
static void vary(struct fspec *f, u8 salt)
{
	f->ttl ^= salt;
	f->ipid ^= salt * 257u;
	f->flowlabel ^= salt;
	f->tos ^= salt & 0xfc;
	f->smac[5] ^= salt;
	f->window ^= salt;
	f->udp_csum_zero = salt & 1;
	if (f->proto == IPPROTO_TCP && !f->no_l4)
		f->tcpopt_len = (salt & 0x0c) ? (salt & 0x0c) : f->tcpopt_len;
	f->pad_to = (salt & 0x10) ? 64 : 0;
	f->pad_byte = salt;
}

/*
 * Deliver @f: in mirror mode to the primary now and, varied, to the
 * secondary later; else to @secondary now.
 */
static void deliver(struct world *w, struct fspec *f, bool secondary, u8 salt)
{
	struct colo_pkt a, b;
	u8 *frame, *copy;
	u32 len, clen;

	frame = build(f, &len);
	if (!(w->mode & MODE_MIRROR)) {
		enqueue(w, frame, len, secondary);
		return;
	}
	colo_parse(frame, len, false, 0, &a);
	if (a.m.cls != COLO_CLS_FRAME)
		vary(f, salt);
	copy = build(f, &clen);
	colo_parse(copy, clen, false, 0, &b);
	FUZZ_ASSERT(!memcmp(&a.key, &b.key, sizeof(a.key)));
	FUZZ_ASSERT(a.m.cls == b.m.cls);
	enqueue(w, frame, len, false);
	w->pend[w->npend] = copy;
	w->pend_len[w->npend++] = clen;
}

static void deliver_pending(struct world *w, unsigned int n)
{
	while (n-- && w->pend_head < w->npend) {
		enqueue(w, w->pend[w->pend_head], w->pend_len[w->pend_head],
			true);
		w->pend_head++;
	}
}

/* Payload bytes of the shared stream at effective seq @seq (both sides). */
static void tcp_payload(const struct world *w, u8 *buf, u32 seq, u32 len)
{
	u32 at = (seq - w->isn) & 0xffff, n;

	while (len) {
		n = sizeof(stream) - at < len ? sizeof(stream) - at : len;
		memcpy(buf, stream + at, n);
		buf += n;
		len -= n;
		at = 0;
	}
}

/* 0-127 bytes exactly, then steps of 12 up to 1524 (about one MSS) */
static u32 len_code(u8 c)
{
	return c < 128 ? c : (c - 128) * 12;
}

static bool op_tcp(struct world *w, bool secondary, unsigned int flow,
		   bool absolute)
{
	static u8 payload[2048];
	struct fspec f;
	u8 flags, code, opt = 0;
	u16 dseq, dack;
	u32 seq, ack;
	u32 plen;

	if (absolute) {
		if (!take32(w, &seq) || !take32(w, &ack))
			return false;
		w->tainted = true;
	} else {
		if (!take16(w, &dseq) || !take16(w, &dack))
			return false;
		seq = w->isn + (__s16)dseq;
		ack = w->ackbase + (__s16)dack;
	}
	if (!take(w, &flags, 1) || !take(w, &code, 1))
		return false;
	if (!absolute && !take(w, &opt, 1))
		return false;
	plen = len_code(code);

	fs_flow(w, &f, IPPROTO_TCP, flow);
	f.seq = seq;
	f.ack = ack;
	f.tcpflags = flags;
	f.tcpopt_len = (opt & 0x07) * 4;
	tcp_payload(w, payload, seq + !!(flags & COLO_TCP_SYN), plen);
	/* a corrupted byte: only without the mirror */
	if ((opt & 0x80) && plen && !(w->mode & MODE_MIRROR))
		payload[(opt >> 3 & 0x0f) % plen] ^= 0x20;
	f.payload = payload;
	f.plen = plen;
	deliver(w, &f, secondary, opt ^ code);
	return true;
}

static bool op_datagram(struct world *w, bool secondary, unsigned int flow)
{
	static u8 payload[256];
	u8 type, code, seed;
	struct fspec f;
	bool v6 = w->mode & MODE_V6;

	if (!take(w, &type, 1) || !take(w, &code, 1) || !take(w, &seed, 1))
		return false;
	switch (type & 3) {
	case 0:
		fs_flow(w, &f, IPPROTO_UDP, flow);
		break;
	case 1:
		fs_flow(w, &f, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, flow);
		f.icmp_type = v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO;
		f.icmp_id = 7 + flow;
		f.icmp_seq = seed;
		break;
	case 2:
		fs_flow(w, &f, IPPROTO_GRE, flow);
		break;
	default:
		fs_flow(w, &f, IPPROTO_UDP, flow);
		if (v6) {
			fs_ext(&f, IPPROTO_FRAGMENT, 0);
			f.ext[f.next - 1].frag = (type >> 2) << 3 | 1;
		} else {
			f.frag = (type >> 2) | 0x2000;
		}
		f.no_l4 = true;
		break;
	}
	tcp_payload(w, payload, seed * 251u + w->isn, code);
	f.payload = payload;
	f.plen = code;
	deliver(w, &f, secondary, seed ^ type);
	return true;
}

static bool op_raw(struct world *w, bool secondary)
{
	u8 n, *frame;
	struct colo_pkt pkt;

	if (!take(w, &n, 1) || w->left < n)
		return false;
	frame = malloc(n ? n : 1);
	if (!frame)
		abort();
	take(w, frame, n);
	colo_parse(frame, n, false, 0, &pkt);
	if (pkt.m.cls == COLO_CLS_TCP)
		w->tainted = true;
	if (w->mode & MODE_MIRROR) {
		u8 *copy = malloc(n ? n : 1);

		if (!copy)
			abort();
		memcpy(copy, frame, n);
		enqueue(w, frame, n, false);
		w->pend[w->npend] = copy;
		w->pend_len[w->npend++] = n;
		return true;
	}
	enqueue(w, frame, n, secondary);
	return true;
}

/* At the end: everything delivered and compared; identical output all goes. */
static void finish(struct world *w)
{
	unsigned int i;

	deliver_pending(w, MAX_PKTS);
	compare_all(w);
	if (w->pend_head < w->npend)	/* never delivered (limit) */
		w->tainted = true;
	if ((w->mode & MODE_MIRROR) && !w->tainted && !w->checkpoint)
		for (i = 0; i < MAX_FLOWS; i++)
			FUZZ_ASSERT(!w->flows[i].n[0] && !w->flows[i].n[1]);
	flush_all(w, true);
	for (i = 0; i < w->npkts; i++)
		FUZZ_ASSERT(w->fate[i] != 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("FUZZ_TRACE");
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct world w;
	unsigned int ops = 0;
	bool ok = true;
	int op;

	init_stream();
	memset(&w, 0, sizeof(w));
	w.in = data;
	w.left = size;
	if (!take(&w, &w.mode, 1) || !take32(&w, &w.isn) ||
	    !take32(&w, &w.ackbase))
		return 0;

	while (ok && ops++ < MAX_OPS && w.npkts + 2 < MAX_PKTS &&
	       w.npend + 2 < MAX_PKTS &&
	       (op = take8(&w)) >= 0) {
		bool side = op >> 3 & 1;
		unsigned int flow = op >> 4 & 3;

		switch (op & 7) {
		case 0:
			ok = op_tcp(&w, side, flow, false);
			break;
		case 1:
			ok = op_datagram(&w, side, flow);
			break;
		case 2:
		case 7:
			compare_all(&w);
			break;
		case 3:
			flush_all(&w, side);
			break;
		case 4:
			if (w.mode & MODE_MIRROR)
				deliver_pending(&w, 1);
			else
				ok = op_tcp(&w, side, flow, true);
			break;
		case 5:
			ok = op_raw(&w, side);
			break;
		case 6:
			deliver_pending(&w, MAX_PKTS);
			break;
		}
	}
	finish(&w);
	return 0;
}
