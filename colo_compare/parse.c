// SPDX-License-Identifier: GPL-2.0
/*
 * Frame parser of the COLO comparator.
 *
 * Classifies one Ethernet frame for comparison and builds its
 * direction-normalized flow key.  Every read is checked against the frame
 * length, and lengths come from the IP headers, not from the frame, so
 * Ethernet padding is never compared.  A header that lies about a length
 * makes the frame fall back to whole-frame comparison: it is then still
 * compared, never trusted and never passed uncompared.
 */
#include "parse.h"

#define COLO_VID_MASK		0x0fff
#define COLO_MAX_VLANS		2	/* out-of-band and in-band tags together */
#define COLO_IPV6_MAX_EXT	8	/* then whole; keeps offsets in a u16 */
#define COLO_IP_MAXLEN		0xffff
#define COLO_IP_MF		0x2000
#define COLO_IP_OFFSET		0x1fff
#define COLO_IP6_MF		0x0001
#define COLO_IP6_OFFSET		0xfff8

/* The IP part of a packet while its key is built. */
struct colo_l3 {
	const u8 *saddr;
	const u8 *daddr;
	u32 alen;		/* address length: 4 or 16 */
	u32 end;		/* end of the IP packet: padding starts here */
};

/* Frames may be unaligned: multi-byte fields are read a byte at a time. */
static u16 colo_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 colo_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Are @need bytes at @off inside [0, @end)?  Written not to overflow. */
static bool colo_room(u32 off, u32 need, u32 end)
{
	return off <= end && need <= end - off;
}

/*
 * Whole-frame comparison of @cmp_len bytes: non-IP frames, and frames
 * whose headers cannot be trusted (@flags = COLO_PKT_FALLBACK).  The key
 * keeps only VLAN ids and ethertype (filled in by colo_parse()).
 */
static void colo_set_frame(struct colo_pkt *pkt, u32 cmp_len, u8 flags)
{
	struct colo_pkt_meta *m = &pkt->m;

	memset(&pkt->key, 0, sizeof(pkt->key));
	m->cls = COLO_CLS_FRAME;
	m->flags = flags;
	m->l4proto = 0;
	m->tcp_flags = 0;
	m->frag = 0;
	m->l4_off = 0;
	m->pay_off = 0;
	m->pay_len = cmp_len;
	m->cmp_len = cmp_len;
	m->seq = 0;
	m->ack = 0;
}

/*
 * Key normalization: the endpoint (address, port) that sorts lower is
 * endpoint 0, addresses compared as bytes (network order, so numerically),
 * then ports.  Both directions of a flow thus give the same key.  Copies
 * and compares have a constant size (IPv4 addresses compared as numbers):
 * this runs twice per compared pair.
 */
static void colo_set_key(struct colo_pkt *pkt, const struct colo_l3 *l,
			 u16 sport, u16 dport)
{
	struct colo_flow_key *k = &pkt->key;
	bool swap;
	int c;

	if (l->alen == 4) {
		u32 sa = colo_get32(l->saddr), da = colo_get32(l->daddr);

		c = sa < da ? -1 : sa > da;
	} else {
		c = memcmp(l->saddr, l->daddr, 16);
	}
	swap = c > 0 || (c == 0 && sport > dport);
	if (l->alen == 4) {
		memcpy(k->addr[swap], l->saddr, 4);
		memcpy(k->addr[!swap], l->daddr, 4);
	} else {
		memcpy(k->addr[swap], l->saddr, 16);
		memcpy(k->addr[!swap], l->daddr, 16);
	}
	k->port[swap] = sport;
	k->port[!swap] = dport;
	if (swap)
		pkt->m.flags |= COLO_PKT_SWAPPED;
	k->proto = pkt->m.l4proto;
}

/*
 * IP fragments are not reassembled: each is compared on its L3 payload
 * together with its offset and MF bit.  All fragments of a protocol
 * between two hosts share one flow (ports 0), so they stay in order.
 */
static void colo_set_frag(struct colo_pkt *pkt, const struct colo_l3 *l,
			  u32 off, u8 proto, u16 frag)
{
	struct colo_pkt_meta *m = &pkt->m;

	m->cls = COLO_CLS_IP_OTHER;
	m->flags |= COLO_PKT_FRAG;
	m->l4proto = proto;
	m->frag = frag;
	m->l4_off = off;
	m->pay_off = off;
	m->pay_len = l->end - off;
	colo_set_key(pkt, l, 0, 0);
}

