// SPDX-License-Identifier: GPL-2.0
/*
 * colo_parse(): classes, offsets, lengths, VLANs, IPv6 extension headers,
 * fragments, and every malformed case falling back to whole-frame
 * comparison without reading out of bounds (ASan is on, and frames are
 * parsed from exact-size heap copies).
 */
#include <stdlib.h>

#include "frame.h"
#include "tap.h"

static u8 buf[FS_BUF];
static const u8 data[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Build @f, parse it, return its length. */
static u32 build_parse(const struct fspec *f, struct colo_pkt *pkt,
		       struct fbuilt *b)
{
	struct fbuilt tmp;

	fs_build(f, buf, sizeof(buf), b ? b : &tmp);
	CHECK_EQ(parse_exact(buf, (b ? b : &tmp)->len, false, 0, pkt), 0);
	return (b ? b : &tmp)->len;
}

static void payload(struct fspec *f, u32 n)
{
	f->payload = data;
	f->plen = n;
}

static bool key_is_frame_only(const struct colo_flow_key *k)
{
	static const u32 zero[2][4];

	return !memcmp(k->addr, zero, sizeof(zero)) && !k->port[0] &&
	       !k->port[1] && !k->proto && !k->pad;
}

/* What must hold for any frame, valid or not. */
static void check_sane(const struct colo_pkt *pkt, u32 len)
{
	const struct colo_pkt_meta *m = &pkt->m;

	CHECK(m->cls < __COLO_CLS_MAX);
	CHECK(m->cmp_len <= len);
	CHECK(!pkt->key.pad);
	if (m->cls == COLO_CLS_FRAME) {
		CHECK_EQ(m->pay_off, 0);
		CHECK_EQ(m->pay_len, m->cmp_len);
		CHECK(key_is_frame_only(&pkt->key));
		return;
	}
	CHECK(!(m->flags & COLO_PKT_FALLBACK));
	CHECK(m->l3_off < m->l4_off);
	CHECK(m->l4_off <= m->pay_off);
	CHECK(m->pay_off <= m->cmp_len);
	CHECK(m->pay_len <= m->cmp_len - m->pay_off);
	if (m->cls == COLO_CLS_UDP || m->cls == COLO_CLS_ICMP ||
	    m->cls == COLO_CLS_ICMPV6)
		CHECK(m->pay_off - m->l4_off == 8);
}

static void check_fallback(const struct colo_pkt *pkt, u32 len)
{
	CHECK_EQ(pkt->m.cls, COLO_CLS_FRAME);
	CHECK(pkt->m.flags & COLO_PKT_FALLBACK);
	CHECK_EQ(pkt->m.cmp_len, len);
	check_sane(pkt, len);
}

/* ---- classes and offsets ---- */

static void ipv4_tcp_offsets_seq_ack_flags(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_ipv4(&f, IPPROTO_TCP);
	f.seq = 0xdeadbeef;
	f.ack = 0x01020304;
	f.tcpflags = COLO_TCP_ACK | COLO_TCP_PSH;
	payload(&f, 10);
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(len, 14 + 20 + 20 + 10);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.ethertype, ETH_P_IP);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_TCP);
	CHECK_EQ(pkt.m.l3_off, 14);
	CHECK_EQ(pkt.m.l4_off, 34);
	CHECK_EQ(pkt.m.pay_off, 54);
	CHECK_EQ(pkt.m.pay_len, 10);
	CHECK_EQ(pkt.m.cmp_len, len);
	CHECK_EQ(pkt.m.seq, 0xdeadbeef);
	CHECK_EQ(pkt.m.ack, 0x01020304);
	CHECK_EQ(pkt.m.tcp_flags, COLO_TCP_ACK | COLO_TCP_PSH);
	check_sane(&pkt, len);
}

static void ipv4_tcp_options_skipped_by_data_offset(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpopt_len = 12;
	f.ipopt_len = 8;
	payload(&f, 5);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.l4_off, 14 + 28);
	CHECK_EQ(pkt.m.pay_off, 14 + 28 + 32);
	CHECK_EQ(pkt.m.pay_len, 5);
}

