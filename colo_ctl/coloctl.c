// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl: control the colo_compare COLO network comparator through its
 * generic netlink family "colo", in the style of iproute2.
 *
 *	coloctl [ OPTIONS ] OBJECT COMMAND [ ARGS ]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <linux/colo.h>

#include "genl.h"
#include "subcommands.h"
#include "utils.h"

#ifndef COLOCTL_VERSION
#define COLOCTL_VERSION "unknown"
#endif

static const struct subcommand subcommands[] = {
	{ "group", group_main, group_usage, "comparator groups: add, set, del, show" },
	{ "flow", flow_main, flow_usage, "the flows of a group and their queues: show" },
	{ "checkpoint", checkpoint_main, checkpoint_usage, "the COLO protocol steps by hand: ready, request, ..., done" },
	{ "failover", failover_main, failover_usage, "give up the pairing: passthrough until ready" },
	{ "monitor", monitor_main, monitor_usage, "print checkpoint requests, protocol steps and group changes" },
	{ "agent", agent_main, agent_usage, "serve a group's checkpoints: --exec CMD or --xen-notify PATH" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       %s help [ OBJECT ]\n"
		"       %s { -V | --version }\n"
		"where  OBJECT := {", PROG_NAME, PROG_NAME, PROG_NAME);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "%s %s", i ? " |" : "", subcommands[i].name);
	fprintf(f,
		" }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s[tats] | -n[etns] NETNS }\n"
		"\n"
		"Objects:\n");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json         JSON output\n"
		"  -p, --pretty       indent the JSON output\n"
		"  -s, --stats        show statistics\n"
		"  -n, --netns NETNS  run in network namespace NETNS (as \"ip -n\")\n"
		"  -V, --version      print the version\n"
		"  -h, --help         print this help\n");
}

void coloctl_usage_hint(const char *object)
{
	if (object)
		pr_err("try \"%s %s help\"", PROG_NAME, object);
	else
		pr_err("try \"%s help\"", PROG_NAME);
}

/* The object named (or uniquely abbreviated) by @arg, or NULL. */
static const struct subcommand *find_subcommand(const char *arg)
{
	const struct subcommand *found = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++) {
		switch (keyword_match(arg, subcommands[i].name)) {
		case 2:
			return &subcommands[i];
		case 1:
			if (found) {
				pr_err("ambiguous object \"%s\"", arg);
				return NULL;
			}
			found = &subcommands[i];
			break;
		}
	}
	if (!found)
		pr_err("unknown object \"%s\"", arg);
	return found;
}

int coloctl_connect(const struct coloctl_opts *opts, struct genl_sock *gs)
{
	int err;

	if (opts->netns && netns_switch(opts->netns))
		return EXIT_FAIL;

	err = genl_open(gs);
	if (err) {
		pr_err("cannot open a generic netlink socket: %s",
		       strerror(-err));
		return EXIT_FAIL;
	}
	err = genl_resolve(gs, COLO_FAMILY_NAME);
	if (err == -ENOENT) {
		pr_err("the colo_compare module is not loaded (try: modprobe colo_compare)");
	} else if (err) {
		genl_perror(gs, err, "cannot resolve generic netlink family \"%s\"",
			    COLO_FAMILY_NAME);
	}
	if (err) {
		genl_close(gs);
		return EXIT_FAIL;
	}
	return 0;
}

static int help(int argc, char **argv)
{
	const struct subcommand *sub;

	if (argc < 1) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 1) {
		pr_err("help: unexpected argument \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	sub = find_subcommand(argv[0]);
	if (!sub) {
		coloctl_usage_hint(NULL);
		return EXIT_USAGE;
	}
	sub->usage(stdout);
	return EXIT_OK;
}

/* Flush stdout, and fail if anything could not be written. */
static int finish(int ret)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		pr_err("cannot write to standard output: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "pretty",	no_argument,		NULL, 'p' },
		{ "stats",	no_argument,		NULL, 's' },
		{ "statistics",	no_argument,		NULL, 's' },
		{ "netns",	required_argument,	NULL, 'n' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct coloctl_opts opts = { 0 };
	const struct subcommand *sub;
	int c;

	opterr = 0;
	/* "+": stop at the object; _only: also "-json", "-netns" as in ip. */
	while ((c = getopt_long_only(argc, argv, "+:jpsn:Vh", long_opts,
				     NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.pretty = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'n':
			if (!*optarg) {
				pr_err("empty network namespace name");
				return EXIT_USAGE;
			}
			opts.netns = optarg;
			break;
		case 'V':
			printf("%s %s (generic netlink family \"%s\" version %d)\n",
			       PROG_NAME, COLOCTL_VERSION, COLO_FAMILY_NAME,
			       COLO_FAMILY_VERSION);
			return finish(EXIT_OK);
		case 'h':
			usage(stdout);
			return finish(EXIT_OK);
		case ':':
			pr_err("option \"%s\" needs an argument",
			       argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (optopt && optopt != '?')
				pr_err("unknown option \"-%c\"", optopt);
			else
				pr_err("unknown option \"%s\"",
				       argv[optind - 1]);
			coloctl_usage_hint(NULL);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc < 1) {
		pr_err("missing object");
		coloctl_usage_hint(NULL);
		return EXIT_USAGE;
	}
	if (is_help(argv[0]))
		return finish(help(argc - 1, argv + 1));

	sub = find_subcommand(argv[0]);
	if (!sub) {
		coloctl_usage_hint(NULL);
		return EXIT_USAGE;
	}
	return finish(sub->fn(argc - 1, argv + 1, &opts));
}
