// SPDX-License-Identifier: GPL-2.0
/*
 * tc plugin for the "colo" action of colo_compare.
 *
 * Lets a stock iproute2 tc parse and print
 *
 *	tc ... action colo group ID { primary | secondary | rewrite } [ CONTROL ]
 *		[ index INDEX ]
 *
 * tc dlopen()s $TC_LIB_DIR/m_colo.so (Debian: /usr/lib/<multiarch>/tc/) and
 * looks up colo_action_util.  The helpers used here are exported by the tc
 * binary itself; see tc_plugin_abi.h.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/tc_act/tc_colo.h>

#include "tc_plugin_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* parse_action_control_dflt() leaves this when the word is no control verb */
#define COLO_NO_CONTROL INT_MIN

static void explain(void)
{
	fprintf(stderr,
		"Usage: ... colo group ID { primary | secondary | rewrite } [ CONTROL ] [ index INDEX ]\n"
		"       ... colo group ID role { primary | secondary | rewrite } [ CONTROL ] [ index INDEX ]\n"
		"where: ID is a COLO group (1-4294967295), created first with \"coloctl group add ID\"\n"
		"       primary    packets of the primary VM: held and released by the group\n"
		"       secondary  packets of the secondary VM: compared, then consumed\n"
		"       rewrite    secondary host: shift the secondary VM's TCP sequence numbers\n"
		"                  into the primary's (at the SVM tap's ingress and egress)\n"
		"       CONTROL := reclassify | pipe | drop | continue | ok | pass |\n"
		"                  goto chain CHAIN_INDEX (default: pipe)\n"
		"       INDEX is the action index (default: chosen by the kernel)\n"
		"primary and secondary work at ingress only, rewrite also at egress, e.g.\n"
		"       tc filter add dev DEV ingress matchall action colo group ID primary\n"
		"       tc filter add dev TAP egress matchall action colo group ID rewrite\n");
}

static void __attribute__((noreturn)) usage(void)
{
	explain();
	exit(-1);
}

/* Plain decimal, no sign, no blanks, no base prefix: "010" is ten. */
static int parse_u32_dec(const char *s, __u32 *val)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*val = (__u32)v;
	return 0;
}

static int role_from_name(const char *s)
{
	if (strcmp(s, "primary") == 0)
		return TCA_COLO_ROLE_PRIMARY;
	if (strcmp(s, "secondary") == 0)
		return TCA_COLO_ROLE_SECONDARY;
	if (strcmp(s, "rewrite") == 0)
		return TCA_COLO_ROLE_REWRITE;
	return -1;
}

static void print_role(__u8 role)
{
	char buf[8];

	switch (role) {
	case TCA_COLO_ROLE_PRIMARY:
		print_string(PRINT_ANY, "role", "%s ", "primary");
		break;
	case TCA_COLO_ROLE_SECONDARY:
		print_string(PRINT_ANY, "role", "%s ", "secondary");
		break;
	case TCA_COLO_ROLE_REWRITE:
		print_string(PRINT_ANY, "role", "%s ", "rewrite");
		break;
	default:	/* newer kernel: show the number, still as a string */
		snprintf(buf, sizeof(buf), "%u", role);
		print_string(PRINT_ANY, "role", "role %s ", buf);
		break;
	}
}

static int set_role(int *role, const char *word)
{
	int r = role_from_name(word);

	if (r < 0) {
		fprintf(stderr,
			"colo: role must be primary, secondary or rewrite, not \"%s\"\n",
			word);
		return -1;
	}
	if (*role && *role != r) {
		fprintf(stderr, "colo: role given twice\n");
		return -1;
	}
	*role = r;
	return 0;
}