static void ipv4_udp_payload_from_udp_length(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 7);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.m.l4_off, 34);
	CHECK_EQ(pkt.m.pay_off, 42);
	CHECK_EQ(pkt.m.pay_len, 7);
}

static void ipv4_udp_length_shorter_than_ip_payload_wins(void)
{
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 20);
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l4 + 4, 8 + 5);	/* the receiver reads 5 bytes */
	parse_exact(buf, b.len, false, 0, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.m.pay_len, 5);
	check_sane(&pkt, b.len);
}

static void ipv4_icmp_echo_header_and_body(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_ICMP);
	f.icmp_type = ICMP_ECHOREPLY;
	f.icmp_id = 0x4242;
	f.icmp_seq = 7;
	payload(&f, 16);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_ICMP);
	CHECK_EQ(pkt.m.l4_off, 34);
	CHECK_EQ(pkt.m.pay_off, 42);
	CHECK_EQ(pkt.m.pay_len, 16);
	CHECK_EQ(pkt.key.port[0], 0x4242);
	CHECK_EQ(pkt.key.port[1], 0);
}

static void ipv4_other_protocol_is_l3_payload(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_SCTP);
	f.ipopt_len = 4;
	payload(&f, 12);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_SCTP);
	CHECK_EQ(pkt.m.pay_off, 14 + 24);
	CHECK_EQ(pkt.m.pay_len, 12);
	CHECK_EQ(pkt.key.proto, IPPROTO_SCTP);
	CHECK_EQ(pkt.key.port[0], 0);
}

static void ipv6_tcp_udp_icmpv6_offsets(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_ipv6(&f, IPPROTO_TCP);
	f.seq = 5;
	payload(&f, 9);
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.ethertype, ETH_P_IPV6);
	CHECK_EQ(pkt.m.l4_off, 54);
	CHECK_EQ(pkt.m.pay_off, 74);
	CHECK_EQ(pkt.m.pay_len, 9);
	CHECK_EQ(pkt.m.cmp_len, len);

	fs_ipv6(&f, IPPROTO_UDP);
	payload(&f, 3);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.m.pay_off, 62);
	CHECK_EQ(pkt.m.pay_len, 3);

	fs_ipv6(&f, IPPROTO_ICMPV6);
	f.icmp_type = ICMPV6_ECHO_REQUEST;
	f.icmp_id = 99;
	payload(&f, 4);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_ICMPV6);
	CHECK_EQ(pkt.m.pay_off, 62);
	CHECK_EQ(pkt.m.pay_len, 4);
	CHECK_EQ(pkt.key.port[0], 99);
}

static void icmp_numbers_under_the_wrong_ip_version_are_ip_other(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_ICMP);
	f.no_l4 = true;
	payload(&f, 8);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);

	fs_ipv4(&f, IPPROTO_ICMPV6);
	f.no_l4 = true;
	payload(&f, 8);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
}

static void icmp_non_echo_has_no_id_in_key(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_ICMP);
	f.icmp_type = ICMP_DEST_UNREACH;
	f.icmp_id = 0x1111;	/* unused word of an unreachable */
	payload(&f, 28);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_ICMP);
	CHECK_EQ(pkt.key.port[0], 0);
}

/* ---- whole frames and padding ---- */

static void arp_is_whole_frame_without_padding(void)
{
	static const u8 arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2 };
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_l2(&f, ETH_P_ARP);
	f.payload = arp;
	f.plen = sizeof(arp);
	f.pad_to = 60;
	f.pad_byte = 0xee;
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(len, 60);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK(!(pkt.m.flags & COLO_PKT_FALLBACK));
	CHECK_EQ(pkt.m.cmp_len, 14 + 28);
	CHECK_EQ(pkt.key.ethertype, ETH_P_ARP);
	check_sane(&pkt, len);
}

