/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink over libmnl: the socket, family and multicast group
 * resolution through nlctrl, requests, dumps, replies and kernel errors.
 *
 * Functions return 0 or a negative errno.  Nothing here trusts a length or
 * a type that came from the kernel without checking it.
 */
#ifndef COLOCTL_GENL_H
#define COLOCTL_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#define GENL_RX_SIZE	32768	/* the kernel caps dump skbs to this */
#define GENL_REQ_SIZE	1024
#define GENL_MAX_MCGRPS	16
#define GENL_EXTACK_LEN	256

struct genl_mcgrp {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct genl_family {
	char name[GENL_NAMSIZ];
	uint16_t id;
	uint32_t version;
	uint32_t maxattr;
	unsigned int n_mcgrps;
	struct genl_mcgrp mcgrps[GENL_MAX_MCGRPS];
};

/* What the kernel said about the last request (extended ack). */
struct genl_ext_ack {
	char msg[GENL_EXTACK_LEN];	/* NLMSGERR_ATTR_MSG, "" if none */
	int attr;			/* type of the offending request attribute, or -1 */
	int missing;			/* type of a missing attribute, or -1 */
	bool missing_nested;		/* ... inside a nest */
	const char *attr_name;		/* names of the two above, or NULL */
	const char *missing_name;
};

/*
 * A request.  @attr_names (indexed by attribute type, may be NULL) lets
 * error messages name the attribute the kernel complained about.
 */
struct genl_req {
	union {
		struct nlmsghdr nlh;
		char buf[GENL_REQ_SIZE];
	} u;
	bool overflow;
	const char *const *attr_names;
	size_t n_attr_names;
};

struct genl_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *rx;
	struct genl_family family;	/* filled by genl_resolve() */
	struct genl_ext_ack ext;	/* of the last request */
};

/* Called for each reply message; returns 0 or a negative errno. */
typedef int (*genl_msg_cb)(const struct nlmsghdr *nlh, void *data);
/* Called before each (re)try of a dump: forget what was collected. */
typedef void (*genl_reset_cb)(void *data);

int genl_open(struct genl_sock *gs);
void genl_close(struct genl_sock *gs);

/*
 * Resolves family @name (and its multicast groups) into gs->family.
 * -ENOENT: the kernel does not know it (even after trying to autoload it).
 */
int genl_resolve(struct genl_sock *gs, const char *name);
/* The id of multicast group @name of the resolved family. */
int genl_mcgrp_id(const struct genl_sock *gs, const char *name, uint32_t *id);
int genl_join(struct genl_sock *gs, uint32_t group);

void genl_req_init(struct genl_req *req, uint16_t family, uint8_t cmd,
		   uint8_t version, const char *const *attr_names,
		   size_t n_attr_names);
void genl_req_put_u8(struct genl_req *req, uint16_t type, uint8_t v);
void genl_req_put_u32(struct genl_req *req, uint16_t type, uint32_t v);
void genl_req_put_u64(struct genl_req *req, uint16_t type, uint64_t v);
void genl_req_put_strz(struct genl_req *req, uint16_t type, const char *s);

/*
 * Sends @req with NLM_F_ACK; @cb (may be NULL) sees each reply message.
 * When it fails, the socket is still usable for the next request.
 */
int genl_do(struct genl_sock *gs, struct genl_req *req, genl_msg_cb cb,
	    void *data);
/*
 * Sends @req with NLM_F_DUMP; @cb sees each message.  A dump the kernel
 * flags as interrupted (NLM_F_DUMP_INTR) is retried a few times on a new
 * socket, calling @reset (may be NULL) first; then it fails with -EINTR.
 * The first error @cb returns ends the dump at once (a dump that repeats
 * itself would never end), and the socket is replaced by a new one.
 */
int genl_dump(struct genl_sock *gs, struct genl_req *req, genl_msg_cb cb,
	      genl_reset_cb reset, void *data);

/*
 * Attribute parsing with validation.  @policy[type] is the libmnl type an
 * attribute must have (MNL_TYPE_UNSPEC: not checked); types above @max are
 * skipped (a newer kernel), malformed attributes fail with -EBADMSG.
 * @tb must have @max + 1 entries; it is cleared first.
 */
int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max, const enum mnl_attr_data_type *policy);
int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max, const enum mnl_attr_data_type *policy);
int genl_parse_payload(const void *payload, size_t len,
		       const struct nlattr **tb, unsigned int max,
		       const enum mnl_attr_data_type *policy);

/*
 * Calls @cb for each attribute inside @nest (e.g. the entries of an array
 * nest).  Fails with -EBADMSG on a truncated attribute, or with what @cb
 * returns if it is not 0.
 */
typedef int (*genl_attr_cb)(const struct nlattr *attr, void *data);
int genl_for_each_nested(const struct nlattr *nest, genl_attr_cb cb,
			 void *data);
/* The same for the top-level attributes of a generic netlink message. */
int genl_for_each_attr(const struct nlmsghdr *nlh, genl_attr_cb cb,
		       void *data);

/*
 * Reads an NLMSG_ERROR or NLMSG_DONE message: returns its error code
 * (0 or negative) and fills @ext from its extended ack attributes.
 * @req, if not NULL, is the request it answers (to name attributes).
 */
int genl_parse_error(const struct nlmsghdr *nlh, const struct genl_req *req,
		     struct genl_ext_ack *ext);

/*
 * Prints "coloctl: <context>: <why>" for error @err of the last request:
 * the kernel's extack message if there is one, else strerror(), plus the
 * attribute concerned and a hint for common errors.
 */
void genl_perror(const struct genl_sock *gs, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* COLOCTL_GENL_H */
