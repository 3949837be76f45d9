// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl flow: the flows of a comparator group and their queues.
 *
 *	coloctl flow show group ID
 *
 * The kernel dumps COLO_CMD_FLOW_GET: one message per flow, with
 * COLO_A_GROUP_ID and a COLO_A_GROUP_FLOW nest.  The flows are collected,
 * sorted by key and printed only when the whole dump went well.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "json.h"
#include "subcommands.h"
#include "utils.h"

/*
 * A dump longer than this is a kernel that does not stop (a group holds at
 * most COLO_MAX_FLOWS_MAX flows, and a little more until a checkpoint).
 */
#define FLOWS_DUMP_MAX	(2 * (size_t)COLO_MAX_FLOWS_MAX)

enum { FLOW_SHOW };

static const struct keyword flow_cmds[] = {
	{ "show",	FLOW_SHOW },
	{ "list",	FLOW_SHOW },
};

enum { FLOW_ARG_GROUP };

static const struct keyword flow_args[] = {
	{ "group",	FLOW_ARG_GROUP },
};

struct flows {
	struct colo_flow *v;
	size_t n, cap;
	size_t max;		/* FLOWS_DUMP_MAX; smaller in the unit tests */
	uint32_t group;
};

void flow_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s [ -j [ -p ] ] flow [ { show | list } ] group ID\n"
		"where  ID := 1-%2$" PRIu32 "\n"
		"Each line: PROTO ADDR[:PORT] <-> ADDR[:PORT] [ id ID ] [ vlan VLAN ]\n"
		"           primary N secondary N held BYTES idle MSms [ closed ]\n",
		PROG_NAME, UINT32_MAX);
}

/* ---- replies ---- */

static int flows_add(const struct nlattr *attr, void *data)
{
	struct flows *fl = data;
	struct colo_flow f;
	int err;

	if (mnl_attr_get_type(attr) != COLO_A_GROUP_FLOW)
		return 0;
	err = colo_flow_parse(attr, &f);
	if (err)
		return err;
	/* A dump that resumes at the flow it already sent would never end. */
	if (fl->n && !colo_flow_cmp(&fl->v[fl->n - 1], &f))
		return -EBADMSG;
	if (fl->n >= fl->max)
		return -EBADMSG;
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 64;
		struct colo_flow *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(fl->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fl->v = v;
		fl->cap = cap;
	}
	fl->v[fl->n++] = f;
	return 0;
}

/* One message of the dump: the group and (at least) one flow. */
static int flows_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	struct flows *fl = data;
	int err;

	err = genl_parse(nlh, tb, COLO_A_GROUP_MAX, colo_group_policy);
	if (err)
		return err;
	if (!tb[COLO_A_GROUP_FLOW])
		return -EBADMSG;
	if (tb[COLO_A_GROUP_ID] &&
	    mnl_attr_get_u32(tb[COLO_A_GROUP_ID]) != fl->group)
		return -EBADMSG;	/* another group's flow */
	return genl_for_each_attr(nlh, flows_add, fl);
}

static void flows_reset(void *data)
{
	struct flows *fl = data;

	fl->n = 0;
}

static int flows_sort_cmp(const void *a, const void *b)
{
	return colo_flow_cmp(a, b);
}

/* ---- output ---- */

static void flows_print(const struct flows *fl,
			const struct coloctl_opts *opts)
{
	struct json j;
	size_t i;

	if (!opts->json) {
		for (i = 0; i < fl->n; i++) {
			colo_flow_print_text(&fl->v[i], true);
			putchar('\n');
		}
		return;
	}
	json_init(&j, stdout, opts->pretty);
	json_array_begin(&j);
	for (i = 0; i < fl->n; i++)
		colo_flow_json(&j, &fl->v[i]);
	json_array_end(&j);
	json_finish(&j);
}

/* ---- commands ---- */

static int flows_show(uint32_t group, const struct coloctl_opts *opts)
{
	struct flows fl = { .group = group, .max = FLOWS_DUMP_MAX };
	struct genl_sock gs;
	struct genl_req req;
	int err;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	colo_req_init(&req, &gs, COLO_CMD_FLOW_GET);
	genl_req_put_u32(&req, COLO_A_GROUP_ID, group);
	err = genl_dump(&gs, &req, flows_cb, flows_reset, &fl);
	if (err)
		genl_perror(&gs, err, "group %" PRIu32 ": cannot list flows",
			    group);
	genl_close(&gs);

	if (!err) {
		if (fl.n > 1)
			qsort(fl.v, fl.n, sizeof(*fl.v), flows_sort_cmp);
		flows_print(&fl, opts);
	}
	free(fl.v);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* "[ show | list ] group ID" */
static int flows_parse(int argc, char **argv, uint32_t *group)
{
	int i = 0;

	if (i < argc && keyword_lookup(argv[i], flow_cmds,
				       ARRAY_SIZE(flow_cmds)) == FLOW_SHOW)
		i++;
	if (i >= argc) {
		pr_err("flow show: missing \"group ID\"");
		coloctl_usage_hint("flow");
		return EXIT_USAGE;
	}
	switch (keyword_lookup(argv[i], flow_args, ARRAY_SIZE(flow_args))) {
	case FLOW_ARG_GROUP:
		break;
	default:
		pr_err("flow%s: unknown %s \"%s\"", i ? " show" : "",
		       i ? "argument" : "command", argv[i]);
		coloctl_usage_hint("flow");
		return EXIT_USAGE;
	}
	if (++i >= argc) {
		pr_err("flow show: missing value after \"%s\"", argv[i - 1]);
		return EXIT_USAGE;
	}
	if (colo_parse_group_id(argv[i], group))
		return EXIT_USAGE;
	if (++i < argc) {
		pr_err("flow show: unexpected argument \"%s\"", argv[i]);
		coloctl_usage_hint("flow");
		return EXIT_USAGE;
	}
	return 0;
}

int flow_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	uint32_t group;
	int i;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			flow_usage(stdout);
			return EXIT_OK;
		}
	}
	if (flows_parse(argc, argv, &group))
		return EXIT_USAGE;
	return flows_show(group, opts);
}