static void arp_claiming_more_than_the_frame_is_whole_frame(void)
{
	static const u8 arp[28] = { 0, 1, 8, 0, 200, 200, 0, 2 };
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_l2(&f, ETH_P_ARP);
	f.payload = arp;
	f.plen = sizeof(arp);
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK_EQ(pkt.m.cmp_len, len);
}

static void non_ip_ethertype_and_8023_length_are_whole_frame(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_l2(&f, 0x88cc);	/* LLDP */
	payload(&f, 30);
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK(!(pkt.m.flags & COLO_PKT_FALLBACK));
	CHECK_EQ(pkt.m.cmp_len, len);
	CHECK_EQ(pkt.key.ethertype, 0x88cc);

	fs_l2(&f, 30);		/* 802.3 length field */
	payload(&f, 30);
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK_EQ(pkt.m.cmp_len, len);
}

static void ethernet_padding_excluded_from_ip_lengths(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 2);
	f.pad_to = 60;
	f.pad_byte = 0xff;
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(len, 60);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.m.pay_len, 2);
	CHECK_EQ(pkt.m.cmp_len, 14 + 20 + 8 + 2);

	fs_ipv6(&f, IPPROTO_TCP);
	f.pad_to = 100;
	len = build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.pay_len, 0);
	CHECK_EQ(pkt.m.cmp_len, 14 + 40 + 20);
}

/* ---- VLAN ---- */

static void vlan_8021q_in_band_tag_parsed(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	fs_tag(&f, ETH_P_8021Q, 0xe000 | 100);	/* PCP 7 */
	payload(&f, 4);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.m.l3_off, 18);
	CHECK_EQ(pkt.m.vlan[0], 100);
	CHECK_EQ(pkt.m.vlan[1], 0);
	CHECK_EQ(pkt.key.vlan[0], 100);
	CHECK_EQ(pkt.m.pay_len, 4);
}

static void vlan_qinq_8021ad_then_8021q_parsed(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_TCP);
	fs_tag(&f, ETH_P_8021AD, 10);
	fs_tag(&f, ETH_P_8021Q, 20);
	payload(&f, 4);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.l3_off, 22);
	CHECK_EQ(pkt.key.vlan[0], 10);
	CHECK_EQ(pkt.key.vlan[1], 20);
}

static void vlan_out_of_band_tag_is_outer(void)
{
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 4);
	fs_build(&f, buf, sizeof(buf), &b);
	parse_exact(buf, b.len, true, 0x2000 | 300, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.key.vlan[0], 300);
	CHECK_EQ(pkt.key.vlan[1], 0);
	CHECK_EQ(pkt.m.l3_off, 14);

	fs_tag(&f, ETH_P_8021Q, 400);
	fs_build(&f, buf, sizeof(buf), &b);
	parse_exact(buf, b.len, true, 300, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK_EQ(pkt.key.vlan[0], 300);
	CHECK_EQ(pkt.key.vlan[1], 400);
}

