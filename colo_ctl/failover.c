// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl failover: give up the pairing of a group.
 *
 *	coloctl failover ID
 *
 * The group goes to passthrough: held primaries are released, held
 * secondaries dropped, and it stays there (flagged failed-over) until
 * "coloctl checkpoint ID ready" starts a new pairing.
 */
#include <inttypes.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "subcommands.h"
#include "utils.h"

void failover_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s failover ID\n"
		"where  ID := 1-%2$" PRIu32 "\n"
		"Fails group ID over: primaries released, secondaries dropped,\n"
		"passthrough until \"%1$s checkpoint ID ready\".\n",
		PROG_NAME, UINT32_MAX);
}

int failover_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	uint32_t id;
	int i;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			failover_usage(stdout);
			return EXIT_OK;
		}
	}
	if (argc < 1) {
		pr_err("failover: missing group ID");
		coloctl_usage_hint("failover");
		return EXIT_USAGE;
	}
	if (colo_parse_group_id(argv[0], &id))
		return EXIT_USAGE;
	if (argc > 1) {
		pr_err("failover %s: unexpected argument \"%s\"", argv[0],
		       argv[1]);
		coloctl_usage_hint("failover");
		return EXIT_USAGE;
	}
	return colo_group_do(opts, COLO_CMD_FAILOVER, id, NULL, 0,
			     "group %" PRIu32 ": failover", id);
}
