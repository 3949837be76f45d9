// SPDX-License-Identifier: GPL-2.0
/*
 * colo_hostile: hostile netlink against colo_compare.ko (issue 6, part 2).
 *
 * Every command of the generic netlink family "colo" (the op list comes
 * from nlctrl, so commands added later are covered without changes here)
 * and the tc action path (RTM_NEWACTION/DELACTION/GETACTION, kind "colo")
 * get thousands of seeded random requests: unknown and out-of-range
 * attribute types, wrong lengths and values, oversized payloads, nested
 * garbage, duplicates, truncated nla_len, trailing bytes, bad genl
 * headers, odd netlink flags, several messages in one datagram.
 *
 * After every request the groups (GROUP_GET dump) and the colo actions
 * (RTM_GETACTION dump) are compared with a reference snapshot:
 *  - a rejected request must change nothing;
 *  - an accepted one may: the reference state is then rebuilt;
 *  - a request a policy rule surely rejects (a model of the family's and
 *    the action's policies, below) must be rejected, with extack;
 *  - every reply is a well-formed error, ack, data or done message, and
 *    comes within RECV_TIMEOUT (a sentinel NOOP ends each exchange);
 *  - as "nobody" in the initial netns, and as root of a user namespace
 *    towards the initial netns, every mutating request the kernel
 *    dispatches fails with -EPERM and the initial netns's groups and
 *    actions stay as they were;
 *  - the kernel log gets no WARNING/BUG/Oops/KASAN/UBSAN/kmemleak line;
 *  - unreclaimable slab is back near its start at the end (kmemleak, on
 *    the debug kernel, is checked by tools/vm/run).
 *
 * Environment: SEED (default: time), HOSTILE_N (requests per command and
 * privilege context, default 1000; the unprivileged contexts get N/2),
 * HOSTILE_SLAB_SLACK_KB (default 4096).
 * Root only (the test VM); exit 4 without the family, 1 on failure.
 * TAP output, one test per phase.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/colo.h>
#include <linux/tc_act/tc_colo.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NOBODY		65534
#define MSG_MAX		(72 * 1024)
#define RECV_MAX	(160 * 1024)
#define SNAP_MAX	(256 * 1024)
#define MAX_OPS		64
#define MAX_IDS		512
#define RECV_TIMEOUT	10	/* s: a reply later than this is a hang */
#define FAIL_PRINT_MAX	40	/* failure reports printed per process */

/* The reference state: three groups, two standalone actions. */
#define REF_G1		4001	/* passthrough, every parameter set */
#define REF_G2		4002	/* comparing */
#define REF_G3		4007	/* passthrough, defaults */
#define REF_A1		40077	/* group REF_G1, primary */
#define REF_A2		40078	/* group REF_G2, secondary */

/* ------------------------------------------------------------------ */
/* Reporting and randomness                                           */
/* ------------------------------------------------------------------ */

static int failures;
static const char *phase = "setup";

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	if (failures++ >= FAIL_PRINT_MAX)
		return;
	printf("# FAIL [%s] ", phase);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545F4914F6CDD1DULL;
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool one_in(uint32_t n)
{
	return rn(n) == 0;
}

static void rnd_fill(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = rnd() >> 56;
}

/* ------------------------------------------------------------------ */
/* The family as nlctrl describes it                                  */
/* ------------------------------------------------------------------ */

struct op {
	uint32_t cmd, flags;	/* CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS */
};

static struct {
	uint16_t id;
	uint32_t maxattr;
	int nops;
	struct op ops[MAX_OPS];
} fam;

static bool op_mutating(const struct op *o)
{
	return o->flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
}

static const struct op *op_find(uint32_t cmd)
{
	int i;

	for (i = 0; i < fam.nops; i++)
		if (fam.ops[i].cmd == cmd)
			return &fam.ops[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Sockets and messages                                               */
/* ------------------------------------------------------------------ */

struct nl {
	int fd;
	uint32_t seq;
};

static int nl_open(struct nl *nl, int proto)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT };
	int one = 1, big = 1 << 20;

	nl->seq = rnd() & 0xffff;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (nl->fd < 0)
		return -errno;
	/* error messages and offsets; acks without the request copied */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	/* room for a dump and a sentinel ack; "nobody" gets the default */
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	return 0;
}

static void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

struct msg {
	size_t len;		/* bytes in the datagram */
	int nmsgs;		/* netlink messages in it */
	size_t start[4];	/* where each begins */
	bool dispatch;		/* the kernel hands it to the family/rtnl */
	bool must_fail;		/* the policy model rejects it */
	bool reach_parse;	/* dispatched to a handler that parses it */
	bool mutating;		/* a command that needs CAP_NET_ADMIN */
	bool dump;		/* NLM_F_DUMP */
	bool no_ext;		/* must_fail, but the error may lack extack */
	bool hdr_bad;		/* genl header check (6.1+) rejects it */
	bool is_tc;		/* rtnetlink, not genl */
	const char *why;	/* what the model objected to */
	union {
		struct nlmsghdr nlh;
		uint8_t b[MSG_MAX];
	} u;
};

static struct msg M, T;		/* the request; a scratch for set-up */

static struct nlmsghdr *m_hdr(struct msg *m)
{
	return (struct nlmsghdr *)(m->u.b + m->start[m->nmsgs - 1]);
}

/* A new netlink message at the end of the datagram (m_reset first). */
static void m_start(struct msg *m, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h;

	m->len = NLMSG_ALIGN(m->len);
	m->start[m->nmsgs++] = m->len;
	h = m_hdr(m);
	memset(h, 0, NLMSG_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	m->len += NLMSG_HDRLEN;
}

static void m_reset(struct msg *m)
{
	m->len = 0;
	m->nmsgs = 0;
	m->dispatch = m->must_fail = m->reach_parse = false;
	m->mutating = m->dump = m->no_ext = m->hdr_bad = m->is_tc = false;
	m->why = NULL;
}

static void m_finish(struct msg *m)
{
	m_hdr(m)->nlmsg_len = m->len - m->start[m->nmsgs - 1];
}

static size_t m_room(const struct msg *m)
{
	size_t used = NLA_ALIGN(m->len) + NLA_HDRLEN + 512;

	return used < MSG_MAX ? MSG_MAX - used : 0;
}

static void m_raw(struct msg *m, const void *d, size_t n)
{
	if (n > m_room(m))
		n = m_room(m);
	if (d)
		memcpy(m->u.b + m->len, d, n);
	else
		rnd_fill(m->u.b + m->len, n);
	m->len += n;
}

/* An attribute; data NULL: random bytes.  Returns its offset. */
static size_t m_put(struct msg *m, uint16_t type, const void *d, size_t n)
{
	size_t off = NLA_ALIGN(m->len);
	struct nlattr *a;

	if (n > m_room(m))
		n = m_room(m);
	if (n > 0xffff - NLA_HDRLEN)
		n = 0xffff - NLA_HDRLEN;
	memset(m->u.b + m->len, 0, off - m->len);
	a = (struct nlattr *)(m->u.b + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	m->len = off + NLA_HDRLEN;
	m_raw(m, d, n);
	return off;
}

static size_t m_put_u8(struct msg *m, uint16_t t, uint8_t v)
{
	return m_put(m, t, &v, 1);
}

static size_t m_put_u32(struct msg *m, uint16_t t, uint32_t v)
{
	return m_put(m, t, &v, 4);
}

static size_t m_put_u64(struct msg *m, uint16_t t, uint64_t v)
{
	return m_put(m, t, &v, 8);
}

static size_t m_put_str(struct msg *m, uint16_t t, const char *s)
{
	return m_put(m, t, s, strlen(s) + 1);
}

static size_t m_nest(struct msg *m, uint16_t t)
{
	return m_put(m, t | NLA_F_NESTED, NULL, 0);
}

static void m_nest_end(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->u.b + off);
	size_t n = m->len - off;

	a->nla_len = n > 0xffff ? 0xffff : n;
}

static void m_genl(struct msg *m, uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr g = { .cmd = cmd, .version = COLO_FAMILY_VERSION };

	m_start(m, fam.id, flags);
	m_raw(m, &g, sizeof(g));
}

static void m_tc(struct msg *m, uint16_t type, uint16_t flags)
{
	struct tcamsg t = { .tca_family = AF_UNSPEC };

	m_start(m, type, flags);
	m_raw(m, &t, sizeof(t));
	m->len = NLMSG_ALIGN(m->len);
}

/* Nested garbage: random attributes, random bytes, nests in nests. */
static void m_garbage_nest(struct msg *m, uint16_t type, int depth)
{
	size_t off = m_nest(m, type);
	int i, n = rn(6);

	for (i = 0; i < n && m_room(m) > 64; i++) {
		switch (rn(5)) {
		case 0:
		case 1:
			m_put(m, rn(40) | (one_in(4) ? NLA_F_NESTED : 0), NULL,
			      rn(24));
			break;
		case 2:
			if (depth < 9)
				m_garbage_nest(m, rn(40), depth + 1);
			break;
		case 3:
			m_raw(m, NULL, rn(7));
			break;
		default:
			m_put(m, rnd() & 0xffff, NULL, rn(9));
		}
	}
	m_nest_end(m, off);
	if (one_in(8))	/* a lie about the nest's own length */
		((struct nlattr *)(m->u.b + off))->nla_len = rn(0x10000);
}

/* ------------------------------------------------------------------ */
/* Policy models: what the kernel must reject                         */
/* ------------------------------------------------------------------ */

enum akind {
	AK_NONE,	/* no entry: NLA_UNSPEC, strict validation rejects */
	AK_REJECT,	/* NLA_REJECT: reply-only */
	AK_U8, AK_U32, AK_U64, AK_BIN,
	AK_UNSURE,	/* policy differs between kernels: no verdict */
};

struct aspec {
	enum akind kind;
	uint64_t lo, hi;	/* valid range (AK_BIN: exact length in lo) */
};

/*
 * The family's policy as every version of the module has it.  The
 * protocol attributes a kernel without the protocol does not know are
 * still rejected when malformed; their valid forms get no verdict.
 */
static const struct aspec gspec[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_PAD]		= { AK_NONE },
	[COLO_A_GROUP_ID]		= { AK_U32, 1, UINT32_MAX },
	[COLO_A_GROUP_STATE]		= { AK_REJECT },
	[COLO_A_GROUP_TIMEOUT_MS]	= { AK_U32, 1, COLO_TIMEOUT_MS_MAX },
	[COLO_A_GROUP_ACTIONS]		= { AK_REJECT },
	[COLO_A_GROUP_STATS]		= { AK_REJECT },
	[COLO_A_GROUP_MODE]		= { AK_U8, 0, COLO_STATE_COMPARING },
	[COLO_A_GROUP_SCAN_MS]		= { AK_U32, COLO_SCAN_MS_MIN, COLO_SCAN_MS_MAX },
	[COLO_A_GROUP_FLOW_LIMIT]	= { AK_U32, COLO_LIMIT_MIN, UINT32_MAX },
	[COLO_A_GROUP_GROUP_LIMIT]	= { AK_U32, COLO_LIMIT_MIN, UINT32_MAX },
	[COLO_A_GROUP_MAX_FLOWS]	= { AK_U32, 1, COLO_MAX_FLOWS_MAX },
	[COLO_A_GROUP_REASON]		= { AK_REJECT },
	[COLO_A_GROUP_FLOW]		= { AK_REJECT },
	[COLO_A_GROUP_STEP]		= { AK_UNSURE },
	[COLO_A_GROUP_VMSTATE_SIZE]	= { AK_U64, 0, UINT64_MAX },
	[COLO_A_GROUP_CKPT_TIMEOUT_MS]	= { AK_U32, COLO_CKPT_TIMEOUT_MS_MIN,
					    COLO_CKPT_TIMEOUT_MS_MAX },
	[COLO_A_GROUP_FAILED_OVER]	= { AK_UNSURE },
};

