// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink over libmnl: socket, nlctrl family resolution, requests,
 * dumps, attribute parsing and extended ack errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "genl.h"
#include "utils.h"

#define DUMP_TRIES 3

/* ---- attributes ---- */

static int walk(const void *payload, size_t len, genl_attr_cb cb, void *data)
{
	const struct nlattr *attr = payload;
	size_t rem = len;
	int err;

	while (rem) {
		size_t alen, step;

		if (rem < sizeof(*attr))
			return -EBADMSG;	/* bytes that are no attribute */
		alen = attr->nla_len;
		if (alen < sizeof(*attr) || alen > rem)
			return -EBADMSG;
		err = cb(attr, data);
		if (err)
			return err;
		step = MNL_ALIGN(alen);
		if (step >= rem)
			break;		/* the last one, maybe unpadded */
		rem -= step;
		attr = (const struct nlattr *)((const char *)attr + step);
	}
	return 0;
}

int genl_for_each_nested(const struct nlattr *nest, genl_attr_cb cb,
			 void *data)
{
	return walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest),
		    cb, data);
}

int genl_for_each_attr(const struct nlmsghdr *nlh, genl_attr_cb cb,
		       void *data)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	return walk((const char *)nlh + hdr, nlh->nlmsg_len - hdr, cb, data);
}

struct parse_ctx {
	const struct nlattr **tb;
	unsigned int max;
	const enum mnl_attr_data_type *policy;
};

static int parse_one(const struct nlattr *attr, void *data)
{
	const struct parse_ctx *p = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (!type || type > p->max)
		return 0;	/* unknown to us: from a newer kernel */
	if (p->policy && p->policy[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, p->policy[type]) < 0)
		return -EBADMSG;
	p->tb[type] = attr;
	return 0;
}

int genl_parse_payload(const void *payload, size_t len,
		       const struct nlattr **tb, unsigned int max,
		       const enum mnl_attr_data_type *policy)
{
	struct parse_ctx p = { .tb = tb, .max = max, .policy = policy };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return walk(payload, len, parse_one, &p);
}

int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max, const enum mnl_attr_data_type *policy)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);

	if (nlh->nlmsg_len < hdr) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EBADMSG;
	}
	return genl_parse_payload((const char *)nlh + hdr,
				  nlh->nlmsg_len - hdr, tb, max, policy);
}

int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max, const enum mnl_attr_data_type *policy)
{
	return genl_parse_payload(mnl_attr_get_payload(nest),
				  mnl_attr_get_payload_len(nest), tb, max,
				  policy);
}

/* ---- requests ---- */

void genl_req_init(struct genl_req *req, uint16_t family, uint8_t cmd,
		   uint8_t version, const char *const *attr_names,
		   size_t n_attr_names)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(req, 0, sizeof(*req));
	nlh = mnl_nlmsg_put_header(req->u.buf);
	nlh->nlmsg_type = family;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	req->attr_names = attr_names;
	req->n_attr_names = n_attr_names;
}

void genl_req_put_u8(struct genl_req *req, uint16_t type, uint8_t v)
{
	if (!mnl_attr_put_u8_check(&req->u.nlh, sizeof(req->u), type, v))
		req->overflow = true;
}

void genl_req_put_u32(struct genl_req *req, uint16_t type, uint32_t v)
{
	if (!mnl_attr_put_u32_check(&req->u.nlh, sizeof(req->u), type, v))
		req->overflow = true;
}

void genl_req_put_u64(struct genl_req *req, uint16_t type, uint64_t v)
{
	if (!mnl_attr_put_u64_check(&req->u.nlh, sizeof(req->u), type, v))
		req->overflow = true;
}

void genl_req_put_strz(struct genl_req *req, uint16_t type, const char *s)
{
	if (!mnl_attr_put_strz_check(&req->u.nlh, sizeof(req->u), type, s))
		req->overflow = true;
}

/* ---- errors ---- */

static void ext_clear(struct genl_ext_ack *ext)
{
	memset(ext, 0, sizeof(*ext));
	ext->attr = -1;
	ext->missing = -1;
}

static const char *attr_name(const struct genl_req *req, int type)
{
	if (!req || type < 0 || (size_t)type >= req->n_attr_names ||
	    !req->attr_names)
		return NULL;
	return req->attr_names[type];
}

