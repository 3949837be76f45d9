/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the coloctl subcommands: messages, strict number
 * parsing, keyword matching and network namespace switching.
 */
#ifndef COLOCTL_UTILS_H
#define COLOCTL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_NAME "coloctl"

/* Exit status of coloctl and of every subcommand handler. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* runtime or kernel error */
	EXIT_USAGE = 2,		/* bad command line */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "coloctl: <message>\n" on stderr. */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "coloctl: warning: <message>\n" on stderr. */
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parses @s as a decimal number in [@min, @max].  Only digits are accepted:
 * no sign, no blanks, no base prefix, no trailing characters.
 * Returns 0, or -EINVAL (not a number) or -ERANGE (out of range).
 */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Parses a size in bytes in [@min, @max], like tc: decimal digits, then
 * optionally k/K, m/M or g/G (1024-based), then optionally b/B ("4M",
 * "64k", "4Mb", "4096b").  Same errors as parse_u64(); a size that does
 * not fit in 64 bits is -ERANGE.
 */
int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Formats @v bytes in the largest unit that divides it exactly: "4Mb",
 * "64Kb", "1Gb", "100000b", so that parse_size() reads it back.
 */
const char *format_size(uint64_t v, char *buf, size_t size);

/* Is @arg "help", "-h" or "--help"? */
bool is_help(const char *arg);

/*
 * A keyword of a command line: @id is what the caller switches on, and
 * several names (aliases) may share one id.
 */
struct keyword {
	const char *name;
	int id;
};

enum {
	KEYWORD_UNKNOWN = -1,
	KEYWORD_AMBIGUOUS = -2,
};

/*
 * Does @arg name @keyword?  An exact match or a non-empty prefix of it
 * (iproute2 style abbreviation).  Returns 2 (exact), 1 (prefix) or 0.
 */
int keyword_match(const char *arg, const char *keyword);

/*
 * Looks @arg up in @table: an exact name wins, else a prefix shared by
 * entries of a single id.  Returns the id, KEYWORD_UNKNOWN or
 * KEYWORD_AMBIGUOUS.
 */
int keyword_lookup(const char *arg, const struct keyword *table, size_t n);

/*
 * Enters the network namespace @name, like "ip -n": /run/netns/<name>, or
 * @name itself when it contains a slash (e.g. /proc/<pid>/ns/net).
 * Prints the error and returns -errno on failure.
 */
int netns_switch(const char *name);

#endif /* COLOCTL_UTILS_H */
