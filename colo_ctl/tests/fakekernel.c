// SPDX-License-Identifier: GPL-2.0
/*
 * A fake "colo" generic netlink family for testing coloctl on a host
 * without the module: an LD_PRELOAD library that takes over the process's
 * NETLINK_GENERIC sockets and answers like the kernel side is specified in
 * include/uapi/linux/colo.h (nlctrl family lookup, GROUP_NEW/SET/DEL with
 * acks and extended acks, GROUP_GET do and multi-part dump).
 *
 * Environment:
 *   COLO_FAKE_GROUPS  "ID:STATE:TIMEOUT:ACTIONS,..." the existing groups
 *                     (default "7:1:500:0,1:0:3000:2")
 *   COLO_FAKE_MODE    "missing"  the family does not exist (ENOENT)
 *                     "eperm"    every colo command fails with EPERM
 *                     "noextack" errors come without extended ack
 *                     "hostile"  dump replies carry a truncated attribute
 *                     "intr"     every dump is flagged NLM_F_DUMP_INTR
 *                     "dumperr"  the dump ends with NLMSG_DONE -EMSGSIZE
 *                     "repeat"   the dump sends its last group again and
 *                                again, never ending (a resume bug)
 *
 * It is test code: one socket, replies queued in memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/colo.h>

#define FAKE_FAMILY	0x30
#define FAKE_PORTID	4242
#define MAX_GROUPS	1024
#define MAX_QUEUE	256
#define DGRAM_SIZE	8192

struct group {
	uint32_t id, timeout, actions;
	uint8_t state;
};

static struct group groups[MAX_GROUPS];
static int n_groups;
static int fake_fd = -1;
static bool ext_ack;
static char *queue[MAX_QUEUE];
static size_t queue_len[MAX_QUEUE];
static int q_head, q_tail;
static struct nlmsghdr endless;	/* a dump that never ends, or type 0 */

static const char *mode(void)
{
	const char *m = getenv("COLO_FAKE_MODE");

	return m ? m : "";
}

static void load_groups(void)
{
	const char *env = getenv("COLO_FAKE_GROUPS");
	char *s, *tok, *save = NULL;

	if (!env)
		env = "7:1:500:0,1:0:3000:2";
	s = strdup(env);
	for (tok = strtok_r(s, ",", &save); tok && n_groups < MAX_GROUPS;
	     tok = strtok_r(NULL, ",", &save)) {
		struct group *g = &groups[n_groups];
		unsigned int st;

		if (sscanf(tok, "%u:%u:%u:%u", &g->id, &st, &g->timeout,
			   &g->actions) == 4) {
			g->state = (uint8_t)st;
			n_groups++;
		}
	}
	free(s);
}

static struct group *find(uint32_t id)
{
	int i;

	for (i = 0; i < n_groups; i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

static char *dgram_new(void)
{
	char *d = calloc(1, DGRAM_SIZE);

	if (!d)
		abort();
	return d;
}

static void enqueue(char *buf, size_t len)
{
	if (q_tail >= MAX_QUEUE)
		abort();
	queue[q_tail] = buf;
	queue_len[q_tail++] = len;
}

/* An NLMSG_ERROR answering @req, capped, with optional ext ack. */
static void send_err(const struct nlmsghdr *req, int error, const char *msg,
		     int offs, int miss)
{
	char *d = dgram_new();
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = *req;
	if (ext_ack && error && strcmp(mode(), "noextack")) {
		if (msg || offs >= 0 || miss >= 0)
			nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (msg)
			mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (offs >= 0)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, (uint32_t)offs);
		if (miss >= 0)
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE,
					 (uint32_t)miss);
	}
	enqueue(d, nlh->nlmsg_len);
}

