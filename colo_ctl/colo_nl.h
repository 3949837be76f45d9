/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the coloctl subcommands share about the "colo" family itself: the
 * attribute policies and names, state and reason names, flows (parsing a
 * COLO_A_GROUP_FLOW nest, text and JSON output) and requests about one
 * group that the kernel answers with an ack only.
 */
#ifndef COLOCTL_COLO_NL_H
#define COLOCTL_COLO_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/colo.h>

#include "json.h"

struct coloctl_opts;
struct genl_req;
struct genl_sock;

/* COLO_A_GROUP_* as the user knows them, for the kernel's error messages. */
extern const char *const colo_attr_names[COLO_A_GROUP_MAX + 1];
/* libmnl types of COLO_A_GROUP_* in replies and events. */
extern const enum mnl_attr_data_type colo_group_policy[COLO_A_GROUP_MAX + 1];

/* "comparing", ... or "unknown(N)" written into @buf. */
const char *colo_state_name(uint8_t state, char *buf, size_t size);
/* "miscompare", ... or "unknown(N)" written into @buf. */
const char *colo_reason_name(uint8_t reason, char *buf, size_t size);

/*
 * Parses a group number (1-4294967295); prints why not and returns
 * EXIT_USAGE, else 0.
 */
int colo_parse_group_id(const char *arg, uint32_t *id);

/* A request for @cmd of the colo family, naming attributes in errors. */
void colo_req_init(struct genl_req *req, const struct genl_sock *gs,
		   uint8_t cmd);

/* One attribute of a request built by colo_group_do(). */
struct colo_attr {
	uint16_t type;
	uint8_t size;		/* 1, 4 or 8: u8, u32, u64 */
	uint64_t value;
};

/*
 * Connects, sends @cmd with COLO_A_GROUP_ID @id and @attrs, and waits for
 * the ack.  On failure prints "coloctl: <context>: <why>" (@fmt makes the
 * context).  Returns EXIT_OK or EXIT_FAIL.
 */
int colo_group_do(const struct coloctl_opts *opts, uint8_t cmd, uint32_t id,
		  const struct colo_attr *attrs, size_t n_attrs,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * A flow as the kernel described it.  @has has bit (1 << COLO_A_FLOW_x)
 * set for each attribute it sent.
 */
struct colo_flow {
	uint32_t has;
	uint16_t ethertype;
	uint8_t proto;
	uint16_t vlan;
	uint8_t addr_len;		/* 0 (none), 4 or 16 */
	uint8_t addr_a[16];
	uint8_t addr_b[16];
	uint16_t port_a, port_b;
	uint32_t primary_queued;
	uint32_t secondary_queued;
	uint32_t held_bytes;
	uint32_t idle_ms;
	bool closed;
};

#define COLO_FLOW_HAS(f, attr)	(((f)->has >> (attr)) & 1)

/*
 * Parses the COLO_A_GROUP_FLOW nest @nest.  -EBADMSG when it is malformed:
 * a bad attribute, no ethertype, addresses that are not both there with
 * the same length of 4 or 16 bytes.
 */
int colo_flow_parse(const struct nlattr *nest, struct colo_flow *f);

/* Orders flows by their key (for sorting; 0: the same flow). */
int colo_flow_cmp(const struct colo_flow *a, const struct colo_flow *b);

/*
 * The flow's key as text: "tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 vlan 5",
 * "icmp 10.0.0.1 <-> 10.0.0.2 id 77", "udp [fd00::1]:53 <-> [fd00::2]:9",
 * "ether 0x0806".  Returns @buf.
 */
#define COLO_FLOW_KEY_TEXT 160
const char *colo_flow_key_text(const struct colo_flow *f, char *buf,
			       size_t size);

/* Prints the key and, with @state, queues, idle time and "closed". */
void colo_flow_print_text(const struct colo_flow *f, bool state);

/* Writes the flow as a JSON object. */
void colo_flow_json(struct json *j, const struct colo_flow *f);

#endif /* COLOCTL_COLO_NL_H */
