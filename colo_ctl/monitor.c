// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl monitor: print the events of the colo family as they come.
 *
 *	coloctl [ -j ] monitor [ --subscribed ]
 *
 * One line per event, flushed at once (readers are often pipes):
 *
 *	checkpoint-request group 1 state checkpoint step checkpoint-request reason miscompare flow tcp 10.0.0.1:43210 <-> 10.0.0.2:7000
 *	{"event":"checkpoint-request","group":1,"state":"checkpoint",...,"flow":{...}}
 *
 * The reading part (colo_monitor_*) is shared with whatever else reacts to
 * events; see monitor.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "json.h"
#include "monitor.h"
#include "protocol.h"
#include "subcommands.h"
#include "utils.h"

/* Room for bursts of events before the kernel has to drop some. */
#define MONITOR_RCVBUF	(1 << 20)

/* The events that are not protocol steps (those are named by protocol.c). */
static const struct {
	uint8_t cmd;
	const char *name;
} event_names[] = {
	{ COLO_CMD_GROUP_NEW,		"group-new" },
	{ COLO_CMD_GROUP_SET,		"group-set" },
	{ COLO_CMD_GROUP_DEL,		"group-del" },
	{ COLO_CMD_FAILOVER,		"failover" },
};

void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s [ -j ] [ -n NETNS ] monitor [ -j ] [ --subscribed ]\n"
		"Prints the events of the colo_compare groups, one a line, until\n"
		"interrupted (SIGINT or SIGTERM):\n"
		"  EVENT group ID [ state STATE ] [ step STEP ] [ reason REASON ]\n"
		"        [ size BYTES ] [ failed-over ] [ flow FLOW ]\n"
		"where  EVENT := { STEP | failover | group-new | group-set | group-del }\n"
		"       STEP := { checkpoint-ready | checkpoint-request | checkpoint-reply |\n"
		"                 vmstate-send | vmstate-size | vmstate-received | vmstate-loaded }\n"
		"       STATE := { passthrough | comparing | checkpoint }\n"
		"       REASON := { miscompare | timeout | memory | flow-limit | manual | stalled }\n"
		"       FLOW := PROTO ADDR[:PORT] <-> ADDR[:PORT] [ id ID ] [ vlan VLAN ]\n"
		"--subscribed: first print a line \"subscribed\" (-j: {\"event\":\"subscribed\"})\n"
		"once events are being received.\n",
		PROG_NAME);
}

/* ---- events ---- */

/* The name of event @cmd, or NULL if this version does not know it. */
static const char *event_name_known(uint8_t cmd)
{
	char buf[32];
	size_t i;
	int msg;

	for (i = 0; i < ARRAY_SIZE(event_names); i++)
		if (event_names[i].cmd == cmd)
			return event_names[i].name;
	msg = colo_cmd_msg(cmd);
	if (msg >= 0)
		return colo_msg_name((uint8_t)msg, buf, sizeof(buf));
	return NULL;
}

const char *colo_event_name(uint8_t cmd, char *buf, size_t size)
{
	const char *name = event_name_known(cmd);

	if (name)
		return name;
	snprintf(buf, size, "unknown(%u)", cmd);
	return buf;
}

int colo_event_parse(const struct nlmsghdr *nlh, struct colo_event *ev)
{
	const struct nlattr *tb[COLO_A_GROUP_MAX + 1];
	const struct genlmsghdr *gh;
	int err;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	gh = mnl_nlmsg_get_payload(nlh);
	ev->cmd = gh->cmd;
	err = genl_parse(nlh, tb, COLO_A_GROUP_MAX, colo_group_policy);
	if (err)
		return err;
	if (tb[COLO_A_GROUP_ID]) {
		ev->has_group = true;
		ev->group = mnl_attr_get_u32(tb[COLO_A_GROUP_ID]);
	}
	if (tb[COLO_A_GROUP_STATE]) {
		ev->has_state = true;
		ev->state = mnl_attr_get_u8(tb[COLO_A_GROUP_STATE]);
	}
	if (tb[COLO_A_GROUP_STEP]) {
		ev->has_step = true;
		ev->step = mnl_attr_get_u8(tb[COLO_A_GROUP_STEP]);
	}
	if (tb[COLO_A_GROUP_REASON]) {
		ev->has_reason = true;
		ev->reason = mnl_attr_get_u8(tb[COLO_A_GROUP_REASON]);
	}
	if (tb[COLO_A_GROUP_VMSTATE_SIZE]) {
		ev->has_size = true;
		ev->vmstate_size = mnl_attr_get_u64(tb[COLO_A_GROUP_VMSTATE_SIZE]);
	}
	ev->failed_over = tb[COLO_A_GROUP_FAILED_OVER] != NULL;
	if (tb[COLO_A_GROUP_FLOW]) {
		err = colo_flow_parse(tb[COLO_A_GROUP_FLOW], &ev->flow);
		if (err)
			return err;
		ev->has_flow = true;
	}
	/* Every event this version knows is about one group. */
	if (event_name_known(ev->cmd) && !ev->has_group)
		return -EBADMSG;
	return 0;
}

