// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl group: create, change, delete and show comparator groups.
 *
 *	coloctl group add ID [ PARAMS ]
 *	coloctl group set ID [ PARAMS ]
 *	coloctl group del ID
 *	coloctl group show [ ID ]
 *
 *	PARAMS := [ mode comparing|passthrough | comparing | passthrough ]
 *		  [ timeout MS ] [ scan MS ] [ flow-limit BYTES ]
 *		  [ group-limit BYTES ] [ max-flows N ] [ ckpt-timeout MS ]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "json.h"
#include "protocol.h"
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

/* The u32 parameters of a group: how they are given, shown and checked. */
enum { P_TIMEOUT, P_SCAN, P_FLOW_LIMIT, P_GROUP_LIMIT, P_MAX_FLOWS,
       P_CKPT_TIMEOUT, P_ACTIONS, N_PARAMS };

enum param_unit { UNIT_MS, UNIT_BYTES, UNIT_COUNT };

static const struct group_param {
	int attr;		/* COLO_A_GROUP_*, a u32 */
	const char *name;	/* command line keyword and text output */
	const char *json;	/* JSON key */
	enum param_unit unit;
	uint32_t min, max;	/* max 0: reply only, not settable */
} group_params[N_PARAMS] = {
	[P_TIMEOUT] = { COLO_A_GROUP_TIMEOUT_MS, "timeout", "timeout_ms",
			UNIT_MS, 1, COLO_TIMEOUT_MS_MAX },
	[P_SCAN] = { COLO_A_GROUP_SCAN_MS, "scan", "scan_ms",
		     UNIT_MS, COLO_SCAN_MS_MIN, COLO_SCAN_MS_MAX },
	[P_FLOW_LIMIT] = { COLO_A_GROUP_FLOW_LIMIT, "flow-limit", "flow_limit",
			   UNIT_BYTES, COLO_LIMIT_MIN, UINT32_MAX },
	[P_GROUP_LIMIT] = { COLO_A_GROUP_GROUP_LIMIT, "group-limit",
			    "group_limit", UNIT_BYTES, COLO_LIMIT_MIN,
			    UINT32_MAX },
	[P_MAX_FLOWS] = { COLO_A_GROUP_MAX_FLOWS, "max-flows", "max_flows",
			  UNIT_COUNT, 1, COLO_MAX_FLOWS_MAX },
	[P_CKPT_TIMEOUT] = { COLO_A_GROUP_CKPT_TIMEOUT_MS, "ckpt-timeout",
			     "ckpt_timeout_ms", UNIT_MS,
			     COLO_CKPT_TIMEOUT_MS_MIN, COLO_CKPT_TIMEOUT_MS_MAX },
	[P_ACTIONS] = { COLO_A_GROUP_ACTIONS, "actions", "actions",
			UNIT_COUNT, 0, 0 },
};

/* Arguments of add and set: a parameter's index, or one of these. */
enum { ARG_MODE = 100, ARG_COMPARING, ARG_PASSTHROUGH };

static const struct keyword group_args[] = {
	{ "mode",		ARG_MODE },
	{ "c",			ARG_COMPARING },	/* as before ckpt-timeout */
	{ "comparing",		ARG_COMPARING },
	{ "passthrough",	ARG_PASSTHROUGH },
	{ "timeout",		P_TIMEOUT },
	{ "scan",		P_SCAN },
	{ "flow-limit",		P_FLOW_LIMIT },
	{ "group-limit",	P_GROUP_LIMIT },
	{ "max-flows",		P_MAX_FLOWS },
	{ "ckpt-timeout",	P_CKPT_TIMEOUT },
	{ "checkpoint-timeout",	P_CKPT_TIMEOUT },
};

static const struct keyword group_modes[] = {
	{ "comparing",		COLO_STATE_COMPARING },
	{ "passthrough",	COLO_STATE_PASSTHROUGH },
};

