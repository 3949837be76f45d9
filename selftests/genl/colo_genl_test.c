// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "colo" (colo_compare.ko) as any client sees
 * it: raw AF_NETLINK/NETLINK_GENERIC sockets, requests built by hand,
 * replies and extended acks parsed by hand.
 *
 * Every test runs in a network namespace of its own: the harness forks a
 * child per test and the fixture unshares.  A dump therefore shows exactly
 * the groups the test made, and a test that dies half way leaves nothing
 * behind (its namespace, and the groups in it, go with the child).  Tests
 * still delete what they create, which checks that deleting works.
 *
 * Needs root (unshare, setuid).  Without the family (module not loaded)
 * every test is skipped and the program exits 4 (KSFT_SKIP).
 */
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

TEST_F(colo, family_resolves_with_its_ops_and_events_mcgrp)
{
	static const __u8 mutating[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_DEL, COLO_CMD_GROUP_SET,
		COLO_CMD_CHECKPOINT_DONE,
	};
	struct family here;
	unsigned int i;

	NEED_FAMILY();
	EXPECT_EQ((__u32)COLO_FAMILY_VERSION, colo.version);
	EXPECT_EQ((__u32)COLO_A_GROUP_MAX, colo.maxattr);
	EXPECT_FALSE(colo.has_op[COLO_CMD_UNSPEC]);
	for (i = 0; i < sizeof(mutating); i++) {
		__u32 f = colo.op_flags[mutating[i]];

		ASSERT_TRUE(colo.has_op[mutating[i]]) TH_LOG("cmd %u", mutating[i]);
		EXPECT_TRUE(!!(f & GENL_UNS_ADMIN_PERM)) TH_LOG("cmd %u", mutating[i]);
		EXPECT_TRUE(!!(f & GENL_CMD_CAP_DO)) TH_LOG("cmd %u", mutating[i]);
		EXPECT_FALSE(!!(f & GENL_CMD_CAP_DUMP)) TH_LOG("cmd %u", mutating[i]);
	}
	ASSERT_TRUE(colo.has_op[COLO_CMD_GROUP_GET]);
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_GROUP_GET] & GENL_CMD_CAP_DO));
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_GROUP_GET] & GENL_CMD_CAP_DUMP));
	EXPECT_FALSE(!!(colo.op_flags[COLO_CMD_GROUP_GET] &
			(GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM)));
	/* flows: a dump, readable without privileges */
	ASSERT_TRUE(colo.has_op[COLO_CMD_FLOW_GET]);
	EXPECT_FALSE(!!(colo.op_flags[COLO_CMD_FLOW_GET] & GENL_CMD_CAP_DO));
	EXPECT_TRUE(!!(colo.op_flags[COLO_CMD_FLOW_GET] & GENL_CMD_CAP_DUMP));
	/* an event, not a request */
	EXPECT_FALSE(colo.has_op[COLO_CMD_CHECKPOINT_REQUEST]);
	EXPECT_FALSE(colo.has_op[COLO_CMD_MAX + 1]);
	ASSERT_NE(0U, colo.grp_id) TH_LOG("no \"%s\" multicast group",
					  COLO_MCGRP_EVENTS);

	/* netnsok: the same family, resolved from a fresh namespace */
	ASSERT_EQ(0, family_get(_metadata, &self->nl, COLO_FAMILY_NAME,
				COLO_MCGRP_EVENTS, &here));
	EXPECT_EQ(colo.id, here.id);
	EXPECT_EQ(colo.grp_id, here.grp_id);

	/* root may listen to events */
	EXPECT_EQ(0, mcast_join(self->nl.fd, colo.grp_id));
}

TEST_F(colo, new_group_reads_back_passthrough_defaults_and_zero_stats)
{
	struct group_reply g;
	int i;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 1, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 1, &g, NULL));
	EXPECT_EQ(1U, g.id);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ((__u32)COLO_TIMEOUT_MS_DEFAULT, g.timeout_ms);
	EXPECT_EQ(0U, g.actions);
	for (i = COLO_A_STATS_PRIMARY_PACKETS; i <= COLO_A_STATS_MAX; i++)
		EXPECT_EQ(0ULL, g.stats[i]) TH_LOG("stats attribute %d", i);

	ASSERT_EQ(0, group_del(_metadata, &self->nl, 1, NULL));
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 1, &g, NULL));
}

