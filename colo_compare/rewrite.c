// SPDX-License-Identifier: GPL-2.0
/*
 * The secondary host's TCP rewriter: "action colo group N rewrite", bound
 * at the SVM tap's tc ingress (packets from the SVM) and egress (packets
 * to the SVM).  DESIGN.md section 1.
 *
 * Why.  Both VMs run the same guest, but each TCP stack picks its own
 * initial sequence number (ISN) for a connection.  The client only talks
 * to the primary VM (PVM): what it sends, mirrored to the secondary VM
 * (SVM), acknowledges the PVM's sequence numbers, which the SVM's stack
 * rejects, so the SVM's side of the connection never comes up.  Per
 * connection the rewriter learns
 *
 *	offset = PVM ISN - SVM ISN
 *
 * and then, keeping the TCP checksum right,
 *
 *	SVM -> client (tap ingress):	seq += offset
 *	client -> SVM (tap egress):	ack -= offset, and every SACK block edge
 *
 * so the SVM sees the conversation in its own sequence space and the
 * comparator on the primary host sees the SVM's output in the PVM's.
 *
 * Learning.  This host never sees the PVM's packets, only the client's
 * (mirrored) and the SVM's:
 *  - VM is the server: the client's SYN creates the entry; the SVM's ISN is
 *    the seq of its SYN-ACK; the PVM's ISN is the ack of the client's first
 *    packet with ACK (and no SYN), minus one: it acknowledges the PVM's
 *    SYN-ACK.  Either may come first.
 *  - VM is the client: the SVM's SYN creates the entry and gives the SVM's
 *    ISN; the peer's SYN-ACK, which answers the PVM's SYN (the SVM's is
 *    consumed by the comparator), acks PVM ISN + 1.  That only works when
 *    both VMs use the same source port (the same 4-tuple), and when the
 *    SVM sent its SYN before the peer's SYN-ACK reaches it; otherwise the
 *    SVM's connection does not come up and the comparator sees it as a
 *    timeout (a checkpoint then copies the PVM's state).  QEMU's
 *    filter-rewriter has the same limits.
 * Until the offset is known packets pass unchanged: the SVM's SYN and
 * SYN-ACK carry its own ISN, which cannot be translated on this host.
 *
 * Checkpoints.  colo_rewrite_reset() (a checkpoint completed: the SVM now
 * has the PVM's TCP state) makes every offset 0.  It only bumps an epoch;
 * each flow notices on its next packet and the garbage collector removes
 * flows not seen since, which behave as untracked ones: offset 0.
 *
 * Expiry.  Only SYNs create entries.  A flow is removed by a periodic
 * collector (delayed work) when idle for COLO_RW_IDLE_MS (handshakes that
 * never completed: COLO_RW_OPEN_IDLE_MS), when both sides sent a FIN or
 * one a RST and it then stayed idle for COLO_RW_CLOSED_MS (so the last
 * ACKs and retransmitted FINs are still translated), or when a checkpoint
 * made it stale.  A new SYN on a tracked 4-tuple (another ISN, or from
 * the other side) starts over.  At most the group's max_flows entries:
 * beyond that, new connections pass untranslated and are counted.
 *
 * Locking.  Lookups are RCU (rhashtable).  Each flow has a spinlock for
 * its learning and close state, taken by the data path (BH disabled:
 * tc ingress in softirq, egress under rcu_read_lock_bh()) and by the
 * collector (spin_lock_bh).  Only the two directions of one connection
 * ever contend for it, where a group-wide lock would serialize every CPU
 * on every packet.  A flow leaves the table only after its DEAD flag was
 * set under its lock, so exactly one path removes it, and a packet that
 * finds it dead passes as untracked.  Memory is freed after an RCU grace
 * period.  The header rewrite itself runs outside the lock.
 *
 * Assumed: the client never acknowledges data the SVM has not sent yet.
 * The comparator guarantees it in comparing mode (a PVM packet reaches
 * the client only after the SVM sent the same); in passthrough, with the
 * PVM's packets released at once, an SVM that lags behind sees ACKs of
 * data beyond what it sent, which its stack drops, and may stall until a
 * checkpoint.
 *
 * Not handled: TCP timestamps are left alone (the SVM may take bad RTT
 * samples from the PVM's echoed TSval), IP-in-IP and other tunnels are
 * not looked into, more than two VLAN tags make a frame pass unchanged,
 * and non-first IP fragments carry no TCP header so need nothing.
 */
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "group.h"
#include "rewrite.h"

