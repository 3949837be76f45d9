// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: one Ethernet frame (or a pair) through colo_parse()
 * and the per-frame compare entry points.
 *
 * Input: ctl (1 byte), VLAN TCI (2), then the frame.  ctl bits:
 *   0x01  out-of-band VLAN tag present (TCI from the input)
 *   0x02  pair: the next 2 bytes split the rest into frames A and B
 *   0x04  big: the frame grows by 64 KiB of zeros (BIG TCP lengths)
 *   0x08  B has the out-of-band tag too
 * Every parse and compare reads exact-size heap copies, so ASan sees any
 * read past a frame.  The invariants are listed in README.
 */
#include <stdlib.h>

#include "fuzz.h"

#define CTL_VLAN	0x01
#define CTL_PAIR	0x02
#define CTL_BIG		0x04
#define CTL_VLAN_B	0x08
#define BIG_EXTRA	65536
#define PAD_EXTRA	7

static u8 *dup_frame(const u8 *data, u32 len, u32 extra, u8 fill)
{
	u8 *f = malloc(len + extra ? len + extra : 1);

	if (!f)
		abort();
	if (len)
		memcpy(f, data, len);
	memset(f + len, fill, extra);
	return f;
}

static bool is_ip_class(u8 cls)
{
	return cls != COLO_CLS_FRAME;
}

/* Bounds and consistency of one parse result against its frame. */
static void check_pkt(const struct colo_pkt *pkt, const u8 *f, u32 len,
		      bool vlan_present, u16 tci)
{
	const struct colo_pkt_meta *m = &pkt->m;
	const struct colo_flow_key *k = &pkt->key;
	static const u8 zero[sizeof(k->addr)];
	u32 iphdr;

	FUZZ_ASSERT(m->cls < __COLO_CLS_MAX);
	FUZZ_ASSERT(!(m->flags & ~(COLO_PKT_SWAPPED | COLO_PKT_FALLBACK |
				   COLO_PKT_FRAG)));
	FUZZ_ASSERT(m->vlan[0] <= 0xfff && m->vlan[1] <= 0xfff);
	if (vlan_present)
		FUZZ_ASSERT(m->vlan[0] == (tci & 0xfff));
	FUZZ_ASSERT(m->cmp_len <= len);
	FUZZ_ASSERT(k->pad == 0);
	FUZZ_ASSERT(!memcmp(k->vlan, m->vlan, sizeof(k->vlan)));
	FUZZ_ASSERT(k->ethertype == m->ethertype);
	FUZZ_ASSERT(!!(m->flags & COLO_PKT_FRAG) == !!m->frag);

	if (!is_ip_class(m->cls)) {
		FUZZ_ASSERT(m->pay_off == 0 && m->l4_off == 0);
		FUZZ_ASSERT(m->pay_len == m->cmp_len);
		FUZZ_ASSERT(!m->l4proto && !m->tcp_flags && !m->seq && !m->ack);
		FUZZ_ASSERT(!(m->flags & (COLO_PKT_SWAPPED | COLO_PKT_FRAG)));
		FUZZ_ASSERT(!memcmp(k->addr, zero, sizeof(k->addr)));
		FUZZ_ASSERT(!k->port[0] && !k->port[1] && !k->proto);
		if (m->flags & COLO_PKT_FALLBACK)
			FUZZ_ASSERT(m->cmp_len == len);
		return;
	}

	FUZZ_ASSERT(!(m->flags & COLO_PKT_FALLBACK));
	FUZZ_ASSERT(m->ethertype == ETH_P_IP || m->ethertype == ETH_P_IPV6);
	iphdr = m->ethertype == ETH_P_IP ? 20 : 40;
	FUZZ_ASSERT(m->l3_off >= ETH_HLEN && (m->l3_off - ETH_HLEN) % 4 == 0);
	FUZZ_ASSERT(m->l3_off + iphdr <= m->cmp_len);
	FUZZ_ASSERT(m->l4_off >= m->l3_off + iphdr);
	FUZZ_ASSERT(m->pay_off >= m->l4_off);
	FUZZ_ASSERT((u64)m->pay_off + m->pay_len <= m->cmp_len);
	FUZZ_ASSERT(k->proto == m->l4proto);
	FUZZ_ASSERT(m->ethertype != ETH_P_IP || f[m->l3_off] >> 4 == 4);
	FUZZ_ASSERT(m->ethertype != ETH_P_IPV6 || f[m->l3_off] >> 4 == 6);

	switch (m->cls) {
	case COLO_CLS_TCP:
		FUZZ_ASSERT(m->l4proto == IPPROTO_TCP);
		FUZZ_ASSERT(m->pay_off >= m->l4_off + 20);
		FUZZ_ASSERT(m->pay_off == m->l4_off + (f[m->l4_off + 12] >> 4) * 4);
		FUZZ_ASSERT(m->pay_off + m->pay_len == m->cmp_len);
		FUZZ_ASSERT(m->seq == fz_get32(f + m->l4_off + 4));
		FUZZ_ASSERT(m->ack == fz_get32(f + m->l4_off + 8));
		FUZZ_ASSERT(m->tcp_flags == f[m->l4_off + 13]);
		break;
	case COLO_CLS_UDP:
		FUZZ_ASSERT(m->l4proto == IPPROTO_UDP);
		FUZZ_ASSERT(m->pay_off == m->l4_off + 8);
		break;
	case COLO_CLS_ICMP:
	case COLO_CLS_ICMPV6:
		FUZZ_ASSERT(m->l4proto == (m->cls == COLO_CLS_ICMP ?
					   IPPROTO_ICMP : IPPROTO_ICMPV6));
		FUZZ_ASSERT((m->cls == COLO_CLS_ICMP) ==
			    (m->ethertype == ETH_P_IP));
		FUZZ_ASSERT(m->pay_off == m->l4_off + 8);
		FUZZ_ASSERT(m->pay_off + m->pay_len == m->cmp_len);
		break;
	default:
		FUZZ_ASSERT(m->pay_off == m->l4_off);
		FUZZ_ASSERT(m->pay_off + m->pay_len == m->cmp_len);
		break;
	}
	if (m->cls != COLO_CLS_TCP)
		FUZZ_ASSERT(!m->seq && !m->ack && !m->tcp_flags);
}

