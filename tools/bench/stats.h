/* SPDX-License-Identifier: GPL-2.0 */
/* Clock and latency summaries shared by the in-VM senders. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t bench_now_ns(void);

/* Sleep until the CLOCK_MONOTONIC instant @t_ns. */
void bench_sleep_until(int64_t t_ns);

/* The @pct percentile (0..100, nearest rank) of @n samples; sorts them. */
int64_t bench_percentile(int64_t *v, size_t n, double pct);

#endif
