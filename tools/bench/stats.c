// SPDX-License-Identifier: GPL-2.0
/* Clock and latency summaries shared by the in-VM senders (stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "stats.h"

int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bench_sleep_until(int64_t t_ns)
{
	struct timespec ts = {
		.tv_sec = t_ns / 1000000000,
		.tv_nsec = t_ns % 1000000000,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t bench_percentile(int64_t *v, size_t n, double pct)
{
	size_t rank;

	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (size_t)ceil(pct / 100.0 * n);
	return v[rank ? rank - 1 : 0];
}
