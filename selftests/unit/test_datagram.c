// SPDX-License-Identifier: GPL-2.0
/*
 * colo_cmp_datagram(): UDP, ICMP, ICMPv6, other IP protocols, fragments
 * and whole frames.  What the receiver sees must match; checksums, IP ID,
 * TTL/hop limit, TOS, flow label, IP options and Ethernet padding must
 * not cause a miscompare.
 */
#include "frame.h"
#include "tap.h"

static u8 pbuf[FS_BUF], sbuf[FS_BUF];
static const u8 data[] = "The quick brown fox jumps over the lazy dog";

static bool same(const struct fspec *p, const struct fspec *s)
{
	struct fbuilt pb, sb;

	fs_build(p, pbuf, sizeof(pbuf), &pb);
	fs_build(s, sbuf, sizeof(sbuf), &sb);
	return cmp_exact(pbuf, pb.len, sbuf, sb.len);
}

static void udp4(struct fspec *f)
{
	fs_ipv4(f, IPPROTO_UDP);
	f->payload = data;
	f->plen = 20;
}

static void icmp_echo(struct fspec *f, int ipver)
{
	if (ipver == 4) {
		fs_ipv4(f, IPPROTO_ICMP);
		f->icmp_type = ICMP_ECHOREPLY;
	} else {
		fs_ipv6(f, IPPROTO_ICMPV6);
		f->icmp_type = ICMPV6_ECHO_REPLY;
	}
	f->icmp_id = 0x77;
	f->icmp_seq = 1;
	f->payload = data;
	f->plen = 32;
}

/* ---- UDP ---- */

static void udp_identical_datagrams_match(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	CHECK(same(&p, &s));
	fs_ipv6(&p, IPPROTO_UDP);
	p.payload = data;
	p.plen = 9;
	s = p;
	CHECK(same(&p, &s));
}

static void udp_ttl_ipid_tos_ip_options_ignored(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.ttl = 1;
	s.ipid = 0x9999;
	s.tos = 0x10;
	s.frag = 0;		/* DF clear */
	CHECK(same(&p, &s));
	s = p;
	s.ipopt_len = 8;
	CHECK(same(&p, &s));
}

static void udp6_hop_limit_flow_label_traffic_class_ignored(void)
{
	struct fspec p, s;

	fs_ipv6(&p, IPPROTO_UDP);
	p.payload = data;
	p.plen = 12;
	s = p;
	s.ttl = 255;
	s.flowlabel = 0xfedcb;
	s.tos = 0x2e;
	CHECK(same(&p, &s));
}

static void udp6_extension_headers_ignored(void)
{
	struct fspec p, s;

	fs_ipv6(&p, IPPROTO_UDP);
	p.payload = data;
	p.plen = 12;
	s = p;
	fs_ext(&s, IPPROTO_DSTOPTS, 1);
	CHECK(same(&p, &s));
}

static void udp_checksum_zero_vs_computed_ignored(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.udp_csum_zero = true;
	CHECK(same(&p, &s));
}

static void udp_ethernet_padding_ignored(void)
{
	struct fspec p, s;

	udp4(&p);
	p.plen = 1;
	s = p;
	s.pad_to = 60;
	s.pad_byte = 0xab;
	CHECK(same(&p, &s));
	p.pad_to = 60;
	p.pad_byte = 0xcd;
	CHECK(same(&p, &s));
}

static void udp_mac_addresses_ignored(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.dmac[0] = 0x0e;
	CHECK(same(&p, &s));
}

static void udp_payload_byte_differs_miscompares(void)
{
	u8 alt[sizeof(data)];
	struct fspec p, s;

	udp4(&p);
	memcpy(alt, data, sizeof(data));
	alt[10] ^= 1;
	s = p;
	s.payload = alt;
	CHECK(!same(&p, &s));
	/* also the last byte */
	memcpy(alt, data, sizeof(data));
	alt[p.plen - 1] ^= 0x80;
	CHECK(!same(&p, &s));
}