/* act.c's colo_policy. */
static const struct aspec cspec[TCA_COLO_MAX + 1] = {
	[TCA_COLO_TM]		= { AK_REJECT },
	[TCA_COLO_PARMS]	= { AK_BIN, sizeof(struct tc_colo) },
	[TCA_COLO_PAD]		= { AK_NONE },
	[TCA_COLO_GROUP]	= { AK_U32, 1, UINT32_MAX },
	[TCA_COLO_ROLE]		= { AK_U8, TCA_COLO_ROLE_PRIMARY, TCA_COLO_ROLE_MAX },
	[TCA_COLO_STATS]	= { AK_REJECT },
};

/* Does strict validation reject this one attribute? */
static const char *attr_rejected(const struct nlattr *a,
				 const struct aspec *spec, unsigned int known,
				 unsigned int maxtype)
{
	unsigned int t = a->nla_type & NLA_TYPE_MASK;
	int len = a->nla_len - NLA_HDRLEN;
	const struct aspec *s;
	uint64_t v = 0;
	int size;

	if (t == 0 || t > maxtype)
		return "unknown attribute type";
	if (t > known)
		return NULL;	/* newer than our header */
	s = &spec[t];
	switch (s->kind) {
	case AK_NONE:
		return "attribute without policy";
	case AK_REJECT:
		return "reply-only attribute";
	case AK_UNSURE:
		return NULL;
	case AK_BIN:
		if (len != (int)s->lo)
			return "wrong length";
		if (a->nla_type & NLA_F_NESTED)
			return "nested flag";
		return NULL;
	default:
		break;
	}
	size = s->kind == AK_U8 ? 1 : s->kind == AK_U32 ? 4 : 8;
	if (len != size)
		return "wrong length";
	if (a->nla_type & NLA_F_NESTED)
		return "nested flag";
	memcpy(&v, (const char *)a + NLA_HDRLEN, size);
	if (v < s->lo || v > s->hi)
		return "value out of range";
	return NULL;
}

/* The attribute stream as __nla_validate_parse walks it (strict). */
static const char *attrs_rejected(const void *data, long rem,
				  const struct aspec *spec, unsigned int known,
				  unsigned int maxtype)
{
	const struct nlattr *a = data;
	const char *why = NULL;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		if (!why)
			why = attr_rejected(a, spec, known, maxtype);
		rem -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	if (rem > 0)
		return "bytes left over";
	return why;
}

/* ------------------------------------------------------------------ */
/* Exchanges                                                          */
/* ------------------------------------------------------------------ */

struct rep {
	int nerr, nok, ndata, ndone, stale;
	int error;		/* the first error */
	char msg[200];		/* its NLMSGERR_ATTR_MSG */
	int offs, miss;		/* NLMSGERR_ATTR_OFFS, _MISS_TYPE; -1 none */
	bool broken;		/* timeout or garbage: the socket is unusable */
};

typedef void (*data_fn)(const struct nlmsghdr *h, void *arg);

static uint8_t rbuf[RECV_MAX] __attribute__((aligned(8)));

static void parse_ext(const struct nlmsghdr *h, size_t off, struct rep *r)
{
	const char *p = (const char *)h + off, *end = (const char *)h + h->nlmsg_len;

	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		int len = a->nla_len - NLA_HDRLEN;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p) {
			fail("extack TLVs overrun the message");
			return;
		}
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->msg, sizeof(r->msg), "%.*s", len,
				 p + NLA_HDRLEN);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (len == 4)
				memcpy(&r->offs, p + NLA_HDRLEN, 4);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (len == 4)
				memcpy(&r->miss, p + NLA_HDRLEN, 4);
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

static void note_error(struct rep *r, int err, const struct nlmsghdr *h,
		       size_t ext_off)
{
	if (err > 0 || err < -4095) {
		fail("error %d is no errno", err);
		return;
	}
	if (!err) {
		r->nok++;
		return;
	}
	if (r->nerr++)
		return;
	r->error = err;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && ext_off <= h->nlmsg_len)
		parse_ext(h, ext_off, r);
}

/*
 * Send m, then a NOOP sentinel, and read until the sentinel's ack (and
 * the end of a dump the request started).  Data messages go to fn.
 */
static void xchg_opt(struct nl *nl, struct msg *m, struct rep *r, data_fn fn,
		     void *arg, bool sentinel)
{
	struct nlmsghdr s = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};
	bool sdone = false, multi = false, done = false;
	/*
	 * Only a dump request starts a dump: tc echoes a request's own
	 * nlmsg_flags (NLM_F_MULTI too) in its NLM_F_ECHO notification.
	 */
	bool dumpish = !sentinel || (m->dump && (!m->is_tc ||
		m->u.nlh.nlmsg_type == RTM_GETACTION));
	uint32_t seq = ++nl->seq;
	int i;

	memset(r, 0, sizeof(*r));
	r->offs = r->miss = -1;
	for (i = 0; i < m->nmsgs; i++)
		((struct nlmsghdr *)(m->u.b + m->start[i]))->nlmsg_seq = seq;
	s.nlmsg_seq = ++nl->seq;

	if (send(nl->fd, m->u.b, m->len, 0) < 0) {
		/* refused before any parsing (e.g. larger than sndbuf) */
		r->nerr++;
		r->error = -errno;
	}
	if (!sentinel) {
		sdone = true;
		multi = true;	/* a well-formed dump: read to its end */
	} else if (send(nl->fd, &s, sizeof(s), 0) < 0) {
		fail("sending the sentinel: %s", strerror(errno));
		r->broken = true;
		return;
	}
	/* a dump a request started must be read to its end, error or not */
	while (!sdone || (multi && !done && (sentinel || !r->nerr))) {
		ssize_t n = recv(nl->fd, rbuf, sizeof(rbuf), MSG_TRUNC);
		const struct nlmsghdr *h = (const void *)rbuf;
		long rem = n;

		if (n < 0) {
			fail("%s (seq %u)", errno == EAGAIN ?
			     "no reply within the receive timeout: a hang" :
			     strerror(errno), seq);
			r->broken = true;
			return;
		}
		if (n > (ssize_t)sizeof(rbuf)) {
			fail("a reply datagram of %zd bytes", n);
			r->broken = true;
			return;
		}
		for (; rem >= (long)NLMSG_HDRLEN;
		     h = (const void *)((const char *)h +
					NLMSG_ALIGN(h->nlmsg_len))) {
			if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > rem) {
				fail("a malformed reply (len %u of %ld)",
				     h->nlmsg_len, rem);
				r->broken = true;
				return;
			}
			rem -= NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_seq == s.nlmsg_seq) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_type != NLMSG_ERROR || e->error)
					fail("sentinel answered with type %u",
					     h->nlmsg_type);
				sdone = true;
				continue;
			}
			if (h->nlmsg_seq != seq) {
				r->stale++;
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = NLMSG_HDRLEN + sizeof(*e);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					fail("short NLMSG_ERROR");
					continue;
				}
				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
				note_error(r, e->error, h, off);
			} else if (h->nlmsg_type == NLMSG_DONE) {
				int v = 0;

				done = true;
				r->ndone++;
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&v, NLMSG_DATA(h), sizeof(v));
				if (v)
					note_error(r, v, h, NLMSG_HDRLEN + sizeof(int));
			} else if (h->nlmsg_type < NLMSG_MIN_TYPE) {
				fail("reply of control type %u", h->nlmsg_type);
			} else {
				r->ndata++;
				if ((h->nlmsg_flags & NLM_F_MULTI) && dumpish)
					multi = true;
				if (fn)
					fn(h, arg);
			}
		}
	}
}