#define COLO_RW_IDLE_MS		120000	/* established, no packet */
#define COLO_RW_OPEN_IDLE_MS	30000	/* offset never learned */
#define COLO_RW_CLOSED_MS	5000	/* after FINs both ways, or a RST */
#define COLO_RW_GC_MS		1000	/* collector period while flows exist */
#define COLO_RW_GC_BATCH	256	/* flows per RCU section in the collector */
#define COLO_RW_MAX_TAGS	2	/* VLAN tags, out-of-band one included */

/* The connection as seen from the VM: the same key both ways. */
struct colo_rw_key {
	__be32 vm[4];		/* VM address; IPv4 uses vm[0] */
	__be32 peer[4];		/* the other end (client) */
	__be16 vm_port;
	__be16 peer_port;
	u16 vlan[COLO_RW_MAX_TAGS];	/* VLAN ids, outer first; 0 = none */
	__be16 l3proto;		/* ETH_P_IP or ETH_P_IPV6 */
	u16 pad;		/* always 0: the key is hashed and compared whole */
};

/* colo_rw_flow.flags */
#define COLO_RW_BY_SVM		BIT(0)	/* the SVM sent the opening SYN */
#define COLO_RW_HAVE_SVM	BIT(1)	/* svm_isn is known */
#define COLO_RW_HAVE_PVM	BIT(2)	/* pvm_isn is known */
#define COLO_RW_KNOWN		BIT(3)	/* offset is valid */
#define COLO_RW_FIN_SVM		BIT(4)
#define COLO_RW_FIN_PEER	BIT(5)
#define COLO_RW_RST		BIT(6)
#define COLO_RW_DEAD		BIT(7)	/* leaving the table: ignore it */

#define COLO_RW_CLOSE_MASK	(COLO_RW_FIN_SVM | COLO_RW_FIN_PEER | COLO_RW_RST)

struct colo_rw_flow {
	struct rhash_head node;
	struct colo_rw_key key;
	spinlock_t lock;		/* everything below */
	u8 flags;			/* COLO_RW_* */
	u32 epoch;			/* rw->epoch the state belongs to */
	u32 open_seq;			/* seq of the opening SYN */
	u32 svm_isn;
	u32 pvm_isn;
	u32 offset;			/* PVM sequence - SVM sequence */
	unsigned long last_used;	/* jiffies of the last packet */
	struct rcu_head rcu;
};

/* Per-packet counters, per CPU. */
enum colo_rw_stat {
	COLO_RW_STAT_REWRITTEN,
	COLO_RW_STAT_UNKNOWN,
	COLO_RW_STAT_ERRORS,
	COLO_RW_NSTATS
};

struct colo_rw_pcpu {
	u64_stats_t cnt[COLO_RW_NSTATS];
	struct u64_stats_sync syncp;
};

struct colo_rewriter {
	struct rhashtable flows;	/* struct colo_rw_flow by key */
	atomic_t nflows;
	atomic_t epoch;			/* bumped by colo_rewrite_reset() */
	struct delayed_work gc;
	struct colo_rw_pcpu __percpu *pcpu;
	atomic64_t learned;
	atomic64_t untracked;
	atomic64_t resets;
};

/* One TCP segment, parsed: its headers are in the linear area. */
struct colo_rw_pkt {
	struct colo_rw_key key;
	int l4;				/* TCP header offset from skb->data */
	unsigned int thlen;
	u32 seq;
	u32 ack;
	bool syn, ack_set, fin, rst;
};

static const struct rhashtable_params colo_rw_params = {
	.head_offset = offsetof(struct colo_rw_flow, node),
	.key_offset = offsetof(struct colo_rw_flow, key),
	.key_len = sizeof(struct colo_rw_key),
	.automatic_shrinking = true,
};

/* ---- parsing ------------------------------------------------------------ */

/*
 * Make [@off, @off + @len) linear; @off is relative to skb->data and may
 * be negative at ingress, where the Ethernet header lies before data
 * (always in the linear head).  May move the data: re-read pointers.
 */
static bool colo_rw_pull(struct sk_buff *skb, int off, unsigned int len)
{
	int end = off + (int)len;

	return end <= 0 || pskb_may_pull(skb, end);
}

