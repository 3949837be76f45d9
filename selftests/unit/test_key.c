// SPDX-License-Identifier: GPL-2.0
/*
 * The direction-normalized flow key: both directions of a flow give the
 * same key (memcmp-equal, padding zeroed), different flows differ.
 */
#include "frame.h"
#include "tap.h"

static u8 buf[FS_BUF];

static void key_of(const struct fspec *f, struct colo_pkt *pkt)
{
	struct fbuilt b;

	fs_build(f, buf, sizeof(buf), &b);
	parse_exact(buf, b.len, false, 0, pkt);
}

static bool same_key(const struct fspec *a, const struct fspec *b)
{
	struct colo_pkt pa, pb;

	key_of(a, &pa);
	key_of(b, &pb);
	return !memcmp(&pa.key, &pb.key, sizeof(pa.key));
}

static void tcp4_both_directions_same_key(void)
{
	struct colo_pkt pa, pb;
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_TCP);
	b = a;
	fs_swap(&b);
	key_of(&a, &pa);
	key_of(&b, &pb);
	CHECK(!memcmp(&pa.key, &pb.key, sizeof(pa.key)));
	CHECK((pa.m.flags ^ pb.m.flags) & COLO_PKT_SWAPPED);
	/* 10.0.0.1 sorts first: it is endpoint 0, with its port */
	CHECK_EQ(pa.key.port[0], 80);
	CHECK_EQ(pa.key.port[1], 40000);
	CHECK_EQ(pa.key.proto, IPPROTO_TCP);
	CHECK_EQ(pa.key.ethertype, ETH_P_IP);
	CHECK(!(pa.m.flags & COLO_PKT_SWAPPED));
}

static void udp6_both_directions_same_key(void)
{
	struct fspec a, b;

	fs_ipv6(&a, IPPROTO_UDP);
	b = a;
	fs_swap(&b);
	CHECK(same_key(&a, &b));
}

static void same_address_orders_by_port(void)
{
	struct colo_pkt pa, pb;
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_UDP);
	memcpy(a.dst, a.src, 4);
	b = a;
	fs_swap(&b);
	key_of(&a, &pa);
	key_of(&b, &pb);
	CHECK(!memcmp(&pa.key, &pb.key, sizeof(pa.key)));
	CHECK_EQ(pa.key.port[0], 80);
	CHECK_EQ(pa.key.port[1], 40000);
}

static void icmp_echo_request_and_reply_same_key(void)
{
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_ICMP);
	a.icmp_type = ICMP_ECHO;
	a.icmp_id = 77;
	b = a;
	fs_swap(&b);
	b.icmp_type = ICMP_ECHOREPLY;
	b.icmp_seq = 3;
	CHECK(same_key(&a, &b));

	fs_ipv6(&a, IPPROTO_ICMPV6);
	a.icmp_type = ICMPV6_ECHO_REQUEST;
	a.icmp_id = 77;
	b = a;
	fs_swap(&b);
	b.icmp_type = ICMPV6_ECHO_REPLY;
	CHECK(same_key(&a, &b));
}

static void icmp_echo_ids_differ(void)
{
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_ICMP);
	a.icmp_type = ICMP_ECHO;
	a.icmp_id = 1;
	b = a;
	b.icmp_id = 2;
	CHECK(!same_key(&a, &b));
}

static void different_ports_addresses_protocols_differ(void)
{
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_TCP);
	b = a;
	b.sport = 81;
	CHECK(!same_key(&a, &b));
	b = a;
	b.dport = 40001;
	CHECK(!same_key(&a, &b));
	b = a;
	b.dst[3] = 3;
	CHECK(!same_key(&a, &b));
	b = a;
	b.src[0] = 11;
	CHECK(!same_key(&a, &b));
	b = a;
	b.proto = IPPROTO_UDP;
	CHECK(!same_key(&a, &b));
}

