// SPDX-License-Identifier: GPL-2.0
/*
 * A fake "colo" generic netlink family for testing coloctl on a host
 * without the module: an LD_PRELOAD library that takes over the process's
 * NETLINK_GENERIC sockets and answers like the kernel side is specified in
 * include/uapi/linux/colo.h (nlctrl family lookup, GROUP_NEW/SET/DEL with
 * acks and extended acks, GROUP_GET do and multi-part dump, FLOW_GET
 * dump, the protocol steps and FAILOVER with the kernel's state machine
 * (CHECKPOINT_DONE is retired: EOPNOTSUPP), and the "events" multicast
 * group).
 *
 * Environment:
 *   COLO_FAKE_GROUPS  "ID:STATE:TIMEOUT:ACTIONS[:SCAN:FLOW_LIMIT:GROUP_LIMIT:
 *                     MAX_FLOWS[:CKPT_TIMEOUT:STEP:REASON:FAILED_OVER]],..."
 *                     the existing groups (default "7:1:500:0,1:0:3000:2");
 *                     with 8 fields the group also reports its parameters
 *                     and the comparator's stats, with 12 its protocol
 *                     state (STEP 255: none) and the protocol's stats
 *   COLO_FAKE_FLOWS   "PRESET,..." the flows FLOW_GET dumps for any group
 *                     (see flow_presets[]; "many:N" is N TCP flows)
 *   COLO_FAKE_EVENTS  "PRESET,..." what a member of the events group
 *                     receives (see put_event(); "kreqID" also moves
 *                     comparing group ID to checkpoint, as the kernel
 *                     does); "@idle" delays the rest until the process
 *                     waits for ever with nothing queued (a kernel request
 *                     while the agent is idle); then, once it waits so
 *                     queued, with COLO_FAKE_MODE "selfint"/"selfterm" the
 *                     process signals itself, "recverr" recvmsg() fails
 *                     with EIO, else recvmsg() waits for a signal.  Steps
 *                     and group changes that succeed are multicast to every
 *                     socket of the process in the events group
 *   COLO_FAKE_LOG     a file: each colo request is appended as one line
 *                     ("new id=2 mode=1 timeout=100")
 *   COLO_FAKE_MODE    comma-separated words:
 *                     "missing"  the family does not exist (ENOENT)
 *                     "eperm"    every colo command fails with EPERM
 *                     "noextack" errors come without extended ack
 *                     "hostile"  dump replies carry a truncated attribute
 *                     "intr"     every dump is flagged NLM_F_DUMP_INTR
 *                     "dumperr"  the dump ends with NLMSG_DONE -EMSGSIZE
 *                     "repeat"   the dump sends its last group again and
 *                                again, never ending (a resume bug)
 *                     "nomcgrp"  the family has no multicast group
 *                     "joineperm" joining the events group fails (EPERM)
 *                     "noctrl"   nlctrl cannot be resolved
 *
 * It is test code: a few sockets of one process, replies queued in
 * memory, each socket's fd a pipe that is readable while it has some.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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
#define FAKE_EVENTS_GRP	9
#define MAX_GROUPS	1024
#define MAX_QUEUE	4096
#define DGRAM_SIZE	8192

struct group {
	uint32_t id, timeout, actions;
	uint8_t state;
	bool params;		/* a comparator kernel: the 8-field form */
	bool proto;		/* a protocol kernel: the 12-field form */
	uint32_t scan, flow_limit, group_limit, max_flows, ckpt_timeout;
	uint8_t step, reason;	/* step 255: none */
	bool failed_over;
};

static struct group groups[MAX_GROUPS];
static int n_groups;

/*
 * A socket: its fd is the read end of a pipe that holds one byte while
 * datagrams are queued, so that poll() works; the datagrams themselves
 * are in memory.  Requests are answered on their socket, events go to
 * every socket of the process that joined the events group.
 */
struct fsock {
	int fd, wfd;		/* -1: free */
	bool ready;		/* the byte is in the pipe */
	bool ext_ack;
	char *queue[MAX_QUEUE];
	size_t queue_len[MAX_QUEUE];
	int q_head, q_tail;
	struct nlmsghdr endless;	/* a dump that never ends, or type 0 */
	bool joined_events, joined_ctrl, events_built;
};

#define MAX_SOCKS 8
static struct fsock socks[MAX_SOCKS];
static struct fsock *cur;	/* the socket being served */

static struct fsock *fsock_of(int fd)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++)
		if (socks[i].fd >= 0 && socks[i].fd == fd)
			return &socks[i];
	return NULL;
}

/* The pipe's byte says whether anything is queued (or must be read). */
static void sync_ready(struct fsock *s, bool force)
{
	bool want = force || s->q_head < s->q_tail || s->endless.nlmsg_type;
	char c = 0;

	if (want && !s->ready)
		s->ready = write(s->wfd, &c, 1) == 1;
	else if (!want && s->ready)
		s->ready = read(s->fd, &c, 1) != 1;
}

static const char *mode(void)
{
	const char *m = getenv("COLO_FAKE_MODE");

	return m ? m : "";
}