/* TCP header at @l4, inside the IP packet ending at @end (0: unknown). */
static bool colo_rw_parse_tcp(struct sk_buff *skb, int l4, int end,
			      bool to_svm, struct colo_rw_pkt *pkt)
{
	const struct tcphdr *th;
	unsigned int thlen;

	if ((end && l4 + (int)sizeof(*th) > end) ||
	    !colo_rw_pull(skb, l4, sizeof(*th)))
		return false;
	th = (const struct tcphdr *)(skb->data + l4);
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || (end && l4 + (int)thlen > end) ||
	    !colo_rw_pull(skb, l4, thlen))
		return false;
	th = (const struct tcphdr *)(skb->data + l4);

	pkt->l4 = l4;
	pkt->thlen = thlen;
	pkt->seq = ntohl(th->seq);
	pkt->ack = ntohl(th->ack_seq);
	pkt->syn = th->syn;
	pkt->ack_set = th->ack;
	pkt->fin = th->fin;
	pkt->rst = th->rst;
	if (to_svm) {
		pkt->key.vm_port = th->dest;
		pkt->key.peer_port = th->source;
	} else {
		pkt->key.vm_port = th->source;
		pkt->key.peer_port = th->dest;
	}
	return true;
}

static void colo_rw_set_addrs(struct colo_rw_key *key, const void *saddr,
			      const void *daddr, size_t alen, bool to_svm)
{
	memcpy(key->vm, to_svm ? daddr : saddr, alen);
	memcpy(key->peer, to_svm ? saddr : daddr, alen);
}

static bool colo_rw_parse_ipv4(struct sk_buff *skb, int off, bool to_svm,
			       struct colo_rw_pkt *pkt)
{
	const struct iphdr *iph;
	unsigned int ihl, tot;

	if (!colo_rw_pull(skb, off, sizeof(*iph)))
		return false;
	iph = (const struct iphdr *)(skb->data + off);
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph) ||
	    iph->protocol != IPPROTO_TCP ||
	    (iph->frag_off & htons(IP_OFFSET)))	/* no TCP header in it */
		return false;
	if (!colo_rw_pull(skb, off, ihl))
		return false;
	iph = (const struct iphdr *)(skb->data + off);
	/* 0: a BIG TCP GSO packet, as long as the skb */
	tot = ntohs(iph->tot_len);
	if (tot && tot < ihl)
		return false;
	colo_rw_set_addrs(&pkt->key, &iph->saddr, &iph->daddr,
			  sizeof(iph->saddr), to_svm);
	return colo_rw_parse_tcp(skb, off + ihl, tot ? off + tot : 0, to_svm,
				 pkt);
}

static bool colo_rw_parse_ipv6(struct sk_buff *skb, int off, bool to_svm,
			       struct colo_rw_pkt *pkt)
{
	const struct ipv6hdr *ip6h;
	unsigned int plen;
	__be16 frag_off;
	u8 nexthdr;
	int l4;

	if (!colo_rw_pull(skb, off, sizeof(*ip6h)))
		return false;
	ip6h = (const struct ipv6hdr *)(skb->data + off);
	if (ip6h->version != 6)
		return false;
	plen = ntohs(ip6h->payload_len);
	nexthdr = ip6h->nexthdr;
	colo_rw_set_addrs(&pkt->key, &ip6h->saddr, &ip6h->daddr,
			  sizeof(ip6h->saddr), to_svm);
	/* reads through skb_header_pointer(): no pull needed */
	l4 = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr, &frag_off);
	if (l4 < 0 || nexthdr != IPPROTO_TCP ||
	    (frag_off & htons(~0x7)))		/* not a first fragment */
		return false;
	return colo_rw_parse_tcp(skb, l4,
				 plen ? off + (int)sizeof(*ip6h) + plen : 0,
				 to_svm, pkt);
}

/*
 * The TCP segment in @skb, from its Ethernet header on: up to two VLAN
 * tags (the out-of-band one counts), IPv4 or IPv6.  False for anything
 * else, and for headers that are cut short or lie.
 */
static bool colo_rw_parse(struct sk_buff *skb, bool to_svm,
			  struct colo_rw_pkt *pkt)
{
	unsigned int ntags = 0;
	__be16 proto;
	int off;