TEST_F(colo, new_with_timeout_reads_back_that_timeout)
{
	static const __u32 timeouts[] = { 12345, 1, COLO_TIMEOUT_MS_MAX };
	struct group_reply g;
	unsigned int i;

	NEED_FAMILY();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, 2 + i,
				       timeouts[i], NULL));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, group_get(_metadata, &self->nl, 2 + i, &g, NULL));
		EXPECT_EQ(2 + i, g.id);
		EXPECT_EQ(timeouts[i], g.timeout_ms);
		EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, group_del(_metadata, &self->nl, 2 + i, NULL));
}

TEST_F(colo, set_changes_timeout_and_keeps_it_when_absent_or_invalid)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, group_set(_metadata, &self->nl, 5, 250, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);

	/* SET without a timeout changes nothing */
	ASSERT_EQ(0, group_set(_metadata, &self->nl, 5, 0, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);

	/* out of range: refused, value kept */
	EXPECT_NE(0, group_set(_metadata, &self->nl, 5,
			       COLO_TIMEOUT_MS_MAX + 1, &ack));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 5, &g, NULL));
	EXPECT_EQ(250U, g.timeout_ms);
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);

	EXPECT_EQ(0, group_del(_metadata, &self->nl, 5, NULL));
}

TEST_F(colo, new_existing_id_fails_eexist_with_extack_and_keeps_group)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 6, 111, NULL));
	EXPECT_EQ(-EEXIST, group_new(_metadata, &self->nl, 6, 222, &ack));
	EXPECT_TRUE(strstr(ack.msg, "already exists") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	ASSERT_EQ(0, group_get(_metadata, &self->nl, 6, &g, NULL));
	EXPECT_EQ(111U, g.timeout_ms);
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 6, NULL));
}

TEST_F(colo, del_missing_group_fails_enoent_with_extack)
{
	struct ack ack;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_del(_metadata, &self->nl, 7, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* and a second DEL of a deleted group */
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 7, 0, NULL));
	ASSERT_EQ(0, group_del(_metadata, &self->nl, 7, NULL));
	EXPECT_EQ(-ENOENT, group_del(_metadata, &self->nl, 7, NULL));
}

TEST_F(colo, get_missing_group_fails_enoent_with_extack)
{
	struct ack ack;
	struct group_reply g;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 8, &g, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);
}

