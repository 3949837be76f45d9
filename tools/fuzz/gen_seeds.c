// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the hand-made seeds of the fuzz corpus: valid and broken frames
 * for fuzz_frame, small operation scripts for fuzz_flow.  Frames come from
 * the unit tests' builder (selftests/unit/frame.c).  Deterministic: the
 * same files every run (make -C tools/fuzz seeds).
 *
 *   gen_seeds DIR      writes DIR/fuzz_frame/seed-* and DIR/fuzz_flow/seed-*
 */
#include <stdio.h>
#include <stdlib.h>

#include "frame.h"
#include "fuzz.h"

static const char *outdir;
static u8 payload[1500];

static void write_file(const char *harness, const char *name, const u8 *buf,
		       size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%s", outdir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* ---- fuzz_frame: ctl, TCI, frame ---- */

static void frame_seed(const char *name, u8 ctl, u16 tci, const struct fspec *f,
		       u32 cut)
{
	static u8 buf[3 + FS_BUF];
	u32 len = fs_build(f, buf + 3, FS_BUF, NULL);

	if (cut && cut < len)
		len = cut;
	buf[0] = ctl;
	fz_put16(buf + 1, tci);
	write_file("fuzz_frame", name, buf, 3 + len);
}

/* Two frames: ctl 0x02, split at A's length. */
static void pair_seed(const char *name, const struct fspec *a,
		      const struct fspec *b)
{
	static u8 buf[5 + 2 * FS_BUF];
	u32 la = fs_build(a, buf + 5, FS_BUF, NULL);
	u32 lb = fs_build(b, buf + 5 + la, FS_BUF, NULL);

	buf[0] = 0x02;
	fz_put16(buf + 1, 0);
	fz_put16(buf + 3, la);
	write_file("fuzz_frame", name, buf, 5 + la + lb);
}

static void with_payload(struct fspec *f, u32 n)
{
	f->payload = payload;
	f->plen = n;
}

static void frame_seeds(void)
{
	struct fspec f, g;
	static const u8 arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	static const u8 lldp[40] = { 2, 7, 4 };

	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_ACK | COLO_TCP_PSH;
	f.seq = 1000;
	f.ack = 2000;
	with_payload(&f, 100);
	frame_seed("tcp4", 0, 0, &f, 0);
	frame_seed("tcp4-cut", 0, 0, &f, 60);
	frame_seed("tcp4-vlan-oob", 0x01, 0x2064, &f, 0);
	f.tcpopt_len = 12;
	f.pad_to = 200;
	frame_seed("tcp4-opts-pad", 0, 0, &f, 0);
	f.ipopt_len = 8;
	frame_seed("tcp4-ipopts", 0, 0, &f, 0);
	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_SYN;
	frame_seed("tcp4-syn", 0, 0, &f, 0);
	fs_tag(&f, ETH_P_8021Q, 5);
	frame_seed("tcp4-syn-vlan", 0, 0, &f, 0);
	fs_tag(&f, ETH_P_8021Q, 6);
	frame_seed("tcp4-syn-qinq", 0, 0, &f, 0);
	fs_tag(&f, ETH_P_8021Q, 7);
	frame_seed("tcp4-syn-3tags", 0, 0, &f, 0);
	frame_seed("tcp4-tag-cut", 0, 0, &f, 24);

	fs_ipv4(&f, IPPROTO_UDP);
	with_payload(&f, 30);
	f.pad_to = 80;
	frame_seed("udp4-pad", 0, 0, &f, 0);
	f.udp_csum_zero = true;
	fs_tag(&f, ETH_P_8021AD, 300);
	frame_seed("udp4-8021ad", 0x01, 12, &f, 0);
	fs_ipv4(&f, IPPROTO_UDP);
	f.frag = 0x2000 | 185;
	with_payload(&f, 64);
	f.no_l4 = true;
	frame_seed("udp4-frag", 0, 0, &f, 0);

	fs_ipv4(&f, IPPROTO_ICMP);
	f.icmp_type = ICMP_ECHO;
	f.icmp_id = 77;
	f.icmp_seq = 1;
	with_payload(&f, 56);
	frame_seed("icmp4-echo", 0, 0, &f, 0);
	f.icmp_type = ICMP_ECHOREPLY;
	frame_seed("icmp4-echo-reply", 0, 0, &f, 0);
	f.icmp_type = ICMP_DEST_UNREACH;
	frame_seed("icmp4-unreach", 0, 0, &f, 0);
	fs_ipv4(&f, IPPROTO_GRE);
	with_payload(&f, 40);
	frame_seed("gre4", 0, 0, &f, 0);

	fs_ipv6(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_ACK | COLO_TCP_FIN;
	with_payload(&f, 200);
	frame_seed("tcp6", 0, 0, &f, 0);
	fs_ext(&f, IPPROTO_HOPOPTS, 0);
	fs_ext(&f, IPPROTO_ROUTING, 2);
	fs_ext(&f, IPPROTO_DSTOPTS, 1);
	frame_seed("tcp6-ext", 0, 0, &f, 0);
	frame_seed("tcp6-ext-cut", 0, 0, &f, 14 + 40 + 20);
	fs_ipv6(&f, IPPROTO_UDP);
	with_payload(&f, 20);
	fs_tag(&f, ETH_P_8021Q, 42);
	frame_seed("udp6-vlan", 0, 0, &f, 0);
	fs_ext(&f, IPPROTO_FRAGMENT, 0);
	f.ext[0].frag = 0;	/* atomic fragment */
	frame_seed("udp6-atomic-frag", 0, 0, &f, 0);
	f.ext[0].frag = 100 << 3 | 1;
	f.no_l4 = true;
	frame_seed("udp6-frag", 0, 0, &f, 0);
	fs_ipv6(&f, IPPROTO_ICMPV6);
	f.icmp_type = ICMPV6_ECHO_REQUEST;
	f.icmp_id = 9;
	with_payload(&f, 32);
	frame_seed("icmp6-echo", 0, 0, &f, 0);
	f.icmp_type = ICMPV6_ECHO_REPLY;
	frame_seed("icmp6-echo-reply", 0, 0, &f, 0);
	fs_ipv6(&f, IPPROTO_UDP);
	for (int i = 0; i < 9; i++)
		fs_ext(&f, IPPROTO_DSTOPTS, 0);
	frame_seed("udp6-9ext", 0, 0, &f, 0);

	fs_l2(&f, ETH_P_ARP);
	with_payload(&f, 28);
	f.payload = arp;
	f.pad_to = 60;
	frame_seed("arp", 0, 0, &f, 0);
	fs_l2(&f, 0x88cc);
	with_payload(&f, 40);
	f.payload = lldp;
	frame_seed("lldp", 0, 0, &f, 0);
	frame_seed("runt", 0, 0, &f, 9);

	/* big: 64 KiB of zeros follow; IP length 0 means "the frame's" */
	fs_ipv4(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_ACK;
	with_payload(&f, 10);
	{
		static u8 buf[3 + FS_BUF];
		u32 len = fs_build(&f, buf + 3, FS_BUF, NULL);

		buf[0] = 0x04;
		fz_put16(buf + 3 + 14 + 2, 0);
		write_file("fuzz_frame", "big-tcp4", buf, 3 + len);
		fs_ipv6(&f, IPPROTO_TCP);
		with_payload(&f, 10);
		len = fs_build(&f, buf + 3, FS_BUF, NULL);
		fz_put16(buf + 3 + 14 + 4, 0);
		write_file("fuzz_frame", "big-tcp6", buf, 3 + len);
	}

	/* pairs: ignored fields differ; a payload byte differs */
	fs_ipv4(&f, IPPROTO_UDP);
	with_payload(&f, 50);
	g = f;
	g.ttl = 3;
	g.ipid = 99;
	g.pad_to = 90;
	pair_seed("pair-udp4-ttl", &f, &g);
	fs_ipv4(&f, IPPROTO_ICMP);
	f.icmp_type = ICMP_ECHO;
	with_payload(&f, 20);
	g = f;
	g.icmp_type = ICMP_ECHOREPLY;
	pair_seed("pair-icmp4-type", &f, &g);
	fs_ipv6(&f, IPPROTO_TCP);
	f.tcpflags = COLO_TCP_ACK;
	f.seq = 5;
	with_payload(&f, 50);
	g = f;
	g.plen = 20;
	pair_seed("pair-tcp6-cut", &f, &g);
}

/* ---- fuzz_flow: header, then operations (see fuzz_flow.c) ---- */

struct script {
	u8 buf[1024];
	u32 n;
};

static void sc_start(struct script *s, u8 mode, u32 isn, u32 ackbase)
{
	s->buf[0] = mode;
	fz_put32(s->buf + 1, isn);
	fz_put32(s->buf + 5, ackbase);
	s->n = 9;
}

static void sc_byte(struct script *s, u8 b)
{
	s->buf[s->n++] = b;
}

/* TCP segment: seq/ack as deltas from the header's bases */
/* the length code of fuzz_flow.c len_code() */
static u8 lcode(u32 len)
{
	if (len >= 128 && len % 12) {
		fprintf(stderr, "gen_seeds: length %u not a multiple of 12\n", len);
		exit(1);
	}
	return len < 128 ? len : 128 + len / 12;
}

static void sc_tcp(struct script *s, bool sec, unsigned int flow, int dseq,
		   int dack, u8 flags, u32 len, u8 opt)
{
	u8 code = lcode(len);

	sc_byte(s, 0 | sec << 3 | flow << 4);
	fz_put16(s->buf + s->n, dseq);
	fz_put16(s->buf + s->n + 2, dack);
	s->n += 4;
	sc_byte(s, flags);
	sc_byte(s, code);
	sc_byte(s, opt);
}

static void sc_dgram(struct script *s, bool sec, unsigned int flow, u8 type,
		     u8 len, u8 seed)
{
	sc_byte(s, 1 | sec << 3 | flow << 4);
	sc_byte(s, type);
	sc_byte(s, len);
	sc_byte(s, seed);
}

#define OP_COMPARE	2
#define OP_FLUSH	3
#define OP_NEXT_S	4
#define OP_ALL_S	6
#define A		COLO_TCP_ACK
#define AP		(COLO_TCP_ACK | COLO_TCP_PSH)

static void sc_write(const char *name, const struct script *s)
{
	write_file("fuzz_flow", name, s->buf, s->n);
}

static void flow_seeds(void)
{
	struct script s;
	int i;

	/* mirror: handshake, data, FIN on IPv4 */
	sc_start(&s, 0x01, 1000, 5000);
	sc_tcp(&s, 0, 0, -1, 0, COLO_TCP_SYN | A, 0, 0);
	sc_tcp(&s, 0, 0, 0, 1, A, 0, 0);
	sc_byte(&s, OP_ALL_S);
	sc_byte(&s, OP_COMPARE);
	for (i = 0; i < 4; i++)
		sc_tcp(&s, 0, 0, i * 40, 1, AP, 40, 0);
	sc_byte(&s, OP_NEXT_S);
	sc_byte(&s, OP_COMPARE);
	sc_byte(&s, OP_ALL_S);
	sc_tcp(&s, 0, 0, 160, 1, A | COLO_TCP_FIN, 0, 0);
	sc_byte(&s, OP_ALL_S);
	sc_byte(&s, OP_COMPARE);
	sc_write("mirror-tcp4", &s);

	/* mirror on IPv6 with extension headers and a VLAN, datagrams too */
	sc_start(&s, 0x01 | 0x02 | 0x04 | 0x08, 0xfffffff0, 7);
	sc_tcp(&s, 0, 1, 0, 0, AP, 204, 0);
	sc_dgram(&s, 0, 2, 0, 30, 1);
	sc_dgram(&s, 0, 0, 1, 56, 2);
	sc_dgram(&s, 0, 0, 3 | 4 << 2, 64, 4);
	sc_tcp(&s, 0, 1, 204, 0, AP, 216, 0x04);
	sc_byte(&s, OP_NEXT_S);
	sc_byte(&s, OP_COMPARE);
	sc_byte(&s, OP_ALL_S);
	sc_byte(&s, OP_COMPARE);
	sc_write("mirror-v6-vlan-ext", &s);

	/* different segmentation, sequence wrap */
	sc_start(&s, 0, 0xffffff00, 100);
	sc_tcp(&s, 0, 0, 0, 0, AP, 204, 0);
	sc_tcp(&s, 0, 0, 204, 0, AP, 204, 0);
	sc_tcp(&s, 1, 0, 0, 0, AP, 50, 0);
	sc_tcp(&s, 1, 0, 50, 0, AP, 264, 0);
	sc_tcp(&s, 1, 0, 314, 0, AP, 94, 0);
	sc_byte(&s, OP_COMPARE);
	sc_write("segmentation-wrap", &s);

	/* a corrupted secondary byte, then the checkpoint */
	sc_start(&s, 0, 1, 1);
	sc_tcp(&s, 0, 0, 0, 0, AP, 100, 0);
	sc_tcp(&s, 1, 0, 0, 0, AP, 100, 0x80 | 3 << 3);
	sc_byte(&s, OP_COMPARE);
	sc_byte(&s, OP_FLUSH);
	sc_tcp(&s, 0, 0, 0, 0, AP, 100, 0);
	sc_byte(&s, OP_COMPARE);
	sc_write("miscompare-flush-retransmit", &s);

	/* ACK-ahead: the primary acks more than the secondary */
	sc_start(&s, 0, 500, 500);
	sc_tcp(&s, 0, 0, 0, 100, AP, 20, 0);
	sc_tcp(&s, 1, 0, 0, 0, AP, 50, 0);
	sc_byte(&s, OP_COMPARE);
	sc_byte(&s, OP_FLUSH | 8);
	sc_write("ack-ahead-evict", &s);

	/* datagrams out of step, and a raw runt */
	sc_start(&s, 0, 0, 0);
	sc_dgram(&s, 0, 0, 0, 10, 1);
	sc_dgram(&s, 1, 0, 0, 10, 1);
	sc_dgram(&s, 0, 0, 0, 10, 2);
	sc_dgram(&s, 1, 0, 0, 11, 2);
	sc_dgram(&s, 0, 1, 2, 10, 3);	/* other IP */
	sc_dgram(&s, 0, 2, 3 | 4 << 2, 64, 4);	/* fragment */
	sc_dgram(&s, 0, 3, 1, 20, 5);	/* ICMP echo */
	sc_dgram(&s, 1, 3, 1, 20, 5);	/* the secondary of the first */
	sc_byte(&s, 5);
	sc_byte(&s, 6);
	for (i = 0; i < 6; i++)
		sc_byte(&s, 0xaa);
	sc_byte(&s, OP_COMPARE);
	sc_write("datagrams-raw", &s);

	/* absolute seq: far apart on the two sides */
	sc_start(&s, 0, 0, 0);
	sc_byte(&s, 4);
	fz_put32(s.buf + s.n, 0x7fffffff);
	fz_put32(s.buf + s.n + 4, 1);
	s.n += 8;
	sc_byte(&s, AP);
	sc_byte(&s, 30);
	sc_byte(&s, 4 | 8);
	fz_put32(s.buf + s.n, 0xfffffff0);
	fz_put32(s.buf + s.n + 4, 1);
	s.n += 8;
	sc_byte(&s, AP);
	sc_byte(&s, 30);
	sc_byte(&s, OP_COMPARE);
	sc_write("absolute-seq", &s);
}

int main(int argc, char **argv)
{
	u32 seed = 7, i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = prng(&seed);
	frame_seeds();
	flow_seeds();
	return 0;
}
