/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the "colo" generic netlink tests share: raw AF_NETLINK sockets,
 * requests built by hand, replies and extended acks parsed by hand, and
 * a fixture that puts each test in a network namespace of its own (the
 * harness forks a child per test and the fixture unshares), so a dump
 * shows exactly the groups the test made and a test that dies half way
 * leaves nothing behind.
 *
 * Needs root (unshare, setuid).  Without the family (module not loaded)
 * every test is skipped and the program exits 4 (KSFT_SKIP).
 *
 * Include once per test program; not every program uses every helper.
 */
#ifndef _COLO_GENL_H
#define _COLO_GENL_H

#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/colo.h>

#include "kselftest.h"

/*
 * The 6.1 harness exits 0 when every test was skipped, but kselftest
 * runners read 4 (KSFT_SKIP) as "could not run here".  Its final
 * ksft_exit() lands here.
 */
static void __attribute__((unused)) colo_ksft_exit(bool all_ok)
{
	if (all_ok && !ksft_cnt.ksft_pass && ksft_cnt.ksft_xskip) {
		ksft_print_cnts();
		exit(KSFT_SKIP);
	}
	if (all_ok)
		ksft_exit_pass();
	ksft_exit_fail();
}

#undef ksft_exit
#define ksft_exit(all_ok) colo_ksft_exit(all_ok)

#include "kselftest_harness.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define NOBODY		65534
/* A dump datagram is at most 32 KiB (af_netlink caps max_recvmsg_len). */
#define RECV_SIZE	32768
/* mptcp_pm's events group carries GENL_MCAST_CAP_NET_ADMIN where it exists. */
#define MPTCP_FAMILY	"mptcp_pm"
#define MPTCP_EVENTS	"mptcp_pm_events"

/* ------------------------------------------------------------------ */
/* Sockets and requests                                               */
/* ------------------------------------------------------------------ */

struct nl {
	int fd;
	__u32 seq;
};

struct req {
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	};
};

/* What came back in NLMSG_ERROR. */
struct ack {
	int error;		/* 0 or -errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	int offs;		/* NLMSGERR_ATTR_OFFS, -1 if none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
};

/* One group as GET or a dump reports it. */
struct group_reply {
	__u32 id;
	__u8 state;
	__u32 timeout_ms;
	__u32 actions;
	__u32 ckpt_timeout_ms;
	__u8 step;		/* COLO_A_GROUP_STEP, 0xff if absent */
	__u8 reason;		/* COLO_A_GROUP_REASON, 0 if absent */
	bool failed_over;
	__u64 stats[COLO_A_STATS_MAX + 1];
};

/* A family as nlctrl describes it. */
struct family {
	__u16 id;
	__u32 version;
	__u32 maxattr;
	bool has_op[COLO_CMD_MAX + 2];
	__u32 op_flags[COLO_CMD_MAX + 2];
	__u32 grp_id;		/* the multicast group asked for; 0: none */
};

/* Resolved by the fixture; each test is a process of its own. */
static struct family colo;

static int nl_open(struct nl *nl)
{
	struct timeval tv = { .tv_sec = 20 };
	int one = 1, err;

	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	/* Error messages, offsets and missing-attribute types; no echo. */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    /* a reply that never comes fails the test instead of hanging it */
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		close(nl->fd);
		nl->fd = -1;
		return err;
	}
	return 0;
}

static void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

static void req_init(struct req *r, __u16 type, __u8 cmd)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = NLM_F_REQUEST;
	g = NLMSG_DATA(&r->nlh);
	g->cmd = cmd;
	g->version = COLO_FAMILY_VERSION;
}

static struct genlmsghdr *req_genl(struct req *r)
{
	return NLMSG_DATA(&r->nlh);
}

/*
 * Append an attribute with a payload of len bytes.  Returns its offset in
 * the message: the unit of NLMSGERR_ATTR_OFFS.
 */
static int req_put(struct req *r, __u16 type, const void *data, __u16 len)
{
	unsigned int off = NLMSG_ALIGN(r->nlh.nlmsg_len);
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	if (off + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(r->buf))
		abort();
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = off + NLA_HDRLEN + NLA_ALIGN(len);
	return off;
}

static int req_put_u32(struct req *r, __u16 type, __u32 v)
{
	return req_put(r, type, &v, sizeof(v));
}

static int req_put_u8(struct req *r, __u16 type, __u8 v)
{
	return req_put(r, type, &v, sizeof(v));
}