	if (!skb_mac_header_was_set(skb) || skb->dev->type != ARPHRD_ETHER)
		return false;
	off = skb_mac_offset(skb);
	if (!colo_rw_pull(skb, off, ETH_HLEN))
		return false;
	memset(&pkt->key, 0, sizeof(pkt->key));
	if (skb_vlan_tag_present(skb))
		pkt->key.vlan[ntags++] = skb_vlan_tag_get_id(skb);
	proto = ((const struct ethhdr *)(skb->data + off))->h_proto;
	off += ETH_HLEN;
	while (eth_type_vlan(proto)) {
		const struct vlan_hdr *vh;

		if (ntags == COLO_RW_MAX_TAGS ||
		    !colo_rw_pull(skb, off, VLAN_HLEN))
			return false;
		vh = (const struct vlan_hdr *)(skb->data + off);
		pkt->key.vlan[ntags++] = ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	/* the network header is never before data at tc */
	if (off < 0)
		return false;
	pkt->key.l3proto = proto;
	if (proto == htons(ETH_P_IP))
		return colo_rw_parse_ipv4(skb, off, to_svm, pkt);
	if (proto == htons(ETH_P_IPV6))
		return colo_rw_parse_ipv6(skb, off, to_svm, pkt);
	return false;
}

/* ---- rewriting ---------------------------------------------------------- */

static u32 colo_rw_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void colo_rw_put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * Shift the edges of SACK blocks (RFC 2018) in the options of @th.  The
 * option may start at any byte, so the checksum is fixed word by word
 * over the 16-bit words (counted from the header start) that cover it.
 */
static void colo_rw_sack(struct sk_buff *skb, struct tcphdr *th,
			 unsigned int thlen, u32 offset)
{
	u8 *opt = (u8 *)th, old[MAX_TCP_OPTION_SPACE];
	unsigned int i = sizeof(*th), len, e, w, lo, hi;
	__be16 from, to;

	while (i < thlen) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= thlen)
			break;
		len = opt[i + 1];
		if (len < 2 || len > thlen - i)
			break;
		if (opt[i] == TCPOPT_SACK && len > 2 && (len - 2) % 8 == 0) {
			lo = i & ~1U;
			hi = round_up(i + len, 2);	/* thlen is even */
			memcpy(old, opt + lo, hi - lo);
			for (e = i + 2; e < i + len; e += 4)
				colo_rw_put32(opt + e,
					      colo_rw_get32(opt + e) - offset);
			for (w = lo; w < hi; w += 2) {
				memcpy(&from, old + w - lo, sizeof(from));
				memcpy(&to, opt + w, sizeof(to));
				if (from != to)
					inet_proto_csum_replace2(&th->check, skb,
								 from, to,
								 false);
			}
		}
		i += len;
	}
}

/*
 * Incremental checksum updates: right for CHECKSUM_NONE/UNNECESSARY (the
 * field holds the full sum), CHECKSUM_COMPLETE (the packet's sum does not
 * change) and CHECKSUM_PARTIAL (the field holds the pseudo-header sum only,
 * which does not cover seq or ack: nothing to do).
 */
static int colo_rw_apply(struct sk_buff *skb, const struct colo_rw_pkt *pkt,
			 bool to_svm, u32 offset)
{
	struct tcphdr *th;
	__be32 v;

	if (skb_ensure_writable(skb, pkt->l4 + pkt->thlen))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + pkt->l4);
	if (!to_svm) {
		v = htonl(pkt->seq + offset);
		inet_proto_csum_replace4(&th->check, skb, th->seq, v, false);
		th->seq = v;
		return 0;
	}
	v = htonl(pkt->ack - offset);
	inet_proto_csum_replace4(&th->check, skb, th->ack_seq, v, false);
	th->ack_seq = v;
	if (pkt->thlen > sizeof(*th))
		colo_rw_sack(skb, th, pkt->thlen, offset);
	return 0;
}

/* ---- flows -------------------------------------------------------------- */

/* An opening SYN: from the client (VM server) or the SVM (VM client). */
static bool colo_rw_opening(const struct colo_rw_pkt *pkt)
{
	return pkt->syn && !pkt->ack_set && !pkt->rst;
}

static void colo_rw_count_untracked(struct colo_rewriter *rw)
{
	atomic64_inc(&rw->untracked);
}