/* Is @name one of the comma-separated words of COLO_FAKE_MODE? */
static bool has_mode(const char *name)
{
	const char *m = mode(), *p;
	size_t n = strlen(name);

	for (p = m; (p = strstr(p, name)); p += n)
		if ((p == m || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
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
		unsigned int st, step = 255, reason = 0, failed = 0;

		int n = sscanf(tok, "%u:%u:%u:%u:%u:%u:%u:%u:%u:%u:%u:%u",
			       &g->id, &st, &g->timeout, &g->actions, &g->scan,
			       &g->flow_limit, &g->group_limit, &g->max_flows,
			       &g->ckpt_timeout, &step, &reason, &failed);

		if (n == 4 || n == 8 || n == 12) {
			g->state = (uint8_t)st;
			g->params = n >= 8;
			g->proto = n == 12;
			g->step = (uint8_t)step;
			g->reason = (uint8_t)reason;
			g->failed_over = failed;
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

/* A datagram for recvmsg(); length 0: recvmsg() fails with ENOBUFS. */
static void enqueue(char *buf, size_t len)
{
	if (cur->q_tail >= MAX_QUEUE)
		abort();
	cur->queue[cur->q_tail] = buf;
	cur->queue_len[cur->q_tail++] = len;
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
	if (cur->ext_ack && error && !has_mode("noextack")) {
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

	if (has_mode("hostile")) {
		struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, g->id);
		a->nla_len = 64;	/* runs past the message */
		return;
	}
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, g->id);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, g->state);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_TIMEOUT_MS, g->timeout);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ACTIONS, g->actions);
	if (g->params) {
		mnl_attr_put_u32(nlh, COLO_A_GROUP_SCAN_MS, g->scan);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_FLOW_LIMIT, g->flow_limit);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_GROUP_LIMIT, g->group_limit);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_MAX_FLOWS, g->max_flows);
	}
	if (g->proto) {
		mnl_attr_put_u32(nlh, COLO_A_GROUP_CKPT_TIMEOUT_MS,
				 g->ckpt_timeout);
		if (g->state == COLO_STATE_CHECKPOINT) {
			if (g->step != 255)
				mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, g->step);
			mnl_attr_put_u8(nlh, COLO_A_GROUP_REASON, g->reason);
		}
		if (g->failed_over)
			mnl_attr_put(nlh, COLO_A_GROUP_FAILED_OVER, 0, NULL);
	}
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
	if (g->params) {
		mnl_attr_put_u64(nlh, COLO_A_STATS_COMPARED, g->id * 10ULL - 2);
		mnl_attr_put_u64(nlh, COLO_A_STATS_MISCOMPARES, 1);
		mnl_attr_put_u64(nlh, COLO_A_STATS_CHECKPOINTS, 2);
		mnl_attr_put_u64(nlh, COLO_A_STATS_TIMEOUTS, 1);
		mnl_attr_put_u64(nlh, COLO_A_STATS_FLOWS, 3);
		mnl_attr_put_u64(nlh, COLO_A_STATS_SECONDARY_HELD, 4);
		mnl_attr_put_u64(nlh, COLO_A_STATS_SECONDARY_DROPPED, 5);
		mnl_attr_put_u64(nlh, 200, 6);	/* from a newer kernel */
	}
	if (g->proto) {
		mnl_attr_put_u64(nlh, COLO_A_STATS_CHECKPOINTS_DONE, 7);
		mnl_attr_put_u64(nlh, COLO_A_STATS_FAILOVERS, 8);
	}
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
	bool ctrl;
	size_t off = 0;
	char *d;

	mnl_attr_for_each(attr, req, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME)
			name = mnl_attr_get_str(attr);
	ctrl = name && !strcmp(name, "nlctrl") && !has_mode("noctrl");
	if (!ctrl && (!name || strcmp(name, COLO_FAMILY_NAME) ||
		      has_mode("missing"))) {
		send_err(req, -ENOENT, NULL, -1, -1);
		return;
	}
	d = dgram_new();
	nlh = put_msg(d, &off, req, CTRL_CMD_NEWFAMILY, 0);
	nlh->nlmsg_type = GENL_ID_CTRL;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID,
			 ctrl ? GENL_ID_CTRL : FAKE_FAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, COLO_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, COLO_A_GROUP_MAX);
	if (ctrl || !has_mode("nomcgrp")) {
		grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
		grp = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME,
				  ctrl ? "notify" : COLO_MCGRP_EVENTS);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID,
				 ctrl ? GENL_ID_CTRL : FAKE_EVENTS_GRP);
		mnl_attr_nest_end(nlh, grp);
		mnl_attr_nest_end(nlh, grps);
	}
	enqueue(d, nlh->nlmsg_len);
	send_err(req, 0, NULL, -1, -1);
}

/* ---- flows ---- */

struct flow {
	uint16_t ethertype, vlan, port_a, port_b;
	uint8_t proto;
	int addr_len;			/* 0: no address attributes */
	uint8_t a[16], b[16];
	bool ports, state, closed;
	uint32_t pq, sq, held, idle;
};

static void v4(uint8_t *a, uint8_t last)
{
	memset(a, 0, 16);
	a[0] = 10;
	a[3] = last;
}

static void v6(uint8_t *a, uint8_t last)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = last;
}

/*
 * A flow preset by name, @state: with queues and idle time.  Returns false
 * for an unknown name.  Hostile presets write broken attributes.
 */
static void put_flow_nest(struct nlmsghdr *nlh, const char *name, bool state);

static bool flow_preset(const char *name, struct flow *f)
{
	memset(f, 0, sizeof(*f));
	f->ethertype = 0x0800;
	f->addr_len = 4;
	v4(f->a, 1);
	v4(f->b, 2);
	if (!strcmp(name, "tcp4") || !strcmp(name, "tcp4vlan")) {
		f->proto = 6;
		f->ports = true;
		f->port_a = 43210;
		f->port_b = 7000;
		f->state = true;
		f->pq = 2;
		f->held = 4352;
		f->idle = 120;
		f->closed = true;
		if (name[4]) {
			f->vlan = 5;
			f->port_a = 80;
			f->closed = false;
		}
	} else if (!strcmp(name, "udp6")) {
		f->ethertype = 0x86dd;
		f->addr_len = 16;
		v6(f->a, 1);
		v6(f->b, 2);
		f->proto = 17;
		f->ports = true;
		f->port_a = 53;
		f->port_b = 5353;
		f->state = true;
		f->sq = 1;
		f->idle = 5;
	} else if (!strcmp(name, "icmp4")) {
		f->proto = 1;
		f->ports = true;
		f->port_a = 77;
		f->state = true;
	} else if (!strcmp(name, "icmp6")) {
		f->ethertype = 0x86dd;
		f->addr_len = 16;
		v6(f->a, 0x10);
		v6(f->b, 0x20);
		f->proto = 58;
		f->ports = true;
		f->port_a = 9;
		f->vlan = 4095;
	} else if (!strcmp(name, "arp")) {
		f->ethertype = 0x0806;
		f->addr_len = 0;
		f->state = true;
		f->pq = 1;
		f->sq = 1;
		f->held = 768;
	} else if (!strcmp(name, "arpaddr")) {	/* zero addresses sent */
		f->ethertype = 0x0806;
		memset(f->a, 0, 16);
		memset(f->b, 0, 16);
	} else if (!strcmp(name, "gre")) {
		v4(f->a, 3);
		v4(f->b, 4);
		f->proto = 47;
		f->ports = true;	/* sent, both 0 */
		f->state = true;
	} else if (!strcmp(name, "sctp")) {
		v4(f->a, 7);
		f->proto = 132;
		f->ports = true;
		f->port_a = 9;
		f->port_b = 0;
	} else if (!strcmp(name, "minimal")) {
		v4(f->a, 5);
		v4(f->b, 6);
		f->proto = 0xff;	/* no PROTO attribute */
	} else {
		return false;
	}
	return true;
}