static const enum mnl_attr_data_type stats_policy[COLO_A_STATS_MAX + 1] = {
	[COLO_A_STATS_PRIMARY_PACKETS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_SECONDARY_PACKETS] = MNL_TYPE_U64,
	[COLO_A_STATS_RELEASED]		 = MNL_TYPE_U64,
	[COLO_A_STATS_DROPPED]		 = MNL_TYPE_U64,
	[COLO_A_STATS_HELD_PACKETS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_HELD_BYTES]	 = MNL_TYPE_U64,
	[COLO_A_STATS_COMPARED]		 = MNL_TYPE_U64,
	[COLO_A_STATS_MISCOMPARES]	 = MNL_TYPE_U64,
	[COLO_A_STATS_CHECKPOINTS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_TIMEOUTS]		 = MNL_TYPE_U64,
	[COLO_A_STATS_FLOWS]		 = MNL_TYPE_U64,
	[COLO_A_STATS_SECONDARY_HELD]	 = MNL_TYPE_U64,
	[COLO_A_STATS_SECONDARY_DROPPED] = MNL_TYPE_U64,
	[COLO_A_STATS_CHECKPOINTS_DONE]	 = MNL_TYPE_U64,
	[COLO_A_STATS_FAILOVERS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_FLOWS]		 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_LEARNED]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_REWRITTEN]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_UNKNOWN]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_UNTRACKED]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_ERRORS]	 = MNL_TYPE_U64,
	[COLO_A_STATS_RW_RESETS]	 = MNL_TYPE_U64,
};

/*
 * How each counter is shown: text line (0: primary packets, 1: the
 * comparison, 2: the TCP rewriter, after "rewrite" and only when one of
 * its counters is not 0), text keyword and JSON key, in this order.
 */
static const struct {
	int type;
	int line;
	const char *text;
	const char *json;
} stats_fmt[] = {
	{ COLO_A_STATS_PRIMARY_PACKETS,	  0, "primary",	"primary_packets" },
	{ COLO_A_STATS_SECONDARY_PACKETS, 0, "secondary", "secondary_packets" },
	{ COLO_A_STATS_RELEASED,	  0, "released", "released" },
	{ COLO_A_STATS_DROPPED,		  0, "dropped",	"dropped" },
	{ COLO_A_STATS_HELD_PACKETS,	  0, "held",	"held_packets" },
	{ COLO_A_STATS_HELD_BYTES,	  0, "held_bytes", "held_bytes" },
	{ COLO_A_STATS_COMPARED,	  1, "compared", "compared" },
	{ COLO_A_STATS_MISCOMPARES,	  1, "miscompares", "miscompares" },
	{ COLO_A_STATS_CHECKPOINTS,	  1, "checkpoints", "checkpoints" },
	{ COLO_A_STATS_TIMEOUTS,	  1, "timeouts", "timeouts" },
	{ COLO_A_STATS_FLOWS,		  1, "flows",	"flows" },
	{ COLO_A_STATS_SECONDARY_HELD,	  1, "secondary_held", "secondary_held" },
	{ COLO_A_STATS_SECONDARY_DROPPED, 1, "secondary_dropped",
	  "secondary_dropped" },
	{ COLO_A_STATS_CHECKPOINTS_DONE,  1, "checkpoints_done",
	  "checkpoints_done" },
	{ COLO_A_STATS_FAILOVERS,	  1, "failovers", "failovers" },
	{ COLO_A_STATS_RW_FLOWS,	  2, "flows",	"rewrite_flows" },
	{ COLO_A_STATS_RW_LEARNED,	  2, "learned",	"rewrite_learned" },
	{ COLO_A_STATS_RW_REWRITTEN,	  2, "rewritten", "rewrite_rewritten" },
	{ COLO_A_STATS_RW_UNKNOWN,	  2, "unknown",	"rewrite_unknown" },
	{ COLO_A_STATS_RW_UNTRACKED,	  2, "untracked", "rewrite_untracked" },
	{ COLO_A_STATS_RW_ERRORS,	  2, "errors",	"rewrite_errors" },
	{ COLO_A_STATS_RW_RESETS,	  2, "resets",	"rewrite_resets" },
};

#define STATS_LINES 3
#define STATS_LINE_REWRITE 2

/* A group as the kernel described it; has_* say what it sent. */
struct group_info {
	uint32_t id;
	bool has_state, has_stats, has_step, has_reason, failed_over;
	uint8_t state;
	uint8_t step;		/* enum colo_message, in CHECKPOINT */
	uint8_t reason;		/* enum colo_reason, in CHECKPOINT */
	bool has_param[N_PARAMS];
	uint32_t param[N_PARAMS];
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
	char flow[16], group[16], min[16];

