// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl checkpoint: send the steps of a COLO checkpoint by hand.
 *
 *	coloctl checkpoint ID STEP [ ARG ]
 *
 * Each step is one entry of checkpoint_steps[]: its name, its command
 * and, if it takes one, the u64 attribute its argument goes into (a size
 * in bytes, as for "vmstate-size BYTES").  The kernel answers with an ack.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "subcommands.h"
#include "utils.h"

struct checkpoint_step {
	const char *name;
	uint8_t cmd;		/* COLO_CMD_* */
	uint16_t arg_attr;	/* 0: no argument; else a u64 attribute */
	const char *arg_name;	/* the argument in the usage, e.g. "BYTES" */
	const char *help;
};

static const struct checkpoint_step checkpoint_steps[] = {
	{ "done", COLO_CMD_CHECKPOINT_DONE, 0, NULL,
	  "complete the checkpoint: release the held primary packets, drop\n"
	  "             the held secondary ones, back to comparing" },
};

/* A step to send: what the command line asked for. */
struct checkpoint_cmd {
	uint32_t id;
	const struct checkpoint_step *step;
	uint64_t arg;
};

static void checkpoint_usage_steps(FILE *f, const struct checkpoint_step *steps,
				   size_t n)
{
	size_t i;

	fprintf(f, "Usage: %s checkpoint ID STEP\n"
		"where  ID := 1-%" PRIu32 "\n"
		"       STEP := {", PROG_NAME, UINT32_MAX);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s%s%s", i ? " |" : "", steps[i].name,
			steps[i].arg_name ? " " : "",
			steps[i].arg_name ? steps[i].arg_name : "");
	fputs(" }\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  %-10s %s\n", steps[i].name, steps[i].help);
}

void checkpoint_usage(FILE *f)
{
	checkpoint_usage_steps(f, checkpoint_steps,
			       ARRAY_SIZE(checkpoint_steps));
}

/* The step named (or uniquely abbreviated) by @arg, or NULL. */
static const struct checkpoint_step *
checkpoint_find(const char *arg, const struct checkpoint_step *steps, size_t n)
{
	const struct checkpoint_step *found = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (keyword_match(arg, steps[i].name)) {
		case 2:
			return &steps[i];
		case 1:
			if (found) {
				pr_err("checkpoint: ambiguous step \"%s\"", arg);
				return NULL;
			}
			found = &steps[i];
			break;
		}
	}
	if (!found)
		pr_err("checkpoint: unknown step \"%s\"", arg);
	return found;
}

/* "ID STEP [ ARG ]" against the table @steps. */
static int checkpoint_parse(int argc, char **argv,
			    const struct checkpoint_step *steps, size_t n,
			    struct checkpoint_cmd *c)
{
	memset(c, 0, sizeof(*c));
	if (argc < 1) {
		pr_err("checkpoint: missing group ID");
		coloctl_usage_hint("checkpoint");
		return EXIT_USAGE;
	}
	if (colo_parse_group_id(argv[0], &c->id))
		return EXIT_USAGE;
	if (argc < 2) {
		pr_err("checkpoint %s: missing step", argv[0]);
		coloctl_usage_hint("checkpoint");
		return EXIT_USAGE;
	}
	c->step = checkpoint_find(argv[1], steps, n);
	if (!c->step) {
		coloctl_usage_hint("checkpoint");
		return EXIT_USAGE;
	}
	argc -= 2;
	argv += 2;
	if (c->step->arg_attr) {
		if (argc < 1) {
			pr_err("checkpoint %s: missing %s", c->step->name,
			       c->step->arg_name);
			return EXIT_USAGE;
		}
		if (parse_size(argv[0], 0, UINT64_MAX, &c->arg)) {
			pr_err("invalid %s \"%s\": expected bytes (suffixes k, m, g allowed)",
			       c->step->arg_name, argv[0]);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc > 0) {
		pr_err("checkpoint %s: unexpected argument \"%s\"",
		       c->step->name, argv[0]);
		coloctl_usage_hint("checkpoint");
		return EXIT_USAGE;
	}
	return 0;
}

static int checkpoint_send(const struct checkpoint_cmd *c,
			   const struct coloctl_opts *opts)
{
	struct colo_attr arg = { c->step->arg_attr, 8, c->arg };

	return colo_group_do(opts, c->step->cmd, c->id, &arg,
			     c->step->arg_attr ? 1 : 0,
			     "group %" PRIu32 ": checkpoint %s", c->id,
			     c->step->name);
}

int checkpoint_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	struct checkpoint_cmd c;
	int i;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			checkpoint_usage(stdout);
			return EXIT_OK;
		}
	}
	if (checkpoint_parse(argc, argv, checkpoint_steps,
			     ARRAY_SIZE(checkpoint_steps), &c))
		return EXIT_USAGE;
	return checkpoint_send(&c, opts);
}
