// SPDX-License-Identifier: GPL-2.0
/*
 * The "colo" family as the subcommands share it: policies, names, flows
 * and ack-only requests about one group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include "colo_nl.h"
#include "genl.h"
#include "subcommands.h"
#include "utils.h"

const char *const colo_attr_names[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_ID]		= "group id",
	[COLO_A_GROUP_STATE]		= "state",
	[COLO_A_GROUP_TIMEOUT_MS]	= "timeout",
	[COLO_A_GROUP_ACTIONS]		= "actions",
	[COLO_A_GROUP_STATS]		= "stats",
	[COLO_A_GROUP_MODE]		= "mode",
	[COLO_A_GROUP_SCAN_MS]		= "scan",
	[COLO_A_GROUP_FLOW_LIMIT]	= "flow-limit",
	[COLO_A_GROUP_GROUP_LIMIT]	= "group-limit",
	[COLO_A_GROUP_MAX_FLOWS]	= "max-flows",
	[COLO_A_GROUP_REASON]		= "reason",
	[COLO_A_GROUP_FLOW]		= "flow",
	[COLO_A_GROUP_STEP]		= "step",
	[COLO_A_GROUP_VMSTATE_SIZE]	= "vmstate-size",
	[COLO_A_GROUP_CKPT_TIMEOUT_MS]	= "ckpt-timeout",
	[COLO_A_GROUP_FAILED_OVER]	= "failed-over",
};

const enum mnl_attr_data_type colo_group_policy[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_ID]		= MNL_TYPE_U32,
	[COLO_A_GROUP_STATE]		= MNL_TYPE_U8,
	[COLO_A_GROUP_TIMEOUT_MS]	= MNL_TYPE_U32,
	[COLO_A_GROUP_ACTIONS]		= MNL_TYPE_U32,
	[COLO_A_GROUP_STATS]		= MNL_TYPE_NESTED,
	[COLO_A_GROUP_MODE]		= MNL_TYPE_U8,
	[COLO_A_GROUP_SCAN_MS]		= MNL_TYPE_U32,
	[COLO_A_GROUP_FLOW_LIMIT]	= MNL_TYPE_U32,
	[COLO_A_GROUP_GROUP_LIMIT]	= MNL_TYPE_U32,
	[COLO_A_GROUP_MAX_FLOWS]	= MNL_TYPE_U32,
	[COLO_A_GROUP_REASON]		= MNL_TYPE_U8,
	[COLO_A_GROUP_FLOW]		= MNL_TYPE_NESTED,
	[COLO_A_GROUP_STEP]		= MNL_TYPE_U8,
	[COLO_A_GROUP_VMSTATE_SIZE]	= MNL_TYPE_U64,
	[COLO_A_GROUP_CKPT_TIMEOUT_MS]	= MNL_TYPE_U32,
	[COLO_A_GROUP_FAILED_OVER]	= MNL_TYPE_FLAG,
};

static const char *const state_names[COLO_STATE_MAX + 1] = {
	[COLO_STATE_PASSTHROUGH]	= "passthrough",
	[COLO_STATE_COMPARING]		= "comparing",
	[COLO_STATE_CHECKPOINT]		= "checkpoint",
};

static const char *const reason_names[COLO_REASON_MAX + 1] = {
	[COLO_REASON_NONE]		= "none",
	[COLO_REASON_MISCOMPARE]	= "miscompare",
	[COLO_REASON_TIMEOUT]		= "timeout",
	[COLO_REASON_MEMORY]		= "memory",
	[COLO_REASON_FLOW_LIMIT]	= "flow-limit",
	[COLO_REASON_MANUAL]		= "manual",
	[COLO_REASON_STALLED]		= "stalled",
};

static const char *enum_name(const char *const *names, unsigned int n,
			     uint8_t v, char *buf, size_t size)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, size, "unknown(%u)", v);
	return buf;
}

const char *colo_state_name(uint8_t state, char *buf, size_t size)
{
	return enum_name(state_names, ARRAY_SIZE(state_names), state, buf,
			 size);
}

const char *colo_reason_name(uint8_t reason, char *buf, size_t size)
{
	return enum_name(reason_names, ARRAY_SIZE(reason_names), reason, buf,
			 size);
}

/* ---- requests ---- */