static void put_flow(struct nlmsghdr *nlh, const struct flow *f)
{
	if (f->ethertype)
		mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, f->ethertype);
	if (f->proto != 0xff)
		mnl_attr_put_u8(nlh, COLO_A_FLOW_PROTO, f->proto);
	mnl_attr_put_u16(nlh, COLO_A_FLOW_VLAN, f->vlan);
	if (f->addr_len) {
		mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A, (size_t)f->addr_len, f->a);
		mnl_attr_put(nlh, COLO_A_FLOW_ADDR_B, (size_t)f->addr_len, f->b);
	}
	if (f->ports) {
		mnl_attr_put_u16(nlh, COLO_A_FLOW_PORT_A, f->port_a);
		mnl_attr_put_u16(nlh, COLO_A_FLOW_PORT_B, f->port_b);
	}
	if (f->state) {
		mnl_attr_put_u32(nlh, COLO_A_FLOW_PRIMARY_QUEUED, f->pq);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_SECONDARY_QUEUED, f->sq);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_HELD_BYTES, f->held);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_IDLE_MS, f->idle);
		if (f->closed)
			mnl_attr_put(nlh, COLO_A_FLOW_CLOSED, 0, NULL);
	}
}

static void put_flow_nest(struct nlmsghdr *nlh, const char *name, bool state)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
	struct nlattr *a;
	struct flow f;

	nest->nla_type |= NLA_F_NESTED;
	if (flow_preset(name, &f)) {
		f.state = f.state && state;
		put_flow(nlh, &f);
	} else if (!strcmp(name, "future")) {	/* newer kernel: skipped */
		flow_preset("tcp4", &f);
		f.state = state;
		put_flow(nlh, &f);
		mnl_attr_put_u32(nlh, 200, 1);
	} else {
		flow_preset("tcp4", &f);
		f.state = state;
		if (!strcmp(name, "shortaddr") || !strcmp(name, "longaddr")) {
			f.addr_len = name[0] == 's' ? 3 : 5;
		} else if (!strcmp(name, "noether")) {
			f.ethertype = 0;
		} else if (!strcmp(name, "oneaddr")) {
			f.addr_len = 0;
			mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A, 4, f.a);
		} else if (!strcmp(name, "mixaddr")) {
			f.addr_len = 0;
			mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A, 4, f.a);
			mnl_attr_put(nlh, COLO_A_FLOW_ADDR_B, 16, f.b);
		} else if (!strcmp(name, "badtype")) {
			f.ports = false;
			mnl_attr_put_u32(nlh, COLO_A_FLOW_PORT_A, 1);
		} else if (!strcmp(name, "badclosed")) {
			f.closed = false;
			mnl_attr_put_u8(nlh, COLO_A_FLOW_CLOSED, 1);
		}
		put_flow(nlh, &f);
		if (!strcmp(name, "badnest")) {
			a = mnl_nlmsg_get_payload_tail(nlh);
			mnl_attr_put_u16(nlh, COLO_A_FLOW_PORT_B, 1);
			a->nla_len = 200;	/* past the nest and the message */
		}
	}
	mnl_attr_nest_end(nlh, nest);
}

static void do_flow_dump(const struct nlmsghdr *req, uint32_t id)
{
	const char *env = getenv("COLO_FAKE_FLOWS");
	char *list = strdup(env ? env : ""), *tok, *save = NULL;
	struct nlmsghdr *nlh;
	size_t off = 0;
	char *d = dgram_new();
	unsigned int i, many;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		many = 1;
		if (!strncmp(tok, "many:", 5))
			many = (unsigned int)atoi(tok + 5);
		for (i = 0; i < many; i++) {
			if (off + 512 > DGRAM_SIZE) {	/* next datagram */
				enqueue(d, off);
				d = dgram_new();
				off = 0;
			}
			nlh = put_msg(d, &off, req, COLO_CMD_FLOW_GET,
				      NLM_F_MULTI);
			if (!strcmp(tok, "othergroup"))
				mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, id + 1);
			else if (strcmp(tok, "nogroupid"))
				mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, id);
			if (!strncmp(tok, "many:", 5)) {
				struct nlattr *nest;
				struct flow f;

				flow_preset("tcp4", &f);
				f.a[1] = (uint8_t)(i >> 8);
				f.a[2] = (uint8_t)i;
				nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
				put_flow(nlh, &f);
				mnl_attr_nest_end(nlh, nest);
			} else if (!strcmp(tok, "two")) {	/* 2 in 1 message */
				put_flow_nest(nlh, "udp6", true);
				put_flow_nest(nlh, "arp", true);
			} else if (strcmp(tok, "noflow")) {
				put_flow_nest(nlh, !strcmp(tok, "othergroup") ||
					      !strcmp(tok, "dup") ? "tcp4" :
					      !strcmp(tok, "nogroupid") ? "udp6" :
					      tok, true);
			}
			if (!strcmp(tok, "dup")) {	/* the same flow again */
				off += MNL_ALIGN(nlh->nlmsg_len);
				nlh = put_msg(d, &off, req, COLO_CMD_FLOW_GET,
					      NLM_F_MULTI);
				mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, id);
				put_flow_nest(nlh, "tcp4", true);
			}
			off += MNL_ALIGN(nlh->nlmsg_len);
		}
	}
	free(list);
	nlh = mnl_nlmsg_put_header(d + off);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	off += nlh->nlmsg_len;
	enqueue(d, off);
}