	fprintf(f,
		"Usage: %1$s group add ID [ PARAMS ]\n"
		"       %1$s group set ID [ PARAMS ]\n"
		"       %1$s group { del | delete } ID\n"
		"       %1$s [ -s ] [ -j [ -p ] ] group [ { show | list } [ ID ] ]\n"
		"where  ID := 1-%2$" PRIu32 "\n"
		"       PARAMS := [ mode MODE | MODE ] [ timeout MS ] [ scan MS ]\n"
		"                 [ flow-limit BYTES ] [ group-limit BYTES ] [ max-flows N ]\n"
		"                 [ ckpt-timeout MS ]\n"
		"       MODE := { comparing | passthrough }\n"
		"       timeout MS: compare timeout, 1-%3$d ms (default %4$d)\n"
		"       scan MS: how often held packets are aged, %5$d-%6$d ms (default %7$d)\n"
		"       flow-limit, group-limit BYTES: bytes held per flow (default %8$s)\n"
		"           and per group (default %9$s), %10$s-%2$" PRIu32 ", suffixes k, m, g\n"
		"       max-flows N: flow table size, 1-%11$u (default %12$d)\n"
		"       ckpt-timeout MS (or checkpoint-timeout): longest wait for the next\n"
		"           checkpoint step before the group fails over, %13$d-%14$d ms\n"
		"           (default %15$d)\n"
		"show prints the state; in checkpoint also the last step and the reason;\n"
		"failed-over after a failover, until checkpoint ready.\n",
		PROG_NAME, UINT32_MAX, COLO_TIMEOUT_MS_MAX,
		COLO_TIMEOUT_MS_DEFAULT, COLO_SCAN_MS_MIN, COLO_SCAN_MS_MAX,
		COLO_SCAN_MS_DEFAULT,
		format_size(COLO_FLOW_LIMIT_DEFAULT, flow, sizeof(flow)),
		format_size(COLO_GROUP_LIMIT_DEFAULT, group, sizeof(group)),
		format_size(COLO_LIMIT_MIN, min, sizeof(min)),
		COLO_MAX_FLOWS_MAX, COLO_MAX_FLOWS_DEFAULT,
		COLO_CKPT_TIMEOUT_MS_MIN, COLO_CKPT_TIMEOUT_MS_MAX,
		COLO_CKPT_TIMEOUT_MS_DEFAULT);
}

/* ---- replies ---- */

static int parse_group(const struct nlmsghdr *nlh, struct group_info *g)
{
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	const struct nlattr *st[COLO_A_STATS_MAX + 1];
	int err, i;

	memset(g, 0, sizeof(*g));
	err = genl_parse(nlh, tb, COLO_A_GROUP_MAX, colo_group_policy);
	if (err)
		return err;
	if (!tb[COLO_A_GROUP_ID])
		return -EBADMSG;
	g->id = mnl_attr_get_u32(tb[COLO_A_GROUP_ID]);
	if (tb[COLO_A_GROUP_STATE]) {
		g->has_state = true;
		g->state = mnl_attr_get_u8(tb[COLO_A_GROUP_STATE]);
	}
	if (tb[COLO_A_GROUP_STEP]) {
		g->has_step = true;
		g->step = mnl_attr_get_u8(tb[COLO_A_GROUP_STEP]);
	}
	if (tb[COLO_A_GROUP_REASON]) {
		g->has_reason = true;
		g->reason = mnl_attr_get_u8(tb[COLO_A_GROUP_REASON]);
	}
	g->failed_over = tb[COLO_A_GROUP_FAILED_OVER] != NULL;
	for (i = 0; i < N_PARAMS; i++) {
		const struct nlattr *attr = tb[group_params[i].attr];

		if (attr) {
			g->has_param[i] = true;
			g->param[i] = mnl_attr_get_u32(attr);
		}
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

/* "3000ms", "4Mb", "65536". */
static const char *param_text(const struct group_param *p, uint32_t v,
			      char *buf, size_t size)
{
	switch (p->unit) {
	case UNIT_MS:
		snprintf(buf, size, "%" PRIu32 "ms", v);
		return buf;
	case UNIT_BYTES:
		return format_size(v, buf, size);
	default:
		snprintf(buf, size, "%" PRIu32, v);
		return buf;
	}
}

/* Whether any counter of @line is there and not 0. */
static bool stats_line_used(const struct group_info *g, int line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stats_fmt); i++)
		if (stats_fmt[i].line == line &&
		    g->has_stat[stats_fmt[i].type] &&
		    g->stat[stats_fmt[i].type])
			return true;
	return false;
}

