/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The coloctl objects ("coloctl OBJECT COMMAND ..."), one file each.
 * To add one: write its <object>_main() and <object>_usage() in
 * <object>.c, declare them here and list it in coloctl.c's table.
 */
#ifndef COLOCTL_SUBCOMMANDS_H
#define COLOCTL_SUBCOMMANDS_H

#include <stdbool.h>
#include <stdio.h>

struct genl_sock;

/* Global options, given before the object. */
struct coloctl_opts {
	bool json;		/* -j: JSON output */
	bool pretty;		/* -p: indented JSON */
	bool stats;		/* -s: show statistics */
	const char *netns;	/* -n: network namespace, or NULL */
};

/*
 * An object's handler gets the arguments after the object name and returns
 * the exit status (EXIT_OK, EXIT_FAIL or EXIT_USAGE, see utils.h).
 * "help" anywhere in them must print the usage on stdout and return 0.
 */
struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv, const struct coloctl_opts *opts);
	void (*usage)(FILE *f);
	const char *help;	/* one line for "coloctl help" */
};

int group_main(int argc, char **argv, const struct coloctl_opts *opts);
void group_usage(FILE *f);
int flow_main(int argc, char **argv, const struct coloctl_opts *opts);
void flow_usage(FILE *f);
int checkpoint_main(int argc, char **argv, const struct coloctl_opts *opts);
void checkpoint_usage(FILE *f);
int monitor_main(int argc, char **argv, const struct coloctl_opts *opts);
void monitor_usage(FILE *f);
int failover_main(int argc, char **argv, const struct coloctl_opts *opts);
void failover_usage(FILE *f);
int agent_main(int argc, char **argv, const struct coloctl_opts *opts);
void agent_usage(FILE *f);

/*
 * Enters opts->netns, opens a generic netlink socket and resolves the colo
 * family into @gs.  Prints why on failure and returns EXIT_FAIL, else 0.
 */
int coloctl_connect(const struct coloctl_opts *opts, struct genl_sock *gs);

/* Prints "coloctl: try "coloctl [OBJECT] help"" after a usage error. */
void coloctl_usage_hint(const char *object);

#endif /* COLOCTL_SUBCOMMANDS_H */