/* A dump that fails at its start: NLMSG_DONE with the error and ext ack. */
static void dump_err(const struct nlmsghdr *req, int error, const char *msg)
{
	char *d = dgram_new();
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = error;
	if (cur->ext_ack && !has_mode("noextack")) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	enqueue(d, nlh->nlmsg_len);
}

/* ---- events ---- */

static struct nlmsghdr *event_msg(char *d, size_t *off, uint16_t type,
				  uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d + *off);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = type;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = COLO_FAMILY_VERSION;
	return nlh;
}

static void put_request(char *d, size_t *off, uint32_t group, int reason,
			const char *flow, bool state)
{
	struct nlmsghdr *nlh = event_msg(d, off, FAKE_FAMILY,
					 COLO_CMD_CHECKPOINT_REQUEST);

	if (group)
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, group);
	if (reason >= 0)
		mnl_attr_put_u8(nlh, COLO_A_GROUP_REASON, (uint8_t)reason);
	if (flow)
		put_flow_nest(nlh, flow, state);
	*off += MNL_ALIGN(nlh->nlmsg_len);
}

/* A protocol or group event; -1: the attribute is left out. */
static void put_step(char *d, size_t *off, uint8_t cmd, uint32_t group,
		     int state, int step, int reason, long long size,
		     bool failed, const char *flow)
{
	struct nlmsghdr *nlh = event_msg(d, off, FAKE_FAMILY, cmd);

	if (group)
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, group);
	if (state >= 0)
		mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, (uint8_t)state);
	if (step >= 0)
		mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, (uint8_t)step);
	if (reason >= 0)
		mnl_attr_put_u8(nlh, COLO_A_GROUP_REASON, (uint8_t)reason);
	if (size >= 0)
		mnl_attr_put_u64(nlh, COLO_A_GROUP_VMSTATE_SIZE,
				 (uint64_t)size);
	if (failed)
		mnl_attr_put(nlh, COLO_A_GROUP_FAILED_OVER, 0, NULL);
	if (flow)
		put_flow_nest(nlh, flow, false);
	*off += MNL_ALIGN(nlh->nlmsg_len);
}