TEST_F(colo, set_missing_group_fails_enoent_and_creates_nothing)
{
	struct ack ack;

	NEED_FAMILY();
	EXPECT_EQ(-ENOENT, group_set(_metadata, &self->nl, 9, 500, &ack));
	EXPECT_TRUE(strstr(ack.msg, "does not exist") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, request_without_id_fails_einval_naming_missing_attr)
{
	static const __u8 cmds[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_DEL,
		COLO_CMD_GROUP_GET, COLO_CMD_GROUP_SET,
	};
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} reply;
	struct ack ack;
	struct req r;
	unsigned int i;

	NEED_FAMILY();
	for (i = 0; i < sizeof(cmds); i++) {
		req_init(&r, colo.id, cmds[i]);
		req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
		EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack,
					   &reply.nlh, sizeof(reply)))
			TH_LOG("cmd %u", cmds[i]);
		EXPECT_EQ(COLO_A_GROUP_ID, ack.miss_type)
			TH_LOG("cmd %u: NLMSGERR_ATTR_MISS_TYPE", cmds[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, id_zero_is_rejected_by_policy_pointing_at_the_id)
{
	static const __u8 cmds[] = {
		COLO_CMD_GROUP_NEW, COLO_CMD_GROUP_GET,
	};
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} reply;
	struct ack ack;
	struct req r;
	unsigned int i;
	int off, err;

	NEED_FAMILY();
	for (i = 0; i < sizeof(cmds); i++) {
		req_init(&r, colo.id, cmds[i]);
		off = req_put_u32(&r, COLO_A_GROUP_ID, 0);
		err = genl_do(_metadata, &self->nl, &r, &ack, &reply.nlh,
			      sizeof(reply));
		EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
			TH_LOG("cmd %u: %d", cmds[i], err);
		EXPECT_EQ(off, ack.offs) TH_LOG("cmd %u: NLMSGERR_ATTR_OFFS",
						cmds[i]);
		EXPECT_NE(0, ack.msg[0]) TH_LOG("cmd %u: no extack message",
						cmds[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, timeout_out_of_range_is_rejected_and_creates_nothing)
{
	static const __u32 bad[] = { 0, COLO_TIMEOUT_MS_MAX + 1, 0xffffffff };
	struct ack ack;
	struct req r;
	unsigned int i;
	int off, err;

	NEED_FAMILY();
	for (i = 0; i < 3; i++) {
		req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
		req_put_u32(&r, COLO_A_GROUP_ID, 10);
		off = req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, bad[i]);
		err = genl_do(_metadata, &self->nl, &r, &ack, NULL, 0);
		EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
			TH_LOG("timeout %u: %d", bad[i], err);
		EXPECT_EQ(off, ack.offs) TH_LOG("timeout %u: NLMSGERR_ATTR_OFFS",
						bad[i]);
	}
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, read_only_attributes_are_rejected_on_input)
{
	struct group_reply g;
	struct ack ack;
	struct req r;
	int off, nest;

	NEED_FAMILY();
	/* NEW + STATE */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u8(&r, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);

	/* NEW + ACTIONS */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u32(&r, COLO_A_GROUP_ACTIONS, 3);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);

	/* NEW + STATS { PRIMARY_PACKETS 5 } */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	nest = req_nest_start(&r, COLO_A_GROUP_STATS);
	req_put(&r, COLO_A_STATS_PRIMARY_PACKETS,
		&(__u64){ 5 }, sizeof(__u64));
	req_nest_end(&r, nest);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(nest, ack.offs);

	EXPECT_EQ(0, group_count(_metadata, &self->nl));

	/* SET + STATE on an existing group changes nothing */
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 11, 0, NULL));
	req_init(&r, colo.id, COLO_CMD_GROUP_SET);
	req_put_u32(&r, COLO_A_GROUP_ID, 11);
	off = req_put_u8(&r, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 11, &g, NULL));
	EXPECT_EQ(COLO_STATE_PASSTHROUGH, g.state);
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 11, NULL));
}

