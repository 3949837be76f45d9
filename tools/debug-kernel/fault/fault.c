// SPDX-License-Identifier: GPL-2.0
/*
 * colo_fault: a module that does one wrong thing of each kind that
 * make check-debug must catch, once, at load.  Never load it anywhere
 * but the debug kernel's test VM: `tools/debug-kernel/check.sh --prove`
 * loads it and passes only if every kind shows up in the report.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static DEFINE_MUTEX(fault_a);
static DEFINE_MUTEX(fault_b);
static DEFINE_SPINLOCK(fault_spin);
static void *fault_lost;
static int fault_table[4];
/* volatile: the compiler must not see the bad index coming */
static volatile int fault_index = 4;

static noinline char fault_kasan(void)
{
	volatile char *p = kmalloc(16, GFP_KERNEL);
	char c;

	if (!p)
		return 0;
	c = p[16];			/* slab-out-of-bounds */
	kfree((void *)p);
	return c + p[0];		/* use-after-free */
}

static int __init fault_init(void)
{
	refcount_t ref = REFCOUNT_INIT(0);
	char c;

	/* lockdep: a then b, later b then a */
	mutex_lock(&fault_a);
	mutex_lock(&fault_b);
	mutex_unlock(&fault_b);
	mutex_unlock(&fault_a);
	mutex_lock(&fault_b);
	mutex_lock(&fault_a);
	mutex_unlock(&fault_a);
	mutex_unlock(&fault_b);

	/* sleeping in atomic context */
	spin_lock(&fault_spin);
	might_sleep();
	spin_unlock(&fault_spin);

	c = fault_kasan();

	/* UBSAN bounds */
	fault_table[fault_index] = c;

	/* refcount: an increment from 0 (a use after the last put) */
	refcount_inc(&ref);

	/* kmemleak: the only pointer is lost */
	fault_lost = kmalloc(128, GFP_KERNEL);
	fault_lost = NULL;

	pr_info("colo_fault: done\n");
	return 0;
}

static void __exit fault_exit(void)
{
}

module_init(fault_init);
module_exit(fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("make check-debug --prove: one fault of each kind");