/* Appends event preset @name to datagram @d; false if it is unknown. */
static bool put_event(const char *name, char *d, size_t *off)
{
	struct nlmsghdr *nlh;

	const int CP = COLO_STATE_CHECKPOINT, MIS = COLO_REASON_MISCOMPARE;

	if (!strncmp(name, "kreq", 4)) {	/* "kreqID": the kernel asks */
		struct group *g = find((uint32_t)atoi(name + 4));

		if (!g || g->state != COLO_STATE_COMPARING)
			return true;
		g->state = COLO_STATE_CHECKPOINT;
		g->step = COLO_MSG_CHECKPOINT_REQUEST;
		g->reason = COLO_REASON_MISCOMPARE;
		put_step(d, off, COLO_CMD_CHECKPOINT_REQUEST, g->id, CP,
			 COLO_MSG_CHECKPOINT_REQUEST, MIS, -1, false, "tcp4");
	} else if (!strcmp(name, "steps")) {	/* one whole transaction */
		put_step(d, off, COLO_CMD_CHECKPOINT_READY, 1,
			 COLO_STATE_COMPARING, -1, -1, -1, false, NULL);
		put_step(d, off, COLO_CMD_CHECKPOINT_REQUEST, 1, CP,
			 COLO_MSG_CHECKPOINT_REQUEST, MIS, -1, false, "tcp4");
		put_step(d, off, COLO_CMD_CHECKPOINT_REPLY, 1, CP,
			 COLO_MSG_CHECKPOINT_REPLY, MIS, -1, false, NULL);
		put_step(d, off, COLO_CMD_VMSTATE_SEND, 1, CP,
			 COLO_MSG_VMSTATE_SEND, MIS, -1, false, NULL);
		put_step(d, off, COLO_CMD_VMSTATE_SIZE, 1, CP,
			 COLO_MSG_VMSTATE_SIZE, MIS, 1ll << 33, false, NULL);
		put_step(d, off, COLO_CMD_VMSTATE_RECEIVED, 1, CP,
			 COLO_MSG_VMSTATE_RECEIVED, MIS, -1, false, NULL);
		put_step(d, off, COLO_CMD_VMSTATE_LOADED, 1,
			 COLO_STATE_COMPARING, -1, -1, -1, false, NULL);
	} else if (!strcmp(name, "failover")) {
		put_step(d, off, COLO_CMD_FAILOVER, 1, COLO_STATE_PASSTHROUGH,
			 -1, COLO_REASON_STALLED, -1, true, NULL);
		put_step(d, off, COLO_CMD_FAILOVER, 2, COLO_STATE_PASSTHROUGH,
			 -1, COLO_REASON_MANUAL, -1, true, NULL);
	} else if (!strcmp(name, "groups")) {
		put_step(d, off, COLO_CMD_GROUP_NEW, 2, COLO_STATE_PASSTHROUGH,
			 -1, -1, -1, false, NULL);
		put_step(d, off, COLO_CMD_GROUP_SET, 2, COLO_STATE_PASSTHROUGH,
			 -1, -1, -1, true, NULL);
		put_step(d, off, COLO_CMD_GROUP_DEL, 2, -1, -1, -1, -1, false,
			 NULL);
	} else if (!strcmp(name, "badsize")) {	/* u32 where u64 is due */
		nlh = event_msg(d, off, FAKE_FAMILY, COLO_CMD_VMSTATE_SIZE);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_VMSTATE_SIZE, 1);
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "stepnogroup")) {
		put_step(d, off, COLO_CMD_VMSTATE_LOADED, 0,
			 COLO_STATE_COMPARING, -1, -1, -1, false, NULL);
	} else if (!strcmp(name, "badstep")) {	/* values a newer kernel sends */
		put_step(d, off, COLO_CMD_CHECKPOINT_REPLY, 1, 7, 9, 12, -1,
			 false, NULL);
	} else if (!strcmp(name, "miscompare"))
		put_request(d, off, 1, COLO_REASON_MISCOMPARE, "tcp4", false);
	else if (!strcmp(name, "timeout"))
		put_request(d, off, 2, COLO_REASON_TIMEOUT, NULL, false);
	else if (!strcmp(name, "memory"))
		put_request(d, off, 3, COLO_REASON_MEMORY, "udp6", false);
	else if (!strcmp(name, "flowlimit"))
		put_request(d, off, 1, COLO_REASON_FLOW_LIMIT, "icmp4", false);
	else if (!strcmp(name, "fullflow"))
		put_request(d, off, 1, COLO_REASON_MISCOMPARE, "tcp4", true);
	else if (!strcmp(name, "vlan"))
		put_request(d, off, 4294967295U, COLO_REASON_NONE, "tcp4vlan", false);
	else if (!strcmp(name, "arp"))
		put_request(d, off, 1, COLO_REASON_MISCOMPARE, "arp", false);
	else if (!strcmp(name, "reason9"))
		put_request(d, off, 1, 9, NULL, false);
	else if (!strcmp(name, "noreason"))
		put_request(d, off, 1, -1, NULL, false);
	else if (!strcmp(name, "nogroup"))
		put_request(d, off, 0, COLO_REASON_MISCOMPARE, NULL, false);
	else if (!strcmp(name, "badflow"))
		put_request(d, off, 1, COLO_REASON_MISCOMPARE, "badnest", false);
	else if (!strcmp(name, "shortaddr"))
		put_request(d, off, 1, COLO_REASON_MISCOMPARE, "shortaddr", false);
	else if (!strcmp(name, "pair")) {
		put_request(d, off, 5, COLO_REASON_TIMEOUT, NULL, false);
		put_request(d, off, 6, COLO_REASON_MEMORY, "icmp6", false);
	} else if (!strcmp(name, "badattr")) {
		nlh = event_msg(d, off, FAKE_FAMILY,
				COLO_CMD_CHECKPOINT_REQUEST);
		mnl_attr_put_u16(nlh, COLO_A_GROUP_ID, 1);	/* u32 wanted */
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "unknown")) {
		nlh = event_msg(d, off, FAKE_FAMILY, 42);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
		mnl_attr_put_u32(nlh, 250, 1);		/* newer attribute */
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "unknown-bare")) {
		nlh = event_msg(d, off, FAKE_FAMILY, 43);
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "headless")) {	/* no genl header */
		nlh = mnl_nlmsg_put_header(d + *off);
		nlh->nlmsg_type = FAKE_FAMILY;
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "foreign")) {	/* another family: ignored */
		nlh = event_msg(d, off, FAKE_FAMILY + 1, 1);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "trunc")) {	/* garbage after an event */
		put_request(d, off, 7, COLO_REASON_TIMEOUT, NULL, false);
		memset(d + *off, 0xff, 8);
		*off += 8;
	} else if (!strcmp(name, "ctrl-other") || !strcmp(name, "unload")) {
		bool ours = name[0] == 'u';

		if (!cur->joined_ctrl)
			return true;
		nlh = event_msg(d, off, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID,
				 ours ? FAKE_FAMILY : FAKE_FAMILY + 1);
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
				  ours ? COLO_FAMILY_NAME : "other");
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else if (!strcmp(name, "ctrl-new")) {	/* another notification */
		if (!cur->joined_ctrl)
			return true;
		nlh = event_msg(d, off, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
		*off += MNL_ALIGN(nlh->nlmsg_len);
	} else {
		return false;
	}
	return true;
}

/* Rounds of COLO_FAKE_EVENTS ("@idle" separates them) already built. */
static int idle_rounds;

/*
 * The events of round @round: the ones before the first "@idle", or
 * after the @round-th.  False if there is no such round.
 */
static bool build_round(int round)
{
	const char *env = getenv("COLO_FAKE_EVENTS");
	char *list = strdup(env ? env : ""), *tok, *save = NULL;
	int at = 0;
	bool any = round == 0;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *d;
		size_t off = 0;

		if (!strcmp(tok, "@idle")) {
			if (++at == round)
				any = true;
			continue;
		}
		if (at != round)
			continue;
		d = dgram_new();

		if (!strcmp(tok, "lost")) {
			free(d);
			enqueue(NULL, 0);
			continue;
		}
		if (!put_event(tok, d, &off))
			abort();	/* a typo in the test */
		if (off)
			enqueue(d, off);
		else
			free(d);
	}
	free(list);
	return any;
}

static void build_events(void)
{
	build_round(0);
	cur->events_built = true;
}

/* ---- requests ---- */

