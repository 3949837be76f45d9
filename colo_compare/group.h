/* SPDX-License-Identifier: GPL-2.0 */
/*
 * COLO groups: one protected NIC of one VM.  The tc actions feed a group,
 * its worker compares and releases what the group holds, genl configures
 * it.
 */
#ifndef _COLO_GROUP_H
#define _COLO_GROUP_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "flow.h"

/*
 * A group costs a kthread, and unprivileged users can own network
 * namespaces: bound groups per namespace and in all.
 */
#define COLO_MAX_GROUPS		256
#define COLO_MAX_GROUPS_TOTAL	4096

struct colo_group_stats {
	atomic64_t primary_packets;
	atomic64_t secondary_packets;
	atomic64_t released;
	atomic64_t compared;
	atomic64_t dropped;		/* primaries */
	atomic64_t secondary_dropped;
	atomic64_t miscompares;
	atomic64_t checkpoints;
	atomic64_t timeouts;
	atomic64_t checkpoints_done;
	atomic64_t failovers;
};

/* Parameters; written under colo_net.lock, read with READ_ONCE(). */
struct colo_group_params {
	u32 timeout_ms;
	u32 scan_ms;
	u32 flow_limit;			/* soft, bytes; hard = 2x */
	u32 group_limit;		/* soft, bytes; hard = 2x */
	u32 max_flows;
	u32 ckpt_timeout_ms;		/* longest wait for a checkpoint step */
};

struct colo_rewriter;

struct colo_group {
	u32 id;
	struct net *net;		/* not counted: groups die before their netns */
	refcount_t refcnt;		/* the netns table + each action's params */
	atomic_t actions;		/* tc actions bound, see colo_group_bind() */
	struct colo_group_params p;

	/*
	 * enum colo_group_state.  Changed by the worker and by genl under
	 * @mutex; the data path reads it with READ_ONCE().
	 */
	u8 state;

	/*
	 * The checkpoint transaction (protocol.c), under @mutex; read by
	 * genl replies and the worker's sleep with READ_ONCE().
	 */
	u8 step;			/* enum colo_message last accepted, in
					 * CHECKPOINT; else COLO_MSG_NONE
					 */
	u8 reason;			/* why it was requested */
	bool failed_over;		/* passthrough until CHECKPOINT_READY */
	unsigned long step_deadline;	/* jiffies: next step due by then */

	/*
	 * Packets taken by the actions, waiting for the worker.  intake.lock
	 * also protects @dead: once it is set nothing new is queued, so the
	 * worker's final drain sees every packet; and @kicked: the worker
	 * was woken since it last emptied the intake, so the data path
	 * wakes it once per batch instead of once per packet.
	 */
	struct sk_buff_head intake;
	bool dead;
	bool kicked;

	/* Everything held (intake and flows): truesize, and primaries. */
	atomic_long_t held_bytes;
	atomic_t held_primaries;
	atomic_t held_secondaries;

	/*
	 * @mutex serializes the worker and genl over the flows, their
	 * queues and compare state, and state changes.  Taken after
	 * colo_net.lock, never held by the data path.
	 */
	struct mutex mutex;
	struct rhashtable flows;	/* key -> struct colo_flow */
	struct list_head lru;		/* open flows, least recently active first */
	struct list_head closed_lru;	/* flows that saw FIN or RST, the same:
					 * evicted sooner, so each list's walk
					 * stops at its first young flow
					 */
	struct list_head pending;	/* flows with packets to compare */
	struct colo_flow overflow;	/* packets no flow could take: held
					 * until the next checkpoint
					 */
	u32 nflows;
	unsigned long next_scan;	/* jiffies */
	bool tables_ready;

	struct task_struct *worker;
	struct colo_rewriter *rw;
	struct work_struct free_work;
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
	struct mutex lock;		/* group add/del/set/bind */
	struct xarray groups;		/* id -> struct colo_group */
	unsigned int ngroups;		/* under lock */
};

struct colo_net *colo_net(struct net *net);
int colo_group_pernet_init(void);
void colo_group_pernet_exit(void);

void colo_group_params_default(struct colo_group_params *p);
struct colo_group *colo_group_create(struct net *net, u32 id,
				     const struct colo_group_params *p,
				     u8 mode, struct netlink_ext_ack *extack);
int colo_group_delete(struct net *net, u32 id, struct netlink_ext_ack *extack);
struct colo_group *colo_group_find(struct colo_net *cn, u32 id,
				   struct netlink_ext_ack *extack);
struct colo_group *colo_group_get(struct net *net, u32 id,
				  struct netlink_ext_ack *extack);
void colo_group_put(struct colo_group *g);
int colo_group_set_mode(struct colo_group *g, u8 mode,
			struct netlink_ext_ack *extack);
void colo_group_go_passthrough(struct colo_group *g);

struct colo_group *colo_group_bind(struct net *net, u32 id,
				   struct netlink_ext_ack *extack);
void colo_group_unbind(struct colo_group *g);

enum colo_verdict colo_group_take(struct colo_group *g, struct sk_buff *skb,
				  bool secondary);

/* protocol.c */
#define COLO_MSG_NONE	0xff
void colo_proto_init(void);
void colo_proto_request(struct colo_group *g, u8 reason,
			const struct colo_flow *f);
int colo_proto_step(struct colo_group *g, u8 msg, u64 vmstate_size,
		    struct netlink_ext_ack *extack);
int colo_proto_failover(struct colo_group *g, u8 reason,
			struct netlink_ext_ack *extack);
void colo_proto_check_stall(struct colo_group *g);
long colo_proto_sleep(const struct colo_group *g);
void colo_proto_reset(struct colo_group *g);

/* worker.c */
int colo_worker_start(struct colo_group *g);
void colo_worker_stop(struct colo_group *g);
void colo_worker_kick(struct colo_group *g);
void colo_group_kick(struct colo_group *g);
void colo_release(struct colo_group *g, struct sk_buff *skb);
void colo_discard(struct colo_group *g, struct sk_buff *skb);
void colo_flush_all(struct colo_group *g);
void colo_purge_dev(struct colo_group *g, const struct net_device *dev);

#endif /* _COLO_GROUP_H */