/* TCP: data offset below 5 words or past the IP end is a lie. */
static bool colo_parse_tcp(const u8 *frame, struct colo_pkt *pkt,
			   const struct colo_l3 *l, u32 off)
{
	struct colo_pkt_meta *m = &pkt->m;
	const u8 *h = frame + off;
	u32 hlen;

	if (!colo_room(off, 20, l->end))
		return false;
	hlen = (h[12] >> 4) * 4;
	if (hlen < 20 || !colo_room(off, hlen, l->end))
		return false;

	m->cls = COLO_CLS_TCP;
	m->seq = colo_get32(h + 4);
	m->ack = colo_get32(h + 8);
	m->tcp_flags = h[13];
	m->pay_off = off + hlen;
	m->pay_len = l->end - m->pay_off;
	colo_set_key(pkt, l, colo_get16(h), colo_get16(h + 2));
	return true;
}

/*
 * UDP: the receiver reads the UDP length, so bytes after it are ignored.
 * Length 0 is only legal for datagrams beyond 64 KiB (IPv6 jumbograms,
 * big GSO); a length below the header or past the IP end is a lie.
 */
static bool colo_parse_udp(const u8 *frame, struct colo_pkt *pkt,
			   const struct colo_l3 *l, u32 off)
{
	struct colo_pkt_meta *m = &pkt->m;
	const u8 *h = frame + off;
	u32 ulen;

	if (!colo_room(off, 8, l->end))
		return false;
	ulen = colo_get16(h + 4);
	if (!ulen && l->end - off > COLO_IP_MAXLEN)
		ulen = l->end - off;
	if (ulen < 8 || ulen > l->end - off)
		return false;

	m->cls = COLO_CLS_UDP;
	m->pay_off = off + 8;
	m->pay_len = ulen - 8;
	colo_set_key(pkt, l, colo_get16(h), colo_get16(h + 2));
	return true;
}

/*
 * ICMP and ICMPv6: an 8-byte header (type, code, checksum, one word that
 * is id/seq for echo), then the body.  Echo flows are keyed on the id,
 * the same in request and reply; other messages share one flow per pair
 * of hosts.
 */
static bool colo_parse_icmp(const u8 *frame, struct colo_pkt *pkt,
			    const struct colo_l3 *l, u32 off)
{
	struct colo_pkt_meta *m = &pkt->m;
	const u8 *h = frame + off;
	bool echo;

	if (!colo_room(off, 8, l->end))
		return false;

	if (l->alen == 4) {
		m->cls = COLO_CLS_ICMP;
		echo = h[0] == ICMP_ECHO || h[0] == ICMP_ECHOREPLY;
	} else {
		m->cls = COLO_CLS_ICMPV6;
		echo = h[0] == ICMPV6_ECHO_REQUEST || h[0] == ICMPV6_ECHO_REPLY;
	}
	m->pay_off = off + 8;
	m->pay_len = l->end - m->pay_off;
	colo_set_key(pkt, l, 0, 0);
	if (echo)
		pkt->key.port[0] = colo_get16(h + 4);
	return true;
}

/* The upper layer at @off; anything but TCP/UDP/ICMP is L3 payload. */
static bool colo_parse_l4(const u8 *frame, struct colo_pkt *pkt,
			  const struct colo_l3 *l, u32 off, u8 proto)
{
	struct colo_pkt_meta *m = &pkt->m;
	u8 icmp = l->alen == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	m->l4proto = proto;
	m->l4_off = off;
	if (proto == IPPROTO_TCP)
		return colo_parse_tcp(frame, pkt, l, off);
	if (proto == IPPROTO_UDP)
		return colo_parse_udp(frame, pkt, l, off);
	if (proto == icmp)
		return colo_parse_icmp(frame, pkt, l, off);

	m->cls = COLO_CLS_IP_OTHER;
	m->pay_off = off;
	m->pay_len = l->end - off;
	colo_set_key(pkt, l, 0, 0);
	return true;
}

/*
 * IPv4: IHL below 5 or past the frame, or a total length below the
 * header or past the frame, is a lie.  Total length 0 on a packet beyond
 * 64 KiB is a BIG TCP GSO packet: its length is the frame's.
 */
static bool colo_parse_ipv4(const u8 *frame, u32 len, struct colo_pkt *pkt)
{
	struct colo_pkt_meta *m = &pkt->m;
	u32 l3 = m->l3_off, ihl, tot;
	const u8 *ip = frame + l3;
	struct colo_l3 l;
	u16 fo;

	if (!colo_room(l3, 20, len) || ip[0] >> 4 != 4)
		return false;
	ihl = (ip[0] & 0x0f) * 4;
	if (ihl < 20 || !colo_room(l3, ihl, len))
		return false;
	tot = colo_get16(ip + 2);
	if (!tot && len - l3 > COLO_IP_MAXLEN)
		tot = len - l3;
	if (tot < ihl || !colo_room(l3, tot, len))
		return false;

	l.saddr = ip + 12;
	l.daddr = ip + 16;
	l.alen = 4;
	l.end = l3 + tot;
	m->cmp_len = l.end;

	fo = colo_get16(ip + 6);
	if (fo & (COLO_IP_MF | COLO_IP_OFFSET)) {
		colo_set_frag(pkt, &l, l3 + ihl, ip[9],
			      (fo & COLO_IP_OFFSET) << 1 | (fo & COLO_IP_MF ? 1 : 0));
		return true;
	}
	return colo_parse_l4(frame, pkt, &l, l3 + ihl, ip[9]);
}