static void xchg(struct nl *nl, struct msg *m, struct rep *r, data_fn fn,
		 void *arg)
{
	xchg_opt(nl, m, r, fn, arg, true);
}

/* A set-up request that must succeed. */
static int must(struct nl *nl, struct msg *m, const char *what,
		data_fn fn, void *arg)
{
	struct rep r;

	m_finish(m);
	xchg(nl, m, &r, fn, arg);
	if (r.broken || r.nerr) {
		fail("%s: %s%s%s", what, strerror(-r.error), r.msg[0] ? ": " : "",
		     r.msg);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* nlctrl                                                             */
/* ------------------------------------------------------------------ */

static void ctrl_data(const struct nlmsghdr *h, void *arg)
{
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	const char *end = (const char *)h + h->nlmsg_len;

	(void)arg;
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		const char *d = p + NLA_HDRLEN;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_FAMILY_ID:
			memcpy(&fam.id, d, 2);
			break;
		case CTRL_ATTR_MAXATTR:
			memcpy(&fam.maxattr, d, 4);
			break;
		case CTRL_ATTR_OPS: {
			const char *q = d, *qe = p + a->nla_len;

			while (qe - q >= NLA_HDRLEN && fam.nops < MAX_OPS) {
				const struct nlattr *o = (const void *)q;
				const char *r = q + NLA_HDRLEN;
				struct op op = { 0 };

				if (o->nla_len < NLA_HDRLEN || o->nla_len > qe - q)
					break;
				while ((q + o->nla_len) - r >= NLA_HDRLEN) {
					const struct nlattr *x = (const void *)r;

					if (x->nla_len < NLA_HDRLEN)
						break;
					if (x->nla_type == CTRL_ATTR_OP_ID)
						memcpy(&op.cmd, r + NLA_HDRLEN, 4);
					if (x->nla_type == CTRL_ATTR_OP_FLAGS)
						memcpy(&op.flags, r + NLA_HDRLEN, 4);
					r += NLA_ALIGN(x->nla_len);
				}
				fam.ops[fam.nops++] = op;
				q += NLA_ALIGN(o->nla_len);
			}
			break;
		}
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

static int family_resolve(struct nl *g)
{
	struct rep r;
	struct genlmsghdr gh = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 };

	m_reset(&T);
	m_start(&T, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK);
	m_raw(&T, &gh, sizeof(gh));
	m_put_str(&T, CTRL_ATTR_FAMILY_NAME, COLO_FAMILY_NAME);
	m_finish(&T);
	xchg(g, &T, &r, ctrl_data, NULL);
	if (r.broken)
		return -EIO;
	return r.nerr ? r.error : 0;
}

/* ------------------------------------------------------------------ */
/* Snapshots: the groups and colo actions of a netns                  */
/* ------------------------------------------------------------------ */

struct snap {
	size_t len;
	uint8_t b[SNAP_MAX];
	int ngroups, nacts;
	uint32_t groups[MAX_IDS], acts[MAX_IDS];
	char text[2048];	/* what a person reads when two differ */
};

static struct snap ref0, ref, cur;

static void snap_add(struct snap *s, const void *d, size_t n)
{
	if (s->len + n > SNAP_MAX) {
		fail("snapshot larger than %d bytes", SNAP_MAX);
		return;
	}
	memcpy(s->b + s->len, d, n);
	s->len += n;
}

static void snap_text(struct snap *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void snap_text(struct snap *s, const char *fmt, ...)
{
	size_t used = strlen(s->text);
	va_list ap;

	if (used + 1 >= sizeof(s->text))
		return;
	va_start(ap, fmt);
	vsnprintf(s->text + used, sizeof(s->text) - used, fmt, ap);
	va_end(ap);
}

static uint64_t attr_uint(const struct nlattr *a)
{
	uint64_t v = 0;
	int len = a->nla_len - NLA_HDRLEN;

	if (len == 1 || len == 2 || len == 4 || len == 8)
		memcpy(&v, (const char *)a + NLA_HDRLEN, len);
	return v;
}

/* One dumped group: every byte after the genl header is state. */
static void snap_group(const struct nlmsghdr *h, void *arg)
{
	struct snap *s = arg;
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	const char *end = (const char *)h + h->nlmsg_len;

	if (h->nlmsg_type != fam.id) {
		fail("group dump: message type %u", h->nlmsg_type);
		return;
	}
	snap_add(s, NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN);
	snap_text(s, " g[");
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		unsigned int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			break;
		if (t == COLO_A_GROUP_ID && s->ngroups < MAX_IDS)
			s->groups[s->ngroups++] = attr_uint(a);
		if (t == COLO_A_GROUP_STATS) {
			const char *q = p + NLA_HDRLEN;

			snap_text(s, " st{");
			while ((p + a->nla_len) - q >= NLA_HDRLEN) {
				const struct nlattr *x = (const void *)q;

				if (x->nla_len < NLA_HDRLEN)
					break;
				if (attr_uint(x))
					snap_text(s, "%u=%llu ", x->nla_type,
						  (unsigned long long)attr_uint(x));
				q += NLA_ALIGN(x->nla_len);
			}
			snap_text(s, "}");
		} else {
			snap_text(s, " %u=%llu", t, (unsigned long long)attr_uint(a));
		}
		p += NLA_ALIGN(a->nla_len);
	}
	snap_text(s, " ]");
}

/* One dumped batch of actions: kind, index and options but TCA_COLO_TM. */
static void snap_actions(const struct nlmsghdr *h, void *arg)
{
	const char *p = (const char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct tcamsg));
	const char *end = (const char *)h + h->nlmsg_len;
	struct snap *s = arg;

	/* 6.1 answers a dump with the request's type */
	if (h->nlmsg_type != RTM_NEWACTION && h->nlmsg_type != RTM_GETACTION) {
		fail("action dump: message type %u", h->nlmsg_type);
		return;
	}
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *tab = (const void *)p;
		const char *q, *qe;

		if (tab->nla_len < NLA_HDRLEN || tab->nla_len > end - p)
			break;
		p += NLA_ALIGN(tab->nla_len);
		if ((tab->nla_type & NLA_TYPE_MASK) != TCA_ACT_TAB)
			continue;
		q = (const char *)tab + NLA_HDRLEN;
		qe = (const char *)tab + tab->nla_len;
		while (qe - q >= NLA_HDRLEN) {
			const struct nlattr *act = (const void *)q;
			const char *x = q + NLA_HDRLEN, *xe = q + act->nla_len;

			if (act->nla_len < NLA_HDRLEN || act->nla_len > qe - q)
				break;
			q += NLA_ALIGN(act->nla_len);
			while (xe - x >= NLA_HDRLEN) {
				const struct nlattr *a = (const void *)x;
				unsigned int t = a->nla_type & NLA_TYPE_MASK;

				if (a->nla_len < NLA_HDRLEN || a->nla_len > xe - x)
					break;
				x += NLA_ALIGN(a->nla_len);
				if (t == TCA_ACT_KIND)
					snap_add(s, a, a->nla_len);
				if (t != TCA_ACT_OPTIONS)
					continue;
				const char *o = (const char *)a + NLA_HDRLEN;
				const char *oe = (const char *)a + a->nla_len;

				while (oe - o >= NLA_HDRLEN) {
					const struct nlattr *c = (const void *)o;
					unsigned int ct = c->nla_type & NLA_TYPE_MASK;

					if (c->nla_len < NLA_HDRLEN || c->nla_len > oe - o)
						break;
					o += NLA_ALIGN(c->nla_len);
					if (ct == TCA_COLO_TM)
						continue;	/* last use: time */
					snap_add(s, c, c->nla_len);
					if (ct == TCA_COLO_PARMS &&
					    c->nla_len >= NLA_HDRLEN + sizeof(struct tc_colo)) {
						struct tc_colo pa;

						memcpy(&pa, (const char *)c + NLA_HDRLEN, sizeof(pa));
						if (s->nacts < MAX_IDS)
							s->acts[s->nacts++] = pa.index;
						snap_text(s, " a[%u ref%d bind%d act%d",
							  pa.index, pa.refcnt,
							  pa.bindcnt, pa.action);
					}
					if (ct == TCA_COLO_GROUP || ct == TCA_COLO_ROLE)
						snap_text(s, " %u=%llu", ct,
							  (unsigned long long)attr_uint(c));
				}
				snap_text(s, "]");
			}
		}
	}
}

/* A dump that must succeed; it ends with NLMSG_DONE, no sentinel needed. */
static int must_dump(struct nl *nl, struct msg *m, const char *what,
		     data_fn fn, void *arg)
{
	struct rep r;

	m_finish(m);
	xchg_opt(nl, m, &r, fn, arg, false);
	if (r.broken || r.nerr || r.ndone != 1) {
		fail("%s: %s%s%s", what, strerror(-r.error), r.msg[0] ? ": " : "",
		     r.msg);
		return -1;
	}
	return 0;
}