/* parse.c built without its fast path (Makefile: parse_general.o) */
int colo_parse_general(const u8 *frame, u32 len, bool vlan_present,
		       u16 vlan_tci, struct colo_pkt *pkt);

static void parse_checked(const u8 *f, u32 len, bool vlan_present, u16 tci,
			  struct colo_pkt *pkt)
{
	struct colo_pkt again;

	FUZZ_ASSERT(colo_parse(f, len, vlan_present, tci, pkt) ==
		    (len ? 0 : -EINVAL));
	check_pkt(pkt, f, len, vlan_present, tci);
	/* deterministic, and every byte of the result written */
	memset(&again, 0xa5, sizeof(again));
	colo_parse(f, len, vlan_present, tci, &again);
	FUZZ_ASSERT(!memcmp(pkt, &again, sizeof(again)));
	/* the fast path decides exactly as the general one */
	memset(&again, 0x5a, sizeof(again));
	FUZZ_ASSERT(colo_parse_general(f, len, vlan_present, tci, &again) ==
		    (len ? 0 : -EINVAL));
	FUZZ_ASSERT(!memcmp(pkt, &again, sizeof(again)));
}

/* The IP length field: 0 means "the frame's length" (BIG TCP). */
static bool ip_len_given(const struct colo_pkt *pkt, const u8 *f)
{
	const struct colo_pkt_meta *m = &pkt->m;

	if (m->ethertype == ETH_P_IP)
		return fz_get16(f + m->l3_off + 2);
	return fz_get16(f + m->l3_off + 4);
}

/* Bytes after the lengths the headers give are padding: ignored. */
static void check_padding(const struct colo_pkt *pkt, const u8 *f, u32 len,
			  bool vlan_present, u16 tci)
{
	const struct colo_pkt_meta *m = &pkt->m;
	struct colo_pkt padded;
	u8 *g;

	if (m->flags & COLO_PKT_FALLBACK)
		return;
	if (!(is_ip_class(m->cls) ? ip_len_given(pkt, f) : m->cmp_len < len))
		return;
	g = dup_frame(f, len, PAD_EXTRA, 0x5a);
	parse_checked(g, len + PAD_EXTRA, vlan_present, tci, &padded);
	FUZZ_ASSERT(!memcmp(pkt, &padded, sizeof(padded)));
	if (m->cls != COLO_CLS_TCP) {
		FUZZ_ASSERT(colo_cmp_datagram(&pkt->m, f, &padded.m, g));
		FUZZ_ASSERT(colo_cmp_datagram(&padded.m, g, &pkt->m, f));
	}
	free(g);
}