static int req_put_str(struct req *r, __u16 type, const char *s)
{
	return req_put(r, type, s, strlen(s) + 1);
}

static int req_nest_start(struct req *r, __u16 type)
{
	return req_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void req_nest_end(struct req *r, int off)
{
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	a->nla_len = r->nlh.nlmsg_len - off;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */
/* ------------------------------------------------------------------ */

static bool nlmsg_fits(const struct nlmsghdr *nlh, const char *end)
{
	size_t room = end - (const char *)nlh;

	return room >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= room;
}

#define for_each_nlmsg(nlh, buf, len)					\
	for (nlh = (struct nlmsghdr *)(buf);				\
	     nlmsg_fits(nlh, (const char *)(buf) + (len));		\
	     nlh = (struct nlmsghdr *)((char *)nlh +			\
				       NLMSG_ALIGN(nlh->nlmsg_len)))

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Index attributes by type (flags masked); false if one overruns. */
static bool attr_parse(const void *data, size_t len,
		       const struct nlattr **tb, unsigned int max)
{
	const char *p = data, *end = p + len;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return false;
		if (type <= max)
			tb[type] = a;
		p += NLA_ALIGN(a->nla_len);
	}
	return true;
}

#define for_each_attr(a, data, len)					\
	for (a = (const struct nlattr *)(data);				\
	     (const char *)(data) + (len) - (const char *)a >= NLA_HDRLEN && \
	     a->nla_len >= NLA_HDRLEN &&				\
	     a->nla_len <= (const char *)(data) + (len) - (const char *)a; \
	     a = (const struct nlattr *)((const char *)a +		\
					 NLA_ALIGN(a->nla_len)))

static __u64 attr_get(struct __test_metadata *_metadata,
		      const struct nlattr **tb, int type, int size)
{
	const struct nlattr *a = tb[type];
	__u64 v64 = 0;
	__u32 v32 = 0;
	__u16 v16 = 0;
	__u8 v8 = 0;

	ASSERT_TRUE(a != NULL) TH_LOG("attribute %d missing", type);
	ASSERT_EQ(size, attr_len(a)) TH_LOG("attribute %d length", type);
	switch (size) {
	case 1:
		memcpy(&v8, attr_data(a), 1);
		return v8;
	case 2:
		memcpy(&v16, attr_data(a), 2);
		return v16;
	case 4:
		memcpy(&v32, attr_data(a), 4);
		return v32;
	default:
		memcpy(&v64, attr_data(a), 8);
		return v64;
	}
}

static void ack_parse(struct __test_metadata *_metadata,
		      const struct nlmsghdr *nlh, struct ack *ack)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	ASSERT_LE(NLMSG_LENGTH(sizeof(*e)), nlh->nlmsg_len);
	ack->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	ASSERT_LE(off, nlh->nlmsg_len);
	ASSERT_TRUE(attr_parse((const char *)nlh + off, nlh->nlmsg_len - off,
			       tb, NLMSGERR_ATTR_MAX));
	if (tb[NLMSGERR_ATTR_MSG]) {
		int n = attr_len(tb[NLMSGERR_ATTR_MSG]);

		if (n >= (int)sizeof(ack->msg))
			n = sizeof(ack->msg) - 1;
		memcpy(ack->msg, attr_data(tb[NLMSGERR_ATTR_MSG]), n);
		ack->msg[n] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS])
		ack->offs = attr_get(_metadata, tb, NLMSGERR_ATTR_OFFS, 4);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		ack->miss_type = attr_get(_metadata, tb,
					  NLMSGERR_ATTR_MISS_TYPE, 4);
}

