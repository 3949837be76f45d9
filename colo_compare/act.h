/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COLO_ACT_H
#define _COLO_ACT_H

int colo_act_register(void);
void colo_act_unregister(void);

#endif /* _COLO_ACT_H */