/* The extension headers walked; others (AH, ESP, ...) are upper layers. */
static bool colo_ipv6_ext(u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT;
}

/*
 * IPv6: walk hop-by-hop, routing, destination options and fragment
 * headers, each checked against the payload length.  A payload length
 * past the frame, a truncated extension header or more than
 * COLO_IPV6_MAX_EXT of them make the frame whole.  Payload length 0 on a
 * packet beyond 64 KiB is a BIG TCP GSO packet.
 */
static bool colo_parse_ipv6(const u8 *frame, u32 len, struct colo_pkt *pkt)
{
	struct colo_pkt_meta *m = &pkt->m;
	u32 l3 = m->l3_off, off, plen, hlen;
	const u8 *ip = frame + l3;
	struct colo_l3 l;
	unsigned int i;
	u16 fo;
	u8 nh;

	if (!colo_room(l3, 40, len) || ip[0] >> 4 != 6)
		return false;
	off = l3 + 40;
	plen = colo_get16(ip + 4);
	if (!plen && len - off > COLO_IP_MAXLEN)
		plen = len - off;
	if (!colo_room(off, plen, len))
		return false;

	l.saddr = ip + 8;
	l.daddr = ip + 24;
	l.alen = 16;
	l.end = off + plen;
	m->cmp_len = l.end;

	nh = ip[6];
	for (i = 0; colo_ipv6_ext(nh); i++) {
		if (i == COLO_IPV6_MAX_EXT || !colo_room(off, 8, l.end))
			return false;
		if (nh == IPPROTO_FRAGMENT) {
			fo = colo_get16(frame + off + 2);
			nh = frame[off];
			off += 8;
			/* offset 0 without M is an atomic fragment (RFC 6946) */
			if (fo & (COLO_IP6_OFFSET | COLO_IP6_MF)) {
				colo_set_frag(pkt, &l, off, nh,
					      (fo >> 3) << 1 | (fo & COLO_IP6_MF));
				return true;
			}
			continue;
		}
		hlen = (frame[off + 1] + 1) * 8;
		if (!colo_room(off, hlen, l.end))
			return false;
		nh = frame[off];
		off += hlen;
	}
	return colo_parse_l4(frame, pkt, &l, off, nh);
}

/* ARP says its own length; the rest of a short ARP frame is padding. */
static u32 colo_arp_len(const u8 *frame, u32 len, u32 l3)
{
	u32 alen;

	if (!colo_room(l3, 8, len))
		return len;
	alen = 8 + 2 * (frame[l3 + 4] + frame[l3 + 5]);
	return colo_room(l3, alen, len) ? l3 + alen : len;
}

#ifndef COLO_PARSE_GENERAL_ONLY
/* colo_set_key() for the IPv4 header at @ip, without its general cases. */
static void colo_set_key4(struct colo_pkt *pkt, const u8 *ip,
			  u16 sport, u16 dport)
{
	struct colo_flow_key *k = &pkt->key;
	u32 sa = colo_get32(ip + 12), da = colo_get32(ip + 16);
	bool swap = sa > da || (sa == da && sport > dport);

	memcpy(k->addr[swap], ip + 12, 4);
	memcpy(k->addr[!swap], ip + 16, 4);
	k->port[swap] = sport;
	k->port[!swap] = dport;
	if (swap)
		pkt->m.flags |= COLO_PKT_SWAPPED;
	k->proto = pkt->m.l4proto;
}

/*
 * The common case, checked first: an untagged IPv4 packet without options
 * or fragmentation carrying TCP or UDP whose lengths are consistent.  Fills
 * in exactly what the general path would (the fuzzers compare the two
 * byte for byte: tools/fuzz builds the general path alone with
 * COLO_PARSE_GENERAL_ONLY) and returns true; anything else returns false
 * with @pkt untouched.  Saves about 90 instructions a frame.
 */