/* A GET reply or one dumped group: checks its shape, fills g. */
static void group_parse(struct __test_metadata *_metadata,
			const struct nlmsghdr *nlh, struct group_reply *g)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	const struct nlattr *st[COLO_A_STATS_MAX + 1];
	int i;

	ASSERT_EQ(colo.id, nlh->nlmsg_type);
	ASSERT_LE(NLMSG_LENGTH(GENL_HDRLEN), nlh->nlmsg_len);
	ASSERT_EQ(COLO_CMD_GROUP_GET, gh->cmd);
	ASSERT_EQ(COLO_FAMILY_VERSION, gh->version);
	ASSERT_TRUE(attr_parse((const char *)gh + GENL_HDRLEN,
			       nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
			       tb, COLO_A_GROUP_MAX));
	g->id = attr_get(_metadata, tb, COLO_A_GROUP_ID, 4);
	g->state = attr_get(_metadata, tb, COLO_A_GROUP_STATE, 1);
	g->timeout_ms = attr_get(_metadata, tb, COLO_A_GROUP_TIMEOUT_MS, 4);
	g->actions = attr_get(_metadata, tb, COLO_A_GROUP_ACTIONS, 4);
	g->ckpt_timeout_ms = attr_get(_metadata, tb,
				      COLO_A_GROUP_CKPT_TIMEOUT_MS, 4);
	g->step = tb[COLO_A_GROUP_STEP] ?
		  attr_get(_metadata, tb, COLO_A_GROUP_STEP, 1) : 0xff;
	g->reason = tb[COLO_A_GROUP_REASON] ?
		    attr_get(_metadata, tb, COLO_A_GROUP_REASON, 1) : 0;
	g->failed_over = tb[COLO_A_GROUP_FAILED_OVER] != NULL;
	ASSERT_TRUE(tb[COLO_A_GROUP_STATS] != NULL);
	ASSERT_TRUE(tb[COLO_A_GROUP_STATS]->nla_type & NLA_F_NESTED);
	ASSERT_TRUE(attr_parse(attr_data(tb[COLO_A_GROUP_STATS]),
			       attr_len(tb[COLO_A_GROUP_STATS]),
			       st, COLO_A_STATS_MAX));
	memset(g->stats, 0, sizeof(g->stats));
	for (i = COLO_A_STATS_PRIMARY_PACKETS; i <= COLO_A_STATS_MAX; i++)
		g->stats[i] = attr_get(_metadata, st, i, 8);
}

/* ------------------------------------------------------------------ */
/* Exchanges                                                          */
/* ------------------------------------------------------------------ */

static void nl_send(struct __test_metadata *_metadata, struct nl *nl,
		    struct req *r)
{
	r->nlh.nlmsg_seq = ++nl->seq;
	ASSERT_EQ((ssize_t)r->nlh.nlmsg_len,
		  send(nl->fd, r->buf, r->nlh.nlmsg_len, 0))
		TH_LOG("send: %s", strerror(errno));
}

/* One datagram, never truncated. */
static size_t nl_recv(struct __test_metadata *_metadata, struct nl *nl,
		      void *buf)
{
	ssize_t n = recv(nl->fd, buf, RECV_SIZE, MSG_TRUNC);

	ASSERT_LT(0, n) TH_LOG("recv: %s", n ? strerror(errno) : "EOF");
	ASSERT_GE(RECV_SIZE, n) TH_LOG("datagram truncated");
	return n;
}

/*
 * Send a request and read until its ack.  A data reply (GET) is copied
 * to reply, which must then be given; at most one is expected.  Returns
 * the error the kernel acked with (0 or -errno).
 */
static int genl_do(struct __test_metadata *_metadata, struct nl *nl,
		   struct req *r, struct ack *ack,
		   struct nlmsghdr *reply, size_t reply_size)
{
	static char buf[RECV_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct ack local;
	int replies = 0;

	if (!ack)
		ack = &local;
	memset(ack, 0, sizeof(*ack));
	ack->offs = ack->miss_type = -1;
	if (reply)
		reply->nlmsg_len = 0;

	r->nlh.nlmsg_flags |= NLM_F_ACK;
	nl_send(_metadata, nl, r);
	for (;;) {
		size_t len = nl_recv(_metadata, nl, buf);

		for_each_nlmsg(nlh, buf, len) {
			ASSERT_EQ(r->nlh.nlmsg_seq, nlh->nlmsg_seq);
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ack_parse(_metadata, nlh, ack);
				return ack->error;
			}
			ASSERT_TRUE(reply != NULL)
				TH_LOG("unexpected reply, type %u",
				       nlh->nlmsg_type);
			ASSERT_EQ(0, replies++);
			ASSERT_GE(reply_size, nlh->nlmsg_len);
			memcpy(reply, nlh, nlh->nlmsg_len);
		}
	}
}

/* NEW, DEL or SET of one group; timeout_ms 0 leaves the attribute out. */
static int group_cmd(struct __test_metadata *_metadata, struct nl *nl,
		     __u8 cmd, __u32 id, __u32 timeout_ms, struct ack *ack)
{
	struct req r;

	req_init(&r, colo.id, cmd);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	if (timeout_ms)
		req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, timeout_ms);
	return genl_do(_metadata, nl, &r, ack, NULL, 0);
}