static void swap_bytes(u8 *a, u8 *b, u32 n)
{
	u8 t;

	while (n--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/*
 * The reverse direction (addresses and ports swapped) has the same key;
 * only COLO_PKT_SWAPPED differs, unless both endpoints are equal.  It is
 * never the same datagram if the addresses differ.
 */
static void check_reverse(const struct colo_pkt *pkt, const u8 *f, u32 len,
			  bool vlan_present, u16 tci)
{
	const struct colo_pkt_meta *m = &pkt->m;
	bool v6 = m->ethertype == ETH_P_IPV6;
	u32 at = m->l3_off + (v6 ? 8 : 12), alen = v6 ? 16 : 4;
	bool ports = m->cls == COLO_CLS_TCP || m->cls == COLO_CLS_UDP;
	struct colo_pkt rev;
	bool same_ep;
	u8 *g;

	if (!is_ip_class(m->cls))
		return;
	g = dup_frame(f, len, 0, 0);
	same_ep = !memcmp(f + at, f + at + alen, alen) &&
		  (!ports || fz_get16(f + m->l4_off) == fz_get16(f + m->l4_off + 2));
	swap_bytes(g + at, g + at + alen, alen);
	if (ports)
		swap_bytes(g + m->l4_off, g + m->l4_off + 2, 2);
	parse_checked(g, len, vlan_present, tci, &rev);
	FUZZ_ASSERT(!memcmp(&pkt->key, &rev.key, sizeof(rev.key)));
	rev.m.flags ^= same_ep ? 0 : COLO_PKT_SWAPPED;
	FUZZ_ASSERT(!memcmp(&pkt->m, &rev.m, sizeof(rev.m)));
	FUZZ_ASSERT(colo_cmp_datagram(&pkt->m, f, &rev.m, g) ==
		    (same_ep && m->cls != COLO_CLS_TCP));
	free(g);
}

/* A TCP frame against itself: matched whole in one step. */
static void check_tcp_self(const struct colo_pkt *pkt, const u8 *f, u32 len)
{
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;
	enum colo_tcp_verdict v;

	if (pkt->m.cls != COLO_CLS_TCP)
		return;
	colo_tcp_seg_init(&p, &pkt->m, f);
	FUZZ_ASSERT(p.data >= f && p.data + p.len <= f + len);
	FUZZ_ASSERT(p.off == 0);
	s = p;
	colo_tcp_note(&st, &p, false);
	colo_tcp_note(&st, &s, true);
	v = colo_tcp_step(&st, &p, &s);
	if (!p.len) {
		FUZZ_ASSERT(v == COLO_TCP_RELEASE_P);
		v = colo_tcp_step(&st, NULL, &s);
		FUZZ_ASSERT(v == COLO_TCP_FREE_S);
		return;
	}
	FUZZ_ASSERT(v == COLO_TCP_RELEASE_BOTH);
	FUZZ_ASSERT(p.off == p.len && s.off == s.len);
	FUZZ_ASSERT(st.verified == p.seq + p.len);
}

/*
 * A compared byte flipped (one of the payload, picked by @pick) is a
 * miscompare; TTL/hop limit, IP ID and header checksum are not compared.
 */
static void check_flips(const struct colo_pkt *pkt, const u8 *f, u32 len,
			bool vlan_present, u16 tci, u16 pick)
{
	const struct colo_pkt_meta *m = &pkt->m;
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;
	struct colo_pkt flip;
	u32 at;
	u8 *g;

	if (m->pay_len) {
		at = m->pay_off + pick % m->pay_len;
		g = dup_frame(f, len, 0, 0);
		g[at] ^= 0x80;
		parse_checked(g, len, vlan_present, tci, &flip);
		if (m->cls == COLO_CLS_TCP) {
			FUZZ_ASSERT(!memcmp(pkt, &flip, sizeof(flip)));
			colo_tcp_seg_init(&p, &pkt->m, f);
			colo_tcp_seg_init(&s, &flip.m, g);
			colo_tcp_note(&st, &s, true);
			FUZZ_ASSERT(colo_tcp_step(&st, &p, &s) ==
				    COLO_TCP_MISCOMPARE);
		} else {
			FUZZ_ASSERT(!colo_cmp_datagram(&pkt->m, f, &flip.m, g));
		}
		free(g);
	}
	if (m->cls == COLO_CLS_FRAME || m->cls == COLO_CLS_TCP)
		return;
	g = dup_frame(f, len, 0, 0);
	if (m->ethertype == ETH_P_IP) {
		g[m->l3_off + 8] ^= 0x11;		/* TTL */
		g[m->l3_off + 5] ^= 0x22;		/* ID */
		g[m->l3_off + 10] ^= 0x33;		/* checksum */
	} else {
		g[m->l3_off + 7] ^= 0x11;		/* hop limit */
		g[m->l3_off + 3] ^= 0x22;		/* flow label */
	}
	parse_checked(g, len, vlan_present, tci, &flip);
	FUZZ_ASSERT(!memcmp(pkt, &flip, sizeof(flip)));
	FUZZ_ASSERT(colo_cmp_datagram(&pkt->m, f, &flip.m, g));
	free(g);
}

static void check_one(const u8 *f, u32 len, bool vlan_present, u16 tci,
		      struct colo_pkt *pkt)
{
	parse_checked(f, len, vlan_present, tci, pkt);
	/* a datagram is the same as itself; TCP is never a datagram */
	FUZZ_ASSERT(colo_cmp_datagram(&pkt->m, f, &pkt->m, f) ==
		    (pkt->m.cls != COLO_CLS_TCP));
	check_padding(pkt, f, len, vlan_present, tci);
	check_reverse(pkt, f, len, vlan_present, tci);
	check_tcp_self(pkt, f, len);
	check_flips(pkt, f, len, vlan_present, tci, tci ^ len);
}

/* Two frames: the compare is symmetric and never matches across classes. */
static void check_pair(const struct colo_pkt *a, const u8 *fa,
		       const struct colo_pkt *b, const u8 *fb)
{
	bool ab = colo_cmp_datagram(&a->m, fa, &b->m, fb);
	struct colo_tcp_state st = { 0 };
	struct colo_tcp_seg p, s;
	u32 v;

	FUZZ_ASSERT(ab == colo_cmp_datagram(&b->m, fb, &a->m, fa));
	if (ab) {
		FUZZ_ASSERT(a->m.cls == b->m.cls && a->m.cls != COLO_CLS_TCP);
		FUZZ_ASSERT(a->m.ethertype == b->m.ethertype);
		FUZZ_ASSERT(a->m.pay_len == b->m.pay_len);
		FUZZ_ASSERT(a->m.l4proto == b->m.l4proto);
		FUZZ_ASSERT(!memcmp(fa + a->m.pay_off, fb + b->m.pay_off,
				    a->m.pay_len));
	}
	if (a->m.cls != COLO_CLS_TCP || b->m.cls != COLO_CLS_TCP)
		return;
	colo_tcp_seg_init(&p, &a->m, fa);
	colo_tcp_seg_init(&s, &b->m, fb);
	colo_tcp_note(&st, &p, false);
	colo_tcp_note(&st, &s, true);
	v = colo_tcp_step(&st, &p, &s);
	FUZZ_ASSERT(v <= COLO_TCP_RELEASE_BOTH || v == COLO_TCP_MISCOMPARE ||
		    v == COLO_TCP_ACK_AHEAD);
	FUZZ_ASSERT(p.off <= p.len && s.off <= s.len);
	if (v & COLO_TCP_CHECKPOINT)
		FUZZ_ASSERT(!p.off && !s.off);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct colo_pkt a, b;
	u32 alen, blen, split;
	u8 ctl, *fa, *fb;
	u16 tci;

	if (size < 3 || size > 0x10000)
		return 0;
	ctl = data[0];
	tci = fz_get16(data + 1);
	data += 3;
	size -= 3;

	if (!(ctl & CTL_PAIR)) {
		fa = dup_frame(data, size, ctl & CTL_BIG ? BIG_EXTRA : 0, 0);
		alen = size + (ctl & CTL_BIG ? BIG_EXTRA : 0);
		check_one(fa, alen, ctl & CTL_VLAN, tci, &a);
		free(fa);
		return 0;
	}
	if (size < 2)
		return 0;
	split = fz_get16(data) % (size - 1);
	data += 2;
	size -= 2;
	alen = split;
	blen = size - split;
	fa = dup_frame(data, alen, 0, 0);
	fb = dup_frame(data + split, blen, 0, 0);
	check_one(fa, alen, ctl & CTL_VLAN, tci, &a);
	check_one(fb, blen, ctl & CTL_VLAN_B, tci, &b);
	check_pair(&a, fa, &b, fb);
	free(fa);
	free(fb);
	return 0;
}