static bool colo_parse_fast(const u8 *frame, u32 len, struct colo_pkt *pkt)
{
	struct colo_pkt_meta *m = &pkt->m;
	const u8 *ip = frame + ETH_HLEN, *h = ip + 20;
	u32 tot, hlen, ulen;

	if (len < ETH_HLEN + 20 || colo_get16(frame + 2 * ETH_ALEN) != ETH_P_IP ||
	    ip[0] != 0x45 || colo_get16(ip + 6) & (COLO_IP_MF | COLO_IP_OFFSET))
		return false;
	tot = colo_get16(ip + 2);
	if (tot < 20 || tot > len - ETH_HLEN)
		return false;

	if (ip[9] == IPPROTO_TCP) {
		if (tot < 40)
			return false;
		hlen = (h[12] >> 4) * 4;
		if (hlen < 20 || hlen > tot - 20)
			return false;
		m->cls = COLO_CLS_TCP;
		m->seq = colo_get32(h + 4);
		m->ack = colo_get32(h + 8);
		m->tcp_flags = h[13];
		m->pay_off = ETH_HLEN + 20 + hlen;
		m->pay_len = tot - 20 - hlen;
	} else if (ip[9] == IPPROTO_UDP) {
		if (tot < 28)
			return false;
		ulen = colo_get16(h + 4);
		if (ulen < 8 || ulen > tot - 20)
			return false;
		m->cls = COLO_CLS_UDP;
		m->pay_off = ETH_HLEN + 28;
		m->pay_len = ulen - 8;
	} else {
		return false;
	}
	m->ethertype = ETH_P_IP;
	m->l3_off = ETH_HLEN;
	m->l4proto = ip[9];
	m->l4_off = ETH_HLEN + 20;
	m->cmp_len = ETH_HLEN + tot;
	colo_set_key4(pkt, ip, colo_get16(h), colo_get16(h + 2));
	return true;
}
#else
#define colo_parse_fast(frame, len, pkt) false
#endif

/**
 * colo_parse() - classify one Ethernet frame for comparison
 * @frame: first byte of the Ethernet header; @len bytes must be readable
 * @len: frame length in bytes
 * @vlan_present: an out-of-band VLAN tag (skb metadata) goes with the frame
 * @vlan_tci: that tag's TCI, used only if @vlan_present
 * @pkt: filled in: flow key and compare metadata
 *
 * Up to two VLAN tags are understood, the out-of-band one being the outer;
 * a frame with more is compared whole.  Frames whose headers are cut short
 * or lie (runts, truncated tags, bad IP/TCP/UDP lengths) and IPv6 packets
 * with too many extension headers are compared whole with
 * COLO_PKT_FALLBACK set.  @pkt is always filled in.
 *
 * Return: 0, or -EINVAL if @len is 0 (@pkt then describes an empty
 * whole frame).
 */
int colo_parse(const u8 *frame, u32 len, bool vlan_present, u16 vlan_tci,
	       struct colo_pkt *pkt)
{
	struct colo_pkt_meta *m = &pkt->m;
	unsigned int ntags = 0;
	u32 toff = 2 * ETH_ALEN;	/* the ethertype or TPID field */
	bool ok;

	BUILD_BUG_ON(sizeof(struct colo_pkt_meta) > COLO_PKT_META_MAX);
	BUILD_BUG_ON(sizeof(struct colo_flow_key) % sizeof(u32));
	BUILD_BUG_ON(__COLO_CLS_MAX > 255);

	memset(pkt, 0, sizeof(*pkt));
	if (vlan_present)
		m->vlan[ntags++] = vlan_tci & COLO_VID_MASK;
	if (colo_parse_fast(frame, len, pkt))
		goto out;

	if (len < ETH_HLEN) {
		colo_set_frame(pkt, len, COLO_PKT_FALLBACK);
		goto out;
	}

	m->ethertype = colo_get16(frame + toff);
	while (m->ethertype == ETH_P_8021Q || m->ethertype == ETH_P_8021AD) {
		if (!colo_room(toff, 6, len)) {
			colo_set_frame(pkt, len, COLO_PKT_FALLBACK);
			goto out;
		}
		if (ntags == COLO_MAX_VLANS)
			break;
		m->vlan[ntags++] = colo_get16(frame + toff + 2) & COLO_VID_MASK;
		m->ethertype = colo_get16(frame + toff + 4);
		toff += 4;
	}
	m->l3_off = toff + 2;

	switch (m->ethertype) {
	case ETH_P_IP:
		ok = colo_parse_ipv4(frame, len, pkt);
		break;
	case ETH_P_IPV6:
		ok = colo_parse_ipv6(frame, len, pkt);
		break;
	case ETH_P_ARP:
		colo_set_frame(pkt, colo_arp_len(frame, len, m->l3_off), 0);
		ok = true;
		break;
	default:
		colo_set_frame(pkt, len, 0);
		ok = true;
		break;
	}
	if (!ok)
		colo_set_frame(pkt, len, COLO_PKT_FALLBACK);
out:
	memcpy(pkt->key.vlan, m->vlan, sizeof(m->vlan));
	pkt->key.ethertype = m->ethertype;
	return len ? 0 : -EINVAL;
}