static void event_print_json(const struct colo_event *ev)
{
	char buf[32];
	struct json j;

	json_init(&j, stdout, false);	/* one object a line */
	json_object_begin(&j);
	json_kv_string(&j, "event", colo_event_name(ev->cmd, buf, sizeof(buf)));
	if (ev->has_group)
		json_kv_u64(&j, "group", ev->group);
	if (ev->has_state)
		json_kv_string(&j, "state",
			       colo_state_name(ev->state, buf, sizeof(buf)));
	if (ev->has_step)
		json_kv_string(&j, "step",
			       colo_msg_name(ev->step, buf, sizeof(buf)));
	if (ev->has_reason)
		json_kv_string(&j, "reason",
			       colo_reason_name(ev->reason, buf, sizeof(buf)));
	if (ev->has_size)
		json_kv_u64(&j, "vmstate_size", ev->vmstate_size);
	if (ev->failed_over)
		json_kv_bool(&j, "failed_over", true);
	if (ev->has_flow) {
		json_key(&j, "flow");
		colo_flow_json(&j, &ev->flow);
	}
	json_object_end(&j);
	json_finish(&j);
}

void colo_event_print(const struct colo_event *ev, bool json)
{
	const char *name = event_name_known(ev->cmd);
	char buf[32];

	if (json) {
		event_print_json(ev);
		return;
	}
	if (name)
		fputs(name, stdout);
	else
		printf("event %u", ev->cmd);
	if (ev->has_group)
		printf(" group %" PRIu32, ev->group);
	if (ev->has_state)
		printf(" state %s", colo_state_name(ev->state, buf, sizeof(buf)));
	if (ev->has_step)
		printf(" step %s", colo_msg_name(ev->step, buf, sizeof(buf)));
	if (ev->has_reason)
		printf(" reason %s",
		       colo_reason_name(ev->reason, buf, sizeof(buf)));
	if (ev->has_size)
		printf(" size %" PRIu64, ev->vmstate_size);
	if (ev->failed_over)
		fputs(" failed-over", stdout);
	if (ev->has_flow) {
		fputs(" flow ", stdout);
		colo_flow_print_text(&ev->flow, false);
	}
	putchar('\n');
}

/* ---- the socket ---- */

int colo_monitor_open(struct colo_monitor *m, const struct coloctl_opts *opts)
{
	struct genl_family fam;
	uint32_t events, notify = 0;
	int size = MONITOR_RCVBUF, err;

	memset(m, 0, sizeof(*m));
	if (coloctl_connect(opts, &m->gs))
		return EXIT_FAIL;
	fam = m->gs.family;
	m->family = fam.id;
	if (genl_mcgrp_id(&m->gs, COLO_MCGRP_EVENTS, &events)) {
		pr_err("the colo family has no \"%s\" multicast group (an older colo_compare module?)",
		       COLO_MCGRP_EVENTS);
		goto fail;
	}
	/*
	 * nlctrl's "notify" group says when the family goes away.  Best
	 * effort, and before joining anything: a socket that has joined a
	 * group must not be used for requests.
	 */
	if (!genl_resolve(&m->gs, "nlctrl") &&
	    genl_mcgrp_id(&m->gs, "notify", &notify))
		notify = 0;
	m->gs.family = fam;
	if (!m->gs.nl) {	/* a failed request may have dropped it */
		pr_err("cannot open a generic netlink socket");
		goto fail;
	}

	setsockopt(mnl_socket_get_fd(m->gs.nl), SOL_SOCKET, SO_RCVBUF, &size,
		   sizeof(size));
	err = genl_join(&m->gs, events);
	if (err) {
		pr_err("cannot join the \"%s\" multicast group: %s%s",
		       COLO_MCGRP_EVENTS, strerror(-err),
		       err == -EPERM ? " (CAP_NET_ADMIN is required)" : "");
		goto fail;
	}
	if (notify && !genl_join(&m->gs, notify))
		m->watch_ctrl = true;
	return 0;
fail:
	genl_close(&m->gs);
	return EXIT_FAIL;
}

void colo_monitor_close(struct colo_monitor *m)
{
	genl_close(&m->gs);
}

int colo_monitor_fd(const struct colo_monitor *m)
{
	return mnl_socket_get_fd(m->gs.nl);
}

/* Is @nlh nlctrl saying that our family is gone? */
static bool family_deleted(const struct colo_monitor *m,
			   const struct nlmsghdr *nlh)
{
	static const enum mnl_attr_data_type policy[CTRL_ATTR_FAMILY_NAME + 1] = {
		[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
		[CTRL_ATTR_FAMILY_NAME] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *tb[CTRL_ATTR_FAMILY_NAME + 1];
	const struct genlmsghdr *gh;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	gh = mnl_nlmsg_get_payload(nlh);
	if (gh->cmd != CTRL_CMD_DELFAMILY ||
	    genl_parse(nlh, tb, CTRL_ATTR_FAMILY_NAME, policy))
		return false;
	if (tb[CTRL_ATTR_FAMILY_ID])
		return mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == m->family;
	return tb[CTRL_ATTR_FAMILY_NAME] &&
	       !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]),
		       COLO_FAMILY_NAME);
}

