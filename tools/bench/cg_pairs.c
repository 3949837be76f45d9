// SPDX-License-Identifier: GPL-2.0
/*
 * Callgrind driver: the comparator's per-pair work in userspace, built
 * from the module's own parse.c and compare.c.  For each matched pair it
 * does what the group worker does (colo_compare/worker.c, flow.c): parse
 * both frames, hash the 44-byte flow key with jhash2 and look the flow up
 * (created on first sight), note TCP segments as they are queued, then
 * compare and release.  Skbs, locks and the re-injection are not here:
 * they are the kernel's, measured in the VM part.
 *
 *   cg_pairs udp|tcp PAYLOAD FLOWS PAIRS [direct]
 *
 * direct: no hashing, the flow is found by the frame's number (the
 * generator's flow i % FLOWS): what parse.c and compare.c cost alone.
 *
 * Only run_pairs() is meant to be counted (--toggle-collect=run_pairs);
 * the frames are built before it.  Exit status 1 if any pair did not
 * match (the count would then be of the wrong work).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "compare.h"
#include "frames.h"

/* The Jenkins lookup3 word hash, as the kernel's jhash2(). */
#define JH_INIT		0xdeadbeef
#define rol32(x, r)	(((x) << (r)) | ((x) >> (32 - (r))))

#define JH_MIX(a, b, c) do {					\
	a -= c; a ^= rol32(c, 4); c += b;			\
	b -= a; b ^= rol32(a, 6); a += c;			\
	c -= b; c ^= rol32(b, 8); b += a;			\
	a -= c; a ^= rol32(c, 16); c += b;			\
	b -= a; b ^= rol32(a, 19); a += c;			\
	c -= b; c ^= rol32(b, 4); b += a;			\
} while (0)

#define JH_FINAL(a, b, c) do {					\
	c ^= b; c -= rol32(b, 14);				\
	a ^= c; a -= rol32(c, 11);				\
	b ^= a; b -= rol32(a, 25);				\
	c ^= b; c -= rol32(b, 16);				\
	a ^= c; a -= rol32(c, 4);				\
	b ^= a; b -= rol32(a, 14);				\
	c ^= b; c -= rol32(b, 24);				\
} while (0)

static u32 jhash_words(const u32 *k, u32 n, u32 seed)
{
	u32 a, b, c;

	a = b = c = JH_INIT + (n << 2) + seed;
	while (n > 3) {
		a += k[0]; b += k[1]; c += k[2];
		JH_MIX(a, b, c);
		n -= 3;
		k += 3;
	}
	switch (n) {
	case 3: c += k[2]; /* fall through */
	case 2: b += k[1]; /* fall through */
	case 1: a += k[0];
		JH_FINAL(a, b, c);
		break;
	}
	return c;
}

/* A flow: key, TCP state, and the one queued segment of each side. */
struct flow {
	struct colo_flow_key key;
	struct flow *next;
	struct colo_tcp_state tcp;
};

/* Chained table with the kernel's rhashtable sizing (load <= 3/4). */
struct table {
	struct flow **bucket;
	u32 mask;
	u32 seed;
	u32 n;
};

/*
 * The kernel's flow hash (flow.c, colo_flow_hash()): jhash2 over the key
 * words that can be non-zero, all 11 for IPv6, 5 for every other key.
 * -DBENCH_FLOW_HASH11: all 11 words for every key, as before it.
 */
static u32 flow_hash(const struct colo_flow_key *k, u32 seed)
{
	const u32 *w = (const u32 *)k;
#ifndef BENCH_FLOW_HASH11
	u32 v4[5] = { w[0], w[4], w[8], w[9], w[10] };

	if (k->ethertype != ETH_P_IPV6)
		return jhash_words(v4, 5, seed);
#endif
	return jhash_words(w, COLO_FLOW_KEY_WORDS, seed);
}

static struct flow *flow_get(struct table *t, const struct colo_flow_key *k)
{
	u32 h = flow_hash(k, t->seed);
	struct flow **b = &t->bucket[h & t->mask], *f;

	for (f = *b; f; f = f->next)
		if (!memcmp(&f->key, k, sizeof(*k)))
			return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->key = *k;
	f->next = *b;
	*b = f;
	t->n++;
	return f;
}

static unsigned long released, mismatched;

/* @f: the flow when it is known without a lookup (direct), else NULL */
static void one_pair(struct table *t, struct flow *f, const u8 *pf,
		     const u8 *sf, u32 len)
{
	struct colo_tcp_seg ps, ss;
	struct colo_pkt pp, sp;
	unsigned int v;

	colo_parse(pf, len, false, 0, &pp);
	colo_parse(sf, len, false, 0, &sp);
	if (!f) {
		f = flow_get(t, &pp.key);
		if (flow_get(t, &sp.key) != f) {
			mismatched++;
			return;
		}
	}
	if (pp.m.cls != COLO_CLS_TCP) {
		if (colo_cmp_datagram(&pp.m, pf, &sp.m, sf))
			released++;
		else
			mismatched++;
		return;
	}
	/* enqueue (flow.c) then the compare loop (worker.c) */
	colo_tcp_seg_init(&ps, &pp.m, pf);
	colo_tcp_note(&f->tcp, &ps, false);
	colo_tcp_seg_init(&ss, &sp.m, sf);
	colo_tcp_note(&f->tcp, &ss, true);
	for (;;) {
		v = colo_tcp_step(&f->tcp, &ps, &ss);
		if (v & COLO_TCP_CHECKPOINT) {
			mismatched++;
			return;
		}
		if (v & COLO_TCP_RELEASE_P) {
			released++;
			return;
		}
		if (v == COLO_TCP_WAIT) {
			mismatched++;
			return;
		}
	}
}

__attribute__((noinline))
void run_pairs(struct table *t, struct flow *direct, u32 flows,
	       const struct bench_frames *p, const struct bench_frames *s)
{
	u32 i, fi = 0;

	for (i = 0; i < p->n; i++) {
		one_pair(t, direct ? &direct[fi] : NULL, bench_frame(p, i),
			 bench_frame(s, i), p->len);
		if (++fi == flows)
			fi = 0;
	}
}

int main(int argc, char **argv)
{
	struct bench_frames p, s;
	struct table t = { .seed = 0x5eed };
	struct flow *direct = NULL;
	u32 payload, flows, pairs, size = 1;
	int proto;

	if (argc < 5 || argc > 6 || (proto = bench_proto_parse(argv[1])) < 0 ||
	    (argc == 6 && strcmp(argv[5], "direct"))) {
		fprintf(stderr, "usage: %s udp|tcp PAYLOAD FLOWS PAIRS [direct]\n",
			argv[0]);
		return 2;
	}
	payload = strtoul(argv[2], NULL, 0);
	flows = strtoul(argv[3], NULL, 0);
	pairs = strtoul(argv[4], NULL, 0);
	if (bench_frames_build(&p, proto, payload, flows, pairs, 0) ||
	    bench_frames_build(&s, proto, payload, flows, pairs, 0)) {
		perror("frames");
		return 2;
	}
	while (size * 3 / 4 < flows)
		size <<= 1;
	t.mask = size - 1;
	t.bucket = calloc(size, sizeof(*t.bucket));
	if (!t.bucket)
		return 2;
	if (argc == 6) {
		direct = calloc(flows, sizeof(*direct));
		if (!direct)
			return 2;
		t.n = flows;
	}

	run_pairs(&t, direct, flows, &p, &s);

	printf("pairs %u released %lu mismatched %lu flows %u\n",
	       pairs, released, mismatched, t.n);
	return released == pairs && !mismatched ? 0 : 1;
}
