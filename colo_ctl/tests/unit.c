// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of coloctl: number, size and keyword parsing, the JSON writer,
 * the parsing of kernel replies, events and errors (well-formed, malformed
 * and fuzzed, meant to run under ASan/UBSan), the command lines of group
 * and checkpoint, group, flow and event output, and - when the host allows
 * generic netlink - the request/dump/error paths against the kernel's own
 * nlctrl family.  No colo_compare module is needed.
 *
 * The sources are included to reach their static functions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../genl.c"
#include "../colo_nl.c"
#include "../group.c"
#include "../flow.c"
#include "../checkpoint.c"
#include "../monitor.c"
#include "../protocol.c"
#include "../xen.c"
#include "../agent.c"

static int failures, checks;

#define CHECK(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__,	\
			__LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	checks++;							\
	if (strcmp(g_, w_)) {						\
		failures++;						\
		fprintf(stderr, "%s:%d: FAILED:\n  got:  %s\n  want: %s\n", \
			__FILE__, __LINE__, g_, w_);			\
	}								\
} while (0)

/* Stubs for what coloctl.c provides. */
int coloctl_connect(const struct coloctl_opts *opts, struct genl_sock *gs)
{
	(void)opts;
	(void)gs;
	return EXIT_FAIL;
}

void coloctl_usage_hint(const char *object)
{
	(void)object;
}