static int monitor_lost(colo_event_cb cb, void *data)
{
	struct colo_event ev = { .lost = true };

	return cb(&ev, data);
}

int colo_monitor_read(struct colo_monitor *m, colo_event_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	struct colo_event ev;
	ssize_t n;
	int len, err;

	n = mnl_socket_recvfrom(m->gs.nl, m->gs.rx, GENL_RX_SIZE);
	if (n < 0) {
		err = errno;
		if (err == EINTR || err == EAGAIN)
			return -EINTR;
		/* Overrun, or a datagram too large: events were lost. */
		if (err == ENOBUFS || err == ENOSPC)
			return monitor_lost(cb, data);
		return -err;
	}
	len = (int)n;
	for (nlh = (const struct nlmsghdr *)m->gs.rx; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type == m->family) {
			if (colo_event_parse(nlh, &ev)) {
				char buf[32];

				if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
					pr_warn("malformed event ignored");
				else
					pr_warn("malformed %s event ignored",
						colo_event_name(ev.cmd, buf,
								sizeof(buf)));
				continue;
			}
			err = cb(&ev, data);
			if (err)
				return err;
		} else if (nlh->nlmsg_type == GENL_ID_CTRL && m->watch_ctrl &&
			   family_deleted(m, nlh)) {
			return -EIDRM;
		}
		/* Anything else is not for us. */
	}
	if (len > 0)
		pr_warn("truncated netlink message ignored");
	return 0;
}

static volatile sig_atomic_t monitor_signal;

static void monitor_on_signal(int sig)
{
	monitor_signal = sig;
}

int colo_monitor_run(struct colo_monitor *m, colo_event_cb cb, void *data)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, old[ARRAY_SIZE(sigs)];
	struct pollfd pfd = { .fd = colo_monitor_fd(m), .events = POLLIN };
	sigset_t block, saved, wait_mask;
	bool caught[ARRAY_SIZE(sigs)] = { false };
	size_t i;
	int err = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = monitor_on_signal;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&block, sigs[i]);
	/* Blocked but while waiting: a signal cannot slip in unseen. */
	sigprocmask(SIG_BLOCK, &block, &saved);
	wait_mask = saved;
	monitor_signal = 0;
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		if (sigaction(sigs[i], NULL, &old[i]) ||
		    (sigs[i] == SIGINT && old[i].sa_handler == SIG_IGN))
			continue;
		sigaction(sigs[i], &sa, NULL);
		sigdelset(&wait_mask, sigs[i]);
		caught[i] = true;
	}

	while (!monitor_signal) {
		if (ppoll(&pfd, 1, NULL, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		err = colo_monitor_read(m, cb, data);
		if (err == -EINTR)
			err = 0;
		else if (err)
			break;
	}

	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (caught[i])
			sigaction(sigs[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return err;
}

/* ---- coloctl monitor ---- */

struct monitor_out {
	bool json;
	int write_errno;	/* stdout failed: 0 or errno */
};

static int monitor_print(const struct colo_event *ev, void *data)
{
	struct monitor_out *out = data;

	if (ev->lost) {
		pr_warn("events were lost (the receive buffer overran)");
		return 0;
	}
	colo_event_print(ev, out->json);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		out->write_errno = errno ? errno : EIO;
		return -EIO;
	}
	return 0;
}

int monitor_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	struct monitor_out out = { .json = opts->json };
	bool subscribed = false;
	struct colo_monitor m;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			monitor_usage(stdout);
			return EXIT_OK;
		}
	}
	for (i = 0; i < argc; i++) {
		/* "coloctl monitor -j" as well as "coloctl -j monitor" */
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-json") ||
		    !strcmp(argv[i], "--json")) {
			out.json = true;
			continue;
		}
		if (!strcmp(argv[i], "--subscribed") ||
		    !strcmp(argv[i], "-subscribed") ||
		    !strcmp(argv[i], "subscribed")) {
			subscribed = true;
			continue;
		}
		pr_err("monitor: unexpected argument \"%s\"", argv[i]);
		coloctl_usage_hint("monitor");
		return EXIT_USAGE;
	}

	if (colo_monitor_open(&m, opts))
		return EXIT_FAIL;
	/* For scripts: events from now on are not missed. */
	if (subscribed) {
		puts(out.json ? "{\"event\":\"subscribed\"}" : "subscribed");
		if (fflush(stdout) == EOF || ferror(stdout)) {
			colo_monitor_close(&m);
			return EXIT_FAIL;
		}
	}
	err = colo_monitor_run(&m, monitor_print, &out);
	colo_monitor_close(&m);

	if (out.write_errno) {
		/* main() reports it when it flushes stdout. */
		errno = out.write_errno;
		return EXIT_FAIL;
	}
	if (err == -EIDRM) {
		pr_err("the colo generic netlink family is gone (colo_compare module unloaded)");
		return EXIT_FAIL;
	}
	if (err) {
		pr_err("cannot receive events: %s", strerror(-err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