static void vlan_third_tag_is_whole_frame(void)
{
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	fs_tag(&f, ETH_P_8021AD, 1);
	fs_tag(&f, ETH_P_8021Q, 2);
	fs_tag(&f, ETH_P_8021Q, 3);
	payload(&f, 4);
	fs_build(&f, buf, sizeof(buf), &b);
	parse_exact(buf, b.len, false, 0, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK(!(pkt.m.flags & COLO_PKT_FALLBACK));
	CHECK_EQ(pkt.m.cmp_len, b.len);
	CHECK_EQ(pkt.key.ethertype, ETH_P_8021Q);

	/* out-of-band + two in-band is three as well */
	fs_ipv4(&f, IPPROTO_UDP);
	fs_tag(&f, ETH_P_8021AD, 1);
	fs_tag(&f, ETH_P_8021Q, 2);
	fs_build(&f, buf, sizeof(buf), &b);
	parse_exact(buf, b.len, true, 7, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK_EQ(pkt.key.vlan[0], 7);
	CHECK_EQ(pkt.key.vlan[1], 1);
}

static void vlan_tag_cut_by_frame_end_is_whole_frame(void)
{
	struct colo_pkt pkt;
	u32 len;

	memset(buf, 0, 64);
	put16(buf + 12, ETH_P_8021Q);
	put16(buf + 14, 5);
	put16(buf + 16, ETH_P_IP);
	for (len = 14; len <= 17; len++) {
		parse_exact(buf, len, false, 0, &pkt);
		check_fallback(&pkt, len);
		CHECK_EQ(pkt.key.ethertype, ETH_P_8021Q);
	}
	/* tag complete, IPv4 header missing: a lying frame */
	parse_exact(buf, 18, false, 0, &pkt);
	check_fallback(&pkt, 18);
}

/* ---- fragments ---- */

static void ipv4_first_fragment_is_ip_other(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	f.frag = 0x2000;	/* MF, offset 0 */
	payload(&f, 16);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK(pkt.m.flags & COLO_PKT_FRAG);
	CHECK_EQ(pkt.m.frag, 1);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_UDP);
	CHECK_EQ(pkt.m.pay_off, 34);
	CHECK_EQ(pkt.m.pay_len, 8 + 16);
	CHECK_EQ(pkt.key.port[0], 0);
	CHECK_EQ(pkt.key.port[1], 0);
}

static void ipv4_later_fragment_is_ip_other_with_offset(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_TCP);
	f.frag = 185;		/* offset 1480, last fragment */
	f.no_l4 = true;
	payload(&f, 20);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK(pkt.m.flags & COLO_PKT_FRAG);
	CHECK_EQ(pkt.m.frag, 185 << 1);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_TCP);
	CHECK_EQ(pkt.m.pay_len, 20);
}

static void ipv4_dont_fragment_alone_is_not_a_fragment(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv4(&f, IPPROTO_UDP);
	f.frag = 0x4000;
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);
	CHECK(!(pkt.m.flags & COLO_PKT_FRAG));
	CHECK_EQ(pkt.m.frag, 0);
}

static void ipv6_fragment_is_ip_other_after_fragment_header(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_UDP);
	fs_ext(&f, IPPROTO_FRAGMENT, 0);
	f.ext[0].frag = 1;	/* offset 0, M */
	f.ext[0].id = 0xabcdef;
	payload(&f, 16);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK(pkt.m.flags & COLO_PKT_FRAG);
	CHECK_EQ(pkt.m.frag, 1);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_UDP);
	CHECK_EQ(pkt.m.pay_off, 14 + 40 + 8);
	CHECK_EQ(pkt.m.pay_len, 8 + 16);

	f.ext[0].frag = 100 << 3;	/* offset 800, last */
	f.no_l4 = true;
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK_EQ(pkt.m.frag, 200);
}

static void ipv6_atomic_fragment_parsed_as_whole_packet(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_TCP);
	fs_ext(&f, IPPROTO_FRAGMENT, 0);
	f.ext[0].frag = 0;
	payload(&f, 6);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK(!(pkt.m.flags & COLO_PKT_FRAG));
	CHECK_EQ(pkt.m.l4_off, 14 + 40 + 8);
	CHECK_EQ(pkt.m.pay_len, 6);
}

/* ---- IPv6 extension headers ---- */

static void ipv6_extension_headers_walked_to_tcp(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_TCP);
	fs_ext(&f, IPPROTO_HOPOPTS, 0);
	fs_ext(&f, IPPROTO_DSTOPTS, 1);
	fs_ext(&f, IPPROTO_ROUTING, 2);
	fs_ext(&f, IPPROTO_DSTOPTS, 0);
	payload(&f, 11);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.l4_off, 14 + 40 + 8 + 16 + 24 + 8);
	CHECK_EQ(pkt.m.pay_len, 11);
}

static void ipv6_no_next_header_is_empty_ip_other(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	fs_ipv6(&f, IPPROTO_NONE);
	fs_ext(&f, IPPROTO_DSTOPTS, 0);
	f.pad_to = 80;
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_IP_OTHER);
	CHECK_EQ(pkt.m.l4proto, IPPROTO_NONE);
	CHECK_EQ(pkt.m.pay_len, 0);
}