/* The type of the top-level attribute of @req at byte @off, or -1. */
static int req_attr_at(const struct genl_req *req, uint32_t off)
{
	const struct nlmsghdr *nlh = &req->u.nlh;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		size_t start = (size_t)((const char *)attr - (const char *)nlh);

		if (off >= start && off < start + attr->nla_len)
			return mnl_attr_get_type(attr);
	}
	return -1;
}

static void parse_ext_ack(const void *payload, size_t len,
			  const struct genl_req *req, struct genl_ext_ack *ext)
{
	static const enum mnl_attr_data_type policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = MNL_TYPE_NUL_STRING,
		[NLMSGERR_ATTR_OFFS] = MNL_TYPE_U32,
		[NLMSGERR_ATTR_MISS_TYPE] = MNL_TYPE_U32,
		[NLMSGERR_ATTR_MISS_NEST] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t i;

	if (genl_parse_payload(payload, len, tb, NLMSGERR_ATTR_MAX, policy))
		return;		/* a mangled ext ack: keep the error code */

	if (tb[NLMSGERR_ATTR_MSG]) {
		const char *msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);

		/* Printable text only: it goes to a terminal. */
		for (i = 0; i < sizeof(ext->msg) - 1 && msg[i]; i++) {
			unsigned char c = (unsigned char)msg[i];

			ext->msg[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		ext->msg[i] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] && req) {
		ext->attr = req_attr_at(req,
					mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
		ext->attr_name = attr_name(req, ext->attr);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		uint32_t type = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

		ext->missing = type > UINT16_MAX ? -1 : (int)type;
		ext->missing_nested = tb[NLMSGERR_ATTR_MISS_NEST] != NULL;
		if (!ext->missing_nested)
			ext->missing_name = attr_name(req, ext->missing);
	}
}

int genl_parse_error(const struct nlmsghdr *nlh, const struct genl_req *req,
		     struct genl_ext_ack *ext)
{
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t len, off;
	int32_t err;

	ext_clear(ext);
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN)
		return -EBADMSG;
	len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (len < sizeof(err))
			return 0;	/* no error code: a plain end of dump */
		memcpy(&err, payload, sizeof(err));
		off = sizeof(err);
	} else {
		struct nlmsgerr e;

		if (len < sizeof(e))
			return -EBADMSG;
		memcpy(&e, payload, sizeof(e));
		err = e.error;
		off = sizeof(e);
		/* Unless capped, the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off = e.msg.nlmsg_len >= sizeof(e.msg) ?
			      sizeof(err) + (size_t)e.msg.nlmsg_len : len;
	}

	/* Kernel errors are -1..-4095; anything else is not an errno. */
	if (err > 0 || err < -4095)
		err = -EBADMSG;

	off = MNL_ALIGN(off);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < len)
		parse_ext_ack(payload + off, len - off, req, ext);
	return err;
}

void genl_perror(const struct genl_sock *gs, int err, const char *fmt, ...)
{
	const struct genl_ext_ack *ext = &gs->ext;
	char ctx[256], detail[96] = "";
	const char *why, *hint = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);

	why = ext->msg[0] ? ext->msg : strerror(-err);

	if (ext->attr_name)
		snprintf(detail, sizeof(detail), " (attribute %s)",
			 ext->attr_name);
	else if (ext->missing_name)
		snprintf(detail, sizeof(detail), " (missing attribute %s)",
			 ext->missing_name);
	else if (ext->missing >= 0)
		snprintf(detail, sizeof(detail), " (missing%s attribute %d)",
			 ext->missing_nested ? " nested" : "", ext->missing);

	switch (err) {
	case -EPERM:
		hint = " (CAP_NET_ADMIN is required)";
		break;
	case -EOPNOTSUPP:
		hint = " (not supported by the loaded kernel module)";
		break;
	case -EBADMSG:
		if (!ext->msg[0])
			hint = " (malformed reply from the kernel)";
		break;
	case -EINTR:
		hint = " (the dump kept being interrupted by changes; try again)";
		break;
	}

	if (ctx[0])
		pr_err("%s: %s%s%s", ctx, why, detail, hint);
	else
		pr_err("%s%s%s", why, detail, hint);
}

/* ---- socket ---- */