TEST_F(colo, unknown_attribute_types_are_rejected_and_create_nothing)
{
	/* UNSPEC, PAD (no input policy), past the max, far past it */
	static const __u16 types[] = {
		COLO_A_GROUP_UNSPEC, COLO_A_GROUP_PAD,
		COLO_A_GROUP_MAX + 1, 200,
	};
	struct ack ack;
	struct req r;
	unsigned int i;
	int off;

	NEED_FAMILY();
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
		req_put_u32(&r, COLO_A_GROUP_ID, 12);
		off = req_put_u32(&r, types[i], 1);
		EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack,
					   NULL, 0))
			TH_LOG("attribute type %u", types[i]);
		EXPECT_EQ(off, ack.offs) TH_LOG("attribute type %u: %s",
						types[i], ack.msg);
	}

	/* a u32 flagged as a nest */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put_u32(&r, COLO_A_GROUP_ID | NLA_F_NESTED, 12);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, truncated_or_misshapen_attributes_are_rejected)
{
	struct ack ack;
	struct req r;
	int off;

	NEED_FAMILY();
	/* u32 id with a 2-byte payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put(&r, COLO_A_GROUP_ID, "\x0d\x00", 2);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	/* u32 id with an 8-byte payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	off = req_put(&r, COLO_A_GROUP_ID, &(__u64){ 13 }, 8);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_EQ(off, ack.offs) TH_LOG("%s", ack.msg);

	/* the message ends 2 bytes into the timeout's payload */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 13);
	req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
	r.nlh.nlmsg_len -= 2;
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	/* an attribute header claiming less than a header */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_put_u32(&r, COLO_A_GROUP_ID, 13);
	off = req_put_u32(&r, COLO_A_GROUP_TIMEOUT_MS, 1000);
	((struct nlattr *)(r.buf + off))->nla_len = 2;
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, bad_genl_header_or_legacy_flags_are_rejected)
{
	struct ack ack;
	struct req r;

	NEED_FAMILY();
	/* genlmsghdr.reserved must be 0 (strict family: resv_start_op 0) */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	req_genl(&r)->reserved = 1;
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_TRUE(strstr(ack.msg, "reserved") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* rtnetlink-style NLM_F_CREATE | NLM_F_EXCL mean nothing here */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	r.nlh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));
	EXPECT_TRUE(strstr(ack.msg, "nlmsg_flags") != NULL)
		TH_LOG("extack: \"%s\"", ack.msg);

	/* shorter than a genl header */
	req_init(&r, colo.id, COLO_CMD_GROUP_NEW);
	r.nlh.nlmsg_len = NLMSG_LENGTH(2);
	EXPECT_EQ(-EINVAL, genl_do(_metadata, &self->nl, &r, &ack, NULL, 0));

	/* commands the family does not have */
	req_init(&r, colo.id, COLO_CMD_UNSPEC);
	EXPECT_EQ(-EOPNOTSUPP, genl_do(_metadata, &self->nl, &r, &ack,
				       NULL, 0));
	req_init(&r, colo.id, COLO_CMD_MAX + 1);
	req_put_u32(&r, COLO_A_GROUP_ID, 14);
	EXPECT_EQ(-EOPNOTSUPP, genl_do(_metadata, &self->nl, &r, &ack,
				       NULL, 0));

	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, dump_lists_exactly_the_groups_created_each_once)
{
	static const __u32 made[] = { 3, 70000, 0xffffffff };
	unsigned int i, j, seen;
	__u32 ids[16];
	int n;

	NEED_FAMILY();
	EXPECT_EQ(0, group_dump(_metadata, &self->nl, ids, 16, NULL))
		TH_LOG("a new namespace has no groups");

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, made[i], 0, NULL));
	n = group_dump(_metadata, &self->nl, ids, 16, NULL);
	ASSERT_EQ(3, n);
	for (i = 0; i < 3; i++) {
		for (seen = 0, j = 0; j < 3; j++)
			seen += ids[j] == made[i];
		EXPECT_EQ(1U, seen) TH_LOG("group %u", made[i]);
	}

	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, group_del(_metadata, &self->nl, made[i], NULL));
	EXPECT_EQ(0, group_dump(_metadata, &self->nl, ids, 16, NULL));
}

/* The per-namespace limit (COLO_MAX_GROUPS in the module). */
#define MANY	256

TEST_F_TIMEOUT(colo, namespace_full_of_groups_dumps_each_once_and_refuses_more, 300)
{
	static __u32 ids[2 * MANY];
	unsigned char seen[MANY] = {};
	int i, n, datagrams, dups = 0;
	struct ack ack;

	NEED_FAMILY();
	/* ids 1, 8, 15, ...: sparse, so resuming by id is exercised */
	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, group_new(_metadata, &self->nl, 1 + 7 * i, 0, NULL))
			TH_LOG("group %d", 1 + 7 * i);
	EXPECT_EQ(-ENOSPC, group_new(_metadata, &self->nl, 1 + 7 * MANY, 0,
				     &ack));
	EXPECT_NE(NULL, strstr(ack.msg, "too many groups"))
		TH_LOG("extack \"%s\"", ack.msg);

	n = group_dump(_metadata, &self->nl, ids, 2 * MANY, &datagrams);
	for (i = 0; i < n; i++) {
		__u32 k = (ids[i] - 1) / 7;

		ASSERT_TRUE((ids[i] - 1) % 7 == 0 && k < MANY)
			TH_LOG("dumped id %u was never created", ids[i]);
		if (seen[k]++)
			dups++;
	}
	EXPECT_EQ(0, dups) TH_LOG("groups dumped more than once");
	ASSERT_EQ(MANY, n);
	for (i = 0; i < MANY; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("group %d", 1 + 7 * i);
	EXPECT_LE(2, datagrams) TH_LOG("%d groups fit one datagram?", MANY);

	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, group_del(_metadata, &self->nl, 1 + 7 * i, NULL));
	EXPECT_EQ(0, group_count(_metadata, &self->nl));
}