/*
 * The groups, and (with_tc) the colo actions.  Only tc requests can
 * change the actions, so genl requests leave them out: a third faster.
 */
static int snapshot_opt(struct nl *g, struct nl *rt, struct snap *s,
			bool with_tc)
{
	size_t off, in;

	s->len = 0;
	s->ngroups = s->nacts = 0;
	s->text[0] = '\0';
	m_reset(&T);
	m_genl(&T, NLM_F_REQUEST | NLM_F_DUMP, COLO_CMD_GROUP_GET);
	if (must_dump(g, &T, "GROUP_GET dump", snap_group, s))
		return -1;
	snap_add(s, "|", 1);
	if (!with_tc)
		return 0;
	m_reset(&T);
	m_tc(&T, RTM_GETACTION, NLM_F_REQUEST | NLM_F_DUMP);
	off = m_nest(&T, TCA_ACT_TAB);
	in = m_nest(&T, 1);
	m_put_str(&T, TCA_ACT_KIND, "colo");
	m_nest_end(&T, in);
	m_nest_end(&T, off);
	return must_dump(rt, &T, "RTM_GETACTION dump", snap_actions, s);
}

static int snapshot(struct nl *g, struct nl *rt, struct snap *s)
{
	return snapshot_opt(g, rt, s, true);
}

/* Compare a genl-only snapshot with the groups part of a full one. */
static bool snap_eq_groups(const struct snap *part, const struct snap *full)
{
	return part->len <= full->len && !memcmp(part->b, full->b, part->len) &&
	       part->len && part->b[part->len - 1] == '|';
}

