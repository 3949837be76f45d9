/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame parser of the COLO comparator: Ethernet frame bytes in, flow key
 * and the offsets the compare rules need out.  No skb, no allocation.
 */
#ifndef _COLO_PARSE_H
#define _COLO_PARSE_H

#include "colo_types.h"

/* How a packet is compared (DESIGN.md section 3). */
enum colo_class {
	COLO_CLS_FRAME,		/* non-IP or unparseable: whole frame */
	COLO_CLS_TCP,		/* payload in sequence space */
	COLO_CLS_UDP,		/* ports + payload */
	COLO_CLS_ICMP,		/* type, code, id/seq word + payload */
	COLO_CLS_ICMPV6,	/* same, for ICMPv6 */
	COLO_CLS_IP_OTHER,	/* other protocols and fragments: L3 payload */
	__COLO_CLS_MAX
};

/* colo_pkt_meta.flags */
#define COLO_PKT_SWAPPED	BIT(0)	/* source is the key's 2nd endpoint */
#define COLO_PKT_FALLBACK	BIT(1)	/* headers cut or lying: whole frame */
#define COLO_PKT_FRAG		BIT(2)	/* IPv4/IPv6 fragment */

/* TCP header flag bits (byte 13 of the header). */
#define COLO_TCP_FIN		0x01
#define COLO_TCP_SYN		0x02
#define COLO_TCP_RST		0x04
#define COLO_TCP_PSH		0x08
#define COLO_TCP_ACK		0x10
#define COLO_TCP_URG		0x20

/*
 * Direction-normalized flow key: both directions of a flow give the same
 * key.  The endpoint (address, port) that sorts lower - addresses compared
 * as network byte order bytes, then ports as numbers - is endpoint 0.
 * No implicit padding and fully zeroed, so it may be hashed with jhash2()
 * over COLO_FLOW_KEY_WORDS words and compared with memcmp().
 */
struct colo_flow_key {
	u32 addr[2][4];		/* network byte order; IPv4 uses addr[i][0] */
	u16 port[2];		/* host order; ICMP echo id in port[0] */
	u16 vlan[2];		/* VLAN ids, outer first; 0 = untagged */
	u16 ethertype;		/* innermost ethertype, host order */
	u8 proto;		/* L4 protocol; 0 for COLO_CLS_FRAME */
	u8 pad;			/* always 0 */
};

#define COLO_FLOW_KEY_WORDS	(sizeof(struct colo_flow_key) / sizeof(u32))

/*
 * What the compare rules need of one packet.  Offsets are from the first
 * byte of the frame given to colo_parse().  Kept small so the kernel glue
 * can keep it in skb->cb next to its own state: at most
 * COLO_PKT_META_MAX bytes (checked at build time in parse.c).
 */
struct colo_pkt_meta {
	u8 cls;			/* enum colo_class */
	u8 flags;		/* COLO_PKT_* */
	u8 l4proto;		/* upper-layer protocol; 0 for COLO_CLS_FRAME */
	u8 tcp_flags;		/* COLO_TCP_* */
	u16 ethertype;		/* innermost ethertype, host order */
	u16 vlan[2];		/* VLAN ids, outer first; 0 = untagged */
	u16 frag;		/* fragment offset (8-byte units) << 1 | MF */
	u16 l3_off;		/* network header */
	u16 l4_off;		/* upper-layer header (IP classes) */
	u16 pay_off;		/* compared bytes: L4/L3 payload, 0 for FRAME */
	u32 pay_len;		/* their length, from the IP/UDP lengths */
	u32 cmp_len;		/* frame length without padding */
	u32 seq;		/* TCP sequence number */
	u32 ack;		/* TCP acknowledgment number */
};

#define COLO_PKT_META_MAX	48

/* Result of colo_parse(): the key is needed once, at flow lookup. */
struct colo_pkt {
	struct colo_flow_key key;
	struct colo_pkt_meta m;
};

int colo_parse(const u8 *frame, u32 len, bool vlan_present, u16 vlan_tci,
	       struct colo_pkt *pkt);

#endif /* _COLO_PARSE_H */
