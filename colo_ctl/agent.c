// SPDX-License-Identifier: GPL-2.0
/*
 * coloctl agent: serve the checkpoints of one group, long-running.
 *
 *	coloctl agent ID --exec CMD [ --exec-timeout MS ]
 *		[ --on-failure failover|retry[:N] ] [ --checkpoint-interval MS ]
 *		[ --no-ready ]
 *	coloctl agent ID --xen-notify PATH [ --checkpoint-interval MS ]
 *		[ --no-ready ]
 *
 * One poll() loop over: the events socket, a signalfd (SIGINT, SIGTERM,
 * SIGCHLD), CMD's stdout, the xen listening socket and its peer; its
 * timeout is the nearest of CMD's deadline, the kill grace and the
 * periodic request.  Steps are sent on a second socket (acks only) with a
 * receive timeout, so nothing here waits without a bound.
 *
 * What the agent does and why is documented in coloctl(8), AGENT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/colo.h>

#include "colo_nl.h"
#include "genl.h"
#include "monitor.h"
#include "protocol.h"
#include "subcommands.h"
#include "utils.h"
#include "xen.h"

#define REQ_RCV_TIMEOUT_MS	5000	/* the kernel acks at once */
#define KILL_GRACE_MS		2000	/* SIGTERM to SIGKILL of CMD */
#define CMD_OUT_MAX		4096	/* CMD's stdout kept (size line) */
#define TXN_MAX_STEPS		16	/* steps of one walk, resyncs included */

enum on_failure { FAIL_FAILOVER, FAIL_RETRY };

struct agent {
	const struct coloctl_opts *opts;
	uint32_t id;

	/* options */
	const char *cmd;
	const char *xen_path;
	uint32_t exec_timeout_ms;	/* 0: 3/4 of the group's ckpt-timeout */
	enum on_failure on_failure;
	unsigned int retries;
	uint32_t interval_ms;		/* 0: no periodic requests */
	bool no_ready;

	/* sockets */
	struct colo_monitor mon;
	bool mon_open;
	struct genl_sock gs;		/* requests: steps, GROUP_GET */
	bool gs_open;
	int sfd;			/* signalfd */

	/* the group as far as the agent knows */
	struct colo_group_status st;

	/* the transaction being served */
	bool in_txn;
	unsigned long txn_seq;		/* 1, 2, ... in this run */
	uint8_t txn_reason;
	char txn_flow[COLO_FLOW_KEY_TEXT];	/* "" if none */
	bool cmd_done;			/* CMD succeeded in this transaction */
	bool from_comparing;		/* xen: the walk sends the request */
	uint64_t vmstate_size;
	unsigned int attempts;
	int64_t txn_start;

	/* CMD */
	pid_t child;			/* 0: none */
	int child_out;			/* its stdout, -1 when closed */
	char out[CMD_OUT_MAX];
	size_t out_len;
	int64_t child_deadline, kill_deadline;	/* 0: not armed */
	bool child_timed_out;

	/* xen */
	int xlisten, xpeer;		/* -1: none */
	bool xen_inited;		/* the peer sent PROXY_INIT */
	bool xen_do_sent;		/* DO_CHECKPOINT sent for this txn */
	struct xen_reader xr;

	int64_t next_request;		/* periodic: 0 when not armed */
	int stopping;			/* 1: after the transaction, 2: now */
	int exit_code;
	bool quit;
	unsigned long done, failovers;
};

static void alog(const struct agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void alog(const struct agent *a, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: agent: group %" PRIu32 ": %s\n", PROG_NAME, a->id,
		msg);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void agent_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s [ -n NETNS ] agent ID { --exec CMD | --xen-notify PATH }\n"
		"               [ --exec-timeout MS ] [ --on-failure { failover | retry[:N] } ]\n"
		"               [ --checkpoint-interval MS ] [ --no-ready ]\n"
		"where  ID := 1-%2$" PRIu32 "\n"
		"Serves the checkpoints of group ID until SIGINT or SIGTERM:\n"
		"  --exec CMD            on each checkpoint-request: checkpoint-reply,\n"
		"                        vmstate-send, run \"sh -c CMD\" (environment COLO_GROUP,\n"
		"                        COLO_REASON, COLO_STEP, COLO_FLOW, COLO_CHECKPOINT,\n"
		"                        COLO_ATTEMPT; a byte count on its first output line\n"
		"                        is the vmstate size), vmstate-size, vmstate-received,\n"
		"                        vmstate-loaded\n"
		"  --exec-timeout MS     CMD's time limit (default 3/4 of the group's\n"
		"                        ckpt-timeout); then it is killed: a failure\n"
		"  --on-failure ACTION   CMD failed: failover (default) or run it again, up\n"
		"                        to N more times (retry = retry:1), then fail over\n"
		"  --xen-notify PATH     serve QEMU colo-compare's notify_dev protocol (Xen\n"
		"                        libxl COLO) on unix socket PATH instead of --exec\n"
		"  --checkpoint-interval MS  also request a checkpoint MS after the last one\n"
		"  --no-ready            do not send checkpoint-ready for a group in passthrough\n"
		"A first SIGINT/SIGTERM finishes the transaction under way, a second one\n"
		"stops at once (the kernel's ckpt-timeout then fails the group over).\n"
		"See coloctl(8), AGENT.\n",
		PROG_NAME, UINT32_MAX);
}

