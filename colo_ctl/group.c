// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl group: create, change, delete and show comparator groups.
 *
 *	coloctl group add ID [ timeout MS ]
 *	coloctl group set ID [ timeout MS ]
 *	coloctl group del ID
 *	coloctl group show [ ID ]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/colo.h>

#include "genl.h"
#include "json.h"
#include "subcommands.h"
#include "utils.h"

enum { GROUP_ADD, GROUP_SET, GROUP_DEL, GROUP_SHOW };

static const struct keyword group_cmds[] = {
	{ "add",	GROUP_ADD },
	{ "set",	GROUP_SET },
	{ "del",	GROUP_DEL },
	{ "delete",	GROUP_DEL },
	{ "show",	GROUP_SHOW },
	{ "list",	GROUP_SHOW },
};

enum { ARG_TIMEOUT };

static const struct keyword group_args[] = {
	{ "timeout",	ARG_TIMEOUT },
};

/* For the kernel's error messages: which attribute it means. */
static const char *const group_attr_names[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_ID]		= "group id",
	[COLO_A_GROUP_STATE]		= "state",
	[COLO_A_GROUP_TIMEOUT_MS]	= "timeout",
	[COLO_A_GROUP_ACTIONS]		= "actions",
	[COLO_A_GROUP_STATS]		= "stats",
};

static const enum mnl_attr_data_type group_policy[COLO_A_GROUP_MAX + 1] = {
	[COLO_A_GROUP_ID]		= MNL_TYPE_U32,
	[COLO_A_GROUP_STATE]		= MNL_TYPE_U8,
	[COLO_A_GROUP_TIMEOUT_MS]	= MNL_TYPE_U32,
	[COLO_A_GROUP_ACTIONS]		= MNL_TYPE_U32,
	[COLO_A_GROUP_STATS]		= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type stats_policy[COLO_A_STATS_MAX + 1] = {
	[COLO_A_STATS_PRIMARY_PACKETS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_SECONDARY_PACKETS] = MNL_TYPE_U64,
	[COLO_A_STATS_RELEASED]		 = MNL_TYPE_U64,
	[COLO_A_STATS_DROPPED]		 = MNL_TYPE_U64,
	[COLO_A_STATS_HELD_PACKETS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_HELD_BYTES]	 = MNL_TYPE_U64,
};

/* How each counter is shown: text keyword and JSON key, in this order. */
static const struct {
	int type;
	const char *text;
	const char *json;
} stats_fmt[] = {
	{ COLO_A_STATS_PRIMARY_PACKETS,	  "primary",	"primary_packets" },
	{ COLO_A_STATS_SECONDARY_PACKETS, "secondary",	"secondary_packets" },
	{ COLO_A_STATS_RELEASED,	  "released",	"released" },
	{ COLO_A_STATS_DROPPED,		  "dropped",	"dropped" },
	{ COLO_A_STATS_HELD_PACKETS,	  "held",	"held_packets" },
	{ COLO_A_STATS_HELD_BYTES,	  "held_bytes",	"held_bytes" },
};

static const char *const state_names[COLO_STATE_MAX + 1] = {
	[COLO_STATE_PASSTHROUGH]	= "passthrough",
	[COLO_STATE_COMPARING]		= "comparing",
	[COLO_STATE_CHECKPOINT]		= "checkpoint",
};

/* A group as the kernel described it; has_* say what it sent. */
struct group_info {
	uint32_t id;
	bool has_state, has_timeout, has_actions, has_stats;
	uint8_t state;
	uint32_t timeout_ms;
	uint32_t actions;
	bool has_stat[COLO_A_STATS_MAX + 1];
	uint64_t stat[COLO_A_STATS_MAX + 1];
};

struct group_list {
	struct group_info *v;
	size_t n, cap;
	uint32_t want_id;	/* a GET for one group: 0 for a dump */
};

void group_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s group add ID [ timeout MS ]\n"
		"       %1$s group set ID [ timeout MS ]\n"
		"       %1$s group { del | delete } ID\n"
		"       %1$s [ -s ] [ -j [ -p ] ] group [ { show | list } [ ID ] ]\n"
		"where  ID := 1-%2$" PRIu32 "\n"
		"       MS := 1-%3$d (compare timeout in milliseconds, default %4$d)\n",
		PROG_NAME, UINT32_MAX, COLO_TIMEOUT_MS_MAX,
		COLO_TIMEOUT_MS_DEFAULT);
}

/* ---- replies ---- */