static bool snap_eq(const struct snap *a, const struct snap *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* ------------------------------------------------------------------ */
/* The reference state                                                */
/* ------------------------------------------------------------------ */

static void put_tc_colo(struct msg *m, uint32_t index, int action)
{
	struct tc_colo p = { .index = index, .action = action };

	m_put(m, TCA_COLO_PARMS, &p, sizeof(p));
}

static int ref_action(struct nl *rt, uint32_t index, uint32_t group, uint8_t role)
{
	size_t tab, act, opt;

	m_reset(&T);
	m_tc(&T, RTM_NEWACTION, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	tab = m_nest(&T, TCA_ACT_TAB);
	act = m_nest(&T, 1);
	m_put_str(&T, TCA_ACT_KIND, "colo");
	opt = m_nest(&T, TCA_ACT_OPTIONS);
	put_tc_colo(&T, index, TC_ACT_PIPE);
	m_put_u32(&T, TCA_COLO_GROUP, group);
	m_put_u8(&T, TCA_COLO_ROLE, role);
	m_nest_end(&T, opt);
	m_nest_end(&T, act);
	m_nest_end(&T, tab);
	return must(rt, &T, "create a reference action", NULL, NULL);
}

static int del_action(struct nl *rt, uint32_t index)
{
	size_t tab, act;

	m_reset(&T);
	m_tc(&T, RTM_DELACTION, NLM_F_REQUEST | NLM_F_ACK);
	tab = m_nest(&T, TCA_ACT_TAB);
	act = m_nest(&T, 1);
	m_put_str(&T, TCA_ACT_KIND, "colo");
	m_put_u32(&T, TCA_ACT_INDEX, index);
	m_nest_end(&T, act);
	m_nest_end(&T, tab);
	return must(rt, &T, "delete an action", NULL, NULL);
}

static int group_cmd(struct nl *g, uint8_t cmd, uint32_t id)
{
	m_reset(&T);
	m_genl(&T, NLM_F_REQUEST | NLM_F_ACK, cmd);
	m_put_u32(&T, COLO_A_GROUP_ID, id);
	return must(g, &T, cmd == COLO_CMD_GROUP_DEL ? "delete a group" :
		    "create a group", NULL, NULL);
}

static int refs_create(struct nl *g, struct nl *rt, bool actions)
{
	m_reset(&T);
	m_genl(&T, NLM_F_REQUEST | NLM_F_ACK, COLO_CMD_GROUP_NEW);
	m_put_u32(&T, COLO_A_GROUP_ID, REF_G1);
	m_put_u8(&T, COLO_A_GROUP_MODE, COLO_STATE_PASSTHROUGH);
	m_put_u32(&T, COLO_A_GROUP_TIMEOUT_MS, 1234);
	m_put_u32(&T, COLO_A_GROUP_SCAN_MS, 250);
	m_put_u32(&T, COLO_A_GROUP_FLOW_LIMIT, 1 << 20);
	m_put_u32(&T, COLO_A_GROUP_GROUP_LIMIT, 8 << 20);
	m_put_u32(&T, COLO_A_GROUP_MAX_FLOWS, 999);
	if (must(g, &T, "create reference group 1", NULL, NULL))
		return -1;
	m_reset(&T);
	m_genl(&T, NLM_F_REQUEST | NLM_F_ACK, COLO_CMD_GROUP_NEW);
	m_put_u32(&T, COLO_A_GROUP_ID, REF_G2);
	m_put_u8(&T, COLO_A_GROUP_MODE, COLO_STATE_COMPARING);
	if (must(g, &T, "create reference group 2", NULL, NULL) ||
	    group_cmd(g, COLO_CMD_GROUP_NEW, REF_G3))
		return -1;
	if (!actions)
		return 0;
	return ref_action(rt, REF_A1, REF_G1, TCA_COLO_ROLE_PRIMARY) ||
	       ref_action(rt, REF_A2, REF_G2, TCA_COLO_ROLE_SECONDARY) ? -1 : 0;
}

/* Own netns only: back to exactly the reference state. */
static bool refs_actions = true;	/* false: RTM_NEWACTION is refused here */

static int refs_reset(struct nl *g, struct nl *rt)
{
	int i;

	if (snapshot(g, rt, &cur))
		return -1;
	for (i = 0; i < cur.nacts; i++)
		if (del_action(rt, cur.acts[i]))
			return -1;
	for (i = 0; i < cur.ngroups; i++)
		if (group_cmd(g, COLO_CMD_GROUP_DEL, cur.groups[i]))
			return -1;
	if (refs_create(g, rt, refs_actions) || snapshot(g, rt, &ref))
		return -1;
	if (!ref0.len) {
		ref0 = ref;
	} else if (!snap_eq(&ref, &ref0)) {
		fail("the rebuilt reference state differs:\n#  was %s\n#  now %s",
		     ref0.text, ref.text);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Request generators                                                 */
/* ------------------------------------------------------------------ */

static const uint32_t ref_groups[] = { REF_G1, REF_G2, REF_G3 };

static uint32_t pick_group(void)
{
	switch (rn(6)) {
	case 0:
		return rn(12) + 1;
	case 1:
		return rnd();
	default:
		return ref_groups[rn(3)];
	}
}

static uint64_t pick_value(const struct aspec *s, bool bad)
{
	if (!bad) {
		uint64_t span = s->hi - s->lo;

		if (one_in(4))
			return one_in(2) ? s->lo : s->hi;
		return s->lo + (span == UINT64_MAX ? rnd() : rnd() % (span + 1));
	}
	if (s->lo > 0 && (one_in(2) || s->hi == UINT64_MAX ||
			  (s->kind == AK_U32 && s->hi == UINT32_MAX)))
		return rn(s->lo);
	return s->hi + 1 + rn(1000);
}

/* A top-level attribute of the "colo" family, in one of many shapes. */
static void gen_group_attr(struct msg *m, size_t *last)
{
	unsigned int t = rn(COLO_A_GROUP_MAX + 1);
	const struct aspec *s = &gspec[t];
	int size = s->kind == AK_U8 ? 1 : s->kind == AK_U32 ? 4 :
		   s->kind == AK_U64 ? 8 : 4;
	uint64_t v;
	size_t off;

	switch (rn(14)) {
	case 0: case 1: case 2: case 3: case 4:	/* well-formed */
		v = t == COLO_A_GROUP_ID ? pick_group() :
		    s->kind >= AK_U8 && s->kind <= AK_U64 ? pick_value(s, false) : rnd();
		off = m_put(m, t, &v, size);
		break;
	case 5:		/* out of range */
		v = s->kind >= AK_U8 && s->kind <= AK_U64 ? pick_value(s, true) : rnd();
		off = m_put(m, t, &v, size);
		break;
	case 6:		/* wrong length */
		off = m_put(m, t, NULL, one_in(2) ? rn(12) : rn(300));
		break;
	case 7:		/* nested flag on a scalar */
		v = pick_value(s, false);
		off = m_put(m, t | NLA_F_NESTED, &v, size);
		break;
	case 8:		/* unknown type */
		t = one_in(2) ? fam.maxattr + 1 + rn(8) : rnd() & NLA_TYPE_MASK;
		if (one_in(6))
			t = 0;
		off = m_put(m, t | (rnd() & (NLA_F_NESTED | NLA_F_NET_BYTEORDER)),
			    NULL, rn(16));
		break;
	case 9:		/* oversized */
		off = m_put(m, one_in(2) ? t : rnd() & 0x3fff, NULL,
			    256 + rn(one_in(4) ? 60000 : 4000));
		break;
	case 10:	/* nested garbage */
		off = NLA_ALIGN(m->len);
		m_garbage_nest(m, one_in(2) ? t : rn(64), 0);
		break;
	case 11:	/* duplicate of the last one, or a second ID */
		if (*last && *last + NLA_HDRLEN <= m->len) {
			const struct nlattr *a = (const void *)(m->u.b + *last);
			uint8_t copy[64];
			int len = a->nla_len - NLA_HDRLEN;

			if (len >= 0 && len <= (int)sizeof(copy) &&
			    *last + a->nla_len <= m->len) {
				memcpy(copy, (const char *)a + NLA_HDRLEN, len);
				off = m_put(m, a->nla_type, copy, len);
				break;
			}
		}
		off = m_put_u32(m, COLO_A_GROUP_ID, pick_group());
		break;
	case 12:	/* anything */
		off = m_put(m, rnd() & 0xffff, NULL, rn(20));
		break;
	default:	/* a misaligned run of bytes */
		off = 0;
		m_raw(m, NULL, 1 + rn(11));
		break;
	}
	*last = off;
}

/* Lies about the end of the last attribute and bytes after it. */
static void gen_tail(struct msg *m, size_t last)
{
	struct nlattr *a = last && !(last & 3) ?
			   (struct nlattr *)(m->u.b + last) : NULL;

	if (a && last + NLA_HDRLEN <= m->len && one_in(12))
		a->nla_len += 4 + rn(200);	/* runs past the end */
	else if (a && last + NLA_HDRLEN <= m->len && one_in(16))
		a->nla_len = rn(NLA_HDRLEN);	/* shorter than its header */
	if (one_in(12))
		m_raw(m, NULL, 1 + rn(3));	/* trailing bytes */
}

/*
 * Header mutations; then decide what the kernel does with it.  hdr_min:
 * payload a handler needs (genl header, tcamsg).
 */
static void gen_header(struct msg *m, size_t hdr_min)
{
	struct nlmsghdr *h = m_hdr(m);
	size_t len = m->len;

	m_finish(m);
	m->dispatch = m->nmsgs == 1 && (h->nlmsg_flags & NLM_F_REQUEST) &&
		      len >= NLMSG_HDRLEN + hdr_min;
	if (one_in(30)) {		/* nlmsg_len lies */
		h->nlmsg_len = one_in(2) ? len + 1 + rn(64) : rn(len);
		m->dispatch = false;
	} else if (one_in(40)) {	/* cut into the payload header */
		m->len = NLMSG_HDRLEN + rn(hdr_min);
		h->nlmsg_len = m->len;
		m->dispatch = false;
		m->must_fail = false;
	}
	m->dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/*
 * The genl header check every command of a family with resv_start_op 0
 * gets (6.1 and later): reserved 0, no legacy nlmsg_flags.  It comes
 * before the permission check.
 */
static void genl_hdr_check(struct msg *m)
{
	const struct nlmsghdr *h = m_hdr(m);
	const struct genlmsghdr *g = NLMSG_DATA(h);
	uint16_t flags = h->nlmsg_flags;

	if (!m->dispatch)
		return;
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))) {
		m->hdr_bad = m->must_fail = m->reach_parse = true;
		m->no_ext = false;
		m->why = "reserved genl header bits or nlmsg_flags";
	}
}

static void gen_genl(struct msg *m, const struct op *op)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	bool dump = (op->flags & GENL_CMD_CAP_DUMP) &&
		    (!(op->flags & GENL_CMD_CAP_DO) || one_in(3));
	struct genlmsghdr gh = { .cmd = op->cmd, .version = COLO_FAMILY_VERSION };
	size_t last = 0;
	int i, n = rn(7);

	if (one_in(16))
		dump = !dump;
	if (dump)
		flags |= NLM_F_DUMP;
	if (one_in(25))
		flags = rnd();
	m_reset(m);
	m_start(m, fam.id, flags);
	if (one_in(10))
		gh.version = rnd();
	if (one_in(10))
		gh.reserved = rnd();
	m_raw(m, &gh, sizeof(gh));
	for (i = 0; i < n; i++)
		gen_group_attr(m, &last);
	gen_tail(m, last);
	m->why = attrs_rejected(m->u.b + NLMSG_HDRLEN + GENL_HDRLEN,
				(long)m->len - (long)(NLMSG_HDRLEN + GENL_HDRLEN),
				gspec, COLO_A_GROUP_MAX, fam.maxattr);
	m->must_fail = m->why != NULL;
	gen_header(m, GENL_HDRLEN);
	m->mutating = op_mutating(op);
	m->reach_parse = m->dispatch &&
		(m->dump ? op->flags & GENL_CMD_CAP_DUMP : op->flags & GENL_CMD_CAP_DO);
	genl_hdr_check(m);
	if (one_in(30)) {		/* a second message in the datagram */
		m_start(m, fam.id, NLM_F_REQUEST | NLM_F_ACK);
		gh.cmd = fam.ops[rn(fam.nops)].cmd;
		m_raw(m, &gh, sizeof(gh));
		gen_group_attr(m, &last);
		m_finish(m);
		m->dispatch = m->reach_parse = false;
	}
}

/* A command the family does not have. */
static void gen_unknown_cmd(struct msg *m)
{
	struct genlmsghdr gh = { .version = COLO_FAMILY_VERSION };
	size_t last = 0;

	do {
		gh.cmd = one_in(2) ? rn(COLO_CMD_MAX + 4) : rnd();
	} while (op_find(gh.cmd));
	m_reset(m);
	m_start(m, fam.id, NLM_F_REQUEST | NLM_F_ACK | (one_in(4) ? NLM_F_DUMP : 0));
	m_raw(m, &gh, sizeof(gh));
	if (!one_in(3))
		m_put_u32(m, COLO_A_GROUP_ID, pick_group());
	if (one_in(2))
		gen_group_attr(m, &last);
	gen_header(m, GENL_HDRLEN);
	m->must_fail = m->dispatch;	/* -EOPNOTSUPP */
	m->no_ext = true;
	m->why = "no such command";
	m->reach_parse = false;
	m->mutating = false;
	genl_hdr_check(m);
}

/* TCA_COLO_* attributes: the valid three, each maybe left out, plus junk. */
static void gen_colo_opts(struct msg *m)
{
	static const int actions[] = { TC_ACT_PIPE, TC_ACT_OK, TC_ACT_SHOT,
				       TC_ACT_UNSPEC, TC_ACT_GOTO_CHAIN | 3,
				       TC_ACT_JUMP | 1, 77, -5 };
	static const uint32_t idx[] = { 0, REF_A1, REF_A2, 1, 2, UINT32_MAX };
	size_t last = 0;
	int i, n = rn(4);

	if (!one_in(6))
		put_tc_colo(m, one_in(4) ? rnd() : idx[rn(6)],
			    one_in(8) ? (int)rnd() : actions[rn(8)]);
	if (!one_in(6))
		m_put_u32(m, TCA_COLO_GROUP, pick_group());
	if (!one_in(6))
		m_put_u8(m, TCA_COLO_ROLE, one_in(4) ? rnd() : rn(TCA_COLO_ROLE_MAX + 2));
	for (i = 0; i < n; i++) {
		unsigned int t = rn(TCA_COLO_MAX + 3);

		switch (rn(7)) {
		case 0:
			last = m_put(m, t, NULL, rn(28));
			break;
		case 1:
			last = m_put(m, t | NLA_F_NESTED, NULL, rn(8));
			break;
		case 2:
			last = NLA_ALIGN(m->len);
			m_garbage_nest(m, t, 0);
			break;
		case 3:
			last = m_put(m, t, NULL, 300 + rn(one_in(3) ? 50000 : 3000));
			break;
		case 4:
			last = m_put_u32(m, TCA_COLO_GROUP, one_in(3) ? 0 : pick_group());
			break;
		case 5:
			last = m_put(m, rnd() & 0xffff, NULL, rn(12));
			break;
		default:
			last = 0;
			m_raw(m, NULL, 1 + rn(7));
		}
	}
	gen_tail(m, last);
}

/*
 * RTM_NEWACTION / DELACTION / GETACTION for kind "colo".  The kind is
 * always "colo" in NEWACTION: an unknown kind makes the kernel run
 * modprobe, a second per request under TCG.
 */
static void gen_tc(struct msg *m, uint16_t type)
{
	static const uint32_t idx[] = { REF_A1, REF_A2, 0, 1, UINT32_MAX };
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	bool clean = !one_in(5);
	size_t tab, act, opt, opt_end = 0;
	int i, nacts = clean ? 1 : rn(4);

	if (type == RTM_NEWACTION && one_in(2))
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	if (type == RTM_NEWACTION && one_in(4))
		flags |= NLM_F_REPLACE;
	if (type == RTM_GETACTION && one_in(3))
		flags |= NLM_F_DUMP;
	if (type == RTM_DELACTION && one_in(25))
		flags |= NLM_F_ROOT;	/* flush */
	if (one_in(40))
		flags = rnd();
	m_reset(m);
	m_tc(m, type, flags);
	if (one_in(20))
		((struct tcamsg *)NLMSG_DATA(m_hdr(m)))->tca_family = rnd();
	if (!clean && one_in(3))
		m_put(m, rn(TCA_ROOT_MAX + 3), NULL, rn(12));
	tab = m_nest(m, TCA_ACT_TAB);
	for (i = 0; i < nacts; i++) {
		act = m_nest(m, clean ? 1 : rn(TCA_ACT_MAX_PRIO + 4));
		if (type == RTM_NEWACTION || !one_in(10))
			m_put_str(m, TCA_ACT_KIND, "colo");
		else
			m_put(m, TCA_ACT_KIND, NULL, rn(20));	/* lookup only */
		if (type != RTM_NEWACTION || one_in(8))
			m_put_u32(m, TCA_ACT_INDEX, one_in(3) ? rnd() : idx[rn(5)]);
		if (!clean && one_in(2))
			m_put(m, rn(TCA_ACT_MAX + 3), NULL, rn(40));
		if (type == RTM_NEWACTION && (clean || !one_in(4))) {
			opt = m_nest(m, TCA_ACT_OPTIONS);
			gen_colo_opts(m);
			opt_end = m->len;
			m_nest_end(m, opt);
			if (clean) {
				const struct nlattr *o = (const void *)(m->u.b + opt);

				/* a nest shorter than its contents */
				m->why = attrs_rejected((const char *)o + NLA_HDRLEN,
							(long)opt_end - opt - NLA_HDRLEN,
							cspec, TCA_COLO_MAX, TCA_COLO_MAX);
			}
		}
		m_nest_end(m, act);
	}
	m_nest_end(m, tab);
	if (m->len - tab > 0xfff0)
		clean = false;	/* nests cut at 64 KiB: no verdict */
	if (!clean && one_in(3))
		gen_tail(m, tab);
	/* The model covers one clean NEWACTION: only the options vary. */
	m->must_fail = false;
	if (type == RTM_NEWACTION && clean && m->why)
		m->must_fail = true;
	gen_header(m, sizeof(struct tcamsg));
	m->mutating = type != RTM_GETACTION;
	m->is_tc = true;
	m->reach_parse = m->dispatch && type == RTM_NEWACTION && clean &&
			 !m->dump;
	if (!m->reach_parse)
		m->must_fail = false;
}

/* ------------------------------------------------------------------ */
/* Running requests                                                   */
/* ------------------------------------------------------------------ */

struct ctx {
	const char *name;
	struct nl g, rt;	/* sockets in the netns under test */
	bool priv;		/* CAP_NET_ADMIN over that netns */
	bool tc_priv;		/* CAP_NET_ADMIN in the initial user ns:
				 * RTM_NEWACTION/DELACTION need that
				 */
	bool own;		/* a throw-away netns: rebuild after changes */
	const struct snap *expect;	/* !own: the state that must stay */
	unsigned long sent, accepted, rejected, changed, must_fail;
	bool dead;
};

static void dump_msg(const struct msg *m)
{
	size_t i, n = m->len < 96 ? m->len : 96;

	if (failures > FAIL_PRINT_MAX)
		return;
	printf("#   request (%zu bytes):", m->len);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 32 ? "" : "\n#    ", m->u.b[i]);
	printf("\n");
}

