/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame builders for the unit tests: describe a frame in a struct fspec,
 * build it with correct lengths and checksums, then poke bytes to make it
 * lie.  Also: parsing and comparing from exact-size heap copies, so that
 * AddressSanitizer catches any read past the frame.
 */
#ifndef _UNIT_FRAME_H
#define _UNIT_FRAME_H

#include "compare.h"

#define FS_MAX_TAGS	3
#define FS_MAX_EXT	12
#define FS_BUF		2048

/* An IPv6 extension header. */
struct fs_ext {
	u8 type;		/* IPPROTO_HOPOPTS, _ROUTING, _DSTOPTS, _FRAGMENT */
	u8 hdrlen;		/* length field: 8-byte units after the first 8 */
	u16 frag;		/* fragment header: offset << 3 | M */
	u32 id;			/* fragment header: identification */
};

struct fspec {
	/* L2 */
	u8 dmac[6], smac[6];
	unsigned int ntags;
	u16 tpid[FS_MAX_TAGS], tci[FS_MAX_TAGS];
	u16 ethertype;		/* when ipver is 0 */
	/* L3 */
	int ipver;		/* 0 (raw body), 4 or 6 */
	u8 src[16], dst[16];
	u8 ttl;			/* TTL or hop limit */
	u8 tos;			/* TOS or traffic class */
	u16 ipid;
	u16 frag;		/* IPv4 flags and fragment offset field */
	u32 flowlabel;
	u8 ipopt_len;		/* IPv4 option bytes (NOPs), multiple of 4 */
	unsigned int next;
	struct fs_ext ext[FS_MAX_EXT];
	u8 proto;		/* upper layer after the extension headers */
	/* L4 */
	u16 sport, dport;
	u32 seq, ack;
	u8 tcpflags;
	u8 tcpopt_len;		/* TCP option bytes (NOPs), multiple of 4 */
	u16 window;
	u8 icmp_type, icmp_code;
	u16 icmp_id, icmp_seq;
	bool udp_csum_zero;
	bool no_l4;		/* payload right after the L3 header(s) */
	/* body */
	const void *payload;
	u32 plen;
	u32 pad_to;		/* Ethernet padding up to this frame length */
	u8 pad_byte;
};

/* Where the builder put things, for pokes. */
struct fbuilt {
	u32 len;
	u32 l3;
	u32 l4;
	u32 pay;
};

void fs_ipv4(struct fspec *f, u8 proto);
void fs_ipv6(struct fspec *f, u8 proto);
void fs_l2(struct fspec *f, u16 ethertype);
void fs_tag(struct fspec *f, u16 tpid, u16 tci);
void fs_ext(struct fspec *f, u8 type, u8 hdrlen);
void fs_swap(struct fspec *f);
u32 fs_build(const struct fspec *f, u8 *buf, u32 size, struct fbuilt *out);

void put16(u8 *p, u16 v);
void put32(u8 *p, u32 v);
u16 csum_fold(const u8 *p, u32 len, u32 sum);

/* Parse/compare from exact-size heap copies (ASan red zones around). */
int parse_exact(const u8 *frame, u32 len, bool vlan_present, u16 tci,
		struct colo_pkt *pkt);
bool cmp_exact(const u8 *pf, u32 plen, const u8 *sf, u32 slen);

u32 prng(u32 *state);

#endif /* _UNIT_FRAME_H */
