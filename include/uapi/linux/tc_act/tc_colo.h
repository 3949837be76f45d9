/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * tc action "colo": feeds packets seen at tc ingress into a COLO group
 * (see linux/colo.h) as its primary or secondary side.
 */
#ifndef __LINUX_TC_COLO_H
#define __LINUX_TC_COLO_H

#include <linux/pkt_cls.h>

struct tc_colo {
	tc_gen;
};

enum tc_colo_role {
	TCA_COLO_ROLE_UNSPEC,
	TCA_COLO_ROLE_PRIMARY,		/* output of the primary VM */
	TCA_COLO_ROLE_SECONDARY,	/* output of the secondary VM */
	TCA_COLO_ROLE_REWRITE,		/* secondary host: TCP seq/ack rewriter,
					 * at the SVM tap's ingress and egress
					 */
	__TCA_COLO_ROLE_MAX
};

#define TCA_COLO_ROLE_MAX (__TCA_COLO_ROLE_MAX - 1)

enum {
	TCA_COLO_UNSPEC,
	TCA_COLO_TM,		/* struct tcf_t; dump only */
	TCA_COLO_PARMS,		/* struct tc_colo */
	TCA_COLO_PAD,
	TCA_COLO_GROUP,		/* u32 group id */
	TCA_COLO_ROLE,		/* u8, enum tc_colo_role */
	TCA_COLO_STATS,		/* nest of TCA_COLO_STATS_*; dump only */
	__TCA_COLO_MAX
};

#define TCA_COLO_MAX (__TCA_COLO_MAX - 1)

enum {
	TCA_COLO_STATS_UNSPEC,
	TCA_COLO_STATS_PAD,
	TCA_COLO_STATS_TAKEN,	/* u64, packets handed to the group */
	TCA_COLO_STATS_PASSED,	/* u64, packets left to the stack (not at ingress, group gone) */
	TCA_COLO_STATS_DROPPED,	/* u64, packets the group could not take */
	__TCA_COLO_STATS_MAX
};

#define TCA_COLO_STATS_MAX (__TCA_COLO_STATS_MAX - 1)

#endif /* __LINUX_TC_COLO_H */