/*
 * A new entry for the connection @pkt opens, or the one another CPU just
 * created.  NULL when the table is full or memory short: the connection
 * then passes untranslated.
 */
static struct colo_rw_flow *colo_rw_create(struct colo_group *g,
					   struct colo_rewriter *rw,
					   const struct colo_rw_pkt *pkt,
					   bool to_svm)
{
	struct colo_rw_flow *f, *old;

	if (atomic_inc_return(&rw->nflows) > READ_ONCE(g->p.max_flows))
		goto err_count;
	f = kzalloc(sizeof(*f), GFP_ATOMIC);
	if (!f)
		goto err_count;
	f->key = pkt->key;
	spin_lock_init(&f->lock);
	f->flags = to_svm ? 0 : COLO_RW_BY_SVM;
	f->open_seq = pkt->seq;
	f->epoch = atomic_read(&rw->epoch);
	f->last_used = jiffies;

	old = rhashtable_lookup_get_insert_fast(&rw->flows, &f->node,
						colo_rw_params);
	if (old) {
		kfree(f);
		atomic_dec(&rw->nflows);
		if (IS_ERR(old)) {
			colo_rw_count_untracked(rw);
			return NULL;
		}
		return old;
	}
	queue_delayed_work(system_wq, &rw->gc,
			   msecs_to_jiffies(COLO_RW_GC_MS));
	return f;

err_count:
	atomic_dec(&rw->nflows);
	colo_rw_count_untracked(rw);
	return NULL;
}

/*
 * Learn from @pkt and track the close; under f->lock.  Returns whether
 * the packet must be shifted by *@offset, and counts a packet that would
 * need it while the offset is unknown.
 */
static bool colo_rw_track(struct colo_rewriter *rw, struct colo_rw_flow *f,
			  const struct colo_rw_pkt *pkt, bool to_svm,
			  u32 *offset, bool *unknown)
{
	u32 epoch = atomic_read(&rw->epoch);
	unsigned long now = jiffies;
	bool by_svm = !to_svm;

	if (f->epoch != epoch) {
		/* A checkpoint since: the SVM has the PVM's sequence space. */
		f->epoch = epoch;
		f->flags = (f->flags & (COLO_RW_BY_SVM | COLO_RW_CLOSE_MASK)) |
			   COLO_RW_KNOWN;
		f->offset = 0;
	}
	if (colo_rw_opening(pkt) &&
	    (pkt->seq != f->open_seq || by_svm != !!(f->flags & COLO_RW_BY_SVM))) {
		/* Not a retransmission: a new connection on this 4-tuple. */
		f->flags = by_svm ? COLO_RW_BY_SVM : 0;
		f->open_seq = pkt->seq;
		f->offset = 0;
	}

	if (!(f->flags & COLO_RW_KNOWN)) {
		if (!to_svm && pkt->syn) {
			f->svm_isn = pkt->seq;
			f->flags |= COLO_RW_HAVE_SVM;
		}
		/*
		 * The first ACK of the PVM's SYN: the client's handshake ACK
		 * (no SYN), or the peer's SYN-ACK when the VM opened.
		 */
		if (to_svm && pkt->ack_set && !pkt->rst &&
		    !(f->flags & COLO_RW_HAVE_PVM) &&
		    pkt->syn == !!(f->flags & COLO_RW_BY_SVM)) {
			f->pvm_isn = pkt->ack - 1;
			f->flags |= COLO_RW_HAVE_PVM;
		}
		if ((f->flags & (COLO_RW_HAVE_SVM | COLO_RW_HAVE_PVM)) ==
		    (COLO_RW_HAVE_SVM | COLO_RW_HAVE_PVM)) {
			f->offset = f->pvm_isn - f->svm_isn;
			f->flags |= COLO_RW_KNOWN;
			atomic64_inc(&rw->learned);
		}
	}

	if (pkt->fin)
		f->flags |= to_svm ? COLO_RW_FIN_PEER : COLO_RW_FIN_SVM;
	if (pkt->rst)
		f->flags |= COLO_RW_RST;
	f->last_used = now;

	/* to the SVM only ack and SACK need it; the client's SYN has none */
	if (to_svm && !pkt->ack_set)
		return false;
	if (!(f->flags & COLO_RW_KNOWN)) {
		/* the SVM's own SYN and SYN-ACK cannot be translated here */
		*unknown = to_svm || !pkt->syn;
		return false;
	}
	*offset = f->offset;
	return f->offset != 0;
}