static void log_request(const struct nlmsghdr *req)
{
	static const char *const cmds[] = {
		[COLO_CMD_GROUP_NEW] = "new", [COLO_CMD_GROUP_DEL] = "del",
		[COLO_CMD_GROUP_GET] = "get", [COLO_CMD_GROUP_SET] = "set",
		[COLO_CMD_FLOW_GET] = "flows",
		[COLO_CMD_CHECKPOINT_DONE] = "checkpoint-done",
		[COLO_CMD_CHECKPOINT_READY] = "ready",
		[COLO_CMD_CHECKPOINT_REQUEST] = "request",
		[COLO_CMD_CHECKPOINT_REPLY] = "reply",
		[COLO_CMD_VMSTATE_SEND] = "vmstate-send",
		[COLO_CMD_VMSTATE_SIZE] = "vmstate-size",
		[COLO_CMD_VMSTATE_RECEIVED] = "vmstate-received",
		[COLO_CMD_VMSTATE_LOADED] = "vmstate-loaded",
		[COLO_CMD_FAILOVER] = "failover",
	};
	static const char *const names[COLO_A_GROUP_MAX + 1] = {
		[COLO_A_GROUP_ID] = "id", [COLO_A_GROUP_MODE] = "mode",
		[COLO_A_GROUP_TIMEOUT_MS] = "timeout",
		[COLO_A_GROUP_SCAN_MS] = "scan",
		[COLO_A_GROUP_FLOW_LIMIT] = "flow_limit",
		[COLO_A_GROUP_GROUP_LIMIT] = "group_limit",
		[COLO_A_GROUP_MAX_FLOWS] = "max_flows",
		[COLO_A_GROUP_VMSTATE_SIZE] = "vmstate_size",
		[COLO_A_GROUP_CKPT_TIMEOUT_MS] = "ckpt_timeout",
	};
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);
	const char *path = getenv("COLO_FAKE_LOG");
	const struct nlattr *attr;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	if (gh->cmd < sizeof(cmds) / sizeof(cmds[0]) && cmds[gh->cmd])
		fputs(cmds[gh->cmd], f);
	else
		fprintf(f, "cmd%u", gh->cmd);
	if (req->nlmsg_flags & NLM_F_DUMP)
		fputs(" dump", f);
	mnl_attr_for_each(attr, req, GENL_HDRLEN) {
		uint16_t type = mnl_attr_get_type(attr);
		uint16_t len = mnl_attr_get_payload_len(attr);
		unsigned long long v = 0;

		if (type <= COLO_A_GROUP_MAX && names[type])
			fprintf(f, " %s", names[type]);
		else
			fprintf(f, " attr%u", type);
		if (len == 1)
			v = mnl_attr_get_u8(attr);
		else if (len == 4)
			v = mnl_attr_get_u32(attr);
		else if (len == 8)
			v = mnl_attr_get_u64(attr);
		fprintf(f, "=%llu%s", v,
			len == 1 ? "/u8" : len == 8 ? "/u64" : "");
	}
	fputc('\n', f);
	fclose(f);
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
		if (has_mode("intr") && i == n_groups / 2)
			nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
		put_group(nlh, &groups[i]);
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	if (has_mode("repeat") && n_groups) {
		cur->endless = *req;		/* recvmsg() goes on forever */
		enqueue(d, off);
		return;
	}
	nlh = mnl_nlmsg_put_header(d + off);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) =
		has_mode("dumperr") ? -EMSGSIZE : 0;
	off += nlh->nlmsg_len;
	enqueue(d, off);
}

/* The kernel's policy for one request attribute: 0 or an error sent. */
static int check_attr(const struct nlmsghdr *req, const struct nlattr *attr)
{
	int offs = (int)((const char *)attr - (const char *)req);
	uint16_t len = mnl_attr_get_payload_len(attr);
	uint32_t v = len == 4 ? mnl_attr_get_u32(attr) : 0;
	uint32_t min = 0, max = UINT32_MAX;

	switch (mnl_attr_get_type(attr)) {
	case COLO_A_GROUP_ID:
		min = 1;
		break;
	case COLO_A_GROUP_MODE:
		if (len != 1 || mnl_attr_get_u8(attr) > COLO_STATE_COMPARING) {
			send_err(req, -ERANGE, "integer out of range", offs, -1);
			return -1;
		}
		return 0;
	case COLO_A_GROUP_TIMEOUT_MS:
		min = 1;
		max = COLO_TIMEOUT_MS_MAX;
		break;
	case COLO_A_GROUP_SCAN_MS:
		min = COLO_SCAN_MS_MIN;
		max = COLO_SCAN_MS_MAX;
		break;
	case COLO_A_GROUP_FLOW_LIMIT:
	case COLO_A_GROUP_GROUP_LIMIT:
		min = COLO_LIMIT_MIN;
		break;
	case COLO_A_GROUP_MAX_FLOWS:
		min = 1;
		max = COLO_MAX_FLOWS_MAX;
		break;
	case COLO_A_GROUP_CKPT_TIMEOUT_MS:
		min = COLO_CKPT_TIMEOUT_MS_MIN;
		max = COLO_CKPT_TIMEOUT_MS_MAX;
		break;
	case COLO_A_GROUP_VMSTATE_SIZE:
		if (len != 8) {
			send_err(req, -ERANGE, "Attribute failed policy validation",
				 offs, -1);
			return -1;
		}
		return 0;
	default:
		send_err(req, -EINVAL, "Unknown attribute type", offs, -1);
		return -1;
	}
	if (len != 4) {
		send_err(req, -ERANGE, "Attribute failed policy validation",
			 offs, -1);
		return -1;
	}
	if (v < min || v > max) {
		send_err(req, -ERANGE, "integer out of range", offs, -1);
		return -1;
	}
	return 0;
}

/* The kernel's protocol state machine; 0, or an error was sent. */
static int proto_step(const struct nlmsghdr *req, struct group *g,
		      uint8_t cmd)
{
	static const char *const names[] = {
		"checkpoint-ready", "checkpoint-request", "checkpoint-reply",
		"vmstate-send", "vmstate-size", "vmstate-received",
		"vmstate-loaded",
	};
	static const uint8_t cmds[] = {
		COLO_CMD_CHECKPOINT_READY, COLO_CMD_CHECKPOINT_REQUEST,
		COLO_CMD_CHECKPOINT_REPLY, COLO_CMD_VMSTATE_SEND,
		COLO_CMD_VMSTATE_SIZE, COLO_CMD_VMSTATE_RECEIVED,
		COLO_CMD_VMSTATE_LOADED,
	};
	unsigned int got = 0, expected;
	char msg[128];

	if (cmd == COLO_CMD_FAILOVER) {
		if (g->state == COLO_STATE_PASSTHROUGH) {
			send_err(req, -EPROTO,
				 "colo_compare: unexpected failover: the group is in passthrough",
				 -1, -1);
			return -1;
		}
		g->state = COLO_STATE_PASSTHROUGH;
		g->failed_over = true;
		g->step = 255;
		return 0;
	}
	while (cmds[got] != cmd)
		got++;
	if (g->state == COLO_STATE_PASSTHROUGH)
		expected = 0;
	else if (g->state == COLO_STATE_COMPARING)
		expected = 1;
	else
		expected = g->step == 255 ? 2 : g->step + 1u;
	if (got != expected) {
		snprintf(msg, sizeof(msg),
			 "colo_compare: unexpected %s, expected %s", names[got],
			 expected < 7 ? names[expected] : "?");
		send_err(req, -EPROTO, msg, -1, -1);
		return -1;
	}
	if (got == 0) {
		g->state = COLO_STATE_COMPARING;
		g->failed_over = false;
	} else if (got == 6) {
		g->state = COLO_STATE_COMPARING;
		g->step = 255;
	} else {
		g->state = COLO_STATE_CHECKPOINT;
		g->step = (uint8_t)got;
		if (got == 1)
			g->reason = COLO_REASON_MANUAL;
	}
	return 0;
}

