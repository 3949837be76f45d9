/* SPDX-License-Identifier: GPL-2.0 */
/* Differences between the kernels we build against (6.1 and later). */
#ifndef _COLO_COMPAT_H
#define _COLO_COMPAT_H

#include <linux/netlink.h>
#include <net/genetlink.h>

/*
 * Formatted extack messages arrived in 6.2.  Older kernels get the same
 * message without the numbers.
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define COLO_SET_ERR_MSG(extack, plain, fmt, ...) \
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##__VA_ARGS__)
#else
#define COLO_SET_ERR_MSG(extack, plain, fmt, ...) \
	NL_SET_ERR_MSG_MOD(extack, plain)
#endif

/*
 * Where a dump finds its validated request attributes: moved into a
 * struct genl_info with the split ops of 6.2, which also brought
 * GENL_SET_ERR_MSG_FMT.
 */
#ifdef GENL_SET_ERR_MSG_FMT
#define colo_dumpit_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define colo_dumpit_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#endif /* _COLO_COMPAT_H */
