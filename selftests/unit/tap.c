// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every suite as one TAP stream.  An argument restricts the run to
 * tests whose name contains it.  Exit status 1 if any test failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

extern const struct unit_suite parse_suite, key_suite, datagram_suite,
	tcp_suite;

static const struct unit_suite *const suites[] = {
	&parse_suite, &key_suite, &datagram_suite, &tcp_suite,
};

static unsigned int failures;	/* in the running test */

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static bool selected(const char *name, const char *filter)
{
	return !filter || strstr(name, filter);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int i, j, planned = 0, num = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(suites); i++)
		for (j = 0; j < suites[i]->n; j++)
			planned += selected(suites[i]->tests[j].name, filter);

	printf("TAP version 13\n1..%u\n", planned);
	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		const struct unit_suite *su = suites[i];

		for (j = 0; j < su->n; j++) {
			const struct unit_test *t = &su->tests[j];

			if (!selected(t->name, filter))
				continue;
			failures = 0;
			t->fn();
			num++;
			printf("%sok %u - %s: %s\n", failures ? "not " : "",
			       num, su->name, t->name);
			failed += !!failures;
		}
	}
	printf("# %u tests, %u failed\n", num, failed);
	return failed ? 1 : 0;
}