static void print_group_text(const struct group_info *g, bool stats)
{
	char buf[32];
	size_t i;
	int line;

	printf("group %" PRIu32, g->id);
	if (g->has_state)
		printf(" state %s", colo_state_name(g->state, buf, sizeof(buf)));
	if (g->has_step)
		printf(" step %s", colo_msg_name(g->step, buf, sizeof(buf)));
	if (g->has_reason)
		printf(" reason %s", colo_reason_name(g->reason, buf, sizeof(buf)));
	if (g->failed_over)
		fputs(" failed-over", stdout);
	for (i = 0; i < N_PARAMS; i++)
		if (g->has_param[i])
			printf(" %s %s", group_params[i].name,
			       param_text(&group_params[i], g->param[i], buf,
					  sizeof(buf)));
	putchar('\n');

	if (!stats || !g->has_stats)
		return;
	for (line = 0; line < STATS_LINES; line++) {
		bool first = true;

		/* only the secondary host's groups rewrite: no noise elsewhere */
		if (line == STATS_LINE_REWRITE && !stats_line_used(g, line))
			continue;
		for (i = 0; i < ARRAY_SIZE(stats_fmt); i++) {
			if (stats_fmt[i].line != line ||
			    !g->has_stat[stats_fmt[i].type])
				continue;
			printf("%s%s %" PRIu64,
			       !first ? " " :
			       line == STATS_LINE_REWRITE ? "    rewrite " : "    ",
			       stats_fmt[i].text, g->stat[stats_fmt[i].type]);
			first = false;
		}
		if (!first)
			putchar('\n');
	}
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
			       colo_state_name(g->state, buf, sizeof(buf)));
	if (g->has_step)
		json_kv_string(j, "step",
			       colo_msg_name(g->step, buf, sizeof(buf)));
	if (g->has_reason)
		json_kv_string(j, "reason",
			       colo_reason_name(g->reason, buf, sizeof(buf)));
	/* A kernel with the protocol (it has ckpt-timeout) always says. */
	if (g->failed_over || g->has_param[P_CKPT_TIMEOUT])
		json_kv_bool(j, "failed_over", g->failed_over);
	for (i = 0; i < N_PARAMS; i++)
		if (g->has_param[i])
			json_kv_u64(j, group_params[i].json, g->param[i]);
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

/* What add and set were asked to change. */
struct group_change {
	uint32_t id;
	bool has_mode;
	uint8_t mode;		/* COLO_STATE_PASSTHROUGH or _COMPARING */
	bool has[N_PARAMS];
	uint32_t value[N_PARAMS];
};

static int parse_mode(const char *cmd, const char *arg, struct group_change *c)
{
	int mode;

	if (c->has_mode) {
		pr_err("group %s: mode given twice", cmd);
		return EXIT_USAGE;
	}
	mode = keyword_lookup(arg, group_modes, ARRAY_SIZE(group_modes));
	if (mode < 0) {
		pr_err("invalid mode \"%s\": expected comparing or passthrough",
		       arg);
		return EXIT_USAGE;
	}
	c->has_mode = true;
	c->mode = (uint8_t)mode;
	return 0;
}

static int parse_param(const char *cmd, int idx, const char *arg,
		       struct group_change *c)
{
	const struct group_param *p = &group_params[idx];
	uint64_t v;
	int err;

