// SPDX-License-Identifier: GPL-2.0
/*
 * colo_compare: COLO fault tolerance's network comparator as a tc action
 * ("colo") and a generic netlink family ("colo").
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <linux/colo.h>

#include "act.h"
#include "group.h"
#include "netlink.h"

static int __init colo_init(void)
{
	int err;

	colo_proto_init();
	/* Groups first: the action and genl both look them up. */
	err = colo_group_pernet_init();
	if (err)
		return err;
	err = colo_act_register();
	if (err)
		goto err_pernet;
	err = colo_genl_register();
	if (err)
		goto err_act;
	return 0;

err_act:
	colo_act_unregister();
err_pernet:
	colo_group_pernet_exit();
	return err;
}

static void __exit colo_exit(void)
{
	colo_genl_unregister();
	colo_act_unregister();
	colo_group_pernet_exit();
}

module_init(colo_init);
module_exit(colo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("COLO network comparator: tc action and generic netlink family");
MODULE_VERSION(COLO_VERSION);
/* tc autoloads "act_%s" on 6.1, "net-act-%s" on newer kernels (6.12) */
MODULE_ALIAS("act_colo");
MODULE_ALIAS("net-act-colo");
MODULE_ALIAS_GENL_FAMILY(COLO_FAMILY_NAME);