static void multicast(uint8_t cmd, const struct group *g, uint64_t size);

static void do_colo(const struct nlmsghdr *req)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);
	const struct nlattr *attr, *id_attr = NULL;
	bool has_size = false;
	uint64_t size = 0;
	char msg[128];
	struct group *g;
	uint32_t id = 0;

	log_request(req);
	mnl_attr_for_each(attr, req, GENL_HDRLEN) {
		if (check_attr(req, attr))
			return;
		if (mnl_attr_get_type(attr) == COLO_A_GROUP_ID) {
			id_attr = attr;
			id = mnl_attr_get_u32(attr);
		}
		if (mnl_attr_get_type(attr) == COLO_A_GROUP_VMSTATE_SIZE) {
			has_size = true;
			size = mnl_attr_get_u64(attr);
		}
	}
	if (gh->reserved || gh->version != COLO_FAMILY_VERSION) {
		send_err(req, -EINVAL, "bad genl header", -1, -1);
		return;
	}
	if (has_mode("eperm") && gh->cmd != COLO_CMD_GROUP_GET &&
	    gh->cmd != COLO_CMD_FLOW_GET) {
		send_err(req, -EPERM, NULL, -1, -1);
		return;
	}
	if (gh->cmd == COLO_CMD_GROUP_GET && (req->nlmsg_flags & NLM_F_DUMP)) {
		do_dump(req);
		return;
	}
	if (gh->cmd == COLO_CMD_FLOW_GET && !(req->nlmsg_flags & NLM_F_DUMP)) {
		send_err(req, -EOPNOTSUPP, NULL, -1, -1);
		return;
	}
	if (!id_attr) {
		send_err(req, -EINVAL, "Missing attribute", -1, COLO_A_GROUP_ID);
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
	case COLO_CMD_CHECKPOINT_READY:
	case COLO_CMD_CHECKPOINT_REQUEST:
	case COLO_CMD_CHECKPOINT_REPLY:
	case COLO_CMD_VMSTATE_SEND:
	case COLO_CMD_VMSTATE_SIZE:
	case COLO_CMD_VMSTATE_RECEIVED:
	case COLO_CMD_VMSTATE_LOADED:
	case COLO_CMD_FAILOVER:
		if (!g) {
			send_err(req, -ENOENT, NULL, -1, -1);
			return;
		}
		if (gh->cmd == COLO_CMD_VMSTATE_SIZE && !has_size) {
			send_err(req, -EINVAL, "Missing attribute", -1,
				 COLO_A_GROUP_VMSTATE_SIZE);
			return;
		}
		if (proto_step(req, g, gh->cmd))
			return;
		send_err(req, 0, NULL, -1, -1);
		multicast(gh->cmd, g, size);
		return;
	case COLO_CMD_FLOW_GET:
		if (!g) {
			snprintf(msg, sizeof(msg), "group %u does not exist", id);
			dump_err(req, -ENOENT, msg);
		} else {
			do_flow_dump(req, id);
		}
		return;
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
	if (gh->cmd == COLO_CMD_GROUP_NEW || gh->cmd == COLO_CMD_GROUP_SET ||
	    gh->cmd == COLO_CMD_GROUP_DEL) {
		struct group tmp = { .id = id, .step = 255 };

		if (g)
			tmp = *g;
		multicast(gh->cmd, &tmp, 0);
	}
}

/* ---- the socket calls ---- */

/* What nobody read (the monitor stopped early): not a leak of coloctl. */
__attribute__((destructor)) static void drop_queue(void)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		cur = &socks[i];
		while (cur->q_head < cur->q_tail)
			free(cur->queue[cur->q_head++]);
	}
}

__attribute__((constructor)) static void init_socks(void)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++)
		socks[i].fd = socks[i].wfd = -1;
	cur = &socks[0];
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

/*
 * Events are built for the sockets that joined the events group when the
 * process first waits or sends anything after joining (a kernel request
 * preset then changes its group before the agent reads it).
 */
static void build_pending(void)
{
	struct fsock *saved = cur;
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		if (socks[i].fd < 0 || !socks[i].joined_events ||
		    socks[i].events_built)
			continue;
		cur = &socks[i];
		build_events();
		sync_ready(cur, false);
	}
	cur = saved;
}

/* A request that succeeded, as the kernel multicasts it. */
static void multicast(uint8_t cmd, const struct group *g, uint64_t size)
{
	struct fsock *saved = cur;
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		size_t off = 0;
		char *d;
		bool cp = g->state == COLO_STATE_CHECKPOINT;

		if (socks[i].fd < 0 || !socks[i].joined_events)
			continue;
		cur = &socks[i];
		d = dgram_new();
		put_step(d, &off, cmd, g->id, cmd == COLO_CMD_GROUP_DEL ? -1 :
			 g->state, cp && g->step != 255 ? g->step : -1,
			 cp || cmd == COLO_CMD_FAILOVER ? g->reason : -1,
			 cmd == COLO_CMD_VMSTATE_SIZE ? (long long)size : -1,
			 g->failed_over, NULL);
		enqueue(d, off);
		sync_ready(cur, false);
	}
	cur = saved;
}