TEST_F(colo, group_in_one_netns_is_invisible_in_another)
{
	struct family there;
	struct nl other = { .fd = -1 };
	struct group_reply g;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 42, 1111, NULL));

	/* self->nl stays in namespace A; "other" is opened in B */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&other));
	ASSERT_EQ(0, family_get(_metadata, &other, COLO_FAMILY_NAME, NULL,
				&there));
	EXPECT_EQ(colo.id, there.id);

	EXPECT_EQ(-ENOENT, group_get(_metadata, &other, 42, &g, NULL));
	EXPECT_EQ(-ENOENT, group_set(_metadata, &other, 42, 5, NULL));
	EXPECT_EQ(-ENOENT, group_del(_metadata, &other, 42, NULL));
	EXPECT_EQ(0, group_count(_metadata, &other));

	/* the same id is free in B and independent of A's */
	ASSERT_EQ(0, group_new(_metadata, &other, 42, 2222, NULL));
	ASSERT_EQ(0, group_get(_metadata, &other, 42, &g, NULL));
	EXPECT_EQ(2222U, g.timeout_ms);
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 42, &g, NULL));
	EXPECT_EQ(1111U, g.timeout_ms);

	ASSERT_EQ(0, group_del(_metadata, &other, 42, NULL));
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 42, &g, NULL));
	EXPECT_EQ(1111U, g.timeout_ms);
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 42, NULL));
	nl_close(&other);
}

struct unpriv_result {
	int new_err, set_err, del_err, get_err, dump_n;
	__u32 get_timeout;
};

TEST_F(colo, unprivileged_user_can_read_but_not_change_groups)
{
	struct unpriv_result *res = shared_page(_metadata);
	struct group_reply g;
	pid_t pid;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 50, 4000, NULL));

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl nl;
		struct group_reply cg;

		if (nl_open(&nl))
			_exit(3);
		res->new_err = group_new(_metadata, &nl, 51, 0, NULL);
		res->set_err = group_set(_metadata, &nl, 50, 9, NULL);
		res->del_err = group_del(_metadata, &nl, 50, NULL);
		res->get_err = group_get(_metadata, &nl, 50, &cg, NULL);
		res->get_timeout = res->get_err ? 0 : cg.timeout_ms;
		res->dump_n = group_count(_metadata, &nl);
		_exit(0);
	}
	wait_child(_metadata, pid);
	EXPECT_EQ(-EPERM, res->new_err);
	EXPECT_EQ(-EPERM, res->set_err);
	EXPECT_EQ(-EPERM, res->del_err);
	EXPECT_EQ(0, res->get_err);
	EXPECT_EQ(4000U, res->get_timeout);
	EXPECT_EQ(1, res->dump_n);

	/* nothing changed */
	ASSERT_EQ(0, group_get(_metadata, &self->nl, 50, &g, NULL));
	EXPECT_EQ(4000U, g.timeout_ms);
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 51, &g, NULL));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 50, NULL));
}

struct userns_result {
	int unshare_err;
	int new_b, get_b, count_b, del_b;	/* own netns: allowed */
	int new_a, set_a, del_a;		/* parent's netns: not */
};