	if (c->has[idx]) {
		pr_err("group %s: %s given twice", cmd, p->name);
		return EXIT_USAGE;
	}
	switch (p->unit) {
	case UNIT_BYTES:
		err = parse_size(arg, p->min, p->max, &v);
		if (err)
			pr_err("invalid %s \"%s\": expected bytes %" PRIu32
			       "-%" PRIu32 " (suffixes k, m, g allowed)",
			       p->name, arg, p->min, p->max);
		break;
	case UNIT_MS:
		err = parse_u64(arg, p->min, p->max, &v);
		if (err)
			pr_err("invalid %s \"%s\": expected milliseconds %" PRIu32
			       "-%" PRIu32, p->name, arg, p->min, p->max);
		break;
	default:
		err = parse_u64(arg, p->min, p->max, &v);
		if (err)
			pr_err("invalid %s \"%s\": expected %" PRIu32 "-%" PRIu32,
			       p->name, arg, p->min, p->max);
		break;
	}
	if (err)
		return EXIT_USAGE;
	c->has[idx] = true;
	c->value[idx] = (uint32_t)v;
	return 0;
}

/* "ID [ PARAMS ]" of add and set. */
static int parse_change(const char *cmd, int argc, char **argv,
			struct group_change *c)
{
	int i, arg;

	memset(c, 0, sizeof(*c));
	if (argc < 1) {
		pr_err("group %s: missing group ID", cmd);
		return EXIT_USAGE;
	}
	if (colo_parse_group_id(argv[0], &c->id))
		return EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		arg = keyword_lookup(argv[i], group_args,
				     ARRAY_SIZE(group_args));
		switch (arg) {
		case ARG_COMPARING:
		case ARG_PASSTHROUGH:
			if (parse_mode(cmd, argv[i], c))
				return EXIT_USAGE;
			continue;
		case KEYWORD_AMBIGUOUS:
			pr_err("group %s: ambiguous argument \"%s\"", cmd,
			       argv[i]);
			coloctl_usage_hint("group");
			return EXIT_USAGE;
		case KEYWORD_UNKNOWN:
			pr_err("group %s: unknown argument \"%s\"", cmd,
			       argv[i]);
			coloctl_usage_hint("group");
			return EXIT_USAGE;
		}
		/* A keyword with a value. */
		if (++i >= argc) {
			pr_err("group %s: missing value after \"%s\"", cmd,
			       argv[i - 1]);
			return EXIT_USAGE;
		}
		if (arg == ARG_MODE ? parse_mode(cmd, argv[i], c) :
				      parse_param(cmd, arg, argv[i], c))
			return EXIT_USAGE;
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
	if (colo_parse_group_id(argv[0], id))
		return EXIT_USAGE;
	if (argc > 1) {
		pr_err("group %s: unexpected argument \"%s\"", cmd, argv[1]);
		coloctl_usage_hint("group");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- commands ---- */

/* add, set and del: a request answered by an ack only. */
static int group_change_run(uint8_t cmd, const struct group_change *c,
			    const struct coloctl_opts *opts)
{
	struct colo_attr attrs[N_PARAMS + 1];
	size_t n = 0;
	int i;

	if (c->has_mode)
		attrs[n++] = (struct colo_attr){ COLO_A_GROUP_MODE, 1, c->mode };
	for (i = 0; i < N_PARAMS; i++)
		if (c->has[i])
			attrs[n++] = (struct colo_attr){
				(uint16_t)group_params[i].attr, 4, c->value[i]
			};
	return colo_group_do(opts, cmd, c->id, attrs, n, "group %" PRIu32,
			     c->id);
}

static int group_show(uint32_t id, const struct coloctl_opts *opts)
{
	struct group_list list = { .want_id = id };
	struct genl_sock gs;
	struct genl_req req;
	int err;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	colo_req_init(&req, &gs, COLO_CMD_GROUP_GET);
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
	struct group_change c = { 0 };
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
		if (parse_change("add", argc - 1, argv + 1, &c))
			return EXIT_USAGE;
		return group_change_run(COLO_CMD_GROUP_NEW, &c, opts);
	case GROUP_SET:
		if (parse_change("set", argc - 1, argv + 1, &c))
			return EXIT_USAGE;
		return group_change_run(COLO_CMD_GROUP_SET, &c, opts);
	case GROUP_DEL:
		if (parse_id_only("del", argc - 1, argv + 1, false, &c.id))
			return EXIT_USAGE;
		return group_change_run(COLO_CMD_GROUP_DEL, &c, opts);
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