static int sock_open(struct genl_sock *gs)
{
	struct mnl_socket *nl;
	int one = 1, err;

	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	/* Best effort: without them errors are plain errnos. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	gs->nl = nl;
	gs->portid = mnl_socket_get_portid(nl);
	return 0;
}

int genl_open(struct genl_sock *gs)
{
	int err;

	memset(gs, 0, sizeof(*gs));
	ext_clear(&gs->ext);
	gs->rx = malloc(GENL_RX_SIZE);
	if (!gs->rx)
		return -ENOMEM;
	err = sock_open(gs);
	if (err) {
		free(gs->rx);
		gs->rx = NULL;
		return err;
	}
	gs->seq = (uint32_t)time(NULL);
	return 0;
}

void genl_close(struct genl_sock *gs)
{
	if (gs->nl)
		mnl_socket_close(gs->nl);
	gs->nl = NULL;
	free(gs->rx);
	gs->rx = NULL;
}

int genl_join(struct genl_sock *gs, uint32_t group)
{
	if (mnl_socket_setsockopt(gs->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

/* ---- request / reply ---- */

struct run_ctx {
	struct genl_sock *gs;
	const struct genl_req *req;
	genl_msg_cb cb;
	void *data;
	bool dump;
	int err;		/* the first error */
	bool done;		/* the ack or the end of the dump was seen */
};

static int data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *c = arg;
	int err = 0;

	if (c->err)
		return MNL_CB_OK;	/* read on up to the ack, ignoring */
	if (nlh->nlmsg_type != c->req->u.nlh.nlmsg_type ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		err = -EBADMSG;
	else if (c->cb)
		err = c->cb(nlh, c->data);
	if (!err)
		return MNL_CB_OK;
	c->err = err;
	/*
	 * A reply and an ack are soon read, but a broken dump may never end:
	 * stop, and let genl_dump() throw the socket away.
	 */
	return c->dump ? MNL_CB_STOP : MNL_CB_OK;
}

/* NLMSG_ERROR (ack or error) and NLMSG_DONE: the end of the exchange. */
static int end_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *c = arg;
	struct genl_ext_ack ext;
	int err;

	err = genl_parse_error(nlh, c->req, &ext);
	if (err) {
		if (!c->err) {
			c->err = err;
			c->gs->ext = ext;
		}
	} else if (ext.msg[0]) {
		pr_warn("%s", ext.msg);
	}
	c->done = true;
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return MNL_CB_OK;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *c = arg;

	(void)nlh;
	if (!c->err)
		c->err = -EOVERFLOW;
	c->done = true;
	return MNL_CB_STOP;
}

static int send_req(struct genl_sock *gs, struct genl_req *req, uint16_t flags)
{
	struct nlmsghdr *nlh = &req->u.nlh;
	ssize_t ret;

	ext_clear(&gs->ext);
	if (req->overflow)
		return -EMSGSIZE;
	if (++gs->seq == 0)	/* libmnl does not check sequence number 0 */
		gs->seq = 1;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = gs->seq;
	nlh->nlmsg_pid = 0;
	ret = mnl_socket_sendto(gs->nl, nlh, nlh->nlmsg_len);
	if (ret < 0)
		return -errno;
	if ((size_t)ret != nlh->nlmsg_len)
		return -EMSGSIZE;
	return 0;
}

/* Reads the answer to @req; *@done: up to its end (the socket is in step). */
static int run(struct genl_sock *gs, const struct genl_req *req, bool dump,
	       genl_msg_cb cb, void *data, bool *done)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = end_cb,
		[NLMSG_DONE] = end_cb,
		[NLMSG_OVERRUN] = overrun_cb,
	};
	struct run_ctx c = {
		.gs = gs, .req = req, .cb = cb, .data = data, .dump = dump,
	};
	ssize_t n;
	int ret;

	*done = false;
	for (;;) {
		n = mnl_socket_recvfrom(gs->nl, gs->rx, GENL_RX_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;	/* ENOSPC: truncated message */
		}
		errno = 0;
		ret = mnl_cb_run2(gs->rx, (size_t)n, req->u.nlh.nlmsg_seq,
				  gs->portid, data_cb, &c, ctl,
				  MNL_ARRAY_SIZE(ctl));
		if (ret < 0)	/* from libmnl: EINTR = NLM_F_DUMP_INTR */
			return c.err ? c.err : errno ? -errno : -EBADMSG;
		if (c.done || (ret == MNL_CB_STOP && c.err)) {
			*done = c.done;
			return c.err;
		}
	}
}

