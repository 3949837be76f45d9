// SPDX-License-Identifier: GPL-2.0
/*
 * Frame builders for the unit tests (see frame.h).
 */
#include <stdlib.h>

#include "frame.h"

static const u8 vm_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 gw_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const u8 vm4[4] = { 10, 0, 0, 1 };
static const u8 cl4[4] = { 10, 0, 0, 2 };
static const u8 vm6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const u8 cl6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static u32 csum_add(const u8 *p, u32 len, u32 sum)
{
	u32 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

u16 csum_fold(const u8 *p, u32 len, u32 sum)
{
	sum = csum_add(p, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static void fs_base(struct fspec *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->dmac, gw_mac, 6);
	memcpy(f->smac, vm_mac, 6);
	f->ttl = 64;
	f->window = 512;
}

/* VM 10.0.0.1 port 80 -> client 10.0.0.2 port 40000 */
void fs_ipv4(struct fspec *f, u8 proto)
{
	fs_base(f);
	f->ipver = 4;
	memcpy(f->src, vm4, 4);
	memcpy(f->dst, cl4, 4);
	f->ipid = 0x1234;
	f->frag = 0x4000;	/* DF */
	f->proto = proto;
	f->sport = 80;
	f->dport = 40000;
}

/* VM 2001:db8::1 port 80 -> client 2001:db8::2 port 40000 */
void fs_ipv6(struct fspec *f, u8 proto)
{
	fs_base(f);
	f->ipver = 6;
	memcpy(f->src, vm6, 16);
	memcpy(f->dst, cl6, 16);
	f->flowlabel = 0x12345;
	f->proto = proto;
	f->sport = 80;
	f->dport = 40000;
}

void fs_l2(struct fspec *f, u16 ethertype)
{
	fs_base(f);
	f->ethertype = ethertype;
}

void fs_tag(struct fspec *f, u16 tpid, u16 tci)
{
	f->tpid[f->ntags] = tpid;
	f->tci[f->ntags] = tci;
	f->ntags++;
}

void fs_ext(struct fspec *f, u8 type, u8 hdrlen)
{
	f->ext[f->next].type = type;
	f->ext[f->next].hdrlen = hdrlen;
	f->next++;
}

/* The other direction: client -> VM. */
void fs_swap(struct fspec *f)
{
	u8 a[16];
	u16 p;

	memcpy(a, f->src, 16);
	memcpy(f->src, f->dst, 16);
	memcpy(f->dst, a, 16);
	p = f->sport;
	f->sport = f->dport;
	f->dport = p;
}

static u32 l4_hdr_len(const struct fspec *f)
{
	if (f->no_l4)
		return 0;
	switch (f->proto) {
	case IPPROTO_TCP:
		return 20 + f->tcpopt_len;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

static void build_l4(const struct fspec *f, u8 *h, u32 l4len)
{
	switch (f->proto) {
	case IPPROTO_TCP:
		put16(h, f->sport);
		put16(h + 2, f->dport);
		put32(h + 4, f->seq);
		put32(h + 8, f->ack);
		h[12] = (20 + f->tcpopt_len) / 4 << 4;
		h[13] = f->tcpflags;
		put16(h + 14, f->window);
		memset(h + 20, 1, f->tcpopt_len);
		break;
	case IPPROTO_UDP:
		put16(h, f->sport);
		put16(h + 2, f->dport);
		put16(h + 4, l4len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		h[0] = f->icmp_type;
		h[1] = f->icmp_code;
		put16(h + 4, f->icmp_id);
		put16(h + 6, f->icmp_seq);
		break;
	}
}

/* Checksums over the final L4 bytes, with the pseudo header if any. */
static void l4_csum(const struct fspec *f, u8 *h, u32 l4len)
{
	u32 alen = f->ipver == 4 ? 4 : 16, sum = 0;
	u8 ph[4];
	int at;

	switch (f->proto) {
	case IPPROTO_TCP:
		at = 16;
		break;
	case IPPROTO_UDP:
		if (f->udp_csum_zero)
			return;
		at = 6;
		break;
	case IPPROTO_ICMP:
		put16(h + 2, csum_fold(h, l4len, 0));
		return;
	case IPPROTO_ICMPV6:
		at = 2;
		break;
	default:
		return;
	}
	sum = csum_add(f->src, alen, sum);
	sum = csum_add(f->dst, alen, sum);
	put32(ph, l4len);
	sum = csum_add(ph, 4, sum);
	sum += f->proto;
	put16(h + at, csum_fold(h, l4len, sum) ?: 0xffff);
}

u32 fs_build(const struct fspec *f, u8 *buf, u32 size, struct fbuilt *out)
{
	u32 off = 12, l3, l4, l4len, i, need;
	struct fbuilt b;

	need = 26 + 60 + 40 + 60 + f->plen;
	for (i = 0; i < f->next; i++)
		need += (f->ext[i].hdrlen + 1) * 8;
	if (need < f->pad_to)
		need = f->pad_to;
	if (size < need)
		abort();
	memset(buf, 0, need);
	memcpy(buf, f->dmac, 6);
	memcpy(buf + 6, f->smac, 6);
	for (i = 0; i < f->ntags; i++, off += 4) {
		put16(buf + off, f->tpid[i]);
		put16(buf + off + 2, f->tci[i]);
	}
	put16(buf + off, f->ipver == 4 ? ETH_P_IP :
			 f->ipver == 6 ? ETH_P_IPV6 : f->ethertype);
	l3 = off + 2;
	off = l3;

	if (f->ipver == 4) {
		u32 ihl = 20 + f->ipopt_len;

		buf[l3] = 0x40 | ihl / 4;
		buf[l3 + 1] = f->tos;
		put16(buf + l3 + 4, f->ipid);
		put16(buf + l3 + 6, f->frag);
		buf[l3 + 8] = f->ttl;
		buf[l3 + 9] = f->proto;
		memcpy(buf + l3 + 12, f->src, 4);
		memcpy(buf + l3 + 16, f->dst, 4);
		memset(buf + l3 + 20, 1, f->ipopt_len);
		off += ihl;
	} else if (f->ipver == 6) {
		u8 nh = f->next ? f->ext[0].type : f->proto;

		put32(buf + l3, 6u << 28 | (u32)f->tos << 20 | f->flowlabel);
		buf[l3 + 6] = nh;
		buf[l3 + 7] = f->ttl;
		memcpy(buf + l3 + 8, f->src, 16);
		memcpy(buf + l3 + 24, f->dst, 16);
		off += 40;
		for (i = 0; i < f->next; i++) {
			const struct fs_ext *e = &f->ext[i];

			buf[off] = i + 1 < f->next ? f->ext[i + 1].type :
						     f->proto;
			if (e->type == IPPROTO_FRAGMENT) {
				put16(buf + off + 2, e->frag);
				put32(buf + off + 4, e->id);
				off += 8;
			} else {
				buf[off + 1] = e->hdrlen;
				off += (e->hdrlen + 1) * 8;
			}
		}
	}

	l4 = off;
	l4len = l4_hdr_len(f) + f->plen;
	if (f->ipver && !f->no_l4)
		build_l4(f, buf + l4, l4len);
	off += l4_hdr_len(f);
	b.pay = off;
	if (f->plen)
		memcpy(buf + off, f->payload, f->plen);
	off += f->plen;

	if (f->ipver == 4) {
		put16(buf + l3 + 2, off - l3);
		put16(buf + l3 + 10, csum_fold(buf + l3, 20 + f->ipopt_len, 0));
	} else if (f->ipver == 6) {
		put16(buf + l3 + 4, off - l3 - 40);
	}
	if (f->ipver && !f->no_l4)
		l4_csum(f, buf + l4, l4len);

	for (; off < f->pad_to; off++)
		buf[off] = f->pad_byte;

	b.len = off;
	b.l3 = l3;
	b.l4 = l4;
	if (out)
		*out = b;
	return off;
}

int parse_exact(const u8 *frame, u32 len, bool vlan_present, u16 tci,
		struct colo_pkt *pkt)
{
	u8 *copy = len ? malloc(len) : NULL;
	int ret;

	if (len && !copy)
		abort();
	if (len)
		memcpy(copy, frame, len);
	/* garbage first: colo_parse() must fill in every byte */
	memset(pkt, 0xa5, sizeof(*pkt));
	ret = colo_parse(copy, len, vlan_present, tci, pkt);
	free(copy);
	return ret;
}

bool cmp_exact(const u8 *pf, u32 plen, const u8 *sf, u32 slen)
{
	u8 *pc = plen ? malloc(plen) : NULL, *sc = slen ? malloc(slen) : NULL;
	struct colo_pkt p, s;
	bool same;

	if ((plen && !pc) || (slen && !sc))
		abort();
	if (plen)
		memcpy(pc, pf, plen);
	if (slen)
		memcpy(sc, sf, slen);
	colo_parse(pc, plen, false, 0, &p);
	colo_parse(sc, slen, false, 0, &s);
	same = colo_cmp_datagram(&p.m, pc, &s.m, sc);
	free(pc);
	free(sc);
	return same;
}

/* xorshift32: deterministic, so a failure reproduces. */
u32 prng(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}