static void udp_payload_length_differs_miscompares(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.plen = p.plen - 1;
	CHECK(!same(&p, &s));
	/* one short and padded up to the same frame length */
	p.pad_to = 100;
	s.pad_to = 100;
	CHECK(!same(&p, &s));
}

static void udp_ports_differ_miscompares(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.sport = 81;
	CHECK(!same(&p, &s));
	s = p;
	s.dport = 40001;
	CHECK(!same(&p, &s));
}

static void udp_addresses_differ_miscompares(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.dst[3] = 9;
	CHECK(!same(&p, &s));
	s = p;
	s.src[3] = 9;
	CHECK(!same(&p, &s));
	fs_ipv6(&p, IPPROTO_UDP);
	s = p;
	s.dst[8] = 1;
	CHECK(!same(&p, &s));
}

static void udp_reversed_direction_same_key_miscompares(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	fs_swap(&s);
	CHECK(!same(&p, &s));
}

static void vlan_id_differs_miscompares_priority_ignored(void)
{
	struct colo_pkt pp, sp;
	struct fbuilt pb, sb;
	struct fspec p, s;

	udp4(&p);
	fs_tag(&p, ETH_P_8021Q, 10);
	s = p;
	s.tci[0] = 11;
	CHECK(!same(&p, &s));
	s.tci[0] = 0xa000 | 10;
	CHECK(same(&p, &s));

	/* out-of-band tags too */
	udp4(&p);
	fs_build(&p, pbuf, sizeof(pbuf), &pb);
	fs_build(&p, sbuf, sizeof(sbuf), &sb);
	colo_parse(pbuf, pb.len, true, 10, &pp);
	colo_parse(sbuf, sb.len, true, 12, &sp);
	CHECK(!colo_cmp_datagram(&pp.m, pbuf, &sp.m, sbuf));
	colo_parse(sbuf, sb.len, true, 0x2000 | 10, &sp);
	CHECK(colo_cmp_datagram(&pp.m, pbuf, &sp.m, sbuf));
}

/* ---- ICMP / ICMPv6 ---- */

static void icmp_echo_identical_match_checksum_ttl_ignored(void)
{
	struct fspec p, s;
	int v;

	for (v = 4; v <= 6; v += 2) {
		icmp_echo(&p, v);
		s = p;
		CHECK(same(&p, &s));
		s.ttl = 3;
		s.ipid = 4;
		s.flowlabel = 5;
		s.pad_to = 200;
		CHECK(same(&p, &s));
	}
}

static void icmp_id_differs_miscompares(void)
{
	struct fspec p, s;
	int v;

	for (v = 4; v <= 6; v += 2) {
		icmp_echo(&p, v);
		s = p;
		s.icmp_id++;
		CHECK(!same(&p, &s));
	}
}

static void icmp_seq_differs_miscompares(void)
{
	struct fspec p, s;
	int v;

	for (v = 4; v <= 6; v += 2) {
		icmp_echo(&p, v);
		s = p;
		s.icmp_seq++;
		CHECK(!same(&p, &s));
	}
}

static void icmp_type_or_code_differs_miscompares(void)
{
	struct fspec p, s;
	int v;

	for (v = 4; v <= 6; v += 2) {
		icmp_echo(&p, v);
		s = p;
		s.icmp_type = v == 4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
		CHECK(!same(&p, &s));
		s = p;
		s.icmp_code = 1;
		CHECK(!same(&p, &s));
	}
}

static void icmp_body_differs_miscompares(void)
{
	u8 alt[sizeof(data)];
	struct fspec p, s;
	int v;

	memcpy(alt, data, sizeof(data));
	alt[31] = '!';
	for (v = 4; v <= 6; v += 2) {
		icmp_echo(&p, v);
		s = p;
		s.payload = alt;
		CHECK(!same(&p, &s));
		s = p;
		s.plen--;
		CHECK(!same(&p, &s));
	}
}