/* Silences stderr (the errors the tested code prints) and back. */
static void quiet(bool on)
{
	static int saved = -1;
	int fd;

	fflush(stderr);
	if (on && saved < 0) {
		saved = dup(2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		close(fd);
	} else if (!on && saved >= 0) {
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

/* ---- utils ---- */

static void test_numbers(void)
{
	uint32_t v = 77;
	uint64_t w;

	CHECK(parse_u32("1", 1, UINT32_MAX, &v) == 0 && v == 1);
	CHECK(parse_u32("4294967295", 1, UINT32_MAX, &v) == 0 &&
	      v == UINT32_MAX);
	CHECK(parse_u32("007", 1, 10, &v) == 0 && v == 7);
	v = 77;
	CHECK(parse_u32("4294967296", 1, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_u32("0", 1, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_u32("3600001", 1, 3600000, &v) == -ERANGE);
	CHECK(parse_u32("", 1, 10, &v) == -EINVAL);
	CHECK(parse_u32("-1", 0, 10, &v) == -EINVAL);
	CHECK(parse_u32("+1", 0, 10, &v) == -EINVAL);
	CHECK(parse_u32(" 1", 0, 10, &v) == -EINVAL);
	CHECK(parse_u32("1 ", 0, 10, &v) == -EINVAL);
	CHECK(parse_u32("1x", 0, 10, &v) == -EINVAL);
	CHECK(parse_u32("0x10", 0, 100, &v) == -EINVAL);
	CHECK(parse_u32("1e3", 0, 10000, &v) == -EINVAL);
	CHECK(parse_u32("abc", 0, 10, &v) == -EINVAL);
	CHECK(v == 77);		/* untouched on failure */
	CHECK(parse_u64("18446744073709551615", 0, UINT64_MAX, &w) == 0 &&
	      w == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", 0, UINT64_MAX, &w) == -ERANGE);
	CHECK(parse_u64("99999999999999999999999", 0, UINT64_MAX, &w) ==
	      -ERANGE);
	CHECK(parse_u64("99999999999999999999999x", 0, UINT64_MAX, &w) ==
	      -EINVAL);
}

static void test_sizes(void)
{
	uint64_t v = 77, x;
	char buf[32];
	int i;

	CHECK(parse_size("0", 0, 10, &v) == 0 && v == 0);
	CHECK(parse_size("1k", 0, UINT64_MAX, &v) == 0 && v == 1024);
	CHECK(parse_size("1K", 0, UINT64_MAX, &v) == 0 && v == 1024);
	CHECK(parse_size("64kb", 0, UINT64_MAX, &v) == 0 && v == 65536);
	CHECK(parse_size("3m", 0, UINT64_MAX, &v) == 0 && v == 3 << 20);
	CHECK(parse_size("4Mb", 0, UINT64_MAX, &v) == 0 && v == 4 << 20);
	CHECK(parse_size("2MB", 0, UINT64_MAX, &v) == 0 && v == 2 << 20);
	CHECK(parse_size("1g", 0, UINT64_MAX, &v) == 0 && v == 1 << 30);
	CHECK(parse_size("5G", 0, UINT64_MAX, &v) == 0 && v == 5ULL << 30);
	CHECK(parse_size("4096b", 0, UINT64_MAX, &v) == 0 && v == 4096);
	CHECK(parse_size("4096B", 0, UINT64_MAX, &v) == 0 && v == 4096);
	CHECK(parse_size("007k", 0, UINT64_MAX, &v) == 0 && v == 7168);
	CHECK(parse_size("18446744073709551615", 0, UINT64_MAX, &v) == 0 &&
	      v == UINT64_MAX);
	CHECK(parse_size("4294967295", 65536, UINT32_MAX, &v) == 0 &&
	      v == UINT32_MAX);
	v = 77;
	CHECK(parse_size("4g", 65536, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_size("4294967296", 65536, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_size("65535", 65536, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_size("63k", 65536, UINT32_MAX, &v) == -ERANGE);
	CHECK(parse_size("0k", 1, 10, &v) == -ERANGE);
	CHECK(parse_size("17179869184g", 0, UINT64_MAX, &v) == -ERANGE);
	CHECK(parse_size("18446744073709551615k", 0, UINT64_MAX, &v) ==
	      -ERANGE);
	CHECK(parse_size("18446744073709551616", 0, UINT64_MAX, &v) ==
	      -ERANGE);
	CHECK(parse_size("9999999999999999999999999999999999999999", 0,
			 UINT64_MAX, &v) == -ERANGE);
	CHECK(parse_size("", 0, 10, &v) == -EINVAL);
	CHECK(parse_size(NULL, 0, 10, &v) == -EINVAL);
	CHECK(parse_size("k", 0, 10, &v) == -EINVAL);
	CHECK(parse_size("b", 0, 10, &v) == -EINVAL);
	CHECK(parse_size("kb", 0, 10, &v) == -EINVAL);
	CHECK(parse_size("1kk", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1kb2", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1bk", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1bb", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1 k", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size(" 1k", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("-1k", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("+1", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1.5m", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("0x10", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1kbit", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(parse_size("1t", 0, UINT64_MAX, &v) == -EINVAL);
	CHECK(v == 77);		/* untouched on failure */

	CHECK_STR(format_size(0, buf, sizeof(buf)), "0b");
	CHECK_STR(format_size(1, buf, sizeof(buf)), "1b");
	CHECK_STR(format_size(1024, buf, sizeof(buf)), "1Kb");
	CHECK_STR(format_size(1536, buf, sizeof(buf)), "1536b");
	CHECK_STR(format_size(65536, buf, sizeof(buf)), "64Kb");
	CHECK_STR(format_size(100000, buf, sizeof(buf)), "100000b");
	CHECK_STR(format_size(4 << 20, buf, sizeof(buf)), "4Mb");
	CHECK_STR(format_size(64 << 20, buf, sizeof(buf)), "64Mb");
	CHECK_STR(format_size((1 << 20) + 1024, buf, sizeof(buf)), "1025Kb");
	CHECK_STR(format_size(3ULL << 30, buf, sizeof(buf)), "3Gb");
	CHECK_STR(format_size(1ULL << 40, buf, sizeof(buf)), "1024Gb");
	CHECK_STR(format_size(UINT32_MAX, buf, sizeof(buf)), "4294967295b");
	CHECK_STR(format_size(UINT64_MAX, buf, sizeof(buf)),
		  "18446744073709551615b");
	/* what is printed reads back */
	for (i = 0; i < 2000; i++) {
		v = (uint64_t)(i * 7919) << (i % 40);
		CHECK(parse_size(format_size(v, buf, sizeof(buf)), 0,
				 UINT64_MAX, &x) == 0 && x == v);
	}
}

static void test_keywords(void)
{
	size_t n = ARRAY_SIZE(group_cmds);

	CHECK(keyword_lookup("add", group_cmds, n) == GROUP_ADD);
	CHECK(keyword_lookup("a", group_cmds, n) == GROUP_ADD);
	CHECK(keyword_lookup("de", group_cmds, n) == GROUP_DEL);
	CHECK(keyword_lookup("delete", group_cmds, n) == GROUP_DEL);
	CHECK(keyword_lookup("l", group_cmds, n) == GROUP_SHOW);
	CHECK(keyword_lookup("sh", group_cmds, n) == GROUP_SHOW);
	CHECK(keyword_lookup("se", group_cmds, n) == GROUP_SET);
	CHECK(keyword_lookup("s", group_cmds, n) == KEYWORD_AMBIGUOUS);
	CHECK(keyword_lookup("", group_cmds, n) == KEYWORD_UNKNOWN);
	CHECK(keyword_lookup("adds", group_cmds, n) == KEYWORD_UNKNOWN);
	CHECK(keyword_lookup("x", group_cmds, n) == KEYWORD_UNKNOWN);
	CHECK(is_help("help") && is_help("-h") && is_help("--help"));
	CHECK(!is_help("hel") && !is_help("helpx"));
}

/* ---- JSON ---- */

/* Runs @fn writing to a memory stream; returns the text (static). */
static const char *capture(void (*fn)(FILE *f, void *arg), void *arg)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fn(f, arg);
	fclose(f);
	return buf;
}

static void json_doc(FILE *f, void *arg)
{
	struct json j;

	json_init(&j, f, *(bool *)arg);
	json_array_begin(&j);
	json_object_begin(&j);
	json_kv_u64(&j, "a", 18446744073709551615ULL);
	json_kv_string(&j, "s", "q\"b\\s/\n\t\x01\x7f");
	json_key(&j, "e");
	json_array_begin(&j);
	json_array_end(&j);
	json_key(&j, "o");
	json_object_begin(&j);
	json_kv_bool(&j, "t", true);
	json_key(&j, "n");
	json_null(&j);
	json_key(&j, "i");
	json_i64(&j, -5);
	json_object_end(&j);
	json_object_end(&j);
	json_u64(&j, 2);
	json_array_end(&j);
	json_finish(&j);
}

static void json_utf8(FILE *f, void *arg)
{
	struct json j;

	json_init(&j, f, false);
	json_string(&j, arg);
	json_finish(&j);
}

static void test_json(void)
{
	bool pretty = false;

	CHECK_STR(capture(json_doc, &pretty),
		  "[{\"a\":18446744073709551615,\"s\":\"q\\\"b\\\\s/\\n\\t\\u0001\\u007f\","
		  "\"e\":[],\"o\":{\"t\":true,\"n\":null,\"i\":-5}},2]\n");
	pretty = true;
	CHECK_STR(capture(json_doc, &pretty),
		  "[\n"
		  "    {\n"
		  "        \"a\": 18446744073709551615,\n"
		  "        \"s\": \"q\\\"b\\\\s/\\n\\t\\u0001\\u007f\",\n"
		  "        \"e\": [],\n"
		  "        \"o\": {\n"
		  "            \"t\": true,\n"
		  "            \"n\": null,\n"
		  "            \"i\": -5\n"
		  "        }\n"
		  "    },\n"
		  "    2\n"
		  "]\n");
	/* valid UTF-8 kept, invalid bytes replaced */
	CHECK_STR(capture(json_utf8, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
		  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\n");
	CHECK_STR(capture(json_utf8, "a\xff" "b"), "\"a\\ufffdb\"\n");
	CHECK_STR(capture(json_utf8, "\xc0\xaf"), "\"\\ufffd\\ufffd\"\n");
	CHECK_STR(capture(json_utf8, "\xed\xa0\x80"),	/* surrogate */
		  "\"\\ufffd\\ufffd\\ufffd\"\n");
	CHECK_STR(capture(json_utf8, "\xe2\x82"), "\"\\ufffd\\ufffd\"\n");
	CHECK_STR(capture(json_utf8, "\xf4\x90\x80\x80"),	/* > U+10FFFF */
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n");
}

/* ---- group replies ---- */

#define FAMILY 0x20

union msgbuf {
	struct nlmsghdr nlh;
	char buf[4096];
};

static struct nlmsghdr *group_msg(union msgbuf *m, bool stats)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	struct genlmsghdr *g;
	struct nlattr *nest;

	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = COLO_CMD_GROUP_GET;
	g->version = COLO_FAMILY_VERSION;
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_PASSTHROUGH);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_TIMEOUT_MS, 3000);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ACTIONS, 2);
	if (stats) {
		nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_STATS);
		nest->nla_type |= NLA_F_NESTED;
		mnl_attr_put(nlh, COLO_A_STATS_PAD, 0, NULL);
		mnl_attr_put_u64(nlh, COLO_A_STATS_PRIMARY_PACKETS, 10);
		mnl_attr_put_u64(nlh, COLO_A_STATS_SECONDARY_PACKETS, 9);
		mnl_attr_put_u64(nlh, COLO_A_STATS_RELEASED, 10);
		mnl_attr_put_u64(nlh, COLO_A_STATS_DROPPED, 0);
		mnl_attr_put_u64(nlh, COLO_A_STATS_HELD_PACKETS, 0);
		mnl_attr_put_u64(nlh, COLO_A_STATS_HELD_BYTES, 0);
		mnl_attr_put_u32(nlh, 200, 1);	/* from a newer kernel */
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put_u32(nlh, 300, 1);		/* from a newer kernel */
	return nlh;
}

/* The last attribute of type @type at the top level of @nlh. */
static struct nlattr *find_attr(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *attr, *found = NULL;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == type)
			found = attr;
	return found;
}

/* Counter @type in the stats nest of @nlh. */
static struct nlattr *find_stat(struct nlmsghdr *nlh, int type)
{
	struct nlattr *attr, *found = NULL;

	mnl_attr_for_each_nested(attr, find_attr(nlh, COLO_A_GROUP_STATS))
		if (mnl_attr_get_type(attr) == type)
			found = attr;
	return found;
}

struct print_arg {
	struct group_list *list;
	struct coloctl_opts opts;
};

static void print_to(FILE *f, void *arg)
{
	struct print_arg *p = arg;
	FILE *saved = stdout;

	stdout = f;
	print_groups(p->list, &p->opts);
	fflush(stdout);
	stdout = saved;
}

static void test_group_parse(void)
{
	struct group_list list = { 0 };
	struct print_arg pa = { .list = &list };
	struct nlmsghdr *nlh;
	struct group_info g;
	struct nlattr *attr;
	union msgbuf m;

	nlh = group_msg(&m, true);
	CHECK(parse_group(nlh, &g) == 0);
	CHECK(g.id == 1 && g.has_state && g.state == 0 &&
	      g.has_param[P_TIMEOUT] && g.param[P_TIMEOUT] == 3000 &&
	      g.has_param[P_ACTIONS] && g.param[P_ACTIONS] == 2 &&
	      !g.has_param[P_SCAN] && !g.has_param[P_MAX_FLOWS] &&
	      g.has_stats && g.stat[COLO_A_STATS_PRIMARY_PACKETS] == 10 &&
	      g.stat[COLO_A_STATS_SECONDARY_PACKETS] == 9 &&
	      g.has_stat[COLO_A_STATS_HELD_BYTES] &&
	      !g.has_stat[COLO_A_STATS_PAD]);

	/* output: one group, then the second with more fields missing */
	CHECK(group_cb(nlh, &list) == 0);
	nlh = group_msg(&m, false);
	find_attr(nlh, COLO_A_GROUP_ID)->nla_type = 77;	/* hide it */
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 7);
	attr = find_attr(nlh, COLO_A_GROUP_STATE);
	*(uint8_t *)mnl_attr_get_payload(attr) = 9;
	find_attr(nlh, COLO_A_GROUP_ACTIONS)->nla_type = 78;
	CHECK(group_cb(nlh, &list) == 0);
	CHECK(list.n == 2);

	CHECK_STR(capture(print_to, &pa),
		  "group 1 state passthrough timeout 3000ms actions 2\n"
		  "group 7 state unknown(9) timeout 3000ms\n");
	pa.opts.stats = true;
	CHECK_STR(capture(print_to, &pa),
		  "group 1 state passthrough timeout 3000ms actions 2\n"
		  "    primary 10 secondary 9 released 10 dropped 0 held 0 held_bytes 0\n"
		  "group 7 state unknown(9) timeout 3000ms\n");
	pa.opts.json = true;
	list.n = 1;
	CHECK_STR(capture(print_to, &pa),
		  "[{\"group\":1,\"state\":\"passthrough\",\"timeout_ms\":3000,"
		  "\"actions\":2,\"stats\":{\"primary_packets\":10,"
		  "\"secondary_packets\":9,\"released\":10,\"dropped\":0,"
		  "\"held_packets\":0,\"held_bytes\":0}}]\n");
	pa.opts.stats = false;
	CHECK_STR(capture(print_to, &pa),
		  "[{\"group\":1,\"state\":\"passthrough\",\"timeout_ms\":3000,"
		  "\"actions\":2}]\n");
	pa.opts.pretty = true;
	CHECK_STR(capture(print_to, &pa),
		  "[\n    {\n        \"group\": 1,\n        \"state\": \"passthrough\",\n"
		  "        \"timeout_ms\": 3000,\n        \"actions\": 2\n    }\n]\n");
	list.n = 0;
	pa.opts.pretty = false;
	CHECK_STR(capture(print_to, &pa), "[]\n");
	pa.opts.json = false;
	CHECK_STR(capture(print_to, &pa), "");

	/* a GET for one group answered for another */
	list.want_id = 5;
	CHECK(group_cb(group_msg(&m, false), &list) == -EBADMSG);
	free(list.v);

	/* malformed */
	nlh = group_msg(&m, true);
	find_attr(nlh, COLO_A_GROUP_ID)->nla_type = 77;
	CHECK(parse_group(nlh, &g) == -EBADMSG);		/* no id */

	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_STATE, 1);	/* u8 expected */
	CHECK(parse_group(nlh, &g) == -EBADMSG);

	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
	mnl_attr_put_u16(nlh, COLO_A_GROUP_TIMEOUT_MS, 1);	/* short */
	CHECK(parse_group(nlh, &g) == -EBADMSG);

	nlh = group_msg(&m, false);
	find_attr(nlh, COLO_A_GROUP_ID)->nla_len = 200;	/* past the end */
	CHECK(parse_group(nlh, &g) == -EBADMSG);

	nlh = group_msg(&m, false);
	find_attr(nlh, COLO_A_GROUP_ID)->nla_len = 3;	/* < header */
	CHECK(parse_group(nlh, &g) == -EBADMSG);

	nlh = group_msg(&m, true);
	attr = find_attr(nlh, COLO_A_GROUP_STATS);
	((struct nlattr *)mnl_attr_get_payload(attr))->nla_len = 100;
	CHECK(parse_group(nlh, &g) == -EBADMSG);		/* bad nest */

	nlh = group_msg(&m, true);
	attr = find_attr(nlh, COLO_A_GROUP_STATS);
	attr->nla_len = 6;	/* a nest of 2 bytes: no room for a header */
	CHECK(parse_group(nlh, &g) == -EBADMSG);

	nlh = group_msg(&m, false);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;		/* no genl header */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN;	/* no attrs */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8;	/* id only */
	CHECK(parse_group(nlh, &g) == 0 && g.id == 1 && !g.has_state);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8 + 2; /* 2 more */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8 + 4; /* cut attr */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8 + 5; /* u8, unpadded */
	CHECK(parse_group(nlh, &g) == 0 && g.has_state);
}

/* A group of a comparator kernel: all parameters and counters. */
static struct nlmsghdr *group_msg_full(union msgbuf *m)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	struct genlmsghdr *g;
	struct nlattr *nest;
	int i;

	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = COLO_CMD_GROUP_GET;
	g->version = COLO_FAMILY_VERSION;
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ACTIONS, 2);	/* any order */
	mnl_attr_put_u32(nlh, COLO_A_GROUP_MAX_FLOWS, 65536);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_GROUP_LIMIT, 64 << 20);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_FLOW_LIMIT, 4 << 20);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_SCAN_MS, 100);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_TIMEOUT_MS, 3000);
	nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_STATS);
	for (i = COLO_A_STATS_MAX; i >= COLO_A_STATS_PRIMARY_PACKETS; i--)
		mnl_attr_put_u64(nlh, (uint16_t)i, (uint64_t)i * 100);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_group_full(void)
{
	struct group_list list = { 0 };
	struct print_arg pa = { .list = &list };
	struct nlmsghdr *nlh;
	struct group_info g;
	struct nlattr *attr;
	union msgbuf m;
	int i;

	nlh = group_msg_full(&m);
	CHECK(parse_group(nlh, &g) == 0);
	CHECK(g.has_param[P_SCAN] && g.param[P_SCAN] == 100 &&
	      g.param[P_FLOW_LIMIT] == 4 << 20 &&
	      g.param[P_GROUP_LIMIT] == 64 << 20 &&
	      g.param[P_MAX_FLOWS] == 65536 &&
	      g.stat[COLO_A_STATS_SECONDARY_DROPPED] ==
	      COLO_A_STATS_SECONDARY_DROPPED * 100);
	CHECK(group_cb(nlh, &list) == 0);

	pa.opts.stats = true;
	CHECK_STR(capture(print_to, &pa),
		  "group 1 state comparing timeout 3000ms scan 100ms flow-limit 4Mb "
		  "group-limit 64Mb max-flows 65536 actions 2\n"
		  "    primary 200 secondary 300 released 400 dropped 500 held 600 held_bytes 700\n"
		  "    compared 800 miscompares 900 checkpoints 1000 timeouts 1100 flows 1200 "
		  "secondary_held 1300 secondary_dropped 1400 checkpoints_done 1500 "
		  "failovers 1600\n"
		  "    rewrite flows 1700 learned 1800 rewritten 1900 unknown 2000 "
		  "untracked 2100 errors 2200 resets 2300\n");
	pa.opts.json = true;
	CHECK_STR(capture(print_to, &pa),
		  "[{\"group\":1,\"state\":\"comparing\",\"timeout_ms\":3000,"
		  "\"scan_ms\":100,\"flow_limit\":4194304,\"group_limit\":67108864,"
		  "\"max_flows\":65536,\"actions\":2,\"stats\":{\"primary_packets\":200,"
		  "\"secondary_packets\":300,\"released\":400,\"dropped\":500,"
		  "\"held_packets\":600,\"held_bytes\":700,\"compared\":800,"
		  "\"miscompares\":900,\"checkpoints\":1000,\"timeouts\":1100,"
		  "\"flows\":1200,\"secondary_held\":1300,"
		  "\"secondary_dropped\":1400,\"checkpoints_done\":1500,"
		  "\"failovers\":1600,\"rewrite_flows\":1700,"
		  "\"rewrite_learned\":1800,\"rewrite_rewritten\":1900,"
		  "\"rewrite_unknown\":2000,\"rewrite_untracked\":2100,"
		  "\"rewrite_errors\":2200,\"rewrite_resets\":2300}}]\n");

	/* odd limits print exactly; only the new counters: one line */
	nlh = group_msg_full(&m);
	attr = find_attr(nlh, COLO_A_GROUP_FLOW_LIMIT);
	*(uint32_t *)mnl_attr_get_payload(attr) = 100000;
	attr = find_attr(nlh, COLO_A_GROUP_GROUP_LIMIT);
	*(uint32_t *)mnl_attr_get_payload(attr) = UINT32_MAX;
	attr = find_attr(nlh, COLO_A_GROUP_STATS);
	/* the last 16 counters first: only the newer ones are left */
	attr->nla_len = (uint16_t)(sizeof(*attr) + 12 * 16);
	nlh->nlmsg_len = (uint32_t)((char *)attr - (char *)nlh) + attr->nla_len;
	list.n = 0;
	CHECK(group_cb(nlh, &list) == 0);
	pa.opts.json = false;
	CHECK_STR(capture(print_to, &pa),
		  "group 1 state comparing timeout 3000ms scan 100ms flow-limit 100000b "
		  "group-limit 4294967295b max-flows 65536 actions 2\n"
		  "    compared 800 miscompares 900 checkpoints 1000 timeouts 1100 "
		  "flows 1200 secondary_held 1300 secondary_dropped 1400 "
		  "checkpoints_done 1500 failovers 1600\n"
		  "    rewrite flows 1700 learned 1800 rewritten 1900 unknown 2000 "
		  "untracked 2100 errors 2200 resets 2300\n");

	/* a group no rewrite action uses: no rewrite line, zeros in JSON */
	nlh = group_msg_full(&m);
	for (i = COLO_A_STATS_RW_FLOWS; i <= COLO_A_STATS_RW_RESETS; i++) {
		attr = find_stat(nlh, i);
		memset(mnl_attr_get_payload(attr), 0, sizeof(uint64_t));
	}
	list.n = 0;
	CHECK(group_cb(nlh, &list) == 0);
	CHECK(strstr(capture(print_to, &pa), "rewrite") == NULL);
	pa.opts.json = true;
	CHECK(strstr(capture(print_to, &pa),
		     "\"rewrite_flows\":0,\"rewrite_learned\":0,") != NULL);
	pa.opts.json = false;
	free(list.v);

	/* new attributes with wrong types */
	nlh = group_msg_full(&m);
	attr = find_attr(nlh, COLO_A_GROUP_SCAN_MS);
	attr->nla_len = sizeof(*attr) + 2;		/* u16 */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh = group_msg_full(&m);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_REASON, 1);	/* u8 wanted */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
	nlh = group_msg_full(&m);
	attr = find_attr(nlh, COLO_A_GROUP_STATS);
	((struct nlattr *)mnl_attr_get_payload(attr))->nla_len = 8; /* u32 */
	CHECK(parse_group(nlh, &g) == -EBADMSG);
}

/* ---- group command line ---- */

static int change(struct group_change *c, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0, ret;

	va_start(ap, c);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	quiet(true);
	ret = parse_change("set", argc, argv, c);
	quiet(false);
	return ret;
}

static void test_group_args(void)
{
	struct group_change c;

	CHECK(change(&c, "1", NULL) == 0 && c.id == 1 && !c.has_mode &&
	      !c.has[P_TIMEOUT] && !c.has[P_SCAN]);
	CHECK(change(&c, "4294967295", "mode", "comparing", "timeout", "100",
		     "scan", "10", "flow-limit", "64k", "group-limit",
		     "4294967295", "max-flows", "4194304", NULL) == 0);
	CHECK(c.id == UINT32_MAX && c.has_mode &&
	      c.mode == COLO_STATE_COMPARING && c.value[P_TIMEOUT] == 100 &&
	      c.value[P_SCAN] == 10 && c.value[P_FLOW_LIMIT] == 65536 &&
	      c.value[P_GROUP_LIMIT] == UINT32_MAX &&
	      c.value[P_MAX_FLOWS] == 4194304 && !c.has[P_ACTIONS]);
	CHECK(change(&c, "2", "passthrough", NULL) == 0 && c.has_mode &&
	      c.mode == COLO_STATE_PASSTHROUGH);
	CHECK(change(&c, "2", "comparing", NULL) == 0 &&
	      c.mode == COLO_STATE_COMPARING);
	CHECK(change(&c, "2", "p", NULL) == 0 &&
	      c.mode == COLO_STATE_PASSTHROUGH);
	CHECK(change(&c, "2", "c", "t", "5", "s", "60000", "f", "4Mb", "g",
		     "1g", "max", "1", NULL) == 0);
	CHECK(c.mode == COLO_STATE_COMPARING && c.value[P_TIMEOUT] == 5 &&
	      c.value[P_SCAN] == 60000 && c.value[P_FLOW_LIMIT] == 4 << 20 &&
	      c.value[P_GROUP_LIMIT] == 1 << 30 && c.value[P_MAX_FLOWS] == 1);
	CHECK(change(&c, "2", "mode", "pass", NULL) == 0 &&
	      c.mode == COLO_STATE_PASSTHROUGH);
	CHECK(change(&c, "2", "flow-limit", "65536", "group-limit", "64K",
		     NULL) == 0 && c.value[P_FLOW_LIMIT] == 65536 &&
	      c.value[P_GROUP_LIMIT] == 65536);

	/* errors */
	CHECK(change(&c, NULL) == EXIT_USAGE);
	CHECK(change(&c, "0", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "m", "3", NULL) == EXIT_USAGE);	/* ambiguous */
	CHECK(change(&c, "1", "mode", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "mode", "on", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "mode", "checkpoint", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "mode", "", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "comparing", "passthrough", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "mode", "comparing", "comparing", NULL) ==
	      EXIT_USAGE);
	CHECK(change(&c, "1", "scan", "9", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "scan", "60001", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "scan", "1k", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "scan", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "scan", "10", "scan", "10", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "timeout", "0", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "flow-limit", "65535", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "flow-limit", "4g", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "flow-limit", "1x", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "flow-limit", "-64k", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "group-limit", "4294967296", NULL) ==
	      EXIT_USAGE);
	CHECK(change(&c, "1", "max-flows", "0", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "max-flows", "4194305", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "max-flows", "1k", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "actions", "1", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "state", "comparing", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "", NULL) == EXIT_USAGE);
	CHECK(change(&c, "1", "timeout", "100", "bogus", NULL) == EXIT_USAGE);
}

/* ---- flows ---- */

static struct nlmsghdr *msg_start(union msgbuf *m, uint16_t type,
				  uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = COLO_FAMILY_VERSION;
	return nlh;
}

enum { F_KEY = 1, F_STATE = 2, F_CLOSED = 4 };

/* A flow nest: @len-byte addresses (0: none) ending in 1 and 2. */
static struct nlattr *put_test_flow(struct nlmsghdr *nlh, uint16_t ethertype,
				    uint8_t proto, int len, uint16_t pa,
				    uint16_t pb, uint16_t vlan, int what)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
	uint8_t a[16] = { 10 }, b[16] = { 10 };

	if (len == 16) {
		a[0] = b[0] = 0xfd;
	}
	a[len ? len - 1 : 0] = 1;
	b[len ? len - 1 : 0] = 2;
	nest->nla_type |= NLA_F_NESTED;
	mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, ethertype);
	mnl_attr_put_u8(nlh, COLO_A_FLOW_PROTO, proto);
	mnl_attr_put_u16(nlh, COLO_A_FLOW_VLAN, vlan);
	if (len) {
		mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A, (size_t)len, a);
		mnl_attr_put(nlh, COLO_A_FLOW_ADDR_B, (size_t)len, b);
	}
	if (what & F_KEY) {
		mnl_attr_put_u16(nlh, COLO_A_FLOW_PORT_A, pa);
		mnl_attr_put_u16(nlh, COLO_A_FLOW_PORT_B, pb);
	}
	if (what & F_STATE) {
		mnl_attr_put_u32(nlh, COLO_A_FLOW_PRIMARY_QUEUED, 2);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_SECONDARY_QUEUED, 0);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_HELD_BYTES, 4352);
		mnl_attr_put_u32(nlh, COLO_A_FLOW_IDLE_MS, 120);
	}
	if (what & F_CLOSED)
		mnl_attr_put(nlh, COLO_A_FLOW_CLOSED, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

/* The last attribute of type @type inside @nest. */
static struct nlattr *find_nested(struct nlattr *nest, uint16_t type)
{
	struct nlattr *attr, *found = NULL;

	mnl_attr_for_each_nested(attr, nest)
		if (mnl_attr_get_type(attr) == type)
			found = attr;
	return found;
}

static void flow_text(FILE *f, void *arg)
{
	FILE *saved = stdout;

	stdout = f;
	colo_flow_print_text(arg, true);
	fflush(stdout);
	stdout = saved;
}

static void flow_json(FILE *f, void *arg)
{
	struct json j;

	json_init(&j, f, false);
	colo_flow_json(&j, arg);
	json_finish(&j);
}

/* Parses the flow of @nlh into @f; the error, or 0. */
static int parse_msg_flow(struct nlmsghdr *nlh, struct colo_flow *f)
{
	return colo_flow_parse(find_attr(nlh, COLO_A_GROUP_FLOW), f);
}

static void test_flows(void)
{
	struct colo_flow f, g;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	union msgbuf m;

	/* the example of the flow output */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 6, 4, 43210, 7000, 5,
		      F_KEY | F_STATE | F_CLOSED);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK(f.ethertype == 0x0800 && f.proto == 6 && f.vlan == 5 &&
	      f.addr_len == 4 && f.port_a == 43210 && f.port_b == 7000 &&
	      f.primary_queued == 2 && f.held_bytes == 4352 &&
	      f.idle_ms == 120 && f.closed);
	CHECK_STR(capture(flow_text, &f),
		  "tcp 10.0.0.1:43210 <-> 10.0.0.2:7000 vlan 5 primary 2 "
		  "secondary 0 held 4352 idle 120ms closed");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"tcp\",\"ethertype\":2048,\"vlan\":5,"
		  "\"addr_a\":\"10.0.0.1\",\"port_a\":43210,\"addr_b\":\"10.0.0.2\","
		  "\"port_b\":7000,\"primary_queued\":2,\"secondary_queued\":0,"
		  "\"held_bytes\":4352,\"idle_ms\":120,\"closed\":true}\n");
	g = f;
	CHECK(colo_flow_cmp(&f, &g) == 0);
	g.port_b++;
	CHECK(colo_flow_cmp(&f, &g) < 0 && colo_flow_cmp(&g, &f) > 0);

	/* key only, not closed: no state keys at all */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 17, 4, 53, 9, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "udp 10.0.0.1:53 <-> 10.0.0.2:9");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"udp\",\"ethertype\":2048,\"vlan\":0,"
		  "\"addr_a\":\"10.0.0.1\",\"port_a\":53,\"addr_b\":\"10.0.0.2\","
		  "\"port_b\":9}\n");

	/* closed only */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY | F_CLOSED);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f),
		  "tcp 10.0.0.1:1 <-> 10.0.0.2:2 closed");
	CHECK(strstr(capture(flow_json, &f), "\"port_b\":2,\"closed\":true}"));

	/* ICMP: the echo id */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 1, 4, 77, 0, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "icmp 10.0.0.1 <-> 10.0.0.2 id 77");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"icmp\",\"ethertype\":2048,\"vlan\":0,"
		  "\"addr_a\":\"10.0.0.1\",\"addr_b\":\"10.0.0.2\",\"id\":77}\n");
	/* ... without ports: no id */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x86dd, 58, 16, 0, 0, 7, 0);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "icmpv6 fd00::1 <-> fd00::2 vlan 7");

	/* IPv6 with ports: in brackets */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x86dd, 6, 16, 80, 43210, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f),
		  "tcp [fd00::1]:80 <-> [fd00::2]:43210");
	CHECK(strstr(capture(flow_json, &f),
		     "\"addr_a\":\"fd00::1\",\"port_a\":80,\"addr_b\":\"fd00::2\","
		     "\"port_b\":43210"));

	/* longest key: all fits */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	nest = put_test_flow(nlh, 0x86dd, 17, 16, 65535, 65535, 65535, F_KEY);
	memset(mnl_attr_get_payload(find_nested(nest, COLO_A_FLOW_ADDR_A)),
	       0xfe, 16);
	memset(mnl_attr_get_payload(find_nested(nest, COLO_A_FLOW_ADDR_B)),
	       0xfe, 16);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f),
		  "udp [fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe]:65535 <-> "
		  "[fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe]:65535 vlan 65535");

	/* other protocols: number; ports only when they say something */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 47, 4, 0, 0, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "47 10.0.0.1 <-> 10.0.0.2");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"47\",\"ethertype\":2048,\"vlan\":0,"
		  "\"addr_a\":\"10.0.0.1\",\"addr_b\":\"10.0.0.2\"}\n");
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 47, 4, 5, 0, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "47 10.0.0.1:5 <-> 10.0.0.2:0");
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 132, 4, 0, 0, 0, F_KEY);	/* SCTP */
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "132 10.0.0.1:0 <-> 10.0.0.2:0");
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 6, 4, 0, 0, 0, 0);	/* TCP, no ports */
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "tcp 10.0.0.1 <-> 10.0.0.2");
	/* no PROTO */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	nest = put_test_flow(nlh, 0x0800, 6, 4, 0, 0, 0, 0);
	find_nested(nest, COLO_A_FLOW_PROTO)->nla_type = 99;
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "ip 10.0.0.1 <-> 10.0.0.2");
	/* IPv4 ethertype but 16-byte addresses: shown as they are */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 6, 16, 1, 2, 0, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "tcp [fd00::1]:1 <-> [fd00::2]:2");

	/* non-IP, with or without addresses */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0806, 0, 0, 0, 0, 0, F_STATE);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f),
		  "ether 0x0806 primary 2 secondary 0 held 4352 idle 120ms");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"ether\",\"ethertype\":2054,\"vlan\":0,"
		  "\"primary_queued\":2,\"secondary_queued\":0,\"held_bytes\":4352,"
		  "\"idle_ms\":120,\"closed\":false}\n");
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x88cc, 0, 4, 0, 0, 3, F_KEY);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "ether 0x88cc vlan 3");
	CHECK_STR(capture(flow_json, &f),
		  "{\"proto\":\"ether\",\"ethertype\":35020,\"vlan\":3}\n");
	/* IP ethertype without addresses (unparsed IP frames) */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 0, 0, 0, 0, 0, 0);
	CHECK(parse_msg_flow(nlh, &f) == 0);
	CHECK_STR(capture(flow_text, &f), "ether 0x0800");

	/* attributes of a newer kernel are skipped */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
	mnl_attr_put_u64(nlh, 300, 1);
	mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, 0x0806);
	mnl_attr_put(nlh, COLO_A_FLOW_MAX + 1, 3, "abc");
	mnl_attr_nest_end(nlh, nest);
	CHECK(parse_msg_flow(nlh, &f) == 0 && f.ethertype == 0x0806 &&
	      f.has == 1u << COLO_A_FLOW_ETHERTYPE);

	/* malformed */
	{
		static const int bad_len[] = { 0, 1, 3, 5, 8, 15, 17, 32 };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad_len); i++) {
			uint8_t addr[32] = { 0 };
			int which;

			for (which = 0; which < 2; which++) {
				nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
				nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
				mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, 0x0800);
				mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A,
					     which ? 4 : (size_t)bad_len[i], addr);
				mnl_attr_put(nlh, COLO_A_FLOW_ADDR_B,
					     which ? (size_t)bad_len[i] : 4, addr);
				mnl_attr_nest_end(nlh, nest);
				CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);
			}
		}
	}
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* 4 and 16 */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	nest->nla_len = 4;
	nlh->nlmsg_len = (uint32_t)((char *)nest - (char *)nlh) + 4;
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
	mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, 0x0800);
	mnl_attr_put(nlh, COLO_A_FLOW_ADDR_A, 4, "abcd");
	mnl_attr_put(nlh, COLO_A_FLOW_ADDR_B, 16, "abcdefghijklmnop");
	mnl_attr_nest_end(nlh, nest);
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);

	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* one address */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_ADDR_B)->nla_type = 99;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_ADDR_A)->nla_type = 99;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);

	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* no ethertype */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_ETHERTYPE)->nla_type = 99;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);

	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* empty nest */
	nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
	mnl_attr_nest_end(nlh, nest);
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);

	{
		/* a wrong size for each fixed-size attribute */
		static const uint16_t types[] = {
			COLO_A_FLOW_ETHERTYPE, COLO_A_FLOW_PROTO,
			COLO_A_FLOW_VLAN, COLO_A_FLOW_PORT_A,
			COLO_A_FLOW_PORT_B, COLO_A_FLOW_PRIMARY_QUEUED,
			COLO_A_FLOW_SECONDARY_QUEUED, COLO_A_FLOW_HELD_BYTES,
			COLO_A_FLOW_IDLE_MS, COLO_A_FLOW_CLOSED,
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(types); i++) {
			nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
			nest = mnl_attr_nest_start(nlh, COLO_A_GROUP_FLOW);
			mnl_attr_put_u16(nlh, COLO_A_FLOW_ETHERTYPE, 0x0800);
			mnl_attr_put(nlh, types[i],
				     types[i] == COLO_A_FLOW_CLOSED ? 1 : 3,
				     "xyz");
			mnl_attr_nest_end(nlh, nest);
			CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);
		}
	}

	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* overrun inside */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_PORT_B)->nla_len = 40;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* short header */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_PORT_B)->nla_len = 2;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);	/* trailing bytes */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	nest->nla_len += 2;
	nlh->nlmsg_len += 4;
	CHECK(parse_msg_flow(nlh, &f) == -EBADMSG);

	/* the FLOW nest of a whole message: GROUP_ID u32, FLOW nested */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_FLOW, 1);	/* not a nest */
	{
		struct flows fl = { .group = 1, .max = 10 };

		CHECK(flows_cb(nlh, &fl) == -EBADMSG && fl.n == 0);
		free(fl.v);
	}
}

