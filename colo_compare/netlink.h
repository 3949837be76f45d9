/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COLO_NETLINK_H
#define _COLO_NETLINK_H

int colo_genl_register(void);
void colo_genl_unregister(void);

#endif /* _COLO_NETLINK_H */
