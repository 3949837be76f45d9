/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses of parse.c and compare.c: an
 * invariant check that says which one broke, then traps so libFuzzer
 * saves the input as a crash.
 */
#ifndef _COLO_FUZZ_H
#define _COLO_FUZZ_H

#include <stdio.h>

#include "compare.h"

#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",\
				__FILE__, __LINE__, #cond);		\
			__builtin_trap();				\
		}							\
	} while (0)

static inline u16 fz_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 fz_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void fz_put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void fz_put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

#endif /* _COLO_FUZZ_H */