static void flows_text(FILE *f, void *arg)
{
	FILE *saved = stdout;

	stdout = f;
	flows_print(arg, &(struct coloctl_opts){ 0 });
	fflush(stdout);
	stdout = saved;
}

static void flows_json(FILE *f, void *arg)
{
	FILE *saved = stdout;

	stdout = f;
	flows_print(arg, &(struct coloctl_opts){ .json = true });
	fflush(stdout);
	stdout = saved;
}

static void test_flow_dump(void)
{
	struct flows fl = { .group = 3, .max = 4 };
	struct nlmsghdr *nlh;
	union msgbuf m;

	CHECK_STR(capture(flows_text, &fl), "");
	CHECK_STR(capture(flows_json, &fl), "[]\n");

	/* one flow */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
	put_test_flow(nlh, 0x0800, 6, 4, 2, 1, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == 0 && fl.n == 1);
	/* the same again: a dump going round in circles */
	CHECK(flows_cb(nlh, &fl) == -EBADMSG && fl.n == 1);
	/* two in one message, no group id */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0806, 0, 0, 0, 0, 0, 0);
	put_test_flow(nlh, 0x0800, 6, 4, 1, 1, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == 0 && fl.n == 3);
	qsort(fl.v, fl.n, sizeof(*fl.v), flows_sort_cmp);
	CHECK_STR(capture(flows_text, &fl),
		  "ether 0x0806\n"
		  "tcp 10.0.0.1:1 <-> 10.0.0.2:1\n"
		  "tcp 10.0.0.1:2 <-> 10.0.0.2:1\n");
	CHECK_STR(capture(flows_json, &fl),
		  "[{\"proto\":\"ether\",\"ethertype\":2054,\"vlan\":0},"
		  "{\"proto\":\"tcp\",\"ethertype\":2048,\"vlan\":0,\"addr_a\":\"10.0.0.1\","
		  "\"port_a\":1,\"addr_b\":\"10.0.0.2\",\"port_b\":1},"
		  "{\"proto\":\"tcp\",\"ethertype\":2048,\"vlan\":0,\"addr_a\":\"10.0.0.1\","
		  "\"port_a\":2,\"addr_b\":\"10.0.0.2\",\"port_b\":1}]\n");

	/* another group's flow */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 4);
	put_test_flow(nlh, 0x0800, 6, 4, 9, 9, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == -EBADMSG && fl.n == 3);
	/* no flow */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
	CHECK(flows_cb(nlh, &fl) == -EBADMSG);
	/* a good flow and a bad one */
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 6, 4, 7, 7, 0, F_KEY);
	put_test_flow(nlh, 0x0800, 6, 3, 7, 8, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == -EBADMSG);
	/* the cap */
	fl.n = 3;
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 17, 4, 7, 7, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == 0 && fl.n == 4);
	nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
	put_test_flow(nlh, 0x0800, 17, 4, 8, 8, 0, F_KEY);
	CHECK(flows_cb(nlh, &fl) == -EBADMSG && fl.n == 4);
	flows_reset(&fl);
	CHECK(fl.n == 0);
	CHECK(flows_cb(nlh, &fl) == 0 && fl.n == 1);
	/* many: the array grows */
	{
		int i;

		fl.max = FLOWS_DUMP_MAX;
		fl.n = 0;
		for (i = 0; i < 1000; i++) {
			nlh = msg_start(&m, FAMILY, COLO_CMD_FLOW_GET);
			put_test_flow(nlh, 0x0800, 6, 4, (uint16_t)i, 1, 0,
				      F_KEY);
			if (flows_cb(nlh, &fl))
				break;
		}
		CHECK(fl.n == 1000);
	}
	free(fl.v);

	/* command line */
	{
		uint32_t id = 0;

		CHECK(flows_parse(3, (char *[]){ "show", "group", "7" }, &id) ==
		      0 && id == 7);
		CHECK(flows_parse(2, (char *[]){ "group", "8" }, &id) == 0 &&
		      id == 8);
		CHECK(flows_parse(3, (char *[]){ "l", "g", "9" }, &id) == 0 &&
		      id == 9);
		quiet(true);
		CHECK(flows_parse(0, NULL, &id) == EXIT_USAGE);
		CHECK(flows_parse(1, (char *[]){ "show" }, &id) == EXIT_USAGE);
		CHECK(flows_parse(2, (char *[]){ "show", "group" }, &id) ==
		      EXIT_USAGE);
		CHECK(flows_parse(3, (char *[]){ "show", "group", "0" }, &id) ==
		      EXIT_USAGE);
		CHECK(flows_parse(3, (char *[]){ "show", "grp", "1" }, &id) ==
		      EXIT_USAGE);
		CHECK(flows_parse(2, (char *[]){ "show", "1" }, &id) ==
		      EXIT_USAGE);
		CHECK(flows_parse(4, (char *[]){ "show", "group", "1", "x" },
				  &id) == EXIT_USAGE);
		CHECK(flows_parse(2, (char *[]){ "del", "1" }, &id) ==
		      EXIT_USAGE);
		quiet(false);
	}
}