TEST_F(colo, user_namespace_root_manages_groups_only_in_its_own_netns)
{
	struct userns_result *res = shared_page(_metadata);
	struct group_reply g;
	pid_t pid;

	NEED_FAMILY();
	ASSERT_EQ(0, group_new(_metadata, &self->nl, 60, 4000, NULL));

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl a, b;
		struct group_reply cg;

		/* a: in the test's netns, owned by the initial user ns */
		if (nl_open(&a))
			_exit(3);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			res->unshare_err = -errno;
			_exit(0);
		}
		/* b: in a netns owned by our new user ns */
		if (nl_open(&b))
			_exit(3);
		res->new_b = group_new(_metadata, &b, 61, 0, NULL);
		res->get_b = group_get(_metadata, &b, 61, &cg, NULL);
		res->count_b = group_count(_metadata, &b);
		res->del_b = group_del(_metadata, &b, 61, NULL);
		res->new_a = group_new(_metadata, &a, 62, 0, NULL);
		res->set_a = group_set(_metadata, &a, 60, 9, NULL);
		res->del_a = group_del(_metadata, &a, 60, NULL);
		_exit(0);
	}
	wait_child(_metadata, pid);
	if (res->unshare_err) {
		EXPECT_EQ(0, group_del(_metadata, &self->nl, 60, NULL));
		SKIP(return, "unprivileged user namespaces unavailable: %s",
		     strerror(-res->unshare_err));
	}
	EXPECT_EQ(0, res->new_b);
	EXPECT_EQ(0, res->get_b);
	EXPECT_EQ(1, res->count_b);
	EXPECT_EQ(0, res->del_b);
	EXPECT_EQ(-EPERM, res->new_a);
	EXPECT_EQ(-EPERM, res->set_a);
	EXPECT_EQ(-EPERM, res->del_a);

	ASSERT_EQ(0, group_get(_metadata, &self->nl, 60, &g, NULL));
	EXPECT_EQ(4000U, g.timeout_ms);
	EXPECT_EQ(-ENOENT, group_get(_metadata, &self->nl, 62, &g, NULL));
	EXPECT_EQ(1, group_count(_metadata, &self->nl));
	EXPECT_EQ(0, group_del(_metadata, &self->nl, 60, NULL));
}

struct join_result {
	int colo_join, colo_bind;
	int mptcp_join;		/* 1: no mptcp_pm events group to probe */
};

TEST_F(colo, unprivileged_user_cannot_join_events_mcgrp)
{
	struct join_result *res = shared_page(_metadata);
	struct family mptcp;
	struct nl root = { .fd = -1 };
	pid_t pid;

	NEED_FAMILY();
	/* Does this kernel enforce GENL_MCAST_CAP_NET_ADMIN at all? */
	if (family_get(_metadata, &self->nl, MPTCP_FAMILY, MPTCP_EVENTS,
		       &mptcp))
		mptcp.grp_id = 0;

	/* root may join */
	ASSERT_EQ(0, nl_open(&root));
	EXPECT_EQ(0, mcast_join(root.fd, colo.grp_id));
	nl_close(&root);

	pid = fork_as_nobody(_metadata);
	if (!pid) {
		struct nl nl;

		if (nl_open(&nl))
			_exit(3);
		res->colo_join = mcast_join(nl.fd, colo.grp_id);
		nl_close(&nl);
		if (nl_open(&nl))
			_exit(3);
		res->colo_bind = colo.grp_id <= 32 ?
				 mcast_bind(nl.fd, colo.grp_id) : -EPERM;
		nl_close(&nl);
		res->mptcp_join = 1;
		if (mptcp.grp_id) {
			if (nl_open(&nl))
				_exit(3);
			res->mptcp_join = mcast_join(nl.fd, mptcp.grp_id);
		}
		_exit(0);
	}
	wait_child(_metadata, pid);

	if (res->colo_join == 0 && res->mptcp_join != -EPERM)
		SKIP(return,
		     "kernel without GENL_MCAST_CAP_NET_ADMIN: anyone may listen (mptcp_pm probe: %d)",
		     res->mptcp_join);
	EXPECT_EQ(-EPERM, res->colo_join)
		TH_LOG("the kernel refuses nobody on mptcp_pm_events but colo's events group lets nobody in");
	EXPECT_EQ(-EPERM, res->colo_bind) TH_LOG("join by bind(nl_groups)");
}

TEST_HARNESS_MAIN
