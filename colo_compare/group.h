/* SPDX-License-Identifier: GPL-2.0 */
/*
 * COLO groups: one protected NIC of one VM.  The tc actions feed a group,
 * its worker releases what the group holds, genl configures it.
 */
#ifndef _COLO_GROUP_H
#define _COLO_GROUP_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

/*
 * A group costs a kthread, and unprivileged users can own network
 * namespaces: bound groups per namespace and in all.
 */
#define COLO_MAX_GROUPS		256
#define COLO_MAX_GROUPS_TOTAL	4096
/* Primaries a group may hold before it drops (and counts) new ones. */
#define COLO_MAX_HELD_PACKETS	8192

struct colo_group_stats {
	atomic64_t primary_packets;
	atomic64_t secondary_packets;
	atomic64_t released;
	atomic64_t dropped;
};

struct colo_group {
	u32 id;
	struct net *net;		/* not counted: groups die before their netns */
	refcount_t refcnt;		/* the netns table + each action's params */
	atomic_t actions;		/* tc actions bound, see colo_group_bind() */

	u32 timeout_ms;			/* READ_ONCE: read without the config lock */
	u8 state;			/* enum colo_group_state, READ_ONCE */

	/*
	 * Primaries waiting for the worker.  held.lock also protects
	 * held_bytes and dead: once dead is set under it nothing new is
	 * queued, so the worker's final drain sees every packet.
	 */
	struct sk_buff_head held;
	u64 held_bytes;
	bool dead;

	struct task_struct *worker;
	struct colo_group_stats stats;
};

/* What the data path does with a packet it offered to a group. */
enum colo_verdict {
	COLO_QUEUED,	/* the group owns the skb now */
	COLO_CONSUME,	/* the caller frees it as consumed */
	COLO_PASS,	/* the caller lets it continue uncompared */
	COLO_DROP,	/* the caller drops it; already counted */
};

struct colo_net {
	struct mutex lock;		/* serializes group add/del/set/bind */
	struct xarray groups;		/* id -> struct colo_group */
	unsigned int ngroups;		/* under lock */
};

struct colo_net *colo_net(struct net *net);
int colo_group_pernet_init(void);
void colo_group_pernet_exit(void);

struct colo_group *colo_group_create(struct net *net, u32 id, u32 timeout_ms,
				     struct netlink_ext_ack *extack);
int colo_group_delete(struct net *net, u32 id, struct netlink_ext_ack *extack);
struct colo_group *colo_group_find(struct colo_net *cn, u32 id,
				   struct netlink_ext_ack *extack);

struct colo_group *colo_group_bind(struct net *net, u32 id,
				   struct netlink_ext_ack *extack);
void colo_group_unbind(struct colo_group *g);
void colo_group_put(struct colo_group *g);

enum colo_verdict colo_group_take_primary(struct colo_group *g,
					  struct sk_buff *skb);
enum colo_verdict colo_group_take_secondary(struct colo_group *g,
					    struct sk_buff *skb);

/* worker.c */
int colo_worker_start(struct colo_group *g);
void colo_worker_stop(struct colo_group *g);
void colo_worker_kick(struct colo_group *g);

#endif /* _COLO_GROUP_H */
