// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of coloctl: number and keyword parsing, the JSON writer, the
 * parsing of kernel replies and errors (well-formed, malformed and fuzzed,
 * meant to run under ASan/UBSan), group output, and - when the host allows
 * generic netlink - the request/dump/error paths against the kernel's own
 * nlctrl family.  No colo_compare module is needed.
 *
 * genl.c and group.c are included to reach their static functions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../genl.c"
#include "../group.c"

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
	CHECK(g.id == 1 && g.has_state && g.state == 0 && g.has_timeout &&
	      g.timeout_ms == 3000 && g.has_actions && g.actions == 2 &&
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
	test_keywords();
	test_json();
	test_group_parse();
	test_errors();
	test_fuzz();
	test_kernel();
	printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
