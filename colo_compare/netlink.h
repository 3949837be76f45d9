/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COLO_NETLINK_H
#define _COLO_NETLINK_H

#include <linux/types.h>

struct colo_group;
struct colo_flow;

int colo_genl_register(void);
void colo_genl_unregister(void);
void colo_nl_step_event(struct colo_group *g, u8 msg_type,
			const struct colo_flow *f, u64 vmstate_size);
void colo_nl_failover_event(struct colo_group *g, u8 reason);

#endif /* _COLO_NETLINK_H */