/* ---- checkpoint ---- */

static const struct checkpoint_step test_steps[] = {
	{ "done", STEP_DONE, 0, NULL, "finish" },
	{ "vmstate-send", 20, 0, NULL, "send" },
	{ "vmstate-size", 21, 99, "BYTES", "size" },
};

static int cp(struct checkpoint_cmd *c, int argc, char **argv)
{
	int ret;

	quiet(true);
	ret = checkpoint_parse(argc, argv, test_steps, ARRAY_SIZE(test_steps),
			       c);
	quiet(false);
	return ret;
}

static void usage_steps(FILE *f, void *arg)
{
	(void)arg;
	checkpoint_usage_steps(f, test_steps, ARRAY_SIZE(test_steps));
}

static void test_checkpoint(void)
{
	struct checkpoint_cmd c;

	/* the real table */
	CHECK(checkpoint_parse(2, (char *[]){ "1", "done" }, checkpoint_steps,
			       ARRAY_SIZE(checkpoint_steps), &c) == 0 &&
	      c.id == 1 && c.step->msg == STEP_DONE);
	CHECK(checkpoint_parse(2, (char *[]){ "4294967295", "d" },
			       checkpoint_steps, ARRAY_SIZE(checkpoint_steps),
			       &c) == 0 && c.id == UINT32_MAX);
	{
		static const char *const names[] = {
			"ready", "request", "reply", "vmstate-send",
			"vmstate-size", "vmstate-received", "vmstate-loaded",
		};
		int i;

		for (i = 0; i <= COLO_MSG_MAX; i++) {
			char *argv[] = { "3", (char *)names[i], "77" };

			CHECK(checkpoint_parse(i == COLO_MSG_VMSTATE_SIZE ? 3 : 2,
					       argv, checkpoint_steps,
					       ARRAY_SIZE(checkpoint_steps),
					       &c) == 0 && c.step->msg == i);
			CHECK(colo_msg_cmd((uint8_t)i) != COLO_CMD_UNSPEC &&
			      colo_cmd_msg(colo_msg_cmd((uint8_t)i)) == i);
		}
		CHECK(c.step->arg_attr == 0);
		CHECK(checkpoint_parse(3, (char *[]){ "3", "vmstate-size", "2k" },
				       checkpoint_steps,
				       ARRAY_SIZE(checkpoint_steps), &c) == 0 &&
		      c.arg == 2048 &&
		      c.step->arg_attr == COLO_A_GROUP_VMSTATE_SIZE);
		/* "re" is request, reply or ...: ambiguous; "rea" is ready */
		quiet(true);
		CHECK(checkpoint_parse(2, (char *[]){ "3", "re" },
				       checkpoint_steps,
				       ARRAY_SIZE(checkpoint_steps), &c) ==
		      EXIT_USAGE);
		quiet(false);
		CHECK(checkpoint_parse(2, (char *[]){ "3", "rea" },
				       checkpoint_steps,
				       ARRAY_SIZE(checkpoint_steps), &c) == 0 &&
		      c.step->msg == COLO_MSG_CHECKPOINT_READY);
		CHECK(colo_cmd_msg(COLO_CMD_FAILOVER) < 0 &&
		      colo_cmd_msg(COLO_CMD_CHECKPOINT_DONE) < 0);
	}

	/* a table with more steps, with an argument */
	CHECK(cp(&c, 2, (char *[]){ "5", "vmstate-send" }) == 0 &&
	      c.step->msg == 20 && c.id == 5);
	CHECK(cp(&c, 3, (char *[]){ "5", "vmstate-size", "4m" }) == 0 &&
	      c.step->msg == 21 && c.arg == 4 << 20);
	CHECK(cp(&c, 3, (char *[]){ "5", "vmstate-size",
				    "18446744073709551615" }) == 0 &&
	      c.arg == UINT64_MAX);
	CHECK(cp(&c, 3, (char *[]){ "5", "vmstate-size", "0" }) == 0 &&
	      c.arg == 0);
	CHECK(cp(&c, 2, (char *[]){ "5", "vmstate-s" }) == EXIT_USAGE);
	CHECK(cp(&c, 2, (char *[]){ "5", "vmstate-size" }) == EXIT_USAGE);
	CHECK(cp(&c, 3, (char *[]){ "5", "vmstate-size", "x" }) == EXIT_USAGE);
	CHECK(cp(&c, 3, (char *[]){ "5", "vmstate-size", "-1" }) ==
	      EXIT_USAGE);
	CHECK(cp(&c, 4, (char *[]){ "5", "vmstate-size", "1", "2" }) ==
	      EXIT_USAGE);
	CHECK(cp(&c, 3, (char *[]){ "5", "done", "x" }) == EXIT_USAGE);
	CHECK(cp(&c, 2, (char *[]){ "5", "bogus" }) == EXIT_USAGE);
	CHECK(cp(&c, 2, (char *[]){ "5", "" }) == EXIT_USAGE);
	CHECK(cp(&c, 2, (char *[]){ "0", "done" }) == EXIT_USAGE);
	CHECK(cp(&c, 2, (char *[]){ "done", "1" }) == EXIT_USAGE);
	CHECK(cp(&c, 1, (char *[]){ "5" }) == EXIT_USAGE);
	CHECK(cp(&c, 0, NULL) == EXIT_USAGE);

	CHECK_STR(capture(usage_steps, NULL),
		  "Usage: coloctl checkpoint ID STEP\n"
		  "       coloctl failover ID\n"
		  "where  ID := 1-4294967295\n"
		  "       STEP := { done | vmstate-send | vmstate-size BYTES }\n"
		  "  done             finish\n"
		  "  vmstate-send     send\n"
		  "  vmstate-size     size\n"
		  "Steps out of order are refused (\"unexpected X, expected Y\").\n");
}