static void put_group(struct nlmsghdr *nlh, const struct group *g)
{
	struct nlattr *nest;

	if (!strcmp(mode(), "hostile")) {
		struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, g->id);
		a->nla_len = 64;	/* runs past the message */
		return;
	}
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, g->id);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, g->state);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_TIMEOUT_MS, g->timeout);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ACTIONS, g->actions);
	nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_STATS);
	nest->nla_type |= NLA_F_NESTED;
	mnl_attr_put(nlh, COLO_A_STATS_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, COLO_A_STATS_PRIMARY_PACKETS, g->id * 10ULL);
	mnl_attr_put_u64(nlh, COLO_A_STATS_SECONDARY_PACKETS, g->id * 10ULL - 1);
	mnl_attr_put_u64(nlh, COLO_A_STATS_RELEASED, g->id * 10ULL);
	mnl_attr_put_u64(nlh, COLO_A_STATS_DROPPED, 0);
	mnl_attr_put_u64(nlh, COLO_A_STATS_HELD_PACKETS, 0);
	mnl_attr_put_u64(nlh, COLO_A_STATS_HELD_BYTES,
			 g->id == 1 ? 0 : 1ULL << 40);
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *put_msg(char *d, size_t *off,
				const struct nlmsghdr *req, uint8_t cmd,
				uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d + *off);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = req->nlmsg_type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = COLO_FAMILY_VERSION;
	return nlh;
}

static void do_getfamily(const struct nlmsghdr *req)
{
	const struct nlattr *attr;
	const char *name = NULL;
	struct nlattr *grps, *grp;
	struct nlmsghdr *nlh;
	size_t off = 0;
	char *d;

	mnl_attr_for_each(attr, req, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME)
			name = mnl_attr_get_str(attr);
	if (!name || strcmp(name, COLO_FAMILY_NAME) ||
	    !strcmp(mode(), "missing")) {
		send_err(req, -ENOENT, NULL, -1, -1);
		return;
	}
	d = dgram_new();
	nlh = put_msg(d, &off, req, CTRL_CMD_NEWFAMILY, 0);
	nlh->nlmsg_type = GENL_ID_CTRL;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, COLO_FAMILY_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, COLO_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, COLO_A_GROUP_MAX);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, COLO_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	enqueue(d, nlh->nlmsg_len);
	send_err(req, 0, NULL, -1, -1);
}

static void do_dump(const struct nlmsghdr *req)
{
	size_t off = 0;
	char *d = dgram_new();
	struct nlmsghdr *nlh;
	int i;

	for (i = 0; i < n_groups; i++) {
		if (off + 256 > DGRAM_SIZE) {	/* next datagram */
			enqueue(d, off);
			d = dgram_new();
			off = 0;
		}
		nlh = put_msg(d, &off, req, COLO_CMD_GROUP_GET, NLM_F_MULTI);
		if (!strcmp(mode(), "intr") && i == n_groups / 2)
			nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
		put_group(nlh, &groups[i]);
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	if (!strcmp(mode(), "repeat") && n_groups) {
		endless = *req;		/* recvmsg() goes on forever */
		enqueue(d, off);
		return;
	}
	nlh = mnl_nlmsg_put_header(d + off);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) =
		!strcmp(mode(), "dumperr") ? -EMSGSIZE : 0;
	off += nlh->nlmsg_len;
	enqueue(d, off);
}

static void do_colo(const struct nlmsghdr *req)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);
	const struct nlattr *attr, *id_attr = NULL, *to_attr = NULL;
	char msg[128];
	struct group *g;
	uint32_t id = 0;

	mnl_attr_for_each(attr, req, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case COLO_A_GROUP_ID:
			id_attr = attr;
			id = mnl_attr_get_u32(attr);
			break;
		case COLO_A_GROUP_TIMEOUT_MS:
			to_attr = attr;
			break;
		default:
			send_err(req, -EINVAL, "Unknown attribute type",
				 (int)((const char *)attr - (const char *)req), -1);
			return;
		}
	}
	if (gh->reserved || gh->version != COLO_FAMILY_VERSION) {
		send_err(req, -EINVAL, "bad genl header", -1, -1);
		return;
	}
	if (!strcmp(mode(), "eperm") && gh->cmd != COLO_CMD_GROUP_GET) {
		send_err(req, -EPERM, NULL, -1, -1);
		return;
	}
	if (gh->cmd == COLO_CMD_GROUP_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		do_dump(req);
		return;
	}
	if (!id_attr) {
		send_err(req, -EINVAL, "Missing attribute", -1, COLO_A_GROUP_ID);
		return;
	}
	if (to_attr && (mnl_attr_get_u32(to_attr) == 0 ||
			mnl_attr_get_u32(to_attr) > COLO_TIMEOUT_MS_MAX)) {
		send_err(req, -ERANGE, "integer out of range",
			 (int)((const char *)to_attr - (const char *)req), -1);
		return;
	}
	g = find(id);
	switch (gh->cmd) {
	case COLO_CMD_GROUP_NEW:
		if (g) {
			snprintf(msg, sizeof(msg), "group %u already exists", id);
			send_err(req, -EEXIST, msg, -1, -1);
			return;
		}
		break;
	case COLO_CMD_GROUP_DEL:
	case COLO_CMD_GROUP_SET:
		if (!g) {
			send_err(req, -ENOENT, NULL, -1, -1);
			return;
		}
		break;
	case COLO_CMD_GROUP_GET:
		if (!g) {
			snprintf(msg, sizeof(msg), "group %u does not exist", id);
			send_err(req, -ENOENT, msg, -1, -1);
			return;
		} else {
			size_t off = 0;
			char *d = dgram_new();
			struct nlmsghdr *nlh = put_msg(d, &off, req,
						       COLO_CMD_GROUP_GET, 0);

			put_group(nlh, g);
			enqueue(d, nlh->nlmsg_len);
		}
		break;
	default:
		send_err(req, -EOPNOTSUPP, NULL, -1, -1);
		return;
	}
	send_err(req, 0, NULL, -1, -1);
}