static int parse_group(const struct nlmsghdr *nlh, struct group_info *g)
{
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	const struct nlattr *st[COLO_A_STATS_MAX + 1];
	int err, i;

	memset(g, 0, sizeof(*g));
	err = genl_parse(nlh, tb, COLO_A_GROUP_MAX, group_policy);
	if (err)
		return err;
	if (!tb[COLO_A_GROUP_ID])
		return -EBADMSG;
	g->id = mnl_attr_get_u32(tb[COLO_A_GROUP_ID]);
	if (tb[COLO_A_GROUP_STATE]) {
		g->has_state = true;
		g->state = mnl_attr_get_u8(tb[COLO_A_GROUP_STATE]);
	}
	if (tb[COLO_A_GROUP_TIMEOUT_MS]) {
		g->has_timeout = true;
		g->timeout_ms = mnl_attr_get_u32(tb[COLO_A_GROUP_TIMEOUT_MS]);
	}
	if (tb[COLO_A_GROUP_ACTIONS]) {
		g->has_actions = true;
		g->actions = mnl_attr_get_u32(tb[COLO_A_GROUP_ACTIONS]);
	}
	if (tb[COLO_A_GROUP_STATS]) {
		err = genl_parse_nested(tb[COLO_A_GROUP_STATS], st,
					COLO_A_STATS_MAX, stats_policy);
		if (err)
			return err;
		g->has_stats = true;
		for (i = 0; i <= COLO_A_STATS_MAX; i++) {
			if (!st[i] || stats_policy[i] != MNL_TYPE_U64)
				continue;
			g->has_stat[i] = true;
			g->stat[i] = mnl_attr_get_u64(st[i]);
		}
	}
	return 0;
}

static int group_cb(const struct nlmsghdr *nlh, void *data)
{
	struct group_list *list = data;
	struct group_info g;
	int err;

	err = parse_group(nlh, &g);
	if (err)
		return err;
	if (list->want_id && g.id != list->want_id)
		return -EBADMSG;
	/* A dump that resumes at the group it already sent would never end. */
	if (list->n && list->v[list->n - 1].id == g.id)
		return -EBADMSG;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct group_info *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(list->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = g;
	return 0;
}

static void group_list_reset(void *data)
{
	struct group_list *list = data;

	list->n = 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- output ---- */

static const char *state_name(uint8_t state, char *buf, size_t size)
{
	if (state <= COLO_STATE_MAX && state_names[state])
		return state_names[state];
	snprintf(buf, size, "unknown(%u)", state);
	return buf;
}

static void print_group_text(const struct group_info *g, bool stats)
{
	char buf[32];
	size_t i;
	bool first = true;

	printf("group %" PRIu32, g->id);
	if (g->has_state)
		printf(" state %s", state_name(g->state, buf, sizeof(buf)));
	if (g->has_timeout)
		printf(" timeout %" PRIu32 "ms", g->timeout_ms);
	if (g->has_actions)
		printf(" actions %" PRIu32, g->actions);
	putchar('\n');

	if (!stats || !g->has_stats)
		return;
	for (i = 0; i < ARRAY_SIZE(stats_fmt); i++) {
		if (!g->has_stat[stats_fmt[i].type])
			continue;
		printf("%s%s %" PRIu64, first ? "    " : " ", stats_fmt[i].text,
		       g->stat[stats_fmt[i].type]);
		first = false;
	}
	if (!first)
		putchar('\n');
}

static void print_group_json(struct json *j, const struct group_info *g,
			     bool stats)
{
	char buf[32];
	size_t i;

	json_object_begin(j);
	json_kv_u64(j, "group", g->id);
	if (g->has_state)
		json_kv_string(j, "state",
			       state_name(g->state, buf, sizeof(buf)));
	if (g->has_timeout)
		json_kv_u64(j, "timeout_ms", g->timeout_ms);
	if (g->has_actions)
		json_kv_u64(j, "actions", g->actions);
	if (stats && g->has_stats) {
		json_key(j, "stats");
		json_object_begin(j);
		for (i = 0; i < ARRAY_SIZE(stats_fmt); i++)
			if (g->has_stat[stats_fmt[i].type])
				json_kv_u64(j, stats_fmt[i].json,
					    g->stat[stats_fmt[i].type]);
		json_object_end(j);
	}
	json_object_end(j);
}

static void print_groups(const struct group_list *list,
			 const struct coloctl_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < list->n; i++)
			print_group_text(&list->v[i], opts->stats);
		return;
	}
	json_init(&j, stdout, opts->pretty);
	json_array_begin(&j);
	for (i = 0; i < list->n; i++)
		print_group_json(&j, &list->v[i], opts->stats);
	json_array_end(&j);
	json_finish(&j);
}

/* ---- command line ---- */

static int parse_id(const char *arg, uint32_t *id)
{
	if (parse_u32(arg, 1, UINT32_MAX, id)) {
		pr_err("invalid group id \"%s\": expected 1-%" PRIu32, arg,
		       UINT32_MAX);
		return EXIT_USAGE;
	}
	return 0;
}

struct group_params {
	uint32_t id;
	bool has_timeout;
	uint32_t timeout_ms;
};