/* ---- events ---- */

static struct nlmsghdr *event(union msgbuf *m, uint8_t cmd, uint32_t group,
			      int reason)
{
	struct nlmsghdr *nlh = msg_start(m, FAMILY, cmd);

	if (group)
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, group);
	if (reason >= 0)
		mnl_attr_put_u8(nlh, COLO_A_GROUP_REASON, (uint8_t)reason);
	return nlh;
}

struct ev_print {
	const struct colo_event *ev;
	bool json;
};

static void ev_print(FILE *f, void *arg)
{
	const struct ev_print *p = arg;
	FILE *saved = stdout;

	stdout = f;
	colo_event_print(p->ev, p->json);
	fflush(stdout);
	stdout = saved;
}

static const char *ev_text(const struct colo_event *ev, bool json)
{
	struct ev_print p = { ev, json };

	return capture(ev_print, &p);
}

static void test_events(void)
{
	struct colo_monitor mon = { .family = FAMILY };
	struct colo_event ev;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	union msgbuf m;
	char buf[32];

	/* the example of the monitor output */
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 1, COLO_REASON_MISCOMPARE);
	put_test_flow(nlh, 0x0800, 6, 4, 43210, 7000, 0, F_KEY);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK(ev.cmd == COLO_CMD_CHECKPOINT_REQUEST && ev.has_group &&
	      ev.group == 1 && ev.has_reason &&
	      ev.reason == COLO_REASON_MISCOMPARE && ev.has_flow && !ev.lost);
	CHECK_STR(ev_text(&ev, false),
		  "checkpoint-request group 1 reason miscompare flow "
		  "tcp 10.0.0.1:43210 <-> 10.0.0.2:7000\n");
	CHECK_STR(ev_text(&ev, true),
		  "{\"event\":\"checkpoint-request\",\"group\":1,"
		  "\"reason\":\"miscompare\",\"flow\":{\"proto\":\"tcp\","
		  "\"ethertype\":2048,\"vlan\":0,\"addr_a\":\"10.0.0.1\","
		  "\"port_a\":43210,\"addr_b\":\"10.0.0.2\",\"port_b\":7000}}\n");

	/* the flow's state is not in the text, but in the JSON */
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 2, COLO_REASON_MEMORY);
	put_test_flow(nlh, 0x86dd, 17, 16, 1, 2, 9, F_KEY | F_STATE);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, false),
		  "checkpoint-request group 2 reason memory flow "
		  "udp [fd00::1]:1 <-> [fd00::2]:2 vlan 9\n");
	CHECK(strstr(ev_text(&ev, true),
		     "\"held_bytes\":4352,\"idle_ms\":120,\"closed\":false}}\n"));

	/* every reason */
	{
		static const char *const want[] = {
			"none", "miscompare", "timeout", "memory", "flow-limit",
			"manual", "stalled", "unknown(7)",
		};
		int r;

		for (r = 0; r <= 7; r++) {
			char line[128];

			nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 3, r);
			CHECK(colo_event_parse(nlh, &ev) == 0);
			snprintf(line, sizeof(line),
				 "checkpoint-request group 3 reason %s\n",
				 want[r]);
			CHECK_STR(ev_text(&ev, false), line);
			snprintf(line, sizeof(line),
				 "{\"event\":\"checkpoint-request\",\"group\":3,"
				 "\"reason\":\"%s\"}\n", want[r]);
			CHECK_STR(ev_text(&ev, true), line);
		}
		CHECK_STR(colo_reason_name(255, buf, sizeof(buf)),
			  "unknown(255)");
	}
	/* no reason */
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 3, -1);
	CHECK(colo_event_parse(nlh, &ev) == 0 && !ev.has_reason);
	CHECK_STR(ev_text(&ev, false), "checkpoint-request group 3\n");

	/* unknown events: printed, with what they carry */
	nlh = event(&m, 42, 3, -1);
	mnl_attr_put_u32(nlh, 400, 1);
	CHECK(colo_event_parse(nlh, &ev) == 0 && ev.cmd == 42);
	CHECK_STR(ev_text(&ev, false), "event 42 group 3\n");
	CHECK_STR(ev_text(&ev, true), "{\"event\":\"unknown(42)\",\"group\":3}\n");
	nlh = event(&m, 255, 0, -1);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, false), "event 255\n");
	CHECK_STR(ev_text(&ev, true), "{\"event\":\"unknown(255)\"}\n");
	nlh = event(&m, COLO_CMD_GROUP_NEW, 9, 2);
	put_test_flow(nlh, 0x0806, 0, 0, 0, 0, 0, 0);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, false),
		  "group-new group 9 reason timeout flow ether 0x0806\n");
	CHECK_STR(colo_event_name(COLO_CMD_CHECKPOINT_REQUEST, buf,
				  sizeof(buf)), "checkpoint-request");
	CHECK_STR(colo_event_name(0, buf, sizeof(buf)), "unknown(0)");

	/* malformed */
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 0, 1);	/* no group */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 1, -1);
	mnl_attr_put_u16(nlh, COLO_A_GROUP_REASON, 1);		/* u8 wanted */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = msg_start(&m, FAMILY, COLO_CMD_CHECKPOINT_REQUEST);
	mnl_attr_put_u64(nlh, COLO_A_GROUP_ID, 1);		/* u32 wanted */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 1, 1);	/* short addr */
	put_test_flow(nlh, 0x0800, 6, 3, 1, 2, 0, F_KEY);
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 1, 1);	/* bad nest */
	nest = put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 0, F_KEY);
	find_nested(nest, COLO_A_FLOW_VLAN)->nla_len = 100;
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = event(&m, 42, 1, 1);			/* unknown: still checked */
	put_test_flow(nlh, 0x0800, 6, 16, 1, 2, 0, F_KEY);
	find_nested(find_attr(nlh, COLO_A_GROUP_FLOW),
		    COLO_A_FLOW_ADDR_B)->nla_len = 4 + 4;
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh = event(&m, COLO_CMD_CHECKPOINT_REQUEST, 1, 1);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;			/* no genl hdr */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 8 + 3; /* cut */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);

	/* nlctrl notifications */
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "colo");
	CHECK(family_deleted(&mon, nlh));
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY + 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "colo");
	CHECK(!family_deleted(&mon, nlh));		/* the id decides */
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "colo");
	CHECK(family_deleted(&mon, nlh));		/* else the name */
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "other");
	CHECK(!family_deleted(&mon, nlh));
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	CHECK(!family_deleted(&mon, nlh));
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	CHECK(!family_deleted(&mon, nlh));
	nlh = msg_start(&m, GENL_ID_CTRL, CTRL_CMD_DELFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);	/* u16 wanted */
	CHECK(!family_deleted(&mon, nlh));
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	CHECK(!family_deleted(&mon, nlh));
}