/* ---- the socket calls ---- */

int socket(int domain, int type, int protocol)
{
	int fd;

	if (domain != AF_NETLINK || protocol != NETLINK_GENERIC) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		fake_fd = fd;
		ext_ack = false;
		q_head = q_tail = 0;
		endless.nlmsg_type = 0;
		if (!n_groups)
			load_groups();
	}
	(void)type;
	return fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)addr;
	(void)len;
	return fd == fake_fd ? 0 : (errno = EBADF, -1);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl snl = {
		.nl_family = AF_NETLINK,
		.nl_pid = FAKE_PORTID,
	};

	if (fd != fake_fd || *len < sizeof(snl)) {
		errno = EBADF;
		return -1;
	}
	memcpy(addr, &snl, sizeof(snl));
	*len = sizeof(snl);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	(void)len;
	if (fd != fake_fd) {
		errno = EBADF;
		return -1;
	}
	if (level == SOL_NETLINK && name == NETLINK_EXT_ACK)
		ext_ack = *(const int *)val;
	return 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *addr, socklen_t alen)
{
	const struct nlmsghdr *req = buf;

	(void)flags;
	(void)addr;
	(void)alen;
	if (fd != fake_fd) {
		errno = EBADF;
		return -1;
	}
	if (len < sizeof(*req) || req->nlmsg_len != len ||
	    !(req->nlmsg_flags & NLM_F_REQUEST)) {
		errno = EINVAL;
		return -1;
	}
	if (req->nlmsg_type == GENL_ID_CTRL)
		do_getfamily(req);
	else if (req->nlmsg_type == FAKE_FAMILY)
		do_colo(req);
	else
		send_err(req, -ENOENT, NULL, -1, -1);
	return (ssize_t)len;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	size_t len, n;

	(void)flags;
	if (fd == fake_fd && q_head == q_tail && endless.nlmsg_type) {
		size_t off = 0;
		char *d = dgram_new();
		struct nlmsghdr *nlh = put_msg(d, &off, &endless,
					       COLO_CMD_GROUP_GET, NLM_F_MULTI);

		put_group(nlh, &groups[n_groups - 1]);
		q_head = q_tail = 0;
		enqueue(d, nlh->nlmsg_len);
	}
	if (fd != fake_fd || q_head == q_tail) {
		errno = fd != fake_fd ? EBADF : EAGAIN;	/* would block forever */
		return -1;
	}
	len = queue_len[q_head];
	n = len < msg->msg_iov[0].iov_len ? len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, queue[q_head], n);
	msg->msg_flags = n < len ? MSG_TRUNC : 0;
	if (msg->msg_name && msg->msg_namelen >= sizeof(snl)) {
		memcpy(msg->msg_name, &snl, sizeof(snl));
		msg->msg_namelen = sizeof(snl);
	}
	free(queue[q_head++]);
	return (ssize_t)n;
}
