// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark frame generator (see frames.h).  The destination MAC is not
 * the client's: the client's stack drops the frames as "other host" at
 * once, so it answers nothing (no RST, no ICMP unreachable) that would
 * add work to the path being measured.  Its device counters still see
 * every frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "frames.h"

#define ETH_LEN		14
#define IP_LEN		20
#define UDP_LEN		8
#define TCP_LEN		20

static const uint8_t dst_mac[6] = { 0x52, 0x54, 0x00, 0xc0, 0x10, 0x09 };
static const uint8_t src_mac[6] = { 0x52, 0x54, 0x00, 0xc0, 0x10, 0x02 };

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void build_one(uint8_t *f, enum bench_proto proto, uint32_t payload,
		      uint32_t flow, uint32_t k, uint32_t index)
{
	uint32_t l4len = (proto == BENCH_TCP ? TCP_LEN : UDP_LEN) + payload;
	uint8_t *ip = f + ETH_LEN, *l4 = ip + IP_LEN;
	uint8_t *pay = l4 + (proto == BENCH_TCP ? TCP_LEN : UDP_LEN);
	uint32_t i, sum;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, IP_LEN + l4len);
	put16(ip + 4, (uint16_t)index);
	put16(ip + 6, 0x4000);			/* DF */
	ip[8] = 64;
	ip[9] = proto == BENCH_TCP ? 6 : 17;
	put32(ip + 12, 0x0a000002);		/* 10.0.0.2, the VM */
	put32(ip + 16, 0x0a000001);		/* 10.0.0.1, the client */
	put16(ip + 10, fold(sum16(ip, IP_LEN, 0)));

	/* 50000 source ports times any number of destination ports */
	put16(l4, 10000 + flow % 50000);
	put16(l4 + 2, 5000 + flow / 50000);

	put32(pay, index);
	for (i = 4; i < payload; i++)
		pay[i] = (uint8_t)(i * 7 + flow);

	if (proto == BENCH_TCP) {
		put32(l4 + 4, 1000 + k * payload);	/* seq */
		put32(l4 + 8, 1);			/* ack */
		l4[12] = 5 << 4;
		l4[13] = 0x18;				/* PSH ACK */
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, l4len);
	}
	/* pseudo header + L4; UDP too, a checksum of 0 would also do */
	sum = sum16(ip + 12, 8, 0) + ip[9] + l4len;
	sum = sum16(l4, l4len, sum);
	put16(l4 + (proto == BENCH_TCP ? 16 : 6), fold(sum) ? fold(sum) : 0xffff);
}

int bench_frames_build(struct bench_frames *bf, enum bench_proto proto,
		       uint32_t payload, uint32_t flows, uint32_t n,
		       uint32_t round)
{
	uint32_t hdr = ETH_LEN + IP_LEN + (proto == BENCH_TCP ? TCP_LEN : UDP_LEN);
	uint32_t i;

	if (payload < 4 || payload > 1472 || !flows || !n) {
		errno = EINVAL;
		return -1;
	}
	bf->len = hdr + payload;
	bf->stride = (bf->len + 7) & ~(size_t)7;
	bf->n = n;
	bf->pay_off = hdr;
	bf->buf = calloc(n, bf->stride);
	if (!bf->buf)
		return -1;
	for (i = 0; i < n; i++)
		build_one(bench_frame(bf, i), proto, payload, i % flows,
			  round + i / flows, i);
	return 0;
}

void bench_frames_free(struct bench_frames *bf)
{
	free(bf->buf);
	bf->buf = NULL;
}

uint32_t bench_frame_index(const uint8_t *frame, size_t len, uint32_t pay_off)
{
	if (len < pay_off + 4)
		return UINT32_MAX;
	return (uint32_t)frame[pay_off] << 24 | frame[pay_off + 1] << 16 |
	       frame[pay_off + 2] << 8 | frame[pay_off + 3];
}

int bench_proto_parse(const char *s)
{
	if (!strcmp(s, "udp"))
		return BENCH_UDP;
	if (!strcmp(s, "tcp"))
		return BENCH_TCP;
	return -1;
}