/* Every event of the protocol, text and JSON. */
static void test_events_protocol(void)
{
	struct colo_event ev;
	struct nlmsghdr *nlh;
	union msgbuf m;
	char buf[32];
	int i;

	for (i = 0; i <= COLO_MSG_MAX; i++) {
		char line[256];
		const char *name = colo_msg_name((uint8_t)i, buf, sizeof(buf));

		nlh = event(&m, colo_msg_cmd((uint8_t)i), 4, -1);
		mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_CHECKPOINT);
		mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, (uint8_t)i);
		CHECK(colo_event_parse(nlh, &ev) == 0 && ev.has_state &&
		      ev.has_step && ev.step == i && !ev.has_size);
		snprintf(line, sizeof(line),
			 "%s group 4 state checkpoint step %s\n", name, name);
		CHECK_STR(ev_text(&ev, false), line);
		snprintf(line, sizeof(line),
			 "{\"event\":\"%s\",\"group\":4,\"state\":\"checkpoint\","
			 "\"step\":\"%s\"}\n", name, name);
		CHECK_STR(ev_text(&ev, true), line);
	}
	CHECK_STR(colo_msg_name(7, buf, sizeof(buf)), "unknown(7)");

	/* vmstate-size carries the size, u64 */
	nlh = event(&m, COLO_CMD_VMSTATE_SIZE, 4, COLO_REASON_TIMEOUT);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_CHECKPOINT);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, COLO_MSG_VMSTATE_SIZE);
	mnl_attr_put_u64(nlh, COLO_A_GROUP_VMSTATE_SIZE, UINT64_MAX);
	CHECK(colo_event_parse(nlh, &ev) == 0 && ev.has_size &&
	      ev.vmstate_size == UINT64_MAX);
	CHECK_STR(ev_text(&ev, false),
		  "vmstate-size group 4 state checkpoint step vmstate-size "
		  "reason timeout size 18446744073709551615\n");
	CHECK_STR(ev_text(&ev, true),
		  "{\"event\":\"vmstate-size\",\"group\":4,\"state\":\"checkpoint\","
		  "\"step\":\"vmstate-size\",\"reason\":\"timeout\","
		  "\"vmstate_size\":18446744073709551615}\n");
	nlh = event(&m, COLO_CMD_VMSTATE_SIZE, 4, -1);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_VMSTATE_SIZE, 1);	/* u64 wanted */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);

	/* failover: reason and flag */
	nlh = event(&m, COLO_CMD_FAILOVER, 5, COLO_REASON_STALLED);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_PASSTHROUGH);
	mnl_attr_put(nlh, COLO_A_GROUP_FAILED_OVER, 0, NULL);
	CHECK(colo_event_parse(nlh, &ev) == 0 && ev.failed_over);
	CHECK_STR(ev_text(&ev, false),
		  "failover group 5 state passthrough reason stalled failed-over\n");
	CHECK_STR(ev_text(&ev, true),
		  "{\"event\":\"failover\",\"group\":5,\"state\":\"passthrough\","
		  "\"reason\":\"stalled\",\"failed_over\":true}\n");
	nlh = event(&m, COLO_CMD_FAILOVER, 5, COLO_REASON_MANUAL);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_FAILED_OVER, 1);	/* flag wanted */
	CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);

	/* group events */
	nlh = event(&m, COLO_CMD_GROUP_SET, 6, -1);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_COMPARING);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, false), "group-set group 6 state comparing\n");
	nlh = event(&m, COLO_CMD_GROUP_DEL, 6, -1);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, true), "{\"event\":\"group-del\",\"group\":6}\n");
	/* values of a newer kernel */
	nlh = event(&m, COLO_CMD_CHECKPOINT_REPLY, 6, 40);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, 9);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, 8);
	CHECK(colo_event_parse(nlh, &ev) == 0);
	CHECK_STR(ev_text(&ev, false),
		  "checkpoint-reply group 6 state unknown(9) step unknown(8) reason unknown(40)\n");
	/* every known event needs a group */
	for (i = COLO_CMD_GROUP_NEW; i <= COLO_CMD_MAX; i++) {
		if (i == COLO_CMD_GROUP_GET || i == COLO_CMD_FLOW_GET ||
		    i == COLO_CMD_CHECKPOINT_DONE)
			continue;
		nlh = event(&m, (uint8_t)i, 0, -1);
		CHECK(colo_event_parse(nlh, &ev) == -EBADMSG);
	}
}

/* ---- the protocol walk ---- */

static void test_protocol(void)
{
	struct colo_group_status st = { 0 };
	struct nlmsghdr *nlh;
	union msgbuf m;

	st.state = COLO_STATE_PASSTHROUGH;
	CHECK(colo_next_msg(&st) == -1);
	st.state = COLO_STATE_COMPARING;
	CHECK(colo_next_msg(&st) == COLO_MSG_CHECKPOINT_REQUEST);
	st.state = COLO_STATE_CHECKPOINT;
	CHECK(colo_next_msg(&st) == COLO_MSG_CHECKPOINT_REPLY);	/* no step */
	st.has_step = true;
	st.step = COLO_MSG_CHECKPOINT_REQUEST;
	CHECK(colo_next_msg(&st) == COLO_MSG_CHECKPOINT_REPLY);
	st.step = COLO_MSG_VMSTATE_SEND;
	CHECK(colo_next_msg(&st) == COLO_MSG_VMSTATE_SIZE);
	st.step = COLO_MSG_VMSTATE_RECEIVED;
	CHECK(colo_next_msg(&st) == COLO_MSG_VMSTATE_LOADED);
	st.step = COLO_MSG_VMSTATE_LOADED;
	CHECK(colo_next_msg(&st) == -1);
	st.step = 200;
	CHECK(colo_next_msg(&st) == -1);
	st.state = 9;
	CHECK(colo_next_msg(&st) == -1);

	/* GROUP_GET of a protocol kernel */
	nlh = msg_start(&m, FAMILY, COLO_CMD_GROUP_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, COLO_STATE_CHECKPOINT);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STEP, COLO_MSG_VMSTATE_SEND);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_REASON, COLO_REASON_MEMORY);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_CKPT_TIMEOUT_MS, 1234);
	mnl_attr_put(nlh, COLO_A_GROUP_FAILED_OVER, 0, NULL);
	CHECK(colo_group_status_parse(nlh, &st) == 0 && st.id == 3 &&
	      st.state == COLO_STATE_CHECKPOINT && st.has_step &&
	      st.step == COLO_MSG_VMSTATE_SEND && st.has_reason &&
	      st.reason == COLO_REASON_MEMORY && st.failed_over &&
	      st.ckpt_timeout_ms == 1234);
	nlh = msg_start(&m, FAMILY, COLO_CMD_GROUP_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
	CHECK(colo_group_status_parse(nlh, &st) == -EBADMSG);	/* no state */
	nlh = msg_start(&m, FAMILY, COLO_CMD_GROUP_GET);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, 1);
	CHECK(colo_group_status_parse(nlh, &st) == -EBADMSG);	/* no id */
	nlh = msg_start(&m, FAMILY, COLO_CMD_GROUP_GET);
	mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 3);
	mnl_attr_put_u8(nlh, COLO_A_GROUP_STATE, 1);
	mnl_attr_put_u16(nlh, COLO_A_GROUP_CKPT_TIMEOUT_MS, 1);
	CHECK(colo_group_status_parse(nlh, &st) == -EBADMSG);
}

/* ---- xen framing ---- */

struct xen_seen {
	int n;
	char last[XEN_MSG_MAX + 1];
	size_t last_len;
	int stop_at;		/* return -EPIPE at this message (1-based) */
};

static int xen_cb(const char *msg, size_t len, void *data)
{
	struct xen_seen *x = data;

	x->n++;
	memcpy(x->last, msg, len + 1);	/* the reader NUL-terminates */
	x->last_len = len;
	return x->n == x->stop_at ? -EPIPE : 0;
}