static void colo_rw_stat_inc(struct colo_rewriter *rw, enum colo_rw_stat i)
{
	struct colo_rw_pcpu *s = this_cpu_ptr(rw->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->cnt[i]);
	u64_stats_update_end(&s->syncp);
}

/**
 * colo_rewrite_skb() - translate one packet between the PVM's and the
 *	SVM's TCP sequence space
 * @g: the group on the secondary host
 * @skb: a frame at the SVM tap's tc hook, its mac header set
 * @to_svm: true at egress (client -> SVM), false at ingress (SVM -> client)
 *
 * Softirq or BH disabled; never sleeps; O(1).  Anything but TCP over
 * IPv4/IPv6 (up to two VLAN tags) is left alone.
 *
 * Return: 0 to pass the packet on (rewritten or not), or -ENOMEM when its
 * headers could not be made writable: the caller drops it (and counts).
 */
int colo_rewrite_skb(struct colo_group *g, struct sk_buff *skb, bool to_svm)
{
	bool shift = false, unknown = false;
	struct colo_rewriter *rw;
	struct colo_rw_pkt pkt;
	struct colo_rw_flow *f;
	u32 offset = 0;
	int ret = 0;

	rcu_read_lock();
	rw = READ_ONCE(g->rw);
	if (!rw || !colo_rw_parse(skb, to_svm, &pkt))
		goto out;

	f = rhashtable_lookup(&rw->flows, &pkt.key, colo_rw_params);
	if (!f) {
		if (!colo_rw_opening(&pkt))
			goto out;	/* untracked: offset 0 */
		f = colo_rw_create(g, rw, &pkt, to_svm);
		if (!f)
			goto out;
	}
	spin_lock(&f->lock);
	if (!(f->flags & COLO_RW_DEAD))
		shift = colo_rw_track(rw, f, &pkt, to_svm, &offset, &unknown);
	spin_unlock(&f->lock);

	if (shift) {
		ret = colo_rw_apply(skb, &pkt, to_svm, offset);
		colo_rw_stat_inc(rw, ret ? COLO_RW_STAT_ERRORS :
				 COLO_RW_STAT_REWRITTEN);
	} else if (unknown) {
		colo_rw_stat_inc(rw, COLO_RW_STAT_UNKNOWN);
	}
out:
	rcu_read_unlock();
	return ret;
}

/* ---- collector, reset, lifetime ----------------------------------------- */

static bool colo_rw_expired(const struct colo_rw_flow *f, u32 epoch,
			    unsigned long now)
{
	unsigned int ms;

	if (f->epoch != epoch)
		return true;		/* untouched since a checkpoint */
	if ((f->flags & COLO_RW_RST) ||
	    (f->flags & (COLO_RW_FIN_SVM | COLO_RW_FIN_PEER)) ==
	    (COLO_RW_FIN_SVM | COLO_RW_FIN_PEER))
		ms = COLO_RW_CLOSED_MS;
	else if (!(f->flags & COLO_RW_KNOWN))
		ms = COLO_RW_OPEN_IDLE_MS;
	else
		ms = COLO_RW_IDLE_MS;
	return time_after(now, f->last_used + msecs_to_jiffies(ms));
}

/* Collector context; the caller walks the table under RCU. */
static void colo_rw_try_expire(struct colo_rewriter *rw,
			       struct colo_rw_flow *f, u32 epoch,
			       unsigned long now)
{
	bool dead = false;

	spin_lock_bh(&f->lock);
	if (!(f->flags & COLO_RW_DEAD) && colo_rw_expired(f, epoch, now)) {
		f->flags |= COLO_RW_DEAD;
		dead = true;
	}
	spin_unlock_bh(&f->lock);
	if (!dead)
		return;
	rhashtable_remove_fast(&rw->flows, &f->node, colo_rw_params);
	atomic_dec(&rw->nflows);
	kfree_rcu(f, rcu);
}