/* ---- requests ---- */

static void txn_end(struct agent *a);
static void txn_advance(struct agent *a);

/* Refreshes a->st from the kernel; false (logged) if that failed. */
static bool resync(struct agent *a)
{
	int err = colo_group_status_get(&a->gs, a->id, &a->st);

	if (err) {
		genl_perror(&a->gs, err, "agent: group %" PRIu32, a->id);
		if (err == -ENOENT) {
			a->exit_code = EXIT_FAIL;
			a->quit = true;
		}
		return false;
	}
	return true;
}

static void arm_periodic(struct agent *a)
{
	a->next_request = a->interval_ms && a->st.state == COLO_STATE_COMPARING ?
			  now_ms() + a->interval_ms : 0;
}

static int send_step(struct agent *a, uint8_t msg, uint64_t size)
{
	char buf[32];
	int err = colo_step_send(&a->gs, a->id, msg, size);

	if (err && err != -EPROTO)
		genl_perror(&a->gs, err, "agent: group %" PRIu32 ": %s", a->id,
			    colo_msg_name(msg, buf, sizeof(buf)));
	return err;
}

/* checkpoint-ready for a group in passthrough, unless --no-ready. */
static void send_ready(struct agent *a, const char *why)
{
	int err;

	if (a->no_ready || a->st.state != COLO_STATE_PASSTHROUGH)
		return;
	err = send_step(a, COLO_MSG_CHECKPOINT_READY, 0);
	if (err == -EPROTO) {
		resync(a);
		return;
	}
	if (err)
		return;
	alog(a, "checkpoint-ready sent (%s): comparing", why);
	a->st.state = COLO_STATE_COMPARING;
	a->st.failed_over = false;
	a->st.has_step = false;
	arm_periodic(a);
}

static void do_failover(struct agent *a, const char *why)
{
	int err = colo_failover_send(&a->gs, a->id);

	if (err == -EPROTO) {
		resync(a);
		alog(a, "failover not needed (%s): the group is already in passthrough",
		     why);
		return;
	}
	if (err) {
		genl_perror(&a->gs, err, "agent: group %" PRIu32 ": failover",
			    a->id);
		return;
	}
	a->failovers++;
	a->st.state = COLO_STATE_PASSTHROUGH;
	a->st.failed_over = true;
	a->st.has_step = false;
	alog(a, "failed over (%s): passthrough until checkpoint-ready", why);
}

/* ---- CMD ---- */

static void child_reset(struct agent *a)
{
	if (a->child_out >= 0)
		close(a->child_out);
	a->child_out = -1;
	a->child = 0;
	a->out_len = 0;
	a->child_deadline = a->kill_deadline = 0;
	a->child_timed_out = false;
}

static void child_kill_now(struct agent *a)
{
	if (!a->child)
		return;
	kill(-a->child, SIGKILL);
	kill(a->child, SIGKILL);
	waitpid(a->child, NULL, 0);
	child_reset(a);
}

static void child_read(struct agent *a)
{
	char buf[1024];
	ssize_t n;

	while (a->child_out >= 0) {
		n = read(a->child_out, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(a->child_out);
			a->child_out = -1;
			return;
		}
		if (a->out_len < sizeof(a->out) - 1) {
			size_t room = sizeof(a->out) - 1 - a->out_len;
			size_t take = (size_t)n < room ? (size_t)n : room;

			memcpy(a->out + a->out_len, buf, take);
			a->out_len += take;
		}
		/* the rest is read and dropped: CMD must not block on it */
	}
}

static int setenv_u64(const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return setenv(name, buf, 1);
}