static void test_xen(void)
{
	struct xen_reader r;
	struct xen_seen x = { 0 };
	uint8_t frame[XEN_MSG_MAX + 8], big[3 * (XEN_MSG_MAX + 4)];
	char buf[16], name[XEN_MSG_MAX + 1];
	size_t n, i, off;

	/* framing */
	n = xen_frame(XEN_DO_CKPT, frame, sizeof(frame));
	CHECK(n == 4 + 13 && !memcmp(frame, "\0\0\0\x0d" "DO_CHECKPOINT", n));
	CHECK(xen_frame("abc", frame, 6) == 0);		/* does not fit */
	CHECK(xen_frame("abc", frame, 7) == 7);
	memset(big, 'x', sizeof(big));
	big[XEN_MSG_MAX + 1] = '\0';
	CHECK(xen_frame((char *)big, frame, sizeof(frame)) == 0); /* too long */
	memcpy(name, big, XEN_MSG_MAX);
	name[XEN_MSG_MAX] = '\0';
	CHECK(xen_frame(name, frame, sizeof(frame)) == XEN_MSG_MAX + 4);

	/* whole messages, one byte at a time, several in one read */
	xen_reader_init(&r);
	n = xen_frame(XEN_PROXY_INIT, frame, sizeof(frame));
	CHECK(xen_reader_feed(&r, frame, n, xen_cb, &x) == 0 && x.n == 1 &&
	      xen_msg_kind(x.last, x.last_len) == XEN_MSG_PROXY_INIT);
	for (i = 0; i < n; i++)
		CHECK(xen_reader_feed(&r, frame + i, 1, xen_cb, &x) == 0);
	CHECK(x.n == 2 && !strcmp(x.last, XEN_PROXY_INIT));
	off = 0;
	for (i = 0; i < 3; i++)
		off += xen_frame(i == 1 ? "" : XEN_CKPT, big + off,
				 sizeof(big) - off);
	CHECK(xen_reader_feed(&r, big, off, xen_cb, &x) == 0 && x.n == 5 &&
	      xen_msg_kind(x.last, x.last_len) == XEN_MSG_CHECKPOINT);
	CHECK(xen_reader_feed(&r, big, 0, xen_cb, &x) == 0 && x.n == 5);
	/* the callback stops the feed */
	x.stop_at = 6;
	CHECK(xen_reader_feed(&r, big, off, xen_cb, &x) == -EPIPE && x.n == 6);
	x.stop_at = 0;

	/* the longest message, and one byte more */
	xen_reader_init(&r);
	memset(big, 'A', sizeof(big));
	big[0] = 0; big[1] = 0;
	big[2] = XEN_MSG_MAX >> 8; big[3] = XEN_MSG_MAX & 0xff;
	CHECK(xen_reader_feed(&r, big, XEN_MSG_MAX + 4, xen_cb, &x) == 0 &&
	      x.n == 7 && x.last_len == XEN_MSG_MAX);
	big[3]++;
	CHECK(xen_reader_feed(&r, big, 4, xen_cb, &x) == -EMSGSIZE && x.n == 7);
	xen_reader_init(&r);
	CHECK(xen_reader_feed(&r, "\xff\xff\xff\xff", 4, xen_cb, &x) ==
	      -EMSGSIZE);
	/* a truncated stream: nothing yet */
	xen_reader_init(&r);
	CHECK(xen_reader_feed(&r, "\0\0\0\x0f" "COLO_", 9, xen_cb, &x) == 0 &&
	      x.n == 7);

	/* kinds: exact, with one NUL, not a prefix or a longer string */
	CHECK(xen_msg_kind("COLO_CHECKPOINT", 15) == XEN_MSG_CHECKPOINT);
	CHECK(xen_msg_kind("COLO_CHECKPOINT\0", 16) == XEN_MSG_CHECKPOINT);
	CHECK(xen_msg_kind("COLO_CHECKPOINT\0\0", 17) == XEN_MSG_UNKNOWN);
	CHECK(xen_msg_kind("COLO_CHECKPOIN", 14) == XEN_MSG_UNKNOWN);
	CHECK(xen_msg_kind("COLO_CHECKPOINTS", 16) == XEN_MSG_UNKNOWN);
	CHECK(xen_msg_kind("colo_checkpoint", 15) == XEN_MSG_UNKNOWN);
	CHECK(xen_msg_kind("", 0) == XEN_MSG_UNKNOWN);
	CHECK(xen_msg_kind(XEN_DO_CKPT, 13) == XEN_MSG_UNKNOWN);	/* ours */

	/* logs */
	CHECK_STR(xen_printable("a\nb\x7f\xff" "c", 6, buf, sizeof(buf)),
		  "a?b??c");
	CHECK_STR(xen_printable("0123456789abcdefXYZ", 19, buf, sizeof(buf)),
		  "0123456789abcde");
	CHECK_STR(xen_printable("x", 1, buf, 0), "");

	/* fuzz: random streams never overrun, never crash */
	{
		uint64_t seed = 12345;
		int round;

		for (round = 0; round < 20000; round++) {
			uint8_t junk[64];
			size_t len;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			len = (size_t)(seed >> 58);
			for (i = 0; i < len; i++) {
				seed = seed * 6364136223846793005ULL + 1;
				junk[i] = (uint8_t)(seed >> 56);
				if (i < 2 && (seed >> 40 & 1))
					junk[i] = 0;	/* plausible lengths */
			}
			if (xen_reader_feed(&r, junk, len, xen_cb, &x))
				xen_reader_init(&r);
		}
	}
}

/* ---- the agent's command line and CMD output ---- */

static int agent_args(struct agent *a, int argc, char **argv)
{
	int ret;

	memset(a, 0, sizeof(*a));
	quiet(true);
	ret = agent_parse(argc, argv, a);
	quiet(false);
	return ret;
}

static uint64_t size_of(const char *out)
{
	struct agent a = { .id = 1 };
	uint64_t v;

	snprintf(a.out, sizeof(a.out), "%s", out);
	a.out_len = strlen(a.out);
	quiet(true);
	v = cmd_size(&a);
	quiet(false);
	return v;
}

static void test_agent(void)
{
	struct agent a;

	CHECK(agent_args(&a, 3, (char *[]){ "7", "--exec", "true", NULL }) == 0 &&
	      a.id == 7 && !strcmp(a.cmd, "true") && !a.xen_path &&
	      a.on_failure == FAIL_FAILOVER && !a.exec_timeout_ms &&
	      !a.interval_ms && !a.no_ready);
	CHECK(agent_args(&a, 9, (char *[]){ "7", "--exec=x y", "--exec-timeout",
			 "1500", "--on-failure", "retry:3",
			 "--checkpoint-interval=100", "--no-ready", "--exec=z",
			 NULL }) == 0 &&
	      !strcmp(a.cmd, "z") && a.exec_timeout_ms == 1500 &&
	      a.on_failure == FAIL_RETRY && a.retries == 3 &&
	      a.interval_ms == 100 && a.no_ready);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x", "--on-failure",
			 "retry", NULL }) == 0 && a.retries == 1);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x", "--on-failure",
			 "failover", NULL }) == 0 &&
	      a.on_failure == FAIL_FAILOVER);
	CHECK(agent_args(&a, 3, (char *[]){ "1", "--xen-notify", "/run/x",
			 NULL }) == 0 && !strcmp(a.xen_path, "/run/x"));
	/* usage errors */
	CHECK(agent_args(&a, 1, (char *[]){ "1", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 0, (char *[]){ NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 2, (char *[]){ "--exec", "x", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 3, (char *[]){ "0", "--exec", "x", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x", "--xen-notify",
			 "p", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--xen-notify", "p",
			 "--exec-timeout", "5", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--xen-notify", "p",
			 "--on-failure", "retry", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 3, (char *[]){ "1", "--xen-notify", "", NULL }) ==
	      EXIT_USAGE);
	CHECK(agent_args(&a, 2, (char *[]){ "1", "--exec", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 4, (char *[]){ "1", "--exec", "x", "extra",
			 NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 4, (char *[]){ "1", "--exec", "x", "--bogus",
			 NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x",
			 "--exec-timeout", "0", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x",
			 "--exec-timeout", "3600001", NULL }) == EXIT_USAGE);
	CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x",
			 "--checkpoint-interval", "1s", NULL }) == EXIT_USAGE);
	{
		static const char *const bad[] = {
			"retry:", "retry:0", "retry:101", "retry:-1", "retryx",
			"retry:1x", "fail", "", "Retry",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++)
			CHECK(agent_args(&a, 5, (char *[]){ "1", "--exec", "x",
					 "--on-failure", (char *)bad[i],
					 NULL }) == EXIT_USAGE);
	}

	/* CMD's first output line is the vmstate size */
	CHECK(size_of("") == 0);
	CHECK(size_of("12345\n") == 12345);
	CHECK(size_of("  4k \r\nlog line\n") == 4096);
	CHECK(size_of("18446744073709551615") == UINT64_MAX);
	CHECK(size_of("18446744073709551616") == 0);	/* warned */
	CHECK(size_of("saved 100 bytes\n") == 0);	/* warned */
	CHECK(size_of("\n42\n") == 0);		/* the first line only */
	CHECK(size_of("-1") == 0);
}

/* ---- errors ---- */

static const char *const test_names[] = { NULL, "one", "two", "three" };

static void test_req(struct genl_req *req)
{
	genl_req_init(req, FAMILY, 1, 1, test_names, ARRAY_SIZE(test_names));
	genl_req_put_u32(req, 1, 11);
	genl_req_put_u64(req, 2, 22);
	genl_req_put_strz(req, 3, "three");
}

/* An NLMSG_ERROR for @req: capped or with the request echoed. */
static struct nlmsghdr *err_msg(union msgbuf *m, const struct genl_req *req,
				int error, bool capped)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	struct nlmsgerr *e;
	size_t echo = capped ? sizeof(e->msg) : req->u.nlh.nlmsg_len;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + echo);
	e->error = error;
	memcpy(&e->msg, &req->u.nlh, echo);
	return nlh;
}

static void test_errors(void)
{
	struct genl_ext_ack ext;
	struct nlmsghdr *nlh;
	struct genl_req req;
	union msgbuf m;
	uint32_t off;
	struct nlattr *attr;

	test_req(&req);
	/* offset of attribute 2 in the request */
	off = (uint32_t)(MNL_NLMSG_HDRLEN + GENL_HDRLEN +
			 MNL_ALIGN(sizeof(struct nlattr) + 4));

	/* plain ack, plain error */
	nlh = err_msg(&m, &req, 0, true);
	CHECK(genl_parse_error(nlh, &req, &ext) == 0 && !ext.msg[0]);
	nlh = err_msg(&m, &req, -ENOENT, false);
	CHECK(genl_parse_error(nlh, &req, &ext) == -ENOENT && !ext.msg[0] &&
	      ext.attr == -1 && ext.missing == -1);

	/* capped, with message and offset */
	nlh = err_msg(&m, &req, -ERANGE, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "out\nof range");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, off + 5);
	CHECK(genl_parse_error(nlh, &req, &ext) == -ERANGE);
	CHECK_STR(ext.msg, "out?of range");
	CHECK(ext.attr == 2 && ext.attr_name && !strcmp(ext.attr_name, "two"));

	/* not capped: the TLVs follow the echoed request */
	nlh = err_msg(&m, &req, -EINVAL, false);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "missing");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, 3);
	CHECK(genl_parse_error(nlh, &req, &ext) == -EINVAL);
	CHECK_STR(ext.msg, "missing");
	CHECK(ext.missing == 3 && !ext.missing_nested &&
	      !strcmp(ext.missing_name, "three"));

	/* ... with a lying echoed length: the TLVs are not found */
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 0xfffffff0;
	CHECK(genl_parse_error(nlh, &req, &ext) == -EINVAL && !ext.msg[0]);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
	CHECK(genl_parse_error(nlh, &req, &ext) == -EINVAL && !ext.msg[0]);

	/* a message without its NUL: ignored, the error stays */
	nlh = err_msg(&m, &req, -EPERM, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
	CHECK(genl_parse_error(nlh, &req, &ext) == -EPERM && !ext.msg[0]);

	/* an offset outside the request, an unknown attribute, no names */
	nlh = err_msg(&m, &req, -EINVAL, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 100000);
	mnl_attr_put_u32(nlh, 99, 1);
	CHECK(genl_parse_error(nlh, &req, &ext) == -EINVAL && ext.attr == -1);
	CHECK(genl_parse_error(nlh, NULL, &ext) == -EINVAL && ext.attr == -1);

	/* a long message is cut */
	nlh = err_msg(&m, &req, -EINVAL, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	{
		char big[1000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, big);
	}
	CHECK(genl_parse_error(nlh, &req, &ext) == -EINVAL &&
	      strlen(ext.msg) == sizeof(ext.msg) - 1);

	/* not errnos */
	nlh = err_msg(&m, &req, INT32_MIN, true);
	CHECK(genl_parse_error(nlh, &req, &ext) == -EBADMSG);
	nlh = err_msg(&m, &req, 5, true);
	CHECK(genl_parse_error(nlh, &req, &ext) == -EBADMSG);

	/* truncated error message */
	nlh = err_msg(&m, &req, -EINVAL, true);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	CHECK(genl_parse_error(nlh, &req, &ext) == -EBADMSG);

	/* NLMSG_DONE: empty, 0, error with ext ack */
	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = NLMSG_DONE;
	CHECK(genl_parse_error(nlh, &req, &ext) == 0);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	CHECK(genl_parse_error(nlh, &req, &ext) == 0);
	*(int *)mnl_nlmsg_get_payload(nlh) = -EMSGSIZE;
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	attr = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump failed");
	CHECK(attr->nla_type == NLMSGERR_ATTR_MSG);
	CHECK(genl_parse_error(nlh, &req, &ext) == -EMSGSIZE);
	CHECK_STR(ext.msg, "dump failed");
}

/* ---- fuzzing: nothing may read out of bounds or crash ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Mutates a copy of @src into an exactly sized heap buffer. */
static struct nlmsghdr *mutate(const struct nlmsghdr *src)
{
	size_t len = src->nlmsg_len;
	struct nlmsghdr *nlh;
	unsigned int i, n;
	char *p;

	p = malloc(len);
	if (!p)
		abort();
	memcpy(p, src, len);
	nlh = (struct nlmsghdr *)p;
	n = 1 + rnd() % 4;
	for (i = 0; i < n; i++) {
		size_t at = MNL_NLMSG_HDRLEN + rnd() % (len - MNL_NLMSG_HDRLEN);

		switch (rnd() % 4) {
		case 0:
			p[at] = (char)rnd();
			break;
		case 1:		/* lengths are where it hurts */
			p[at & ~(size_t)3] = (char)(rnd() % 64);
			p[(at & ~(size_t)3) + 1] = (char)(rnd() % 2 ? 0 : 0xff);
			break;
		case 2:
			nlh->nlmsg_len = (uint32_t)(rnd() % (len + 1));
			break;
		case 3:
			nlh->nlmsg_flags ^= (uint16_t)(1u << (rnd() % 16));
			break;
		}
	}
	if (nlh->nlmsg_len > len)
		nlh->nlmsg_len = (uint32_t)len;
	return nlh;
}

/* What genl_perror() prints to stderr. */
static const char *perror_text(struct genl_sock *gs, int err, const char *ctx)
{
	static char buf[512];
	int saved;
	size_t n;
	FILE *t;

	t = tmpfile();
	if (!t)
		abort();
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(t), 2);
	genl_perror(gs, err, "%s", ctx);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	n = fread(buf, 1, sizeof(buf) - 1, t);
	buf[n] = '\0';
	fclose(t);
	return buf;
}