int colo_parse_group_id(const char *arg, uint32_t *id)
{
	if (parse_u32(arg, 1, UINT32_MAX, id)) {
		pr_err("invalid group id \"%s\": expected 1-%" PRIu32, arg,
		       UINT32_MAX);
		return EXIT_USAGE;
	}
	return 0;
}

void colo_req_init(struct genl_req *req, const struct genl_sock *gs,
		   uint8_t cmd)
{
	genl_req_init(req, gs->family.id, cmd, COLO_FAMILY_VERSION,
		      colo_attr_names, ARRAY_SIZE(colo_attr_names));
}

int colo_group_do(const struct coloctl_opts *opts, uint8_t cmd, uint32_t id,
		  const struct colo_attr *attrs, size_t n_attrs,
		  const char *fmt, ...)
{
	struct genl_sock gs;
	struct genl_req req;
	char ctx[128];
	va_list ap;
	size_t i;
	int err;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	colo_req_init(&req, &gs, cmd);
	genl_req_put_u32(&req, COLO_A_GROUP_ID, id);
	for (i = 0; i < n_attrs; i++) {
		switch (attrs[i].size) {
		case 1:
			genl_req_put_u8(&req, attrs[i].type,
					(uint8_t)attrs[i].value);
			break;
		case 4:
			genl_req_put_u32(&req, attrs[i].type,
					 (uint32_t)attrs[i].value);
			break;
		default:
			genl_req_put_u64(&req, attrs[i].type, attrs[i].value);
			break;
		}
	}
	err = genl_do(&gs, &req, NULL, NULL);
	if (err) {
		va_start(ap, fmt);
		vsnprintf(ctx, sizeof(ctx), fmt, ap);
		va_end(ap);
		genl_perror(&gs, err, "%s", ctx);
	}
	genl_close(&gs);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* ---- flows ---- */

static const enum mnl_attr_data_type flow_policy[COLO_A_FLOW_MAX + 1] = {
	[COLO_A_FLOW_ETHERTYPE]		= MNL_TYPE_U16,
	[COLO_A_FLOW_PROTO]		= MNL_TYPE_U8,
	[COLO_A_FLOW_VLAN]		= MNL_TYPE_U16,
	[COLO_A_FLOW_ADDR_A]		= MNL_TYPE_BINARY,
	[COLO_A_FLOW_ADDR_B]		= MNL_TYPE_BINARY,
	[COLO_A_FLOW_PORT_A]		= MNL_TYPE_U16,
	[COLO_A_FLOW_PORT_B]		= MNL_TYPE_U16,
	[COLO_A_FLOW_PRIMARY_QUEUED]	= MNL_TYPE_U32,
	[COLO_A_FLOW_SECONDARY_QUEUED]	= MNL_TYPE_U32,
	[COLO_A_FLOW_HELD_BYTES]	= MNL_TYPE_U32,
	[COLO_A_FLOW_IDLE_MS]		= MNL_TYPE_U32,
	[COLO_A_FLOW_CLOSED]		= MNL_TYPE_FLAG,
};

/* Copies address attribute @attr (4 or 16 bytes) into @out. */
static int flow_addr(const struct nlattr *attr, uint8_t *out, uint8_t *len)
{
	uint16_t n = mnl_attr_get_payload_len(attr);

	if (n != 4 && n != 16)
		return -EBADMSG;
	memcpy(out, mnl_attr_get_payload(attr), n);
	*len = (uint8_t)n;
	return 0;
}

int colo_flow_parse(const struct nlattr *nest, struct colo_flow *f)
{
	const struct nlattr *tb[COLO_A_FLOW_MAX + 1];
	uint8_t len_a = 0, len_b = 0;
	int err, i;

	memset(f, 0, sizeof(*f));
	err = genl_parse_nested(nest, tb, COLO_A_FLOW_MAX, flow_policy);
	if (err)
		return err;
	if (!tb[COLO_A_FLOW_ETHERTYPE])
		return -EBADMSG;
	/* Both addresses of one family, or none. */
	if (!tb[COLO_A_FLOW_ADDR_A] != !tb[COLO_A_FLOW_ADDR_B])
		return -EBADMSG;
	if (tb[COLO_A_FLOW_ADDR_A]) {
		if (flow_addr(tb[COLO_A_FLOW_ADDR_A], f->addr_a, &len_a) ||
		    flow_addr(tb[COLO_A_FLOW_ADDR_B], f->addr_b, &len_b) ||
		    len_a != len_b)
			return -EBADMSG;
		f->addr_len = len_a;
	}
	for (i = 1; i <= COLO_A_FLOW_MAX; i++)
		if (tb[i])
			f->has |= 1u << i;

	f->ethertype = mnl_attr_get_u16(tb[COLO_A_FLOW_ETHERTYPE]);
	if (tb[COLO_A_FLOW_PROTO])
		f->proto = mnl_attr_get_u8(tb[COLO_A_FLOW_PROTO]);
	if (tb[COLO_A_FLOW_VLAN])
		f->vlan = mnl_attr_get_u16(tb[COLO_A_FLOW_VLAN]);
	if (tb[COLO_A_FLOW_PORT_A])
		f->port_a = mnl_attr_get_u16(tb[COLO_A_FLOW_PORT_A]);
	if (tb[COLO_A_FLOW_PORT_B])
		f->port_b = mnl_attr_get_u16(tb[COLO_A_FLOW_PORT_B]);
	if (tb[COLO_A_FLOW_PRIMARY_QUEUED])
		f->primary_queued =
			mnl_attr_get_u32(tb[COLO_A_FLOW_PRIMARY_QUEUED]);
	if (tb[COLO_A_FLOW_SECONDARY_QUEUED])
		f->secondary_queued =
			mnl_attr_get_u32(tb[COLO_A_FLOW_SECONDARY_QUEUED]);
	if (tb[COLO_A_FLOW_HELD_BYTES])
		f->held_bytes = mnl_attr_get_u32(tb[COLO_A_FLOW_HELD_BYTES]);
	if (tb[COLO_A_FLOW_IDLE_MS])
		f->idle_ms = mnl_attr_get_u32(tb[COLO_A_FLOW_IDLE_MS]);
	f->closed = tb[COLO_A_FLOW_CLOSED] != NULL;
	return 0;
}

#define CMP(x, y) do {					\
	if ((x) != (y))					\
		return (x) < (y) ? -1 : 1;		\
} while (0)