/* "ID [ timeout MS ]" of add and set. */
static int parse_params(const char *cmd, int argc, char **argv,
			struct group_params *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	if (argc < 1) {
		pr_err("group %s: missing group ID", cmd);
		return EXIT_USAGE;
	}
	if (parse_id(argv[0], &p->id))
		return EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		switch (keyword_lookup(argv[i], group_args,
				       ARRAY_SIZE(group_args))) {
		case ARG_TIMEOUT:
			if (p->has_timeout) {
				pr_err("group %s: timeout given twice", cmd);
				return EXIT_USAGE;
			}
			if (++i >= argc) {
				pr_err("group %s: missing value after \"%s\"",
				       cmd, argv[i - 1]);
				return EXIT_USAGE;
			}
			if (parse_u32(argv[i], 1, COLO_TIMEOUT_MS_MAX,
				      &p->timeout_ms)) {
				pr_err("invalid timeout \"%s\": expected milliseconds 1-%d",
				       argv[i], COLO_TIMEOUT_MS_MAX);
				return EXIT_USAGE;
			}
			p->has_timeout = true;
			break;
		default:
			pr_err("group %s: unknown argument \"%s\"", cmd,
			       argv[i]);
			coloctl_usage_hint("group");
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Parses "[ ID ]" of del (@optional false) and show (@optional true). */
static int parse_id_only(const char *cmd, int argc, char **argv,
			 bool optional, uint32_t *id)
{
	*id = 0;
	if (argc < 1) {
		if (optional)
			return 0;
		pr_err("group %s: missing group ID", cmd);
		return EXIT_USAGE;
	}
	if (parse_id(argv[0], id))
		return EXIT_USAGE;
	if (argc > 1) {
		pr_err("group %s: unexpected argument \"%s\"", cmd, argv[1]);
		coloctl_usage_hint("group");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- commands ---- */

static void init_req(struct genl_req *req, const struct genl_sock *gs,
		     uint8_t cmd)
{
	genl_req_init(req, gs->family.id, cmd, COLO_FAMILY_VERSION,
		      group_attr_names, ARRAY_SIZE(group_attr_names));
}

/* add, set and del: a request answered by an ack only. */
static int group_change(uint8_t cmd, const struct group_params *p,
			const struct coloctl_opts *opts)
{
	struct genl_sock gs;
	struct genl_req req;
	int err;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	init_req(&req, &gs, cmd);
	genl_req_put_u32(&req, COLO_A_GROUP_ID, p->id);
	if (p->has_timeout)
		genl_req_put_u32(&req, COLO_A_GROUP_TIMEOUT_MS, p->timeout_ms);
	err = genl_do(&gs, &req, NULL, NULL);
	if (err)
		genl_perror(&gs, err, "group %" PRIu32, p->id);
	genl_close(&gs);
	return err ? EXIT_FAIL : EXIT_OK;
}

static int group_show(uint32_t id, const struct coloctl_opts *opts)
{
	struct group_list list = { .want_id = id };
	struct genl_sock gs;
	struct genl_req req;
	int err;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	init_req(&req, &gs, COLO_CMD_GROUP_GET);
	if (id) {
		genl_req_put_u32(&req, COLO_A_GROUP_ID, id);
		err = genl_do(&gs, &req, group_cb, &list);
		if (!err && list.n != 1)
			err = -EBADMSG;	/* acked without exactly one reply */
		if (err)
			genl_perror(&gs, err, "group %" PRIu32, id);
	} else {
		err = genl_dump(&gs, &req, group_cb, group_list_reset, &list);
		if (err)
			genl_perror(&gs, err, "cannot list groups");
	}
	genl_close(&gs);

	if (!err) {
		if (list.n > 1)
			qsort(list.v, list.n, sizeof(*list.v), cmp_group);
		print_groups(&list, opts);
	}
	free(list.v);
	return err ? EXIT_FAIL : EXIT_OK;
}

int group_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	struct group_params p = { 0 };
	uint32_t id;
	int i, cmd;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			group_usage(stdout);
			return EXIT_OK;
		}
	}

	if (argc < 1)
		return group_show(0, opts);	/* "coloctl group" lists */

	cmd = keyword_lookup(argv[0], group_cmds, ARRAY_SIZE(group_cmds));
	switch (cmd) {
	case GROUP_ADD:
		if (parse_params("add", argc - 1, argv + 1, &p))
			return EXIT_USAGE;
		return group_change(COLO_CMD_GROUP_NEW, &p, opts);
	case GROUP_SET:
		if (parse_params("set", argc - 1, argv + 1, &p))
			return EXIT_USAGE;
		return group_change(COLO_CMD_GROUP_SET, &p, opts);
	case GROUP_DEL:
		if (parse_id_only("del", argc - 1, argv + 1, false, &p.id))
			return EXIT_USAGE;
		return group_change(COLO_CMD_GROUP_DEL, &p, opts);
	case GROUP_SHOW:
		if (parse_id_only("show", argc - 1, argv + 1, true, &id))
			return EXIT_USAGE;
		return group_show(id, opts);
	case KEYWORD_AMBIGUOUS:
		pr_err("group: ambiguous command \"%s\"", argv[0]);
		break;
	default:
		pr_err("group: unknown command \"%s\"", argv[0]);
		break;
	}
	coloctl_usage_hint("group");
	return EXIT_USAGE;
}
