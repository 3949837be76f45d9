// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the rewriter lands: passes everything unchanged. */
#include <linux/skbuff.h>
#include <linux/string.h>

#include "rewrite.h"

int colo_rewrite_init(struct colo_group *g)
{
	return 0;
}

void colo_rewrite_destroy(struct colo_group *g)
{
}

int colo_rewrite_skb(struct colo_group *g, struct sk_buff *skb, bool to_svm)
{
	return 0;
}

void colo_rewrite_reset(struct colo_group *g)
{
}

void colo_rewrite_get_stats(struct colo_group *g, struct colo_rewrite_stats *st)
{
	memset(st, 0, sizeof(*st));
}