static void vlan_ids_differ_priority_does_not(void)
{
	struct fspec a, b;

	fs_ipv4(&a, IPPROTO_UDP);
	b = a;
	fs_tag(&a, ETH_P_8021Q, 10);
	fs_tag(&b, ETH_P_8021Q, 11);
	CHECK(!same_key(&a, &b));

	b = a;
	b.tci[0] = 0xe000 | 10;
	CHECK(same_key(&a, &b));

	/* untagged vs tagged */
	fs_ipv4(&b, IPPROTO_UDP);
	CHECK(!same_key(&a, &b));

	/* outer vs inner position */
	fs_ipv4(&a, IPPROTO_UDP);
	fs_tag(&a, ETH_P_8021AD, 10);
	fs_tag(&a, ETH_P_8021Q, 20);
	fs_ipv4(&b, IPPROTO_UDP);
	fs_tag(&b, ETH_P_8021AD, 20);
	fs_tag(&b, ETH_P_8021Q, 10);
	CHECK(!same_key(&a, &b));
}

static void ipv4_and_ipv6_differ_by_ethertype(void)
{
	struct colo_pkt p4, p6;
	struct fspec a, b;

	/* ::a00:1 -> ::a00:2 has the IPv4 addresses' bytes */
	fs_ipv4(&a, IPPROTO_UDP);
	fs_ipv6(&b, IPPROTO_UDP);
	memset(b.src, 0, 16);
	memset(b.dst, 0, 16);
	memcpy(b.src, a.src, 4);
	memcpy(b.dst, a.dst, 4);
	key_of(&a, &p4);
	key_of(&b, &p6);
	CHECK(memcmp(&p4.key, &p6.key, sizeof(p4.key)));
	CHECK_EQ(p4.key.ethertype, ETH_P_IP);
	CHECK_EQ(p6.key.ethertype, ETH_P_IPV6);
}

static void key_bytes_fully_zeroed(void)
{
	struct colo_pkt pkt;
	struct fspec f;

	/* parse_exact() fills pkt with 0xa5 first */
	fs_ipv4(&f, IPPROTO_TCP);
	key_of(&f, &pkt);
	CHECK_EQ(pkt.key.addr[0][1], 0);
	CHECK_EQ(pkt.key.addr[0][3], 0);
	CHECK_EQ(pkt.key.addr[1][2], 0);
	CHECK_EQ(pkt.key.vlan[0], 0);
	CHECK_EQ(pkt.key.pad, 0);
	CHECK(!memcmp(pkt.key.addr[0], (u8[]){ 10, 0, 0, 1 }, 4));
	CHECK(!memcmp(pkt.key.addr[1], (u8[]){ 10, 0, 0, 2 }, 4));
}

static void fragments_of_a_flow_share_one_key(void)
{
	struct fspec a, b, c;

	fs_ipv4(&a, IPPROTO_UDP);
	a.frag = 0x2000;
	b = a;
	b.frag = 100;
	b.no_l4 = true;
	c = b;
	fs_swap(&c);
	CHECK(same_key(&a, &b));
	CHECK(same_key(&a, &c));
}

static void whole_frames_keyed_on_vlan_and_ethertype(void)
{
	struct colo_pkt pkt;
	struct fspec a, b;

	fs_l2(&a, ETH_P_ARP);
	b = a;
	b.smac[5] = 9;
	CHECK(same_key(&a, &b));
	b.ethertype = 0x88cc;
	CHECK(!same_key(&a, &b));
	fs_tag(&b, ETH_P_8021Q, 5);
	b.ethertype = ETH_P_ARP;
	CHECK(!same_key(&a, &b));
	key_of(&b, &pkt);
	CHECK_EQ(pkt.key.vlan[0], 5);
	CHECK_EQ(pkt.key.ethertype, ETH_P_ARP);
}

static const struct unit_test tests[] = {
	UNIT_TEST(tcp4_both_directions_same_key),
	UNIT_TEST(udp6_both_directions_same_key),
	UNIT_TEST(same_address_orders_by_port),
	UNIT_TEST(icmp_echo_request_and_reply_same_key),
	UNIT_TEST(icmp_echo_ids_differ),
	UNIT_TEST(different_ports_addresses_protocols_differ),
	UNIT_TEST(vlan_ids_differ_priority_does_not),
	UNIT_TEST(ipv4_and_ipv6_differ_by_ethertype),
	UNIT_TEST(key_bytes_fully_zeroed),
	UNIT_TEST(fragments_of_a_flow_share_one_key),
	UNIT_TEST(whole_frames_keyed_on_vlan_and_ethertype),
};

const struct unit_suite key_suite = { "key", tests, ARRAY_SIZE(tests) };
