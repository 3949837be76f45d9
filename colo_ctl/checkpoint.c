// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl checkpoint: send the steps of a COLO checkpoint by hand.
 *
 *	coloctl checkpoint ID STEP [ ARG ]
 *
 * Each step is one entry of checkpoint_steps[]: its name, its protocol
 * message (enum colo_message) and, if it takes one, the u64 attribute its
 * argument goes into (a size in bytes, as for "vmstate-size BYTES").  The
 * kernel answers with an ack.  "done" is no message of its own: it sends
 * the steps that are left, from where the group is.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "protocol.h"
#include "subcommands.h"
#include "utils.h"

#define STEP_DONE	(-1)	/* checkpoint_step.msg of "done" */
/* A walk that is longer than this is a kernel that does not advance. */
#define DONE_MAX_STEPS	16

struct checkpoint_step {
	const char *name;
	int msg;		/* enum colo_message, or STEP_DONE */
	uint16_t arg_attr;	/* 0: no argument; else a u64 attribute */
	const char *arg_name;	/* the argument in the usage, e.g. "BYTES" */
	const char *help;
};

static const struct checkpoint_step checkpoint_steps[] = {
	{ "ready", COLO_MSG_CHECKPOINT_READY, 0, NULL,
	  "a (new) secondary is in step: passthrough -> comparing" },
	{ "request", COLO_MSG_CHECKPOINT_REQUEST, 0, NULL,
	  "ask for a checkpoint: comparing -> checkpoint" },
	{ "reply", COLO_MSG_CHECKPOINT_REPLY, 0, NULL,
	  "the secondary agreed to the checkpoint" },
	{ "vmstate-send", COLO_MSG_VMSTATE_SEND, 0, NULL,
	  "the primary's state is being sent" },
	{ "vmstate-size", COLO_MSG_VMSTATE_SIZE, COLO_A_GROUP_VMSTATE_SIZE,
	  "BYTES", "how much state was sent" },
	{ "vmstate-received", COLO_MSG_VMSTATE_RECEIVED, 0, NULL,
	  "the secondary has the state: release the held primary\n"
	  "                   packets, drop the held secondary ones" },
	{ "vmstate-loaded", COLO_MSG_VMSTATE_LOADED, 0, NULL,
	  "the secondary loaded the state: back to comparing" },
	{ "done", STEP_DONE, 0, NULL,
	  "send the steps that are left, from where the group is\n"
	  "                   (comparing: request first; vmstate-size 0)" },
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
		"       %s failover ID\n"
		"where  ID := 1-%" PRIu32 "\n"
		"       STEP := {", PROG_NAME, PROG_NAME, UINT32_MAX);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s%s%s", i ? " |" : "", steps[i].name,
			steps[i].arg_name ? " " : "",
			steps[i].arg_name ? steps[i].arg_name : "");
	fputs(" }\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  %-16s %s\n", steps[i].name, steps[i].help);
	fputs("Steps out of order are refused (\"unexpected X, expected Y\").\n", f);
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

/* "group 1: checkpoint vmstate-size: <why>" for error @err of @gs. */
static void step_perror(const struct genl_sock *gs, int err, uint32_t id,
			const char *what)
{
	genl_perror(gs, err, "group %" PRIu32 ": checkpoint %s", id, what);
}

/*
 * "done": the steps that are left, from where the group is.  A step
 * refused as out of order (someone else moved the group on meanwhile)
 * makes it look again.
 */
static int checkpoint_done(struct genl_sock *gs, uint32_t id)
{
	struct colo_group_status st;
	char buf[32];
	int err, msg, n;

	err = colo_group_status_get(gs, id, &st);
	if (err) {
		genl_perror(gs, err, "group %" PRIu32 ": checkpoint done", id);
		return EXIT_FAIL;
	}
	if (st.state == COLO_STATE_PASSTHROUGH) {
		pr_err("group %" PRIu32 ": checkpoint done: the group is in passthrough%s, no checkpoint to complete",
		       id, st.failed_over ? " (failed over)" : "");
		return EXIT_FAIL;
	}
	for (n = 0; n < DONE_MAX_STEPS; n++) {
		msg = colo_next_msg(&st);
		if (msg < 0)
			return EXIT_OK;
		err = colo_step_send(gs, id, (uint8_t)msg, 0);
		if (err == -EPROTO) {
			err = colo_group_status_get(gs, id, &st);
			if (err) {
				genl_perror(gs, err,
					    "group %" PRIu32 ": checkpoint done",
					    id);
				return EXIT_FAIL;
			}
			if (st.state == COLO_STATE_PASSTHROUGH) {
				pr_err("group %" PRIu32 ": checkpoint done: the group failed over meanwhile",
				       id);
				return EXIT_FAIL;
			}
			/* Completed meanwhile (by someone else): done. */
			if (st.state == COLO_STATE_COMPARING)
				return EXIT_OK;
			continue;
		}
		if (err) {
			char what[48];

			snprintf(what, sizeof(what), "done: %s",
				 colo_msg_name((uint8_t)msg, buf, sizeof(buf)));
			step_perror(gs, err, id, what);
			return EXIT_FAIL;
		}
		if (msg == COLO_MSG_VMSTATE_LOADED)
			return EXIT_OK;
		st.state = COLO_STATE_CHECKPOINT;
		st.has_step = true;
		st.step = (uint8_t)msg;
	}
	pr_err("group %" PRIu32 ": checkpoint done: the group does not advance", id);
	return EXIT_FAIL;
}

static int checkpoint_send(const struct checkpoint_cmd *c,
			   const struct coloctl_opts *opts)
{
	struct genl_sock gs;
	int err, ret;

	if (coloctl_connect(opts, &gs))
		return EXIT_FAIL;
	if (c->step->msg == STEP_DONE) {
		ret = checkpoint_done(&gs, c->id);
	} else {
		err = colo_step_send(&gs, c->id, (uint8_t)c->step->msg, c->arg);
		if (err)
			step_perror(&gs, err, c->id, c->step->name);
		ret = err ? EXIT_FAIL : EXIT_OK;
	}
	genl_close(&gs);
	return ret;
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