static void ipv6_extension_header_past_payload_falls_back(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_NONE };
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		fs_ipv6(&f, protos[i]);
		fs_ext(&f, IPPROTO_HOPOPTS, 0);
		payload(&f, 8);
		f.pad_to = 200;
		fs_build(&f, buf, sizeof(buf), &b);
		buf[b.l3 + 40 + 1] = 5;	/* 48 bytes, payload is <= 36 */
		parse_exact(buf, b.len, false, 0, &pkt);
		check_fallback(&pkt, b.len);
	}
}

static void ipv6_extension_header_cut_short_falls_back(void)
{
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;

	/* payload length leaves 4 bytes of an 8-byte option header */
	fs_ipv6(&f, IPPROTO_NONE);
	fs_ext(&f, IPPROTO_DSTOPTS, 0);
	f.pad_to = 100;
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l3 + 4, 4);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	/* a fragment header cut the same way */
	fs_ipv6(&f, IPPROTO_UDP);
	fs_ext(&f, IPPROTO_FRAGMENT, 0);
	f.ext[0].frag = 1;
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l3 + 4, 6);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void ipv6_more_than_8_extension_headers_fall_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	u32 len;
	int i;

	fs_ipv6(&f, IPPROTO_UDP);
	for (i = 0; i < 8; i++)
		fs_ext(&f, IPPROTO_DSTOPTS, 0);
	build_parse(&f, &pkt, NULL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_UDP);

	fs_ext(&f, IPPROTO_DSTOPTS, 0);
	len = build_parse(&f, &pkt, NULL);
	check_fallback(&pkt, len);
}

/* ---- malformed frames ---- */

static void zero_length_frame_is_einval_and_empty_whole_frame(void)
{
	struct colo_pkt pkt;

	memset(&pkt, 0xa5, sizeof(pkt));
	CHECK_EQ(colo_parse(NULL, 0, false, 0, &pkt), -EINVAL);
	CHECK_EQ(pkt.m.cls, COLO_CLS_FRAME);
	CHECK_EQ(pkt.m.cmp_len, 0);
	CHECK_EQ(pkt.m.pay_len, 0);
	check_sane(&pkt, 0);
}

static void runt_frames_below_14_bytes_are_whole_frames(void)
{
	struct colo_pkt pkt;
	u32 len;

	memset(buf, 0x08, 14);
	for (len = 1; len < 14; len++) {
		CHECK_EQ(parse_exact(buf, len, false, 0, &pkt), 0);
		check_fallback(&pkt, len);
	}
}

static void ipv4_ihl_below_5_falls_back(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
	struct colo_pkt pkt;
	struct fbuilt b;
	struct fspec f;
	unsigned int i;
	u8 ihl;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		fs_ipv4(&f, protos[i]);
		payload(&f, 30);
		fs_build(&f, buf, sizeof(buf), &b);
		for (ihl = 0; ihl < 5; ihl++) {
			buf[b.l3] = 0x40 | ihl;
			parse_exact(buf, b.len, false, 0, &pkt);
			check_fallback(&pkt, b.len);
		}
	}
}

static void ipv4_ihl_past_frame_end_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	/* IHL 15 = 60 bytes in a 14 + 24 byte frame */
	fs_ipv4(&f, IPPROTO_SCTP);
	f.no_l4 = true;
	payload(&f, 4);
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l3] = 0x4f;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	/* IHL past the total length but inside the (padded) frame */
	fs_ipv4(&f, IPPROTO_SCTP);
	f.pad_to = 200;
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l3] = 0x46;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void ipv4_total_length_past_frame_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 10);
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l3 + 2, b.len - 14 + 1);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
	put16(buf + b.l3 + 2, 0xffff);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void ipv4_total_length_below_header_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;
	u16 tot;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 10);
	f.ipopt_len = 4;
	fs_build(&f, buf, sizeof(buf), &b);
	for (tot = 0; tot < 24; tot++) {
		put16(buf + b.l3 + 2, tot);
		parse_exact(buf, b.len, false, 0, &pkt);
		check_fallback(&pkt, b.len);
	}
}