/* Send M over nl and check everything the module promises about it. */
static void run_one(struct ctx *c, struct nl *nl, const char *what)
{
	struct rep r;
	bool rejected, priv;

	if (c->dead)
		return;
	c->sent++;
	xchg(nl, &M, &r, NULL, NULL);
	if (r.broken) {
		fail("%s: the exchange broke down", what);
		dump_msg(&M);
		c->dead = true;
		return;
	}
	rejected = r.nerr && !r.nok && !r.ndata;
	if (rejected)
		c->rejected++;
	else
		c->accepted++;

	/* unprivileged: -EPERM comes first, without extack */
	priv = M.is_tc ? c->tc_priv : c->priv;
	if (M.must_fail && M.dispatch) {
		bool ext = !M.no_ext && M.reach_parse && !M.dump &&
			   (priv || !M.mutating || M.hdr_bad);

		c->must_fail++;
		if (!r.nerr || r.nok || r.ndata) {
			fail("%s: accepted although %s", what, M.why);
			dump_msg(&M);
		} else if (ext && !r.msg[0] && r.offs < 0 && r.miss < 0) {
			fail("%s: %s rejected (%d) without extack", what,
			     M.why, r.error);
			dump_msg(&M);
		}
	}
	if (!priv && M.dispatch && M.mutating && !M.hdr_bad) {
		/*
		 * -EOPNOTSUPP: a dump of a command without one, or (root of a
		 * user namespace in its own netns: rtnetlink lets it by, only
		 * tc_ctl_action() wants the initial namespace) NLM_F_BULK on a
		 * delete, which rtnetlink refuses first.
		 */
		bool eperm = r.error == -EPERM ||
			     (r.error == -EOPNOTSUPP && M.dump && !M.is_tc) ||
			     (r.error == -EOPNOTSUPP && M.is_tc && c->priv &&
			      M.u.nlh.nlmsg_type == RTM_DELACTION &&
			      (M.u.nlh.nlmsg_flags & NLM_F_BULK));

		if (!rejected || !eperm) {
			fail("%s: unprivileged mutating request: error %d, %d acks, %d data",
			     what, r.error, r.nok, r.ndata);
			dump_msg(&M);
		}
	}

	if (snapshot_opt(&c->g, &c->rt, &cur, M.is_tc)) {
		c->dead = true;
		return;
	}
	if (M.is_tc ? snap_eq(&cur, c->own ? &ref : c->expect) :
	    snap_eq_groups(&cur, c->own ? &ref : c->expect))
		return;
	if (!M.is_tc && snapshot(&c->g, &c->rt, &cur)) {	/* for the text */
		c->dead = true;
		return;
	}
	c->changed++;
	if (rejected || !c->own) {
		fail("%s: %s request (error %d \"%s\") changed the state:\n#  before %s\n#  after  %s",
		     what, rejected ? "a rejected" : "an unprivileged", r.error,
		     r.msg, (c->own ? &ref : c->expect)->text, cur.text);
		dump_msg(&M);
	}
	if (!c->own) {
		c->dead = true;		/* nothing more to learn here */
		return;
	}
	if (refs_reset(&c->g, &c->rt))
		c->dead = true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_streams(struct ctx *c, unsigned int n)
{
	double t0 = now_s(), t;
	static const uint16_t tc_types[] = { RTM_NEWACTION, RTM_DELACTION,
					     RTM_GETACTION };
	static const char *const tc_names[] = { "RTM_NEWACTION", "RTM_DELACTION",
						"RTM_GETACTION" };
	unsigned long before;
	unsigned int i, k;
	char what[64];
	int o;

	for (o = 0; o < fam.nops && !c->dead; o++) {
		before = c->accepted;
		t = now_s();
		snprintf(what, sizeof(what), "genl cmd %u", fam.ops[o].cmd);
		for (i = 0; i < n && !c->dead; i++) {
			gen_genl(&M, &fam.ops[o]);
			run_one(c, &c->g, what);
		}
		printf("# %s: %s (flags %#x): %u requests, %lu accepted, %.1f s\n",
		       c->name, what, fam.ops[o].flags, i, c->accepted - before,
		       now_s() - t);
	}
	for (i = 0; i < n / 4 && !c->dead; i++) {
		gen_unknown_cmd(&M);
		run_one(c, &c->g, "unknown genl cmd");
	}
	printf("# %s: unknown genl cmds: %u requests\n", c->name, i);
	for (k = 0; k < 3 && !c->dead; k++) {
		before = c->accepted;
		t = now_s();
		for (i = 0; i < n && !c->dead; i++) {
			gen_tc(&M, tc_types[k]);
			run_one(c, &c->rt, tc_names[k]);
		}
		printf("# %s: %s kind colo: %u requests, %lu accepted, %.1f s\n",
		       c->name, tc_names[k], i, c->accepted - before, now_s() - t);
	}
	printf("# %s: %lu requests, %lu rejected, %lu accepted, %lu changed the state, %lu surely bad, %.0f s\n",
	       c->name, c->sent, c->rejected, c->accepted, c->changed, c->must_fail,
	       now_s() - t0);
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Known-bad requests: exact errors and extack                        */
/* ------------------------------------------------------------------ */

/*
 * expect (or alt, if not 0): the errno; ext: extack needed (message,
 * offset or missing type).
 */
static void bad_alt(struct ctx *c, struct nl *nl, const char *what, int expect,
		    int alt, bool ext)
{
	struct rep r;

	if (c->dead)
		return;
	m_finish(&M);
	c->sent++;
	xchg(nl, &M, &r, NULL, NULL);
	if (r.broken) {
		c->dead = true;
		return;
	}
	if (r.nok || r.ndata || (r.error != expect && (!alt || r.error != alt)))
		fail("%s: error %d (%s), expected %d", what, r.error,
		     r.msg, expect);
	else if (ext && !r.msg[0] && r.offs < 0 && r.miss < 0 &&
		 (M.u.nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		/* 6.1 puts only a message into NLMSG_DONE, not MISS_TYPE */
		printf("# note: %s: error %d in NLMSG_DONE without an extack message\n",
		       what, r.error);
	else if (ext && !r.msg[0] && r.offs < 0 && r.miss < 0)
		fail("%s: error %d without extack", what, r.error);
	else
		printf("#   %-48s %4d %s%s\n", what, r.error,
		       r.miss >= 0 ? "[missing attribute] " : "", r.msg);
	if (snapshot(&c->g, &c->rt, &cur)) {
		c->dead = true;
		return;
	}
	if (!snap_eq(&cur, &ref)) {
		fail("%s: the rejected request changed the state:\n#  before %s\n#  after  %s",
		     what, ref.text, cur.text);
		if (refs_reset(&c->g, &c->rt))
			c->dead = true;
	}
}

static void bad(struct ctx *c, struct nl *nl, const char *what, int expect,
		bool ext)
{
	bad_alt(c, nl, what, expect, 0, ext);
}

static size_t tc_new_start(uint16_t flags)
{
	size_t tab;

	m_reset(&M);
	m_tc(&M, RTM_NEWACTION, NLM_F_REQUEST | NLM_F_ACK | flags);
	tab = m_nest(&M, TCA_ACT_TAB);
	m_nest(&M, 1);
	m_put_str(&M, TCA_ACT_KIND, "colo");
	return tab;
}

static void tc_new_end(size_t tab)
{
	size_t act = tab + NLA_HDRLEN;

	m_nest_end(&M, act);
	m_nest_end(&M, tab);
}

static void known_bad(struct ctx *c)
{
	char what[96];
	size_t tab, opt;
	int o, t;

	for (o = 0; o < fam.nops; o++) {
		const struct op *op = &fam.ops[o];
		uint16_t fl = NLM_F_REQUEST | NLM_F_ACK;

		if (!(op->flags & GENL_CMD_CAP_DO))
			fl |= NLM_F_DUMP;
#define GREQ(...) do {							\
		m_reset(&M);						\
		m_genl(&M, fl, op->cmd);				\
		snprintf(what, sizeof(what), __VA_ARGS__);		\
	} while (0)
		GREQ("cmd %u: type maxattr+1", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		m_put_u32(&M, fam.maxattr + 1, 1);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: type 0", op->cmd);
		m_put_u32(&M, 0, 1);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: group id 0", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, 0);
		bad(c, &c->g, what, -ERANGE, true);
		GREQ("cmd %u: group id of 2 bytes", op->cmd);
		m_put(&M, COLO_A_GROUP_ID, "\x01\x00", 2);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: group id of 64 KiB", op->cmd);
		m_put(&M, COLO_A_GROUP_ID, NULL, 60000);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: group id with NLA_F_NESTED", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID | NLA_F_NESTED, REF_G1);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: nested garbage in STATS", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		m_garbage_nest(&M, COLO_A_GROUP_STATS, 0);
		bad(c, &c->g, what, -EINVAL, true);
		for (t = COLO_A_GROUP_STATE; t <= COLO_A_GROUP_FLOW; t++) {
			if (gspec[t].kind != AK_REJECT)
				continue;
			GREQ("cmd %u: reply-only attribute %d", op->cmd, t);
			m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
			m_put_u32(&M, t, 0);
			bad(c, &c->g, what, -EINVAL, true);
		}
		GREQ("cmd %u: timeout 0", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		m_put_u32(&M, COLO_A_GROUP_TIMEOUT_MS, 0);
		/* out of range, or a command whose policy lacks it */
		bad_alt(c, &c->g, what, -ERANGE, -EINVAL, true);
		GREQ("cmd %u: mode 2", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		m_put_u8(&M, COLO_A_GROUP_MODE, COLO_STATE_CHECKPOINT);
		bad_alt(c, &c->g, what, -ERANGE, -EINVAL, true);
		GREQ("cmd %u: nla_len past the end", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		((struct nlattr *)(M.u.b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len = 40;
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: 3 trailing bytes", op->cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		m_raw(&M, "\x01\x02\x03", 3);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: genl reserved field set", op->cmd);
		((struct genlmsghdr *)NLMSG_DATA(&M.u.nlh))->reserved = 1;
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: legacy flag NLM_F_CREATE", op->cmd);
		M.u.nlh.nlmsg_flags |= NLM_F_CREATE;
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		bad(c, &c->g, what, -EINVAL, true);
		GREQ("cmd %u: genl header cut short", op->cmd);
		M.len = NLMSG_HDRLEN + 2;
		bad(c, &c->g, what, -EINVAL, false);
		if (!(op->cmd == COLO_CMD_GROUP_GET && (fl & NLM_F_DUMP))) {
			GREQ("cmd %u: no group id", op->cmd);
			bad(c, &c->g, what, -EINVAL, true);
		}
		if (op->cmd != COLO_CMD_GROUP_NEW) {
			GREQ("cmd %u: group 999999", op->cmd);
			m_put_u32(&M, COLO_A_GROUP_ID, 999999);
			if (op->cmd == COLO_CMD_VMSTATE_SIZE)
				m_put_u64(&M, COLO_A_GROUP_VMSTATE_SIZE, 4096);
			bad(c, &c->g, what, -ENOENT, true);
		}
#undef GREQ
	}
	for (t = 0; t < 4; t++) {
		uint8_t cmd = t == 0 ? 0 : t == 1 ? COLO_CMD_MAX + 1 : t == 2 ? 200 : 255;

		if (op_find(cmd))
			continue;
		m_reset(&M);
		m_genl(&M, NLM_F_REQUEST | NLM_F_ACK, cmd);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
		snprintf(what, sizeof(what), "unknown cmd %u", cmd);
		bad(c, &c->g, what, -EOPNOTSUPP, false);
	}
	if (!op_find(COLO_CMD_CHECKPOINT_DONE)) {
		m_reset(&M);
		m_genl(&M, NLM_F_REQUEST | NLM_F_ACK, COLO_CMD_CHECKPOINT_DONE);
		m_put_u32(&M, COLO_A_GROUP_ID, REF_G2);
		bad(c, &c->g, "retired CHECKPOINT_DONE", -EOPNOTSUPP, false);
	}

	if (!c->tc_priv) {
		printf("# %s: %lu known-bad requests\n", c->name, c->sent);
		return;
	}
	/* the tc action */
	tab = tc_new_start(0);
	tc_new_end(tab);
	bad(c, &c->rt, "tc: no TCA_ACT_OPTIONS", -EINVAL, true);
#define TREQ(label, body, err) do {					\
		tab = tc_new_start(NLM_F_CREATE | NLM_F_EXCL);		\
		opt = m_nest(&M, TCA_ACT_OPTIONS);			\
		body;							\
		m_nest_end(&M, opt);					\
		tc_new_end(tab);					\
		bad(c, &c->rt, "tc: " label, err, err != -EEXIST);	\
	} while (0)
	TREQ("empty options", (void)0, -EINVAL);
	TREQ("no PARMS", (m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			  m_put_u8(&M, TCA_COLO_ROLE, 1)), -EINVAL);
	TREQ("no GROUP", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			  m_put_u8(&M, TCA_COLO_ROLE, 1)), -EINVAL);
	TREQ("no ROLE", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			 m_put_u32(&M, TCA_COLO_GROUP, REF_G1)), -EINVAL);
	TREQ("PARMS of 8 bytes", (m_put(&M, TCA_COLO_PARMS, NULL, 8),
				  m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
				  m_put_u8(&M, TCA_COLO_ROLE, 1)), -ERANGE);
	TREQ("GROUP 0", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			 m_put_u32(&M, TCA_COLO_GROUP, 0),
			 m_put_u8(&M, TCA_COLO_ROLE, 1)), -ERANGE);
	TREQ("ROLE 0", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			m_put_u8(&M, TCA_COLO_ROLE, 0)), -ERANGE);
	TREQ("ROLE 9", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			m_put_u8(&M, TCA_COLO_ROLE, 9)), -ERANGE);
	TREQ("ROLE as u32", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			     m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			     m_put_u32(&M, TCA_COLO_ROLE, 1)), -EINVAL);
	TREQ("TM given", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			  m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			  m_put_u8(&M, TCA_COLO_ROLE, 1),
			  m_put(&M, TCA_COLO_TM, NULL, 32)), -EINVAL);
	TREQ("STATS given", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			     m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			     m_put_u8(&M, TCA_COLO_ROLE, 1),
			     m_garbage_nest(&M, TCA_COLO_STATS, 0)), -EINVAL);
	TREQ("type 99", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			 m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
			 m_put_u8(&M, TCA_COLO_ROLE, 1),
			 m_put_u32(&M, 99, 1)), -EINVAL);
	TREQ("group 999999", (put_tc_colo(&M, 0, TC_ACT_PIPE),
			      m_put_u32(&M, TCA_COLO_GROUP, 999999),
			      m_put_u8(&M, TCA_COLO_ROLE, 1)), -ENOENT);
	TREQ("index of a reference action, no REPLACE",
	     (put_tc_colo(&M, REF_A1, TC_ACT_PIPE),
	      m_put_u32(&M, TCA_COLO_GROUP, REF_G2),
	      m_put_u8(&M, TCA_COLO_ROLE, 2)), -EEXIST);
	TREQ("goto chain without a filter",
	     (put_tc_colo(&M, 0, TC_ACT_GOTO_CHAIN | 1),
	      m_put_u32(&M, TCA_COLO_GROUP, REF_G1),
	      m_put_u8(&M, TCA_COLO_ROLE, 1)), -EINVAL);