static void colo_rw_gc(struct work_struct *work)
{
	struct colo_rewriter *rw = container_of(to_delayed_work(work),
						struct colo_rewriter, gc);
	u32 epoch = atomic_read(&rw->epoch);
	unsigned long now = jiffies;
	struct rhashtable_iter iter;
	struct colo_rw_flow *f;
	unsigned int n = 0;

	rhashtable_walk_enter(&rw->flows, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		if (IS_ERR(f)) {
			if (PTR_ERR(f) == -EAGAIN)	/* resized: go on */
				continue;
			break;
		}
		colo_rw_try_expire(rw, f, epoch, now);
		if (++n % COLO_RW_GC_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);

	if (atomic_read(&rw->nflows))
		queue_delayed_work(system_wq, &rw->gc,
				   msecs_to_jiffies(COLO_RW_GC_MS));
}

/**
 * colo_rewrite_reset() - a checkpoint completed: every offset becomes 0
 * @g: the group
 *
 * Any context.  O(1): flows see the new epoch on their next packet; the
 * collector is run at once to drop the others.
 */
void colo_rewrite_reset(struct colo_group *g)
{
	struct colo_rewriter *rw;

	rcu_read_lock();
	rw = READ_ONCE(g->rw);
	if (rw) {
		atomic_inc(&rw->epoch);
		atomic64_inc(&rw->resets);
		if (atomic_read(&rw->nflows))
			mod_delayed_work(system_wq, &rw->gc, 0);
	}
	rcu_read_unlock();
}

/**
 * colo_rewrite_get_stats() - the rewriter's counters
 * @g: the group
 * @st: filled in (zeroes if the group has no rewriter)
 */
void colo_rewrite_get_stats(struct colo_group *g,
			    struct colo_rewrite_stats *st)
{
	struct colo_rewriter *rw;
	unsigned int start;
	int cpu;

	memset(st, 0, sizeof(*st));
	rcu_read_lock();
	rw = READ_ONCE(g->rw);
	if (!rw)
		goto out;
	for_each_possible_cpu(cpu) {
		const struct colo_rw_pcpu *s = per_cpu_ptr(rw->pcpu, cpu);
		u64 v[COLO_RW_NSTATS];
		int i;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < COLO_RW_NSTATS; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		st->rewritten += v[COLO_RW_STAT_REWRITTEN];
		st->unknown += v[COLO_RW_STAT_UNKNOWN];
		st->errors += v[COLO_RW_STAT_ERRORS];
	}
	st->learned = atomic64_read(&rw->learned);
	st->untracked = atomic64_read(&rw->untracked);
	st->resets = atomic64_read(&rw->resets);
	st->flows = atomic_read(&rw->nflows);
out:
	rcu_read_unlock();
}

/**
 * colo_rewrite_init() - give a new group its (empty) rewriter
 * @g: the group, not yet visible to the data path
 *
 * Process context.  Return: 0 or -ENOMEM.
 */
int colo_rewrite_init(struct colo_group *g)
{
	struct colo_rewriter *rw;
	int cpu, err;

	rw = kzalloc(sizeof(*rw), GFP_KERNEL_ACCOUNT);
	if (!rw)
		return -ENOMEM;
	rw->pcpu = alloc_percpu_gfp(struct colo_rw_pcpu, GFP_KERNEL_ACCOUNT);
	if (!rw->pcpu) {
		err = -ENOMEM;
		goto err_free;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(rw->pcpu, cpu)->syncp);
	err = rhashtable_init(&rw->flows, &colo_rw_params);
	if (err)
		goto err_pcpu;
	INIT_DELAYED_WORK(&rw->gc, colo_rw_gc);
	g->rw = rw;
	return 0;

err_pcpu:
	free_percpu(rw->pcpu);
err_free:
	kfree(rw);
	return err;
}

static void colo_rw_free_flow(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * colo_rewrite_destroy() - free a group's rewriter
 * @g: the group
 *
 * Process context (sleeps: an RCU grace period).  Packets may still be
 * arriving: those that see the rewriter gone pass unchanged, and those
 * already in colo_rewrite_skb() are waited for.
 */
void colo_rewrite_destroy(struct colo_group *g)
{
	struct colo_rewriter *rw = g->rw;

	if (!rw)
		return;
	WRITE_ONCE(g->rw, NULL);
	synchronize_rcu();
	cancel_delayed_work_sync(&rw->gc);
	rhashtable_free_and_destroy(&rw->flows, colo_rw_free_flow, NULL);
	free_percpu(rw->pcpu);
	kfree(rw);
}