static void ipv4_bad_version_or_short_header_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	fs_ipv4(&f, IPPROTO_UDP);
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l3] = 0x65;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	fs_build(&f, buf, sizeof(buf), &b);
	parse_exact(buf, 14 + 19, false, 0, &pkt);
	check_fallback(&pkt, 14 + 19);
}

static void tcp_data_offset_below_5_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;
	u8 doff;

	fs_ipv4(&f, IPPROTO_TCP);
	payload(&f, 30);
	fs_build(&f, buf, sizeof(buf), &b);
	for (doff = 0; doff < 5; doff++) {
		buf[b.l4 + 12] = doff << 4;
		parse_exact(buf, b.len, false, 0, &pkt);
		check_fallback(&pkt, b.len);
	}
}

static void tcp_data_offset_past_ip_end_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	/* 60-byte header claimed, 20 + 10 bytes in the IP packet */
	fs_ipv4(&f, IPPROTO_TCP);
	payload(&f, 10);
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l4 + 12] = 15 << 4;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	/* same, but padding makes the frame long enough: still a lie */
	f.pad_to = 200;
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l4 + 12] = 15 << 4;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	/* IPv6 */
	fs_ipv6(&f, IPPROTO_TCP);
	fs_build(&f, buf, sizeof(buf), &b);
	buf[b.l4 + 12] = 6 << 4;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void l4_header_cut_by_ip_length_falls_back(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		fs_ipv4(&f, protos[i]);
		f.pad_to = 120;
		fs_build(&f, buf, sizeof(buf), &b);
		put16(buf + b.l3 + 2, 20 + 6);	/* 6 bytes of L4 header */
		parse_exact(buf, b.len, false, 0, &pkt);
		check_fallback(&pkt, b.len);
	}
	fs_ipv6(&f, IPPROTO_ICMPV6);
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l3 + 4, 7);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void udp_length_below_8_or_past_ip_end_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;
	u16 ulen;

	fs_ipv4(&f, IPPROTO_UDP);
	payload(&f, 10);
	fs_build(&f, buf, sizeof(buf), &b);
	for (ulen = 0; ulen < 8; ulen++) {
		put16(buf + b.l4 + 4, ulen);
		parse_exact(buf, b.len, false, 0, &pkt);
		check_fallback(&pkt, b.len);
	}
	put16(buf + b.l4 + 4, 19);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void ipv6_payload_length_past_frame_falls_back(void)
{
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	fs_ipv6(&f, IPPROTO_UDP);
	payload(&f, 10);
	fs_build(&f, buf, sizeof(buf), &b);
	put16(buf + b.l3 + 4, 19);
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);

	/* header itself cut, and a wrong version */
	parse_exact(buf, 14 + 39, false, 0, &pkt);
	check_fallback(&pkt, 14 + 39);
	buf[b.l3] = 0x45;
	parse_exact(buf, b.len, false, 0, &pkt);
	check_fallback(&pkt, b.len);
}

static void ip_total_length_zero_is_frame_length_only_beyond_64k(void)
{
	u32 big = 14 + 20 + 20 + 70000, room = big + 400, len;
	u8 *frame = calloc(1, room), *body = calloc(1, 70000);
	struct colo_pkt pkt;
	struct fspec f;

	/* a BIG TCP GSO packet: tot_len 0, length from the frame */
	fs_ipv4(&f, IPPROTO_TCP);
	f.payload = body;
	f.plen = 70000;
	len = fs_build(&f, frame, room, NULL);
	CHECK_EQ(len, big);
	put16(frame + 14 + 2, 0);
	CHECK_EQ(parse_exact(frame, len, false, 0, &pkt), 0);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.pay_len, 70000);
	CHECK_EQ(pkt.m.cmp_len, big);

	fs_ipv6(&f, IPPROTO_TCP);
	f.payload = body;
	f.plen = 70000;
	len = fs_build(&f, frame, room, NULL);
	put16(frame + 14 + 4, 0);
	parse_exact(frame, len, false, 0, &pkt);
	CHECK_EQ(pkt.m.cls, COLO_CLS_TCP);
	CHECK_EQ(pkt.m.pay_len, 70000);

	/* a small packet with length 0 is lying */
	fs_ipv4(&f, IPPROTO_TCP);
	f.payload = body;
	f.plen = 100;
	len = fs_build(&f, frame, room, NULL);
	put16(frame + 14 + 2, 0);
	parse_exact(frame, len, false, 0, &pkt);
	check_fallback(&pkt, len);

	free(body);
	free(frame);
}