/* In the child: the environment, stdio, signals; then sh -c CMD. */
static void child_exec(struct agent *a, int out_fd)
{
	char buf[32];
	sigset_t none;
	int fd;

	setpgid(0, 0);		/* its own group: a timeout kills it all */
	/*
	 * A SIGINT/SIGTERM for the agent's process group that came between
	 * fork() and setpgid() is pending here (blocked): not for CMD.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	dup2(out_fd, STDOUT_FILENO);
	if (out_fd != STDOUT_FILENO)
		close(out_fd);
	if (setenv_u64("COLO_GROUP", a->id) ||
	    setenv("COLO_REASON", colo_reason_name(a->txn_reason, buf,
						   sizeof(buf)), 1) ||
	    setenv("COLO_STEP", colo_msg_name(COLO_MSG_VMSTATE_SEND, buf,
					      sizeof(buf)), 1) ||
	    setenv_u64("COLO_CHECKPOINT", a->txn_seq) ||
	    setenv_u64("COLO_ATTEMPT", a->attempts) ||
	    (a->txn_flow[0] ? setenv("COLO_FLOW", a->txn_flow, 1) :
			      unsetenv("COLO_FLOW")))
		_exit(127);
	execl("/bin/sh", "sh", "-c", a->cmd, (char *)NULL);
	_exit(127);
}

static bool child_start(struct agent *a)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		alog(a, "cannot run CMD: pipe: %s", strerror(errno));
		return false;
	}
	a->attempts++;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		alog(a, "cannot run CMD: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		close(p[0]);
		child_exec(a, p[1]);
	}
	close(p[1]);
	setpgid(pid, pid);	/* both sides: no race with kill(-pid) */
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	a->child = pid;
	a->child_out = p[0];
	a->out_len = 0;
	a->child_timed_out = false;
	a->kill_deadline = 0;
	a->child_deadline = now_ms() + a->exec_timeout_ms;
	return true;
}

/* CMD's first output line as the vmstate size; 0 if there is none. */
static uint64_t cmd_size(struct agent *a)
{
	char *line = a->out, *end;
	uint64_t v = 0;

	a->out[a->out_len] = '\0';
	end = strchr(line, '\n');
	if (end)
		*end = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
			      end[-1] == '\r'))
		*--end = '\0';
	if (!*line)
		return 0;
	if (parse_size(line, 0, UINT64_MAX, &v)) {
		char shown[64];

		alog(a, "warning: CMD printed \"%s\", not a byte count: vmstate-size 0",
		     xen_printable(line, strlen(line), shown, sizeof(shown)));
		return 0;
	}
	return v;
}

/*
 * CMD did not do its job: @why says how.  @signaled: killed by a signal
 * that did not come from us (the timeout).
 */
static void cmd_failed(struct agent *a, const char *why, bool signaled)
{
	char buf[32];

	alog(a, "checkpoint %lu: CMD %s (attempt %u)", a->txn_seq, why,
	     a->attempts);
	/*
	 * Stopping, and CMD killed too (systemd stops the whole cgroup):
	 * a restarted agent runs it again, or the kernel fails over.
	 */
	if (a->stopping && signaled) {
		alog(a, "checkpoint %lu: left at %s: an agent started again completes it, else the kernel fails it over after ckpt-timeout",
		     a->txn_seq, colo_msg_name(a->st.step, buf, sizeof(buf)));
		a->in_txn = false;
		return;
	}
	if (a->on_failure == FAIL_RETRY && a->attempts <= a->retries &&
	    a->stopping < 2) {
		if (child_start(a))
			return;
	}
	do_failover(a, "CMD failed");
	txn_end(a);
}

static void child_exited(struct agent *a, int status)
{
	bool timed_out = a->child_timed_out;
	char why[64];

	child_read(a);		/* what is left, without waiting for EOF */
	if (timed_out) {
		snprintf(why, sizeof(why), "timed out after %" PRIu32 " ms",
			 a->exec_timeout_ms);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		a->vmstate_size = cmd_size(a);
		child_reset(a);
		a->cmd_done = true;
		txn_advance(a);
		return;
	} else if (WIFEXITED(status)) {
		snprintf(why, sizeof(why), "failed with exit status %d",
			 WEXITSTATUS(status));
	} else {
		snprintf(why, sizeof(why), "was killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	child_reset(a);
	cmd_failed(a, why, WIFSIGNALED(status) && !timed_out);
}

static void child_reap(struct agent *a)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (a->child && pid == a->child)
			child_exited(a, status);
		/* else: an old CMD killed at a failover, reaped here */
	}
}

