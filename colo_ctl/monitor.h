/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events of the colo family ("events" multicast group), for "coloctl
 * monitor" and for anything else that reacts to them (the agent):
 *
 *	struct colo_monitor m;
 *
 *	if (colo_monitor_open(&m, opts))
 *		return EXIT_FAIL;
 *	err = colo_monitor_run(&m, my_cb, my_data);	(until SIGINT/SIGTERM)
 *	colo_monitor_close(&m);
 *
 * or, inside another poll() loop: poll colo_monitor_fd() for POLLIN and
 * call colo_monitor_read() when it is readable.
 *
 * The monitor's socket only listens: send requests on another socket
 * (a reply and an event on one socket cannot be told apart reliably).
 */
#ifndef COLOCTL_MONITOR_H
#define COLOCTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "colo_nl.h"
#include "genl.h"

struct coloctl_opts;

/* One event, parsed and checked. */
struct colo_event {
	bool lost;		/* not an event: events were lost before this
				 * point (receive buffer overrun)
				 */
	uint8_t cmd;		/* COLO_CMD_*, maybe one this version does not know */
	bool has_group, has_state, has_step, has_reason, has_size, has_flow;
	bool failed_over;
	uint32_t group;
	uint8_t state;		/* enum colo_group_state, after the event */
	uint8_t step;		/* enum colo_message: the last step accepted */
	uint8_t reason;		/* enum colo_reason */
	uint64_t vmstate_size;
	struct colo_flow flow;
};

/* Called for each event; a non-zero return ends colo_monitor_read/run. */
typedef int (*colo_event_cb)(const struct colo_event *ev, void *data);

struct colo_monitor {
	struct genl_sock gs;
	uint16_t family;	/* the colo family id */
	bool watch_ctrl;	/* nlctrl notifications joined */
};

/*
 * Enters opts->netns, resolves the family and joins its "events" group
 * (and nlctrl's "notify", to see the module go away).  Prints why on
 * failure and returns EXIT_FAIL, else 0.
 */
int colo_monitor_open(struct colo_monitor *m, const struct coloctl_opts *opts);
void colo_monitor_close(struct colo_monitor *m);
int colo_monitor_fd(const struct colo_monitor *m);

/*
 * Receives one datagram and calls @cb for each event in it; a malformed
 * event is reported on stderr and skipped.  Returns 0, what @cb returned,
 * -EINTR (a signal), -EIDRM (the colo family was unregistered: module
 * unloaded) or another negative errno of the socket.
 */
int colo_monitor_read(struct colo_monitor *m, colo_event_cb cb, void *data);

/*
 * Reads events until SIGINT or SIGTERM (returns 0; they are caught only
 * for the time of the call) or an error (as colo_monitor_read()).
 * A SIGINT the caller's parent ignores stays ignored.
 */
int colo_monitor_run(struct colo_monitor *m, colo_event_cb cb, void *data);

/*
 * Parses event message @nlh into @ev.  -EBADMSG if it is malformed (also
 * an event this version knows that names no group).
 */
int colo_event_parse(const struct nlmsghdr *nlh, struct colo_event *ev);

/*
 * The event's name: "checkpoint-request", "failover", "group-new", ...
 * or "unknown(N)" in @buf.
 */
const char *colo_event_name(uint8_t cmd, char *buf, size_t size);

/* Prints @ev on one line of stdout, as text or as a JSON object. */
void colo_event_print(const struct colo_event *ev, bool json);

#endif /* COLOCTL_MONITOR_H */