#undef TREQ
	/* groups with actions stay */
	m_reset(&M);
	m_genl(&M, NLM_F_REQUEST | NLM_F_ACK, COLO_CMD_GROUP_DEL);
	m_put_u32(&M, COLO_A_GROUP_ID, REF_G1);
	bad(c, &c->g, "GROUP_DEL of a group with an action", -EBUSY, true);
	printf("# %s: %lu known-bad requests\n", c->name, c->sent);
}

/* ------------------------------------------------------------------ */
/* Phases                                                             */
/* ------------------------------------------------------------------ */

static int ctx_open(struct ctx *c)
{
	int err = nl_open(&c->g, NETLINK_GENERIC);

	if (!err)
		err = nl_open(&c->rt, NETLINK_ROUTE);
	if (err)
		fail("%s: netlink socket: %s", c->name, strerror(-err));
	return err;
}

/* Root of a fresh netns: known-bad requests, then the random ones. */
static int phase_own_netns(struct ctx *c, unsigned int n, bool known)
{
	if (ctx_open(c) || refs_reset(&c->g, &c->rt))
		return -1;
	if (known)
		known_bad(c);
	if (n)
		run_streams(c, n);
	return c->dead ? -1 : 0;
}

static bool drop_to_nobody(void)
{
	return !setgroups(0, NULL) && !setresgid(NOBODY, NOBODY, NOBODY) &&
	       !setresuid(NOBODY, NOBODY, NOBODY);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			fail("%s: %s", path, strerror(errno));
		close(fd);
	}
}