int socket(int domain, int type, int protocol)
{
	int fd, p[2], i;

	if (domain != AF_NETLINK)
		return REAL(socket)(domain, type, protocol);
	if (protocol != NETLINK_GENERIC) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	for (i = 0; i < MAX_SOCKS && socks[i].fd >= 0; i++)
		;
	if (i == MAX_SOCKS || pipe2(p, O_CLOEXEC)) {
		errno = EMFILE;
		return -1;
	}
	fd = p[0];
	cur = &socks[i];
	memset(cur, 0, sizeof(*cur));
	cur->fd = fd;
	cur->wfd = p[1];
	if (!n_groups)
		load_groups();
	(void)type;
	return fd;
}

int close(int fd)
{
	struct fsock *s = fsock_of(fd);

	if (s) {
		struct fsock *saved = cur;

		cur = s;
		while (cur->q_head < cur->q_tail)
			free(cur->queue[cur->q_head++]);
		cur = saved;
		REAL(close)(s->wfd);
		s->fd = s->wfd = -1;
	}
	return REAL(close)(fd);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!fsock_of(fd))
		return REAL(bind)(fd, addr, len);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl snl = {
		.nl_family = AF_NETLINK,
		.nl_pid = FAKE_PORTID,
	};

	if (!fsock_of(fd))
		return REAL(getsockname)(fd, addr, len);
	if (*len < sizeof(snl)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(addr, &snl, sizeof(snl));
	*len = sizeof(snl);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct fsock *s = fsock_of(fd);

	if (!s)
		return REAL(setsockopt)(fd, level, name, val, len);
	cur = s;
	if (level == SOL_NETLINK && name == NETLINK_EXT_ACK)
		cur->ext_ack = *(const int *)val;
	if (level == SOL_NETLINK && name == NETLINK_ADD_MEMBERSHIP) {
		unsigned int grp = *(const unsigned int *)val;

		if (grp == FAKE_EVENTS_GRP && has_mode("joineperm")) {
			errno = EPERM;
			return -1;
		}
		if (grp == FAKE_EVENTS_GRP)
			cur->joined_events = true;
		else if (grp == GENL_ID_CTRL)
			cur->joined_ctrl = true;
		else {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *addr, socklen_t alen)
{
	const struct nlmsghdr *req = buf;
	struct fsock *s = fsock_of(fd);

	if (!s)
		return REAL(sendto)(fd, buf, len, flags, addr, alen);
	build_pending();
	cur = s;
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
	sync_ready(cur, false);
	return (ssize_t)len;
}

/* Nothing queued on any socket that listens: what the test waits for. */
static bool all_quiet(void)
{
	bool any = false;
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		if (socks[i].fd < 0 || !socks[i].joined_events)
			continue;
		any = true;
		if (socks[i].q_head < socks[i].q_tail)
			return false;
	}
	return any;
}

/*
 * Waiting for ever with nothing queued: signal ourselves (selfint,
 * selfterm), or let the next recvmsg() fail (recverr).
 */
static void before_wait(bool forever)
{
	int i;

	build_pending();
	if (!forever || !all_quiet())
		return;
	/* the next round of events, to the first listener (one round
	 * changes groups once) */
	for (i = 0; i < MAX_SOCKS; i++) {
		struct fsock *saved = cur;
		bool built;

		if (socks[i].fd < 0 || !socks[i].joined_events)
			continue;
		cur = &socks[i];
		built = build_round(idle_rounds + 1);
		sync_ready(cur, false);
		cur = saved;
		if (built) {
			idle_rounds++;
			return;
		}
		break;
	}
	if (has_mode("recverr")) {
		for (i = 0; i < MAX_SOCKS; i++)
			if (socks[i].fd >= 0 && socks[i].joined_events)
				sync_ready(&socks[i], true);
	} else if (has_mode("selfint")) {
		raise(SIGINT);
	} else if (has_mode("selfterm")) {
		raise(SIGTERM);
	}
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	before_wait(timeout < 0);
	return REAL(poll)(fds, n, timeout);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	  const sigset_t *mask)
{
	before_wait(!ts);
	return REAL(ppoll)(fds, n, ts, mask);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct fsock *s = fsock_of(fd);
	size_t len, n;

	if (!s)
		return REAL(recvmsg)(fd, msg, flags);
	build_pending();
	cur = s;
	if (cur->q_head == cur->q_tail && cur->endless.nlmsg_type) {
		size_t off = 0;
		char *d = dgram_new();
		struct nlmsghdr *nlh = put_msg(d, &off, &cur->endless,
					       COLO_CMD_GROUP_GET, NLM_F_MULTI);

		put_group(nlh, &groups[n_groups - 1]);
		cur->q_head = cur->q_tail = 0;
		enqueue(d, nlh->nlmsg_len);
	}
	if (cur->q_head == cur->q_tail && cur->joined_events) {
		sigset_t none;

		/* Nothing more: what a listener would wait for. */
		if (has_mode("recverr")) {
			sync_ready(cur, false);
			errno = EIO;
			return -1;
		}
		if (has_mode("selfint"))
			raise(SIGINT);
		else if (has_mode("selfterm"))
			raise(SIGTERM);
		sigemptyset(&none);
		sigsuspend(&none);
		errno = EINTR;
		return -1;
	}
	if (cur->q_head == cur->q_tail) {
		errno = EAGAIN;		/* would block for ever */
		return -1;
	}
	if (!cur->queue_len[cur->q_head]) {	/* events were lost */
		cur->q_head++;
		sync_ready(cur, false);
		errno = ENOBUFS;
		return -1;
	}
	len = cur->queue_len[cur->q_head];
	n = len < msg->msg_iov[0].iov_len ? len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, cur->queue[cur->q_head], n);
	msg->msg_flags = n < len ? MSG_TRUNC : 0;
	if (msg->msg_name && msg->msg_namelen >= sizeof(snl)) {
		memcpy(msg->msg_name, &snl, sizeof(snl));
		msg->msg_namelen = sizeof(snl);
	}
	free(cur->queue[cur->q_head++]);
	sync_ready(cur, false);
	return (ssize_t)n;
}