int colo_flow_cmp(const struct colo_flow *a, const struct colo_flow *b)
{
	int c;

	CMP(a->addr_len, b->addr_len);
	c = memcmp(a->addr_a, b->addr_a, a->addr_len);
	if (c)
		return c < 0 ? -1 : 1;
	CMP(a->port_a, b->port_a);
	c = memcmp(a->addr_b, b->addr_b, a->addr_len);
	if (c)
		return c < 0 ? -1 : 1;
	CMP(a->port_b, b->port_b);
	CMP(a->proto, b->proto);
	CMP(a->ethertype, b->ethertype);
	CMP(a->vlan, b->vlan);
	return 0;
}

#undef CMP

/* Shown with addresses and protocol: an IP flow with its addresses. */
static bool flow_is_ip(const struct colo_flow *f)
{
	return f->addr_len &&
	       (f->ethertype == ETH_P_IP || f->ethertype == ETH_P_IPV6);
}

static bool flow_is_icmp(const struct colo_flow *f)
{
	return f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;
}

/* Endpoints shown with ports: protocols that have them, or non-zero ones. */
static bool flow_has_ports(const struct colo_flow *f)
{
	if (flow_is_icmp(f) || (!COLO_FLOW_HAS(f, COLO_A_FLOW_PORT_A) &&
				!COLO_FLOW_HAS(f, COLO_A_FLOW_PORT_B)))
		return false;
	switch (f->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return true;
	}
	return f->port_a || f->port_b;
}