/* ---- other IP protocols and fragments ---- */

static void ip_other_mutable_header_fields_ignored(void)
{
	struct fspec p, s;

	fs_ipv4(&p, IPPROTO_GRE);
	p.payload = data;
	p.plen = 24;
	s = p;
	s.ttl = 2;
	s.ipid = 77;
	s.tos = 4;
	s.ipopt_len = 4;
	s.pad_to = 128;
	CHECK(same(&p, &s));

	fs_ipv6(&p, IPPROTO_SCTP);
	p.payload = data;
	p.plen = 24;
	s = p;
	s.ttl = 9;
	s.flowlabel = 1;
	CHECK(same(&p, &s));
}

static void ip_other_payload_or_protocol_differs_miscompares(void)
{
	u8 alt[sizeof(data)];
	struct fspec p, s;

	memcpy(alt, data, sizeof(data));
	alt[0] = 'X';
	fs_ipv4(&p, IPPROTO_GRE);
	p.payload = data;
	p.plen = 24;
	s = p;
	s.payload = alt;
	CHECK(!same(&p, &s));
	s = p;
	s.proto = IPPROTO_SCTP;
	CHECK(!same(&p, &s));
	s = p;
	s.dst[3] = 7;
	CHECK(!same(&p, &s));
}

static void fragment_ip_id_ignored_offset_compared(void)
{
	struct fspec p, s;

	udp4(&p);
	p.frag = 0x2000 | 10;
	p.no_l4 = true;
	s = p;
	s.ipid = 0x4321;
	CHECK(same(&p, &s));
	s.frag = 0x2000 | 11;
	CHECK(!same(&p, &s));
	s.frag = 10;		/* MF differs */
	CHECK(!same(&p, &s));

	/* IPv6: the fragment identification is ignored too */
	fs_ipv6(&p, IPPROTO_UDP);
	p.payload = data;
	p.plen = 16;
	fs_ext(&p, IPPROTO_FRAGMENT, 0);
	p.ext[0].frag = 1;
	p.ext[0].id = 1;
	s = p;
	s.ext[0].id = 2;
	CHECK(same(&p, &s));
	s.ext[0].frag = 8 << 3;
	CHECK(!same(&p, &s));
}

static void fragment_vs_whole_packet_miscompares(void)
{
	struct fspec p, s;

	udp4(&p);
	s = p;
	s.frag = 0x2000;
	CHECK(!same(&p, &s));
}

/* ---- whole frames ---- */

static void arp_identical_match_padding_ignored(void)
{
	static const u8 arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2, 1, 2, 3 };
	struct fspec p, s;

	fs_l2(&p, ETH_P_ARP);
	p.payload = arp;
	p.plen = sizeof(arp);
	s = p;
	CHECK(same(&p, &s));
	s.pad_to = 60;
	s.pad_byte = 0x5a;
	CHECK(same(&p, &s));
}

static void whole_frame_any_byte_or_length_differs_miscompares(void)
{
	static const u8 arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2, 1, 2, 3 };
	struct fbuilt pb, sb;
	struct fspec p, s;
	u32 i;

	fs_l2(&p, ETH_P_ARP);
	p.payload = arp;
	p.plen = sizeof(arp);
	fs_build(&p, pbuf, sizeof(pbuf), &pb);
	for (i = 0; i < pb.len; i++) {
		fs_build(&p, sbuf, sizeof(sbuf), &sb);
		sbuf[i] ^= 0x01;
		CHECK(!cmp_exact(pbuf, pb.len, sbuf, sb.len));
	}
	/* non-IP: no length field, padding is part of the frame */
	fs_l2(&p, 0x88cc);
	p.payload = data;
	p.plen = 20;
	s = p;
	s.pad_to = 60;
	CHECK(!same(&p, &s));
	s = p;
	CHECK(same(&p, &s));
}