static int group_new(struct __test_metadata *_metadata, struct nl *nl,
		     __u32 id, __u32 timeout_ms, struct ack *ack)
{
	return group_cmd(_metadata, nl, COLO_CMD_GROUP_NEW, id, timeout_ms,
			 ack);
}

static int group_del(struct __test_metadata *_metadata, struct nl *nl,
		     __u32 id, struct ack *ack)
{
	return group_cmd(_metadata, nl, COLO_CMD_GROUP_DEL, id, 0, ack);
}

static int group_set(struct __test_metadata *_metadata, struct nl *nl,
		     __u32 id, __u32 timeout_ms, struct ack *ack)
{
	return group_cmd(_metadata, nl, COLO_CMD_GROUP_SET, id, timeout_ms,
			 ack);
}

static int group_get(struct __test_metadata *_metadata, struct nl *nl,
		     __u32 id, struct group_reply *g, struct ack *ack)
{
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} reply;
	struct req r;
	int err;

	req_init(&r, colo.id, COLO_CMD_GROUP_GET);
	req_put_u32(&r, COLO_A_GROUP_ID, id);
	err = genl_do(_metadata, nl, &r, ack, &reply.nlh, sizeof(reply));
	if (!err) {
		ASSERT_NE(0U, reply.nlh.nlmsg_len) TH_LOG("GET acked, no reply");
		group_parse(_metadata, &reply.nlh, g);
	}
	return err;
}

/*
 * Dump all groups of the socket's netns into ids[].  Returns how many
 * came, or the kernel's error.  More than cap fails the test at once: a
 * dump that repeats itself or does not end must not hang it.
 * *datagrams: how many datagrams carried the dump.
 */
static int group_dump(struct __test_metadata *_metadata, struct nl *nl,
		      __u32 *ids, int cap, int *datagrams)
{
	static char buf[RECV_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct group_reply g;
	struct ack ack;
	struct req r;
	int n = 0, err;

	req_init(&r, colo.id, COLO_CMD_GROUP_GET);
	r.nlh.nlmsg_flags |= NLM_F_DUMP;
	nl_send(_metadata, nl, &r);
	if (datagrams)
		*datagrams = 0;
	for (;;) {
		size_t len = nl_recv(_metadata, nl, buf);

		if (datagrams)
			(*datagrams)++;
		for_each_nlmsg(nlh, buf, len) {
			ASSERT_EQ(r.nlh.nlmsg_seq, nlh->nlmsg_seq);
			if (nlh->nlmsg_type == NLMSG_DONE) {
				ASSERT_LE(NLMSG_LENGTH(sizeof(int)),
					  nlh->nlmsg_len);
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				return err ?: n;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ack_parse(_metadata, nlh, &ack);
				ASSERT_NE(0, ack.error);
				return ack.error;
			}
			ASSERT_TRUE(nlh->nlmsg_flags & NLM_F_MULTI);
			group_parse(_metadata, nlh, &g);
			ASSERT_GT(cap, n)
				TH_LOG("dump goes on past %d groups (%u after %u): it repeats or never ends",
				       cap, g.id, n ? ids[n - 1] : 0);
			ids[n++] = g.id;
		}
	}
}

/* Groups in the socket's netns (at most 64 expected). */
static int group_count(struct __test_metadata *_metadata, struct nl *nl)
{
	__u32 ids[64];

	return group_dump(_metadata, nl, ids, 64, NULL);
}

/*
 * CTRL_CMD_GETFAMILY by name; also looks up the multicast group grp.
 * Returns 0 or the kernel's error (-ENOENT: no such family).
 */
static int family_get(struct __test_metadata *_metadata, struct nl *nl,
		      const char *name, const char *grp, struct family *f)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *a;
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	} reply;
	const char *attrs;
	struct req r;
	int err;

	memset(f, 0, sizeof(*f));
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	req_put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	err = genl_do(_metadata, nl, &r, NULL, &reply.nlh, sizeof(reply));
	if (err)
		return err;
	ASSERT_EQ(GENL_ID_CTRL, reply.nlh.nlmsg_type);
	attrs = (const char *)NLMSG_DATA(&reply.nlh) + GENL_HDRLEN;
	ASSERT_TRUE(attr_parse(attrs, reply.nlh.nlmsg_len -
			       NLMSG_LENGTH(GENL_HDRLEN), tb, CTRL_ATTR_MAX));
	f->id = attr_get(_metadata, tb, CTRL_ATTR_FAMILY_ID, 2);
	f->version = attr_get(_metadata, tb, CTRL_ATTR_VERSION, 4);
	f->maxattr = attr_get(_metadata, tb, CTRL_ATTR_MAXATTR, 4);

	if (tb[CTRL_ATTR_OPS]) {
		for_each_attr(a, attr_data(tb[CTRL_ATTR_OPS]),
			      attr_len(tb[CTRL_ATTR_OPS])) {
			const struct nlattr *op[CTRL_ATTR_OP_MAX + 1];
			__u32 cmd;

			ASSERT_TRUE(attr_parse(attr_data(a), attr_len(a), op,
					       CTRL_ATTR_OP_MAX));
			cmd = attr_get(_metadata, op, CTRL_ATTR_OP_ID, 4);
			if (cmd >= sizeof(f->has_op) / sizeof(f->has_op[0]))
				continue;
			f->has_op[cmd] = true;
			f->op_flags[cmd] = attr_get(_metadata, op,
						    CTRL_ATTR_OP_FLAGS, 4);
		}
	}
	if (grp && tb[CTRL_ATTR_MCAST_GROUPS]) {
		for_each_attr(a, attr_data(tb[CTRL_ATTR_MCAST_GROUPS]),
			      attr_len(tb[CTRL_ATTR_MCAST_GROUPS])) {
			const struct nlattr *mg[CTRL_ATTR_MCAST_GRP_MAX + 1];
			const struct nlattr *gname;

			ASSERT_TRUE(attr_parse(attr_data(a), attr_len(a), mg,
					       CTRL_ATTR_MCAST_GRP_MAX));
			gname = mg[CTRL_ATTR_MCAST_GRP_NAME];
			ASSERT_TRUE(gname != NULL);
			if (attr_len(gname) != (int)strlen(grp) + 1 ||
			    memcmp(attr_data(gname), grp, strlen(grp) + 1))
				continue;
			f->grp_id = attr_get(_metadata, mg,
					     CTRL_ATTR_MCAST_GRP_ID, 4);
		}
	}
	return 0;
}