/*
 * Every prefix of valid frames of every class: never a read past the
 * frame (ASan), always a sane result.
 */
static void every_truncation_of_valid_frames_is_safe(void)
{
	struct colo_pkt pkt, full;
	struct fspec specs[8];
	struct fbuilt b;
	unsigned int i;
	u32 len;

	fs_ipv4(&specs[0], IPPROTO_TCP);
	specs[0].tcpopt_len = 12;
	specs[0].ipopt_len = 4;
	fs_ipv6(&specs[1], IPPROTO_TCP);
	fs_ext(&specs[1], IPPROTO_HOPOPTS, 1);
	fs_ext(&specs[1], IPPROTO_ROUTING, 0);
	fs_ipv4(&specs[2], IPPROTO_UDP);
	fs_tag(&specs[2], ETH_P_8021AD, 1);
	fs_tag(&specs[2], ETH_P_8021Q, 2);
	fs_ipv6(&specs[3], IPPROTO_ICMPV6);
	fs_ipv4(&specs[4], IPPROTO_ICMP);
	fs_ipv6(&specs[5], IPPROTO_UDP);
	fs_ext(&specs[5], IPPROTO_FRAGMENT, 0);
	specs[5].ext[0].frag = 1;
	fs_ipv4(&specs[6], IPPROTO_GRE);
	fs_l2(&specs[7], ETH_P_ARP);
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		payload(&specs[i], 28);
		fs_build(&specs[i], buf, sizeof(buf), &b);
		parse_exact(buf, b.len, false, 0, &full);
		CHECK(!(full.m.flags & COLO_PKT_FALLBACK));
		for (len = 0; len <= b.len; len++) {
			parse_exact(buf, len, false, 0, &pkt);
			check_sane(&pkt, len);
		}
	}
}

/* Random bytes and random mutations of valid frames. */
static void random_and_mutated_frames_are_safe(void)
{
	u32 seed = 0x12345678, len, n, i;
	struct colo_pkt pkt;
	struct fspec f;
	struct fbuilt b;

	for (n = 0; n < 20000; n++) {
		switch (n % 4) {
		case 0:
			len = prng(&seed) % 200;
			for (i = 0; i < len; i++)
				buf[i] = prng(&seed);
			if (len > 13 && (n & 4))
				put16(buf + 12, n & 8 ? ETH_P_IPV6 : ETH_P_IP);
			break;
		default:
			if (n & 1)
				fs_ipv6(&f, n & 2 ? IPPROTO_TCP : IPPROTO_UDP);
			else
				fs_ipv4(&f, n & 2 ? IPPROTO_TCP : IPPROTO_ICMP);
			if (n % 3 == 0)
				fs_ext(&f, IPPROTO_HOPOPTS, 0);
			payload(&f, prng(&seed) % 30);
			fs_build(&f, buf, sizeof(buf), &b);
			len = b.len;
			for (i = 0; i < 1 + n % 3; i++)
				buf[prng(&seed) % len] = prng(&seed);
			if (n & 16)
				len -= prng(&seed) % len;
			break;
		}
		parse_exact(buf, len, n & 32, n, &pkt);
		check_sane(&pkt, len);
	}
}

