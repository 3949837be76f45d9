/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small TAP harness for the userspace unit tests: one TAP stream for all
 * suites, one test point per test function, diagnostics as "#" lines.
 */
#ifndef _UNIT_TAP_H
#define _UNIT_TAP_H

#include "colo_types.h"

struct unit_test {
	const char *name;
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests;
	unsigned int n;
};

#define UNIT_TEST(fn)	{ #fn, fn }

/* Called by the CHECK macros only, with their fixed formats. */
void unit_fail(const char *file, int line, const char *fmt, ...);

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			unit_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b)						\
			unit_fail(__FILE__, __LINE__,			\
				  "%s == %s (%lld != %lld)",		\
				  #a, #b, _a, _b);			\
	} while (0)

#endif /* _UNIT_TAP_H */
