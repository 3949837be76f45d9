/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types for parse.c and compare.c, which build unchanged in the kernel
 * module and in userspace (unit tests, fuzzing, profiling).  The kernel
 * side includes the real headers; the userspace side defines the few
 * names those two files use, so their bodies need no #ifdef.
 */
#ifndef _COLO_TYPES_H
#define _COLO_TYPES_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/string.h>
#include <linux/types.h>

#else /* !__KERNEL__ */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;

#define BIT(nr)			(1UL << (nr))
#define BUILD_BUG_ON(cond)	((void)sizeof(char[1 - 2 * !!(cond)]))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* __KERNEL__ */

#endif /* _COLO_TYPES_H */