static struct snap init_snap;

/*
 * Each phase runs in a child: namespaces and credentials go with it.
 * The result is its exit status; 4: could not run here.
 */
static int run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		int rc;

		failures = 0;
		rc = fn(arg);
		fflush(stdout);
		_exit(rc < 0 || failures ? 1 : rc);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

static unsigned int opt_n;

static int ph_root(void *arg)
{
	struct ctx c = { .name = "root, own netns", .priv = true, .tc_priv = true,
			 .own = true };

	(void)arg;
	phase = c.name;
	if (unshare(CLONE_NEWNET)) {
		fail("unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	return phase_own_netns(&c, opt_n, true);
}

static int ph_nobody_init(void *arg)
{
	struct ctx c = { .name = "nobody, initial netns", .expect = &init_snap };

	(void)arg;
	phase = c.name;
	if (!drop_to_nobody()) {
		fail("cannot become nobody: %s", strerror(errno));
		return -1;
	}
	if (ctx_open(&c))
		return -1;
	run_streams(&c, opt_n / 2);
	return c.dead ? -1 : 0;
}

static int ph_userns(void *arg)
{
	struct ctx a = { .name = "userns root, towards the initial netns",
			 .expect = &init_snap };
	struct ctx b = { .name = "userns root, own netns", .priv = true,
			 .own = true };
	char map[64];

	(void)arg;
	phase = "userns";
	if (!drop_to_nobody()) {
		fail("cannot become nobody: %s", strerror(errno));
		return -1;
	}
	if (ctx_open(&a))
		return -1;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		printf("# unshare(CLONE_NEWUSER | CLONE_NEWNET) as nobody: %s\n",
		       strerror(errno));
		return 4;
	}
	/* as "unshare -Ur": root inside, nobody outside */
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/gid_map", map);
	phase = a.name;
	run_streams(&a, opt_n / 2);
	phase = b.name;
	/*
	 * tc_ctl_action() wants CAP_NET_ADMIN in the initial user namespace
	 * for RTM_NEWACTION/DELACTION: no standalone actions here.
	 */
	refs_actions = false;
	if (phase_own_netns(&b, opt_n / 2, true))
		return -1;
	return a.dead ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The kernel log                                                     */
/* ------------------------------------------------------------------ */

static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* Lines logged since the last call that show a kernel problem. */
static int kmsg_check(void)
{
	static const char *const bad_words[] = {
		"WARNING:", "BUG:", "Oops", "KASAN", "UBSAN", "refcount_t:",
		"unreferenced object", "general protection", "circular locking",
		"scheduling while atomic", "stack-protector",
	};
	char line[2048];
	int bad_lines = 0, noise = 0;
	ssize_t n;
	size_t i;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		n = read(kmsg_fd, line, sizeof(line) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		line[n] = '\0';
		noise++;
		for (i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++) {
			if (strstr(line, bad_words[i])) {
				if (bad_lines++ < 10)
					printf("# kernel: %s", line);
				break;
			}
		}
	}
	printf("# %d kernel log lines, %d of them problems\n", noise, bad_lines);
	return bad_lines;
}

/*
 * Unreclaimable slab in kB.  Requests leave nothing behind: after all
 * phases (their netns gone: that is asynchronous, hence the settling) it
 * is back near where it started.  A leak of one small object per
 * rejected request (tens of thousands of them) shows; noise of the
 * namespaces and per-cpu caches is what the slack is for.
 */
static long slab_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static long slab_settle(void)
{
	long prev = slab_kb(), cur = prev;
	int i;

	for (i = 0; i < 30; i++) {
		write_file("/proc/sys/vm/drop_caches", "2");
		sleep(1);
		cur = slab_kb();
		if (i >= 2 && prev - cur < 64)
			break;
		prev = cur;
	}
	return cur;
}

/* ------------------------------------------------------------------ */

static int tap_n;
static int tap_fail;

static void tap(int rc, const char *name)
{
	tap_n++;
	if (rc == 4) {
		printf("ok %d %s # SKIP\n", tap_n, name);
		return;
	}
	if (rc) {
		tap_fail++;
		printf("not ok %d %s\n", tap_n, name);
	} else {
		printf("ok %d %s\n", tap_n, name);
	}
	fflush(stdout);
}

/* After each phase: the initial netns as it was, the kernel log clean. */
static void after_phase(struct nl *g, struct nl *rt, const char *name)
{
	char label[128];
	int rc = 0;

	phase = "check";
	failures = 0;
	if (snapshot(g, rt, &cur) || !snap_eq(&cur, &init_snap)) {
		fail("the initial netns changed:\n#  before %s\n#  after  %s",
		     init_snap.text, cur.text);
		rc = 1;
	}
	snprintf(label, sizeof(label), "after %s: initial netns unchanged", name);
	tap(rc, label);
	snprintf(label, sizeof(label), "after %s: kernel log clean", name);
	tap(kmsg_check() ? 1 : 0, label);
}

int main(void)
{
	struct ctx top = { .name = "initial netns" };
	long slab0, slab1, slack;
	const char *e;
	uint64_t seed;
	int i, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	e = getenv("SEED");
	seed = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	e = getenv("HOSTILE_N");
	opt_n = e ? strtoul(e, NULL, 0) : 1000;
	printf("TAP version 13\n# seed %llu (SEED=%llu to repeat), HOSTILE_N=%u\n",
	       (unsigned long long)seed, (unsigned long long)seed, opt_n);
	rs = seed ? seed : 1;

	if (ctx_open(&top))
		return 1;
	rc = family_resolve(&top.g);
	if (rc == -ENOENT) {
		printf("1..0 # SKIP no generic netlink family \"colo\": colo_compare.ko not loaded\n");
		return 4;
	}
	if (rc || !fam.id || !fam.nops) {
		printf("# resolving the family: %s\n", strerror(-rc));
		return 1;
	}
	printf("# family \"colo\" id %u, maxattr %u, %d ops:", fam.id,
	       fam.maxattr, fam.nops);
	for (i = 0; i < fam.nops; i++)
		printf(" %u%s", fam.ops[i].cmd,
		       op_mutating(&fam.ops[i]) ? "(admin)" : "");
	printf("\n");
	kmsg_open();
	slab0 = slab_settle();

	/* The initial netns: the reference groups stay there throughout. */
	if (refs_create(&top.g, &top.rt, true) ||
	    snapshot(&top.g, &top.rt, &init_snap)) {
		printf("not ok 1 reference groups %u %u %u in the initial netns\n",
		       REF_G1, REF_G2, REF_G3);
		return 1;
	}
	printf("# initial netns:%s\n", init_snap.text);
	tap(0, "reference groups and actions in the initial netns");

	tap(run_child(ph_root, NULL), "root in its own netns: known-bad and random requests");
	after_phase(&top.g, &top.rt, "root");
	tap(run_child(ph_nobody_init, NULL), "nobody in the initial netns: -EPERM, nothing changes");
	after_phase(&top.g, &top.rt, "nobody");
	tap(run_child(ph_userns, NULL),
	    "root of a user namespace: own netns works, initial netns untouched");
	after_phase(&top.g, &top.rt, "userns");

	phase = "cleanup";
	failures = 0;
	rc = del_action(&top.rt, REF_A1) | del_action(&top.rt, REF_A2) |
	     group_cmd(&top.g, COLO_CMD_GROUP_DEL, REF_G1) |
	     group_cmd(&top.g, COLO_CMD_GROUP_DEL, REF_G2) |
	     group_cmd(&top.g, COLO_CMD_GROUP_DEL, REF_G3);
	tap(rc ? 1 : 0, "reference groups and actions deleted");
	nl_close(&top.g);
	nl_close(&top.rt);
	e = getenv("HOSTILE_SLAB_SLACK_KB");
	slack = e ? strtol(e, NULL, 0) : 4096;
	slab1 = slab_settle();
	printf("# unreclaimable slab: %ld kB before, %ld kB after (%+ld kB, slack %ld)\n",
	       slab0, slab1, slab1 - slab0, slack);
	tap(slab0 < 0 || slab1 - slab0 <= slack ? 0 : 1,
	    "unreclaimable slab back near its start");
	printf("1..%d\n", tap_n);
	if (tap_fail)
		printf("# %d of %d failed (seed %llu)\n", tap_fail, tap_n,
		       (unsigned long long)seed);
	return tap_fail ? 1 : 0;
}