static void child_timers(struct agent *a, int64_t now)
{
	if (!a->child)
		return;
	if (a->kill_deadline && now >= a->kill_deadline) {
		kill(-a->child, SIGKILL);
		a->kill_deadline = 0;
	} else if (a->child_deadline && now >= a->child_deadline) {
		a->child_timed_out = true;
		a->child_deadline = 0;
		kill(-a->child, SIGTERM);
		a->kill_deadline = now + KILL_GRACE_MS;
	}
}

/* ---- xen peer ---- */

static void xen_drop_peer(struct agent *a, const char *why);

static bool xen_send(struct agent *a, const char *msg)
{
	uint8_t frame[64];
	size_t n = xen_frame(msg, frame, sizeof(frame));
	ssize_t w;

	if (a->xpeer < 0)
		return false;
	w = send(a->xpeer, frame, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w != (ssize_t)n) {
		/* A peer that does not read its few bytes is gone. */
		xen_drop_peer(a, w < 0 ? strerror(errno) : "short write");
		return false;
	}
	return true;
}

/* DO_CHECKPOINT for the outstanding request, once per transaction. */
static void xen_ask(struct agent *a)
{
	if (!a->in_txn || a->xen_do_sent || a->xpeer < 0 || !a->xen_inited)
		return;
	if (xen_send(a, XEN_DO_CKPT)) {
		a->xen_do_sent = true;
		alog(a, "checkpoint %lu: DO_CHECKPOINT sent", a->txn_seq);
	}
}

static void xen_drop_peer(struct agent *a, const char *why)
{
	if (a->xpeer < 0)
		return;
	close(a->xpeer);
	a->xpeer = -1;
	a->xen_inited = false;
	alog(a, "xen peer gone (%s)", why);
	/* Nobody checkpoints the VM any more: let the traffic go. */
	if (a->st.state != COLO_STATE_PASSTHROUGH)
		do_failover(a, "the xen peer disconnected");
	if (a->in_txn)
		txn_end(a);
}

static void txn_init(struct agent *a, uint8_t reason, const char *flow);

static int xen_on_msg(const char *msg, size_t len, void *data)
{
	struct agent *a = data;
	char shown[80];

	switch (xen_msg_kind(msg, len)) {
	case XEN_MSG_PROXY_INIT:
		if (!xen_send(a, XEN_INIT_REPLY))
			return -EPIPE;
		a->xen_inited = true;
		alog(a, "xen peer: proxy init answered");
		send_ready(a, "the xen peer started COLO");
		xen_ask(a);
		return 0;
	case XEN_MSG_CHECKPOINT:
		/* libxl checkpointed the VM: complete, from where we are. */
		if (!a->in_txn) {
			if (a->st.state == COLO_STATE_PASSTHROUGH) {
				send_ready(a, "the xen peer checkpointed a group in passthrough");
				return 0;
			}
			/* libxl's own periodic checkpoint: request it first. */
			txn_init(a, COLO_REASON_MANUAL, NULL);
			a->from_comparing = true;
			a->xen_do_sent = true;
		}
		a->cmd_done = true;
		a->vmstate_size = 0;
		txn_advance(a);
		return 0;
	default:
		alog(a, "xen peer: unknown message \"%s\" (%zu bytes) ignored",
		     xen_printable(msg, len, shown, sizeof(shown)), len);
		return 0;
	}
}

static void xen_read(struct agent *a)
{
	char buf[512];
	ssize_t n;
	int err;

	n = recv(a->xpeer, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		xen_drop_peer(a, n ? strerror(errno) : "disconnected");
		return;
	}
	err = xen_reader_feed(&a->xr, buf, (size_t)n, xen_on_msg, a);
	if (err == -EMSGSIZE)
		xen_drop_peer(a, "a message longer than the limit");
	else if (err)
		xen_drop_peer(a, "write failed");
}