static int mcast_join(int fd, __u32 grp)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			  sizeof(grp)) ? -errno : 0;
}

/* The old way to join: a bit in nl_groups (ids 1..32 only). */
static int mcast_bind(int fd, __u32 grp)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1U << (grp - 1),
	};

	return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* Privileges                                                         */
/* ------------------------------------------------------------------ */

static bool cap_net_admin_effective(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* cannot tell: assume the worst */
	return data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
	       CAP_TO_MASK(CAP_NET_ADMIN);
}

/*
 * fork() a child that is user and group "nobody", with no capabilities
 * left.  Returns the pid in the parent, 0 in the child.  The child must
 * end with _exit(); it reports through shared memory.
 */
static pid_t fork_as_nobody(struct __test_metadata *_metadata)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid)
		return pid;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) || cap_net_admin_effective())
		_exit(2);
	return 0;
}

static void wait_child(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("child died, status %#x (an assertion failed in it?)",
		       status);
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child failed (2: could not drop privileges)");
}

static void *shared_page(struct __test_metadata *_metadata)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	return p;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

FIXTURE(colo) {
	struct nl nl;		/* in this test's own netns */
	bool ready;
};

FIXTURE_SETUP(colo)
{
	int err;

	self->nl.fd = -1;
	ASSERT_EQ(0, nl_open(&self->nl));
	err = family_get(_metadata, &self->nl, COLO_FAMILY_NAME,
			 COLO_MCGRP_EVENTS, &colo);
	if (err == -ENOENT)
		SKIP(return,
		     "no generic netlink family \"colo\": colo_compare.ko is not loaded");
	ASSERT_EQ(0, err);

	ASSERT_EQ(0, unshare(CLONE_NEWNET))
		TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	nl_close(&self->nl);
	ASSERT_EQ(0, nl_open(&self->nl));
	self->ready = true;
}

FIXTURE_TEARDOWN(colo)
{
	nl_close(&self->nl);
}

/* The 6.1 harness runs the test body even after the setup skipped. */
#define NEED_FAMILY() do { if (!self->ready) return; } while (0)

#pragma GCC diagnostic pop

#endif /* _COLO_GENL_H */