static void malformed_ip_frames_compared_whole(void)
{
	struct fbuilt pb, sb;
	struct fspec p, s;

	udp4(&p);
	s = p;
	fs_build(&p, pbuf, sizeof(pbuf), &pb);
	fs_build(&s, sbuf, sizeof(sbuf), &sb);
	pbuf[pb.l3] = 0x43;	/* IHL 3 on both */
	sbuf[sb.l3] = 0x43;
	CHECK(cmp_exact(pbuf, pb.len, sbuf, sb.len));
	/* a TTL difference is now a frame difference */
	sbuf[sb.l3 + 8]--;
	CHECK(!cmp_exact(pbuf, pb.len, sbuf, sb.len));
	/* a lying frame never equals a sane one */
	fs_build(&s, sbuf, sizeof(sbuf), &sb);
	CHECK(!cmp_exact(pbuf, pb.len, sbuf, sb.len));
}

static void empty_frames_compare_without_reading(void)
{
	struct colo_pkt p, s;

	colo_parse(NULL, 0, false, 0, &p);
	colo_parse(NULL, 0, false, 0, &s);
	CHECK(colo_cmp_datagram(&p.m, NULL, &s.m, NULL));
}

/* ---- class mismatches ---- */

static void different_classes_or_ip_versions_miscompare(void)
{
	struct fspec p, s;

	udp4(&p);
	icmp_echo(&s, 4);
	CHECK(!same(&p, &s));
	fs_ipv6(&s, IPPROTO_UDP);
	s.payload = p.payload;
	s.plen = p.plen;
	CHECK(!same(&p, &s));
}

static void tcp_is_not_compared_as_datagram(void)
{
	struct fspec p, s;

	fs_ipv4(&p, IPPROTO_TCP);
	p.payload = data;
	p.plen = 5;
	s = p;
	CHECK(!same(&p, &s));
}

static const struct unit_test tests[] = {
	UNIT_TEST(udp_identical_datagrams_match),
	UNIT_TEST(udp_ttl_ipid_tos_ip_options_ignored),
	UNIT_TEST(udp6_hop_limit_flow_label_traffic_class_ignored),
	UNIT_TEST(udp6_extension_headers_ignored),
	UNIT_TEST(udp_checksum_zero_vs_computed_ignored),
	UNIT_TEST(udp_ethernet_padding_ignored),
	UNIT_TEST(udp_mac_addresses_ignored),
	UNIT_TEST(udp_payload_byte_differs_miscompares),
	UNIT_TEST(udp_payload_length_differs_miscompares),
	UNIT_TEST(udp_ports_differ_miscompares),
	UNIT_TEST(udp_addresses_differ_miscompares),
	UNIT_TEST(udp_reversed_direction_same_key_miscompares),
	UNIT_TEST(vlan_id_differs_miscompares_priority_ignored),
	UNIT_TEST(icmp_echo_identical_match_checksum_ttl_ignored),
	UNIT_TEST(icmp_id_differs_miscompares),
	UNIT_TEST(icmp_seq_differs_miscompares),
	UNIT_TEST(icmp_type_or_code_differs_miscompares),
	UNIT_TEST(icmp_body_differs_miscompares),
	UNIT_TEST(ip_other_mutable_header_fields_ignored),
	UNIT_TEST(ip_other_payload_or_protocol_differs_miscompares),
	UNIT_TEST(fragment_ip_id_ignored_offset_compared),
	UNIT_TEST(fragment_vs_whole_packet_miscompares),
	UNIT_TEST(arp_identical_match_padding_ignored),
	UNIT_TEST(whole_frame_any_byte_or_length_differs_miscompares),
	UNIT_TEST(malformed_ip_frames_compared_whole),
	UNIT_TEST(empty_frames_compare_without_reading),
	UNIT_TEST(different_classes_or_ip_versions_miscompare),
	UNIT_TEST(tcp_is_not_compared_as_datagram),
};

const struct unit_suite datagram_suite = { "datagram", tests, ARRAY_SIZE(tests) };