static void xen_accept(struct agent *a)
{
	int fd = accept4(a->xlisten, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (a->xpeer >= 0) {
		alog(a, "xen: a second peer refused (one at a time)");
		close(fd);
		return;
	}
	a->xpeer = fd;
	a->xen_inited = false;
	xen_reader_init(&a->xr);
	alog(a, "xen peer connected");
}

static int xen_listen(struct agent *a)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat sb;
	int fd;

	if (strlen(a->xen_path) >= sizeof(sun.sun_path)) {
		pr_err("agent: --xen-notify path too long: \"%s\"", a->xen_path);
		return -1;
	}
	strcpy(sun.sun_path, a->xen_path);
	/* A socket left by a previous agent; anything else is kept. */
	if (!lstat(a->xen_path, &sb) && S_ISSOCK(sb.st_mode))
		unlink(a->xen_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(a->xen_path, 0600) || listen(fd, 4)) {
		pr_err("agent: cannot listen on \"%s\": %s", a->xen_path,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	a->xlisten = fd;
	return 0;
}

/* ---- transactions ---- */

static void txn_init(struct agent *a, uint8_t reason, const char *flow)
{
	char buf[32];

	a->in_txn = true;
	a->from_comparing = false;
	a->txn_seq++;
	a->txn_reason = reason;
	snprintf(a->txn_flow, sizeof(a->txn_flow), "%s", flow ? flow : "");
	a->cmd_done = false;
	a->vmstate_size = 0;
	a->attempts = 0;
	a->xen_do_sent = false;
	a->txn_start = now_ms();
	a->next_request = 0;
	alog(a, "checkpoint %lu: request (%s)%s%s", a->txn_seq,
	     colo_reason_name(reason, buf, sizeof(buf)),
	     a->txn_flow[0] ? " flow " : "", a->txn_flow);
}

static void start_txn(struct agent *a, uint8_t reason, const char *flow)
{
	if (a->in_txn || a->stopping)
		return;
	txn_init(a, reason, flow);
	if (a->xen_path)
		xen_ask(a);
	else
		txn_advance(a);
}

static void txn_end(struct agent *a)
{
	if (a->child)
		child_kill_now(a);
	a->in_txn = false;
	a->xen_do_sent = false;
	arm_periodic(a);
}

/*
 * Sends the steps that are left, from a->st; in --exec mode CMD runs
 * after vmstate-send (the walk goes on when it succeeds).  A step refused
 * as out of order makes it look at the group again.
 */
static void txn_advance(struct agent *a)
{
	char buf[32];
	int msg, err, n;

	for (n = 0; n < TXN_MAX_STEPS && a->in_txn; n++) {
		msg = colo_next_msg(&a->st);
		if (a->st.state == COLO_STATE_COMPARING && a->from_comparing) {
			msg = COLO_MSG_CHECKPOINT_REQUEST;
		} else if (msg < 0 || a->st.state != COLO_STATE_CHECKPOINT) {
			/* Completed (or failed over) by someone else. */
			alog(a, "checkpoint %lu: the group is %s, not in checkpoint: transaction over",
			     a->txn_seq, colo_state_name(a->st.state, buf,
							 sizeof(buf)));
			txn_end(a);
			return;
		}
		if (msg == COLO_MSG_VMSTATE_SIZE && !a->cmd_done) {
			if (!a->child && !child_start(a))
				cmd_failed(a, "could not be started", false);
			return;		/* on with the walk when it exits */
		}
		err = send_step(a, (uint8_t)msg, a->vmstate_size);
		if (err == -EPROTO) {
			if (!resync(a))
				break;
			continue;
		}
		if (err) {
			do_failover(a, "a checkpoint step failed");
			txn_end(a);
			return;
		}
		a->from_comparing = false;
		a->st.state = COLO_STATE_CHECKPOINT;
		a->st.has_step = true;
		a->st.step = (uint8_t)msg;
		if (msg == COLO_MSG_VMSTATE_LOADED) {
			a->st.state = COLO_STATE_COMPARING;
			a->st.has_step = false;
			a->done++;
			alog(a, "checkpoint %lu: done in %" PRId64 " ms (vmstate %" PRIu64 " bytes)",
			     a->txn_seq, now_ms() - a->txn_start,
			     a->vmstate_size);
			txn_end(a);
			return;
		}
	}
	if (a->in_txn) {
		alog(a, "checkpoint %lu: the group does not advance: failing over",
		     a->txn_seq);
		do_failover(a, "the checkpoint did not advance");
		txn_end(a);
	}
}

/*
 * Starts a transaction if the group (as just read back: events may be
 * stale, ours or older than the last GROUP_GET) has a request outstanding;
 * else (re)arms or stops the periodic request.  @ev, if not NULL, is the
 * request event that made us look: its flow goes to CMD.
 */
static void check_group(struct agent *a, const struct colo_event *ev)
{
	char flow[COLO_FLOW_KEY_TEXT] = "";
	uint8_t reason;

	if (a->in_txn || !resync(a))
		return;
	if (a->st.state != COLO_STATE_CHECKPOINT) {
		if (a->st.state != COLO_STATE_COMPARING)
			a->next_request = 0;
		else if (!a->next_request)
			arm_periodic(a);
		return;
	}
	reason = a->st.has_reason ? a->st.reason : COLO_REASON_NONE;
	if (ev && ev->cmd == COLO_CMD_CHECKPOINT_REQUEST && ev->has_flow &&
	    (!ev->has_reason || ev->reason == reason))
		colo_flow_key_text(&ev->flow, flow, sizeof(flow));
	start_txn(a, reason, flow[0] ? flow : NULL);
}

/* ---- events ---- */

static int agent_event(const struct colo_event *ev, void *data)
{
	struct agent *a = data;
	char buf[32];

	if (ev->lost) {
		alog(a, "warning: events were lost: reading the group again");
		check_group(a, NULL);
		return 0;
	}
	if (!ev->has_group || ev->group != a->id)
		return 0;
	if (ev->cmd == COLO_CMD_GROUP_DEL) {
		alog(a, "the group was deleted");
		a->exit_code = EXIT_FAIL;
		a->quit = true;
		return 0;
	}
	if (!a->in_txn) {
		if (ev->has_state && !a->stopping)
			check_group(a, ev);
		return 0;
	}
	/* In a transaction, only someone else ending it matters. */
	if (ev->cmd == COLO_CMD_FAILOVER) {
		a->st.state = COLO_STATE_PASSTHROUGH;
		a->st.failed_over = true;
		a->st.has_step = false;
		alog(a, "checkpoint %lu: the group failed over (reason %s): transaction abandoned",
		     a->txn_seq, ev->has_reason ?
		     colo_reason_name(ev->reason, buf, sizeof(buf)) : "none");
		txn_end(a);
	} else if (ev->cmd == COLO_CMD_GROUP_SET && ev->has_state &&
		   ev->state != COLO_STATE_CHECKPOINT) {
		a->st.state = ev->state;
		alog(a, "checkpoint %lu: the group was set %s: transaction abandoned",
		     a->txn_seq, colo_state_name(ev->state, buf, sizeof(buf)));
		txn_end(a);
	}
	return 0;
}

/* ---- the loop ---- */

static void periodic(struct agent *a)
{
	int err;

	a->next_request = 0;
	if (a->in_txn || a->stopping || a->st.state != COLO_STATE_COMPARING)
		return;
	/* xen: nobody to checkpoint the VM yet; ask again later */
	if (a->xen_path && !a->xen_inited) {
		arm_periodic(a);
		return;
	}
	err = send_step(a, COLO_MSG_CHECKPOINT_REQUEST, 0);
	if (err == -EPROTO) {
		/* The kernel asked first (or the group moved): its event follows. */
		check_group(a, NULL);
		return;
	}
	if (err) {
		arm_periodic(a);
		return;
	}
	a->st.state = COLO_STATE_CHECKPOINT;
	a->st.has_step = true;
	a->st.step = COLO_MSG_CHECKPOINT_REQUEST;
	start_txn(a, COLO_REASON_MANUAL, NULL);
}

static void on_signal(struct agent *a)
{
	struct signalfd_siginfo si;
	char buf[32];

	while (read(a->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			child_reap(a);
			continue;
		}
		a->stopping++;
		if (a->stopping == 1 && a->in_txn) {
			alog(a, "signal %u: finishing checkpoint %lu first (again to stop now)",
			     si.ssi_signo, a->txn_seq);
		} else if (a->stopping >= 2 && a->in_txn) {
			child_kill_now(a);
			alog(a, "signal %u: stopping now; the group stays in checkpoint at %s: an agent started again completes it, else the kernel fails it over after ckpt-timeout",
			     si.ssi_signo, a->st.has_step ?
			     colo_msg_name(a->st.step, buf, sizeof(buf)) :
			     "checkpoint-request");
			a->in_txn = false;
		}
	}
}

static int64_t next_deadline(const struct agent *a)
{
	int64_t d = 0;

	if (a->child_deadline)
		d = a->child_deadline;
	if (a->kill_deadline && (!d || a->kill_deadline < d))
		d = a->kill_deadline;
	if (a->next_request && (!d || a->next_request < d))
		d = a->next_request;
	return d;
}

static int agent_loop(struct agent *a)
{
	enum { P_MON, P_SIG, P_CHILD, P_XLISTEN, P_XPEER, NP };
	struct pollfd pfd[NP];
	int64_t d, now;
	int timeout, err, i;

	while (!a->quit) {
		if (a->stopping >= 2 || (a->stopping && !a->in_txn))
			break;
		for (i = 0; i < NP; i++)
			pfd[i] = (struct pollfd){ .fd = -1, .events = POLLIN };
		pfd[P_MON].fd = colo_monitor_fd(&a->mon);
		pfd[P_SIG].fd = a->sfd;
		pfd[P_CHILD].fd = a->child_out;
		pfd[P_XLISTEN].fd = a->xlisten;
		pfd[P_XPEER].fd = a->xpeer;

		timeout = -1;
		d = next_deadline(a);
		if (d) {
			now = now_ms();
			timeout = d <= now ? 0 : (int)(d - now > 60000 ? 60000 :
							d - now);
		}
		if (poll(pfd, NP, timeout) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("agent: poll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (pfd[P_SIG].revents)
			on_signal(a);
		if (pfd[P_CHILD].fd >= 0 && pfd[P_CHILD].revents)
			child_read(a);
		if (pfd[P_MON].revents) {
			err = colo_monitor_read(&a->mon, agent_event, a);
			if (err == -EIDRM) {
				pr_err("agent: the colo generic netlink family is gone (colo_compare module unloaded)");
				return EXIT_FAIL;
			}
			if (err && err != -EINTR) {
				pr_err("agent: cannot receive events: %s",
				       strerror(-err));
				return EXIT_FAIL;
			}
		}
		if (pfd[P_XLISTEN].fd >= 0 && pfd[P_XLISTEN].revents)
			xen_accept(a);
		if (pfd[P_XPEER].fd >= 0 && a->xpeer == pfd[P_XPEER].fd &&
		    pfd[P_XPEER].revents)
			xen_read(a);
		now = now_ms();
		child_timers(a, now);
		if (a->next_request && now >= a->next_request)
			periodic(a);
	}
	return a->exit_code;
}

/* What the agent does with the group as it finds it. */
static void agent_start(struct agent *a)
{
	char buf[32];

	alog(a, "serving (%s %s), group %s%s%s", a->xen_path ? "xen-notify" : "exec",
	     a->xen_path ? a->xen_path : a->cmd,
	     colo_state_name(a->st.state, buf, sizeof(buf)),
	     a->st.failed_over ? " failed-over" : "",
	     a->st.state == COLO_STATE_CHECKPOINT ? ": a request is outstanding" : "");
	/* xen: checkpoint-ready when libxl starts COLO (PROXY_INIT). */
	if (!a->xen_path)
		send_ready(a, "agent started");
	arm_periodic(a);
	if (a->st.state == COLO_STATE_CHECKPOINT) {
		start_txn(a, a->st.has_reason ? a->st.reason : COLO_REASON_NONE,
			  NULL);
	}
}

/* ---- command line ---- */

static int parse_ms(const char *opt, const char *arg, uint32_t min,
		    uint32_t *out)
{
	if (parse_u32(arg, min, COLO_TIMEOUT_MS_MAX, out)) {
		pr_err("agent: invalid %s \"%s\": expected milliseconds %" PRIu32 "-%d",
		       opt, arg, min, COLO_TIMEOUT_MS_MAX);
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_on_failure(const char *arg, struct agent *a)
{
	uint32_t n = 1;

	if (!strcmp(arg, "failover")) {
		a->on_failure = FAIL_FAILOVER;
		return 0;
	}
	if (!strncmp(arg, "retry", 5) &&
	    (!arg[5] || (arg[5] == ':' && !parse_u32(arg + 6, 1, 100, &n)))) {
		a->on_failure = FAIL_RETRY;
		a->retries = n;
		return 0;
	}
	pr_err("agent: invalid --on-failure \"%s\": expected failover, retry or retry:N (N 1-100)",
	       arg);
	return EXIT_USAGE;
}

static int agent_parse(int argc, char **argv, struct agent *a)
{
	static const struct option long_opts[] = {
		{ "exec",		 required_argument, NULL, 'e' },
		{ "exec-timeout",	 required_argument, NULL, 't' },
		{ "on-failure",		 required_argument, NULL, 'f' },
		{ "xen-notify",		 required_argument, NULL, 'x' },
		{ "checkpoint-interval", required_argument, NULL, 'i' },
		{ "no-ready",		 no_argument,	    NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	if (argc < 1 || argv[0][0] == '-') {
		pr_err("agent: missing group ID");
		coloctl_usage_hint("agent");
		return EXIT_USAGE;
	}
	if (colo_parse_group_id(argv[0], &a->id))
		return EXIT_USAGE;
	optind = 0;	/* glibc: start over (main() used getopt) */
	opterr = 0;
	/* argv[0] (the ID) plays the program name for getopt. */
	while ((c = getopt_long(argc, argv, "+:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			a->cmd = optarg;
			break;
		case 't':
			if (parse_ms("--exec-timeout", optarg, 1,
				     &a->exec_timeout_ms))
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_on_failure(optarg, a))
				return EXIT_USAGE;
			break;
		case 'x':
			if (!*optarg) {
				pr_err("agent: empty --xen-notify path");
				return EXIT_USAGE;
			}
			a->xen_path = optarg;
			break;
		case 'i':
			if (parse_ms("--checkpoint-interval", optarg, 1,
				     &a->interval_ms))
				return EXIT_USAGE;
			break;
		case 'r':
			a->no_ready = true;
			break;
		case ':':
			pr_err("agent: option \"%s\" needs an argument",
			       argv[optind - 1]);
			return EXIT_USAGE;
		default:
			pr_err("agent: unknown option \"%s\"", argv[optind - 1]);
			coloctl_usage_hint("agent");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_err("agent: unexpected argument \"%s\"", argv[optind]);
		coloctl_usage_hint("agent");
		return EXIT_USAGE;
	}
	if (!a->cmd == !a->xen_path) {
		pr_err("agent: give one of --exec CMD and --xen-notify PATH");
		coloctl_usage_hint("agent");
		return EXIT_USAGE;
	}
	if (a->xen_path && (a->exec_timeout_ms || a->on_failure != FAIL_FAILOVER)) {
		pr_err("agent: --exec-timeout and --on-failure go with --exec");
		return EXIT_USAGE;
	}
	return 0;
}

static void agent_close(struct agent *a)
{
	if (a->child)
		child_kill_now(a);
	if (a->xpeer >= 0)
		close(a->xpeer);
	if (a->xlisten >= 0) {
		close(a->xlisten);
		unlink(a->xen_path);
	}
	if (a->sfd >= 0)
		close(a->sfd);
	if (a->gs_open)
		genl_close(&a->gs);
	if (a->mon_open)
		colo_monitor_close(&a->mon);
}

int agent_main(int argc, char **argv, const struct coloctl_opts *opts)
{
	struct agent a = {
		.opts = opts, .sfd = -1, .child_out = -1, .xlisten = -1,
		.xpeer = -1,
	};
	struct timeval tv = {
		.tv_sec = REQ_RCV_TIMEOUT_MS / 1000,
		.tv_usec = REQ_RCV_TIMEOUT_MS % 1000 * 1000,
	};
	sigset_t mask;
	uint32_t ckpt;
	int err, i, ret = EXIT_FAIL;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			agent_usage(stdout);
			return EXIT_OK;
		}
	}
	ret = agent_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = EXIT_FAIL;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	/*
	 * Blocked until coloctl exits, read from the signalfd: a second
	 * SIGTERM (a kill of the whole process group) must not kill it on
	 * the way out either.
	 */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	a.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (a.sfd < 0) {
		pr_err("agent: signalfd: %s", strerror(errno));
		goto out;
	}

	/* Subscribed first: nothing between GROUP_GET and events is missed. */
	if (colo_monitor_open(&a.mon, opts))
		goto out;
	a.mon_open = true;
	if (coloctl_connect(opts, &a.gs))
		goto out;
	a.gs_open = true;
	setsockopt(mnl_socket_get_fd(a.gs.nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	err = colo_group_status_get(&a.gs, a.id, &a.st);
	if (err) {
		genl_perror(&a.gs, err, "agent: group %" PRIu32, a.id);
		goto out;
	}
	ckpt = a.st.ckpt_timeout_ms ? a.st.ckpt_timeout_ms :
				      COLO_CKPT_TIMEOUT_MS_DEFAULT;
	if (!a.exec_timeout_ms)
		a.exec_timeout_ms = ckpt / 4 * 3;	/* ckpt >= 100 */
	else if (a.cmd && a.exec_timeout_ms >= ckpt)
		alog(&a, "warning: --exec-timeout %" PRIu32 " ms is not below the group's ckpt-timeout %" PRIu32 " ms: the kernel may fail the group over first",
		     a.exec_timeout_ms, ckpt);
	if (a.xen_path && xen_listen(&a))
		goto out;

	agent_start(&a);
	ret = agent_loop(&a);
	alog(&a, "stopped: %lu checkpoints done, %lu failovers", a.done,
	     a.failovers);
out:
	agent_close(&a);
	return ret;
}
