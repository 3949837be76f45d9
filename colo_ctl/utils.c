// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by the coloctl subcommands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

#define NETNS_RUN_DIR "/run/netns"

static void vpr(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", PROG_NAME, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr("warning: ", fmt, ap);
	va_end(ap);
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		unsigned int d;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		d = (unsigned int)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			/* Keep going: "99999999999999999999x" is not a number. */
			for (p++; *p; p++)
				if (*p < '0' || *p > '9')
					return -EINVAL;
			return -ERANGE;
		}
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err;

	err = parse_u64(s, min, max, &v);
	if (err)
		return err;
	*out = (uint32_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char digits[32];
	size_t n = 0;
	uint64_t v, mult = 1;
	const char *p;
	int err;

	if (!s)
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++)
		n++;
	switch (*p) {
	case 'k': case 'K':
		mult = 1ULL << 10;
		p++;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		p++;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		p++;
		break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (!n || *p)
		return -EINVAL;
	if (n >= sizeof(digits))
		return -ERANGE;		/* digits only: just too large */
	memcpy(digits, s, n);
	digits[n] = '\0';
	err = parse_u64(digits, 0, UINT64_MAX, &v);
	if (err)
		return err;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	v *= mult;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *format_size(uint64_t v, char *buf, size_t size)
{
	static const struct {
		unsigned int shift;
		const char *unit;
	} units[] = { { 30, "Gb" }, { 20, "Mb" }, { 10, "Kb" } };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t mask = (1ULL << units[i].shift) - 1;

		if (v && !(v & mask)) {
			snprintf(buf, size, "%" PRIu64 "%s", v >> units[i].shift,
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRIu64 "b", v);
	return buf;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int keyword_match(const char *arg, const char *keyword)
{
	size_t len = strlen(arg);

	if (!len || strncmp(arg, keyword, len))
		return 0;
	return keyword[len] ? 1 : 2;
}

int keyword_lookup(const char *arg, const struct keyword *table, size_t n)
{
	int found = KEYWORD_UNKNOWN;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (keyword_match(arg, table[i].name)) {
		case 2:
			return table[i].id;
		case 1:
			if (found == KEYWORD_UNKNOWN)
				found = table[i].id;
			else if (found != table[i].id)
				found = KEYWORD_AMBIGUOUS;
			break;
		}
	}
	return found;
}

int netns_switch(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	if (strchr(name, '/')) {
		if (strlen(name) >= sizeof(path)) {
			pr_err("network namespace path too long");
			return -ENAMETOOLONG;
		}
		strcpy(path, name);
	} else if (snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR,
			    name) >= (int)sizeof(path)) {
		pr_err("network namespace name too long");
		return -ENAMETOOLONG;
	}

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_err("cannot open network namespace \"%s\": %s", name,
		       strerror(-err));
		return err;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		pr_err("cannot enter network namespace \"%s\": %s%s", name,
		       strerror(-err),
		       err == -EINVAL ? " (not a network namespace?)" :
		       err == -EPERM ? " (CAP_SYS_ADMIN is required)" : "");
		close(fd);
		return err;
	}
	close(fd);
	return 0;
}