/*
 * The errors a real kernel does not produce on demand (malformed replies,
 * dumps interrupted again and again, a dump that repeats itself), as the
 * user reads them.
 */
static void test_error_texts(void)
{
	struct genl_sock gs = { .ext = { .attr = -1, .missing = -1 } };
	struct group_list list = { 0 };
	union msgbuf m;

	CHECK_STR(perror_text(&gs, -EPERM, "group 2"),
		  "coloctl: group 2: Operation not permitted (CAP_NET_ADMIN is required)\n");
	CHECK_STR(perror_text(&gs, -EBADMSG, "cannot list groups"),
		  "coloctl: cannot list groups: Bad message (malformed reply from the kernel)\n");
	CHECK_STR(perror_text(&gs, -EINTR, "cannot list groups"),
		  "coloctl: cannot list groups: Interrupted system call (the dump kept being interrupted by changes; try again)\n");
	CHECK_STR(perror_text(&gs, -EMSGSIZE, "cannot list groups"),
		  "coloctl: cannot list groups: Message too long\n");
	CHECK_STR(perror_text(&gs, -ENOENT, "group 1"),
		  "coloctl: group 1: No such file or directory\n");
	/* the kernel's text replaces strerror() and the generic hint */
	snprintf(gs.ext.msg, sizeof(gs.ext.msg), "group 5 does not exist");
	CHECK_STR(perror_text(&gs, -ENOENT, "group 5"),
		  "coloctl: group 5: group 5 does not exist\n");
	CHECK_STR(perror_text(&gs, -EBADMSG, "group 5"),
		  "coloctl: group 5: group 5 does not exist\n");
	CHECK_STR(perror_text(&gs, -EPERM, "group 5"),
		  "coloctl: group 5: group 5 does not exist (CAP_NET_ADMIN is required)\n");

	/* a dump that sends the same group twice in a row would never end */
	CHECK(group_cb(group_msg(&m, true), &list) == 0);
	CHECK(group_cb(group_msg(&m, true), &list) == -EBADMSG && list.n == 1);
	free(list.v);
}

static void test_fuzz(void)
{
	struct group_list list = { 0 };
	struct genl_family fam;
	struct genl_ext_ack ext;
	struct nlmsghdr *nlh;
	struct genl_req req;
	union msgbuf m, fm, em;
	int i, err, ok = 0;

	/* an nlctrl reply */
	nlh = mnl_nlmsg_put_header(fm.buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 33);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "colo");
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	{
		struct nlattr *grps = mnl_attr_nest_start(nlh,
							  CTRL_ATTR_MCAST_GROUPS);
		struct nlattr *grp = mnl_attr_nest_start(nlh, 1);

		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
		mnl_attr_nest_end(nlh, grp);
		mnl_attr_nest_end(nlh, grps);
	}
	memset(&fam, 0, sizeof(fam));
	strcpy(fam.name, "colo");
	CHECK(family_cb(&fm.nlh, &fam) == 0 && fam.id == 33 &&
	      fam.n_mcgrps == 1 && !strcmp(fam.mcgrps[0].name, "events") &&
	      fam.mcgrps[0].id == 9);

	test_req(&req);
	nlh = err_msg(&em, &req, -EINVAL, false);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "bad");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 24);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, 2);

	/* a flow dump message with two flows, and an event */
	{
		union msgbuf flm, evm;
		struct flows fl = { .group = 1, .max = 8 };
		struct colo_event ev;
		struct colo_monitor mon = { .family = FAMILY };
		FILE *null = fopen("/dev/null", "w"), *saved = stdout;

		if (!null)
			abort();
		nlh = msg_start(&flm, FAMILY, COLO_CMD_FLOW_GET);
		mnl_attr_put_u32(nlh, COLO_A_GROUP_ID, 1);
		put_test_flow(nlh, 0x0800, 6, 4, 1, 2, 5,
			      F_KEY | F_STATE | F_CLOSED);
		put_test_flow(nlh, 0x86dd, 58, 16, 3, 0, 0, F_KEY);
		CHECK(flows_cb(nlh, &fl) == 0 && fl.n == 2);
		nlh = event(&evm, COLO_CMD_CHECKPOINT_REQUEST, 1, 1);
		put_test_flow(nlh, 0x86dd, 17, 16, 1, 2, 5, F_KEY | F_STATE);
		CHECK(colo_event_parse(nlh, &ev) == 0);

		stdout = null;
		for (i = 0; i < 100000; i++) {
			nlh = mutate(&flm.nlh);
			fl.n = 0;
			err = flows_cb(nlh, &fl);
			CHECK(err == 0 || err == -EBADMSG);
			ok += !err;
			flows_print(&fl, &(struct coloctl_opts){ .json = i & 1 });
			free(nlh);

			nlh = mutate(&evm.nlh);
			err = colo_event_parse(nlh, &ev);
			CHECK(err == 0 || err == -EBADMSG);
			if (!err)
				colo_event_print(&ev, i & 1);
			family_deleted(&mon, nlh);
			free(nlh);
		}
		stdout = saved;
		fclose(null);
		free(fl.v);
	}

	group_msg(&m, true);
	for (i = 0; i < 200000; i++) {
		nlh = mutate(&m.nlh);
		err = group_cb(nlh, &list);
		CHECK(err == 0 || err == -EBADMSG);
		ok += !err;
		list.n = 0;
		free(nlh);

		nlh = mutate(&fm.nlh);
		memset(&fam, 0, sizeof(fam));
		strcpy(fam.name, "colo");
		err = family_cb(nlh, &fam);
		CHECK(err == 0 || err == -EBADMSG);
		free(nlh);

		nlh = mutate(&em.nlh);
		err = genl_parse_error(nlh, &req, &ext);
		CHECK(err <= 0 && err >= -4095);
		CHECK(strlen(ext.msg) < sizeof(ext.msg));
		free(nlh);
	}
	free(list.v);
	CHECK(ok > 0);	/* some mutations are harmless */
}

/* ---- against the kernel: nlctrl stands in for colo ---- */

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GROUPS + 1];

	if (genl_parse(nlh, tb, CTRL_ATTR_MCAST_GROUPS, NULL))
		return -EBADMSG;
	(*(int *)data)++;
	return 0;
}

static void count_reset(void *data)
{
	*(int *)data = 0;
}

static void test_kernel(void)
{
	static const char *const ctrl_names[] = {
		[CTRL_ATTR_FAMILY_ID] = "family id",
		[CTRL_ATTR_FAMILY_NAME] = "family name",
	};
	struct genl_sock gs;
	struct genl_req req;
	uint32_t grp;
	int err, n = 0;

	err = genl_open(&gs);
	if (err) {
		printf("# skip kernel tests: %s\n", strerror(-err));
		return;
	}
	CHECK(genl_resolve(&gs, "nlctrl") == 0);
	CHECK(gs.family.id == GENL_ID_CTRL);
	CHECK(genl_mcgrp_id(&gs, "notify", &grp) == 0 && grp == GENL_ID_CTRL);
	CHECK(genl_mcgrp_id(&gs, "nope", &grp) == -ENOENT);
	CHECK(genl_resolve(&gs, "colo_nosuch") == -ENOENT);
	CHECK(genl_resolve(&gs, "a_name_longer_than_genl_namsiz") == -EINVAL);

	/* a dump */
	genl_req_init(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NULL, 0);
	CHECK(genl_dump(&gs, &req, count_cb, count_reset, &n) == 0);
	CHECK(n >= 1);
	printf("# nlctrl dump: %d families\n", n);
	/* the socket is still in step after it */
	CHECK(genl_resolve(&gs, "nlctrl") == 0);

	/* a policy error: the extack names our attribute */
	genl_req_init(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, ctrl_names,
		      ARRAY_SIZE(ctrl_names));
	genl_req_put_u8(&req, CTRL_ATTR_FAMILY_ID, 1);	/* u16 wanted */
	err = genl_do(&gs, &req, NULL, NULL);
	printf("# bad attribute: %d \"%s\" attr %d\n", err, gs.ext.msg,
	       gs.ext.attr);
	CHECK(err == -ERANGE || err == -EINVAL);
	CHECK(gs.ext.msg[0] && gs.ext.attr == CTRL_ATTR_FAMILY_ID);
	genl_perror(&gs, err, "expected error, test");

	/* an unsupported command */
	genl_req_init(&req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 1, NULL, 0);
	err = genl_do(&gs, &req, NULL, NULL);
	CHECK(err == -EOPNOTSUPP);
	genl_perror(&gs, err, "expected error, test");

	/* a family id nobody has */
	genl_req_init(&req, 0xfff0, 1, 1, NULL, 0);
	err = genl_do(&gs, &req, NULL, NULL);
	CHECK(err == -ENOENT || err == -EOPNOTSUPP);

	/* a request too large for its buffer is refused here */
	genl_req_init(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NULL, 0);
	{
		char big[GENL_REQ_SIZE];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		genl_req_put_strz(&req, CTRL_ATTR_FAMILY_NAME, big);
	}
	CHECK(genl_do(&gs, &req, NULL, NULL) == -EMSGSIZE);
	genl_close(&gs);
}

int main(void)
{
	test_numbers();
	test_sizes();
	test_keywords();
	test_json();
	test_group_parse();
	test_group_full();
	test_group_args();
	test_flows();
	test_flow_dump();
	test_checkpoint();
	test_events();
	test_events_protocol();
	test_protocol();
	test_xen();
	test_agent();
	test_errors();
	test_error_texts();
	test_fuzz();
	test_kernel();
	printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