/* "tcp", "icmpv6", "47"; "ether" for flows that are not shown as IP. */
static const char *flow_proto_name(const struct colo_flow *f, char *buf,
				   size_t size)
{
	if (!flow_is_ip(f))
		return "ether";
	if (!COLO_FLOW_HAS(f, COLO_A_FLOW_PROTO))
		return "ip";
	switch (f->proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	snprintf(buf, size, "%u", f->proto);
	return buf;
}

static const char *flow_addr_text(const struct colo_flow *f,
				  const uint8_t *addr, char *buf, size_t size)
{
	if (!inet_ntop(f->addr_len == 4 ? AF_INET : AF_INET6, addr, buf,
		       (socklen_t)size))
		snprintf(buf, size, "?");	/* cannot happen: sized */
	return buf;
}

/* "10.0.0.1", "10.0.0.1:80", "fd00::1", "[fd00::1]:80". */
static void flow_endpoint(const struct colo_flow *f, const uint8_t *addr,
			  uint16_t port, bool ports, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	flow_addr_text(f, addr, a, sizeof(a));
	if (!ports)
		snprintf(buf, size, "%s", a);
	else if (f->addr_len == 16)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

const char *colo_flow_key_text(const struct colo_flow *f, char *buf,
			       size_t size)
{
	char proto[8], ep_a[INET6_ADDRSTRLEN + 8], ep_b[INET6_ADDRSTRLEN + 8];
	char vlan[16] = "", id[16] = "";
	bool ports = flow_has_ports(f);

	if (f->vlan)
		snprintf(vlan, sizeof(vlan), " vlan %u", f->vlan);
	if (!flow_is_ip(f)) {
		snprintf(buf, size, "ether 0x%04x%s", f->ethertype, vlan);
		return buf;
	}
	flow_endpoint(f, f->addr_a, f->port_a, ports, ep_a, sizeof(ep_a));
	flow_endpoint(f, f->addr_b, f->port_b, ports, ep_b, sizeof(ep_b));
	if (flow_is_icmp(f) && COLO_FLOW_HAS(f, COLO_A_FLOW_PORT_A))
		snprintf(id, sizeof(id), " id %u", f->port_a);
	snprintf(buf, size, "%s %s <-> %s%s%s",
		 flow_proto_name(f, proto, sizeof(proto)), ep_a, ep_b, id,
		 vlan);
	return buf;
}

static bool flow_has_state(const struct colo_flow *f)
{
	return COLO_FLOW_HAS(f, COLO_A_FLOW_PRIMARY_QUEUED) ||
	       COLO_FLOW_HAS(f, COLO_A_FLOW_SECONDARY_QUEUED) ||
	       COLO_FLOW_HAS(f, COLO_A_FLOW_HELD_BYTES) ||
	       COLO_FLOW_HAS(f, COLO_A_FLOW_IDLE_MS) || f->closed;
}

void colo_flow_print_text(const struct colo_flow *f, bool state)
{
	char key[COLO_FLOW_KEY_TEXT];

	fputs(colo_flow_key_text(f, key, sizeof(key)), stdout);
	if (!state)
		return;
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_PRIMARY_QUEUED))
		printf(" primary %" PRIu32, f->primary_queued);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_SECONDARY_QUEUED))
		printf(" secondary %" PRIu32, f->secondary_queued);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_HELD_BYTES))
		printf(" held %" PRIu32, f->held_bytes);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_IDLE_MS))
		printf(" idle %" PRIu32 "ms", f->idle_ms);
	if (f->closed)
		fputs(" closed", stdout);
}

void colo_flow_json(struct json *j, const struct colo_flow *f)
{
	char proto[8], a[INET6_ADDRSTRLEN];
	bool ports = flow_has_ports(f);

	json_object_begin(j);
	json_kv_string(j, "proto", flow_proto_name(f, proto, sizeof(proto)));
	json_kv_u64(j, "ethertype", f->ethertype);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_VLAN))
		json_kv_u64(j, "vlan", f->vlan);
	if (flow_is_ip(f)) {
		json_kv_string(j, "addr_a",
			       flow_addr_text(f, f->addr_a, a, sizeof(a)));
		if (ports)
			json_kv_u64(j, "port_a", f->port_a);
		json_kv_string(j, "addr_b",
			       flow_addr_text(f, f->addr_b, a, sizeof(a)));
		if (ports)
			json_kv_u64(j, "port_b", f->port_b);
		if (flow_is_icmp(f) && COLO_FLOW_HAS(f, COLO_A_FLOW_PORT_A))
			json_kv_u64(j, "id", f->port_a);
	}
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_PRIMARY_QUEUED))
		json_kv_u64(j, "primary_queued", f->primary_queued);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_SECONDARY_QUEUED))
		json_kv_u64(j, "secondary_queued", f->secondary_queued);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_HELD_BYTES))
		json_kv_u64(j, "held_bytes", f->held_bytes);
	if (COLO_FLOW_HAS(f, COLO_A_FLOW_IDLE_MS))
		json_kv_u64(j, "idle_ms", f->idle_ms);
	if (flow_has_state(f))
		json_kv_bool(j, "closed", f->closed);
	json_object_end(j);
}