static int parse_colo(struct action_util *a, int *argc_p, char ***argv_p,
		      int tca_id, struct nlmsghdr *n)
{
	struct tc_colo p = { .action = TC_ACT_PIPE };
	bool have_group = false, have_index = false, have_control = false;
	char **argv = *argv_p;
	int argc = *argc_p;
	struct rtattr *tail;
	__u32 group = 0;
	int role = 0;

	(void)a;

	if (argc <= 0 || strcmp(*argv, "colo") != 0) {
		fprintf(stderr, "colo: called for action \"%s\"\n",
			argc > 0 ? *argv : "");
		return -1;
	}
	argc--;
	argv++;

	while (argc > 0) {
		if (strcmp(*argv, "help") == 0) {
			usage();
		} else if (strcmp(*argv, "group") == 0) {
			if (have_group) {
				fprintf(stderr, "colo: group given twice\n");
				return -1;
			}
			if (argc < 2 || parse_u32_dec(argv[1], &group) ||
			    group == 0) {
				fprintf(stderr,
					"colo: group must be a number 1-4294967295, not \"%s\"\n",
					argc < 2 ? "" : argv[1]);
				return -1;
			}
			have_group = true;
			argc--;
			argv++;
		} else if (strcmp(*argv, "role") == 0) {
			if (set_role(&role, argc < 2 ? "" : argv[1]))
				return -1;
			argc--;
			argv++;
		} else if (role_from_name(*argv) > 0) {
			if (set_role(&role, *argv))
				return -1;
		} else if (strcmp(*argv, "index") == 0) {
			if (have_index) {
				fprintf(stderr, "colo: index given twice\n");
				return -1;
			}
			if (argc < 2 || parse_u32_dec(argv[1], &p.index)) {
				fprintf(stderr,
					"colo: index must be a number 0-4294967295, not \"%s\"\n",
					argc < 2 ? "" : argv[1]);
				return -1;
			}
			have_index = true;
			argc--;
			argv++;
		} else if (!have_control) {
			int act = COLO_NO_CONTROL;

			/* silent when *argv is no control verb; advances argv */
			parse_action_control_dflt(&argc, &argv, &act, false,
						  COLO_NO_CONTROL);
			if (act == COLO_NO_CONTROL)
				break;
			p.action = act;
			have_control = true;
			continue;
		} else {
			break;
		}
		argc--;
		argv++;
	}

	/* "goto chain X" / "jump N" that failed: tc has said why */
	if (argc > 0 && !have_control &&
	    (strcmp(*argv, "goto") == 0 || strcmp(*argv, "jump") == 0))
		return -1;

	if (!have_group) {
		fprintf(stderr, "colo: missing group\n");
		return -1;
	}
	if (!role) {
		if (argc > 0)
			fprintf(stderr,
				"colo: role must be primary, secondary or rewrite, not \"%s\"\n",
				*argv);
		else
			fprintf(stderr,
				"colo: missing role (primary, secondary or rewrite)\n");
		return -1;
	}

	tail = addattr_nest(n, MAX_MSG, tca_id);
	if (!tail ||
	    addattr_l(n, MAX_MSG, TCA_COLO_PARMS, &p, sizeof(p)) ||
	    addattr32(n, MAX_MSG, TCA_COLO_GROUP, group) ||
	    addattr8(n, MAX_MSG, TCA_COLO_ROLE, (__u8)role))
		return -1;
	addattr_nest_end(n, tail);

	*argc_p = argc;
	*argv_p = argv;
	return 0;
}

/* The attribute if it carries at least len bytes, else NULL. */
static const void *attr_data(const struct rtattr *rta, size_t len)
{
	if (!rta || RTA_PAYLOAD(rta) < len)
		return NULL;
	return RTA_DATA(rta);
}

/* The u64 counter of type in tb, if it is there and long enough. */
static bool get_stat(struct rtattr **tb, int type, __u64 *v)
{
	const void *data = attr_data(tb[type], sizeof(*v));

	if (!data)
		return false;
	memcpy(v, data, sizeof(*v));
	return true;
}

/* "\t taken N passed N dropped N" on a line of its own */
static void print_colo_stats(struct rtattr *nest)
{
	static const struct {
		int type;
		const char *key;
		const char *fmt;
	} counters[] = {
		{ TCA_COLO_STATS_TAKEN, "taken", " taken %" PRIu64 },
		{ TCA_COLO_STATS_PASSED, "passed", " passed %" PRIu64 },
		{ TCA_COLO_STATS_DROPPED, "dropped", " dropped %" PRIu64 },
	};
	struct rtattr *tb[TCA_COLO_STATS_MAX + 1];
	bool started = false;
	unsigned int i;
	__u64 v;

	parse_rtattr_flags(tb, TCA_COLO_STATS_MAX, RTA_DATA(nest),
			   RTA_PAYLOAD(nest), NLA_F_NESTED);
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (!get_stat(tb, counters[i].type, &v))
			continue;
		if (!started) {
			print_nl();
			print_string(PRINT_FP, NULL, "\t", NULL);
			started = true;
		}
		print_u64(PRINT_ANY, counters[i].key, counters[i].fmt, v);
	}
}

static int print_colo(struct action_util *au, FILE *f, struct rtattr *arg)
{
	struct rtattr *tb[TCA_COLO_MAX + 1];
	const struct tc_colo *p;
	const void *data;
	__u32 group;

	(void)au;

	print_string(PRINT_ANY, "kind", "%s ", "colo");
	if (!arg)
		return 0;

	parse_rtattr_flags(tb, TCA_COLO_MAX, RTA_DATA(arg), RTA_PAYLOAD(arg),
			   NLA_F_NESTED);

	data = attr_data(tb[TCA_COLO_GROUP], sizeof(group));
	if (data) {
		memcpy(&group, data, sizeof(group));
		print_uint(PRINT_ANY, "group", "group %u ", group);
	}

	data = attr_data(tb[TCA_COLO_ROLE], sizeof(__u8));
	if (data)
		print_role(*(const __u8 *)data);

	p = attr_data(tb[TCA_COLO_PARMS], sizeof(*p));
	if (p)
		print_action_control(f, "", p->action, "");

	print_nl();

	if (p) {
		print_uint(PRINT_ANY, "index", "\t index %u", p->index);
		print_int(PRINT_ANY, "ref", " ref %d", p->refcnt);
		print_int(PRINT_ANY, "bind", " bind %d", p->bindcnt);
	}

	if (show_stats) {
		struct tcf_t tm;

		data = attr_data(tb[TCA_COLO_TM], sizeof(tm));
		if (data) {
			memcpy(&tm, data, sizeof(tm));
			print_tm(f, &tm);
		}
		if (tb[TCA_COLO_STATS])
			print_colo_stats(tb[TCA_COLO_STATS]);
	}

	print_nl();
	return 0;
}

struct action_util colo_action_util = {
	.id = "colo",
	.parse_aopt = parse_colo,
	.print_aopt = print_colo,
};