static void meta_fits_skb_cb_and_key_is_word_sized(void)
{
	CHECK(sizeof(struct colo_pkt_meta) <= COLO_PKT_META_MAX);
	CHECK(sizeof(struct colo_pkt_meta) + sizeof(u32) <= 48);
	CHECK_EQ(sizeof(struct colo_flow_key) % sizeof(u32), 0);
	CHECK_EQ(COLO_FLOW_KEY_WORDS, 11);
}

static const struct unit_test tests[] = {
	UNIT_TEST(ipv4_tcp_offsets_seq_ack_flags),
	UNIT_TEST(ipv4_tcp_options_skipped_by_data_offset),
	UNIT_TEST(ipv4_udp_payload_from_udp_length),
	UNIT_TEST(ipv4_udp_length_shorter_than_ip_payload_wins),
	UNIT_TEST(ipv4_icmp_echo_header_and_body),
	UNIT_TEST(ipv4_other_protocol_is_l3_payload),
	UNIT_TEST(ipv6_tcp_udp_icmpv6_offsets),
	UNIT_TEST(icmp_numbers_under_the_wrong_ip_version_are_ip_other),
	UNIT_TEST(icmp_non_echo_has_no_id_in_key),
	UNIT_TEST(arp_is_whole_frame_without_padding),
	UNIT_TEST(arp_claiming_more_than_the_frame_is_whole_frame),
	UNIT_TEST(non_ip_ethertype_and_8023_length_are_whole_frame),
	UNIT_TEST(ethernet_padding_excluded_from_ip_lengths),
	UNIT_TEST(vlan_8021q_in_band_tag_parsed),
	UNIT_TEST(vlan_qinq_8021ad_then_8021q_parsed),
	UNIT_TEST(vlan_out_of_band_tag_is_outer),
	UNIT_TEST(vlan_third_tag_is_whole_frame),
	UNIT_TEST(vlan_tag_cut_by_frame_end_is_whole_frame),
	UNIT_TEST(ipv4_first_fragment_is_ip_other),
	UNIT_TEST(ipv4_later_fragment_is_ip_other_with_offset),
	UNIT_TEST(ipv4_dont_fragment_alone_is_not_a_fragment),
	UNIT_TEST(ipv6_fragment_is_ip_other_after_fragment_header),
	UNIT_TEST(ipv6_atomic_fragment_parsed_as_whole_packet),
	UNIT_TEST(ipv6_extension_headers_walked_to_tcp),
	UNIT_TEST(ipv6_no_next_header_is_empty_ip_other),
	UNIT_TEST(ipv6_extension_header_past_payload_falls_back),
	UNIT_TEST(ipv6_extension_header_cut_short_falls_back),
	UNIT_TEST(ipv6_more_than_8_extension_headers_fall_back),
	UNIT_TEST(zero_length_frame_is_einval_and_empty_whole_frame),
	UNIT_TEST(runt_frames_below_14_bytes_are_whole_frames),
	UNIT_TEST(ipv4_ihl_below_5_falls_back),
	UNIT_TEST(ipv4_ihl_past_frame_end_falls_back),
	UNIT_TEST(ipv4_total_length_past_frame_falls_back),
	UNIT_TEST(ipv4_total_length_below_header_falls_back),
	UNIT_TEST(ipv4_bad_version_or_short_header_falls_back),
	UNIT_TEST(tcp_data_offset_below_5_falls_back),
	UNIT_TEST(tcp_data_offset_past_ip_end_falls_back),
	UNIT_TEST(l4_header_cut_by_ip_length_falls_back),
	UNIT_TEST(udp_length_below_8_or_past_ip_end_falls_back),
	UNIT_TEST(ipv6_payload_length_past_frame_falls_back),
	UNIT_TEST(ip_total_length_zero_is_frame_length_only_beyond_64k),
	UNIT_TEST(every_truncation_of_valid_frames_is_safe),
	UNIT_TEST(random_and_mutated_frames_are_safe),
	UNIT_TEST(meta_fits_skb_cb_and_key_is_word_sized),
};

const struct unit_suite parse_suite = { "parse", tests, ARRAY_SIZE(tests) };