/* Drops what is left of an answer: a new socket, same family. */
static int reopen(struct genl_sock *gs)
{
	mnl_socket_close(gs->nl);
	gs->nl = NULL;
	return sock_open(gs);
}

int genl_do(struct genl_sock *gs, struct genl_req *req, genl_msg_cb cb,
	    void *data)
{
	bool done;
	int err;

	if (!gs->nl)
		return -EBADF;
	err = send_req(gs, req, NLM_F_ACK);
	if (err)
		return err;
	err = run(gs, req, false, cb, data, &done);
	if (err && !done)
		reopen(gs);	/* on failure the next request sees -EBADF */
	return err;
}

int genl_dump(struct genl_sock *gs, struct genl_req *req, genl_msg_cb cb,
	      genl_reset_cb reset, void *data)
{
	int err = -EINTR, tries;
	bool done = true;

	for (tries = 0; tries < DUMP_TRIES && err == -EINTR; tries++) {
		/* The rest of an interrupted dump is still queued: drop it. */
		if (!done) {
			err = reopen(gs);
			if (err)
				return err;
		}
		if (!gs->nl)
			return -EBADF;
		if (reset)
			reset(data);
		err = send_req(gs, req, NLM_F_DUMP);
		if (err)
			return err;
		err = run(gs, req, true, cb, data, &done);
	}
	if (err && !done)
		reopen(gs);
	return err;
}

/* ---- nlctrl: family resolution ---- */

static int mcgrp_cb(const struct nlattr *entry, void *data)
{
	static const enum mnl_attr_data_type policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = MNL_TYPE_NUL_STRING,
		[CTRL_ATTR_MCAST_GRP_ID] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct genl_family *fam = data;
	struct genl_mcgrp *grp;
	const char *name;
	int err;

	err = genl_parse_nested(entry, tb, CTRL_ATTR_MCAST_GRP_MAX, policy);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
		return -EBADMSG;
	name = mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]);
	if (strlen(name) >= sizeof(grp->name) ||
	    fam->n_mcgrps >= GENL_MAX_MCGRPS)
		return 0;	/* not one we could ask for */
	grp = &fam->mcgrps[fam->n_mcgrps++];
	strcpy(grp->name, name);
	grp->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	static const enum mnl_attr_data_type policy[CTRL_ATTR_MCAST_GROUPS + 1] = {
		[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
		[CTRL_ATTR_FAMILY_NAME] = MNL_TYPE_NUL_STRING,
		[CTRL_ATTR_VERSION] = MNL_TYPE_U32,
		[CTRL_ATTR_HDRSIZE] = MNL_TYPE_U32,
		[CTRL_ATTR_MAXATTR] = MNL_TYPE_U32,
		[CTRL_ATTR_MCAST_GROUPS] = MNL_TYPE_NESTED,
	};
	const struct nlattr *tb[CTRL_ATTR_MCAST_GROUPS + 1];
	struct genl_family *fam = data;
	int err;

	err = genl_parse(nlh, tb, CTRL_ATTR_MCAST_GROUPS, policy);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), fam->name))
		return -EBADMSG;
	fam->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (fam->id < NLMSG_MIN_TYPE)
		return -EBADMSG;
	if (tb[CTRL_ATTR_VERSION])
		fam->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MAXATTR])
		fam->maxattr = mnl_attr_get_u32(tb[CTRL_ATTR_MAXATTR]);
	fam->n_mcgrps = 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		return genl_for_each_nested(tb[CTRL_ATTR_MCAST_GROUPS],
					    mcgrp_cb, fam);
	return 0;
}

int genl_resolve(struct genl_sock *gs, const char *name)
{
	struct genl_family fam = { 0 };
	struct genl_req req;
	int err;

	if (strlen(name) >= sizeof(fam.name))
		return -EINVAL;
	strcpy(fam.name, name);

	genl_req_init(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NULL, 0);
	genl_req_put_strz(&req, CTRL_ATTR_FAMILY_NAME, name);
	err = genl_do(gs, &req, family_cb, &fam);
	if (err)
		return err;
	if (!fam.id)		/* acked without a reply */
		return -EBADMSG;
	gs->family = fam;
	return 0;
}

int genl_mcgrp_id(const struct genl_sock *gs, const char *name, uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < gs->family.n_mcgrps; i++) {
		if (!strcmp(gs->family.mcgrps[i].name, name)) {
			*id = gs->family.mcgrps[i].id;
			return 0;
		}
	}
	return -ENOENT;
}
