// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM sender for the kernel paths: pushes pre-built primary/secondary
 * pairs into the PVM's and the SVM's devices with AF_PACKET (sendmmsg,
 * qdisc bypass) and watches what reaches the client's device.
 *
 *   inject MODE --proto udp|tcp --payload N --flows F --pairs P
 *          --pri NS:DEV --sec NS:DEV --cli NS:DEV [--rate R] [--ref p|s]
 *          [--round K] [--batch B] [--settle MS] [--tag TEXT]
 *
 * MODE rate:    all pairs as fast as the sender goes; time until the
 *               client's rx counter stops (or reaches P).
 *      send:    the same without waiting for the client (the sender's
 *               own ceiling, when the path drops at tc ingress).
 *      latency: R pairs/s; per pair, from just before the reference
 *               frame is sent (the secondary, s, which completes a pair;
 *               or the primary, p, for a path that does not wait for the
 *               secondary) to the primary's arrival at the client.
 * --round K continues the flows of earlier runs (frames.h).
 * BENCH_DEBUG in the environment: every latency sample on stderr.
 * One JSON object goes to stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frames.h"
#include "stats.h"

struct opts {
	const char *mode, *pri, *sec, *cli, *tag;
	int proto;
	uint32_t payload, flows, pairs, batch, settle_ms, round;
	double rate;
	char ref;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Enter the namespace named in "NS:DEV"; returns DEV. */
static const char *enter_ns(const char *nsdev)
{
	char path[128];
	const char *colon = strchr(nsdev, ':');
	int fd;

	if (!colon)
		return nsdev;
	snprintf(path, sizeof(path), "/run/netns/%.*s",
		 (int)(colon - nsdev), nsdev);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
	return colon + 1;
}

/* An AF_PACKET socket on NS:DEV: for sending (proto 0) or receiving. */
static int packet_socket(const char *nsdev, int home, uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	const char *dev = enter_ns(nsdev);
	int fd, one = 1, buf = 8 << 20;

	fd = socket(AF_PACKET, SOCK_RAW, htons(proto));
	if (fd < 0)
		die("socket");
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = if_nametoindex(dev);
	if (!sll.sll_ifindex)
		die(dev);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	if (!proto) {
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	} else {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	}
	if (setns(home, CLONE_NEWNET))
		die("setns home");
	return fd;
}

/* /proc/net/dev of NS, kept open: re-read for the rx packet counter. */
struct counter {
	int fd;
	char dev[IFNAMSIZ + 2];
};

static void counter_open(struct counter *c, const char *nsdev, int home)
{
	const char *dev = enter_ns(nsdev);

	snprintf(c->dev, sizeof(c->dev), "%s:", dev);
	c->fd = open("/proc/self/net/dev", O_RDONLY);
	if (c->fd < 0)
		die("/proc/self/net/dev");
	if (setns(home, CLONE_NEWNET))
		die("setns home");
}

static uint64_t counter_rx(struct counter *c)
{
	static char buf[16384];
	unsigned long long bytes, pkts;
	ssize_t n;
	char *p;

	if (lseek(c->fd, 0, SEEK_SET) < 0)
		die("lseek");
	n = read(c->fd, buf, sizeof(buf) - 1);
	if (n < 0)
		die("read /proc/net/dev");
	buf[n] = 0;
	for (p = buf; (p = strstr(p, c->dev)); p++) {
		if (p != buf && p[-1] != ' ' && p[-1] != '\n')
			continue;
		if (sscanf(p + strlen(c->dev), "%llu %llu", &bytes, &pkts) == 2)
			return pkts;
	}
	fprintf(stderr, "inject: %s not in /proc/net/dev\n", c->dev);
	exit(2);
}

static void send_batch(int fd, const struct bench_frames *bf, uint32_t first,
		       uint32_t n)
{
	struct mmsghdr msg[64];
	struct iovec iov[64];
	uint32_t i, done = 0;
	int r;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = bench_frame(bf, first + i);
		iov[i].iov_len = bf->len;
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		r = sendmmsg(fd, msg + done, n - done, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(100);
				continue;
			}
			die("sendmmsg");
		}
		done += r;
	}
}

static void run_rate(const struct opts *o, const struct bench_frames *bf,
		     int pfd, int sfd, struct counter *cli)
{
	uint64_t base = cli ? counter_rx(cli) : 0, got = 0, last = 0;
	int64_t t0, t_send, t_last, t_stall;
	uint32_t i, n;

	t0 = bench_now_ns();
	for (i = 0; i < o->pairs; i += n) {
		n = o->pairs - i < o->batch ? o->pairs - i : o->batch;
		send_batch(pfd, bf, i, n);
		send_batch(sfd, bf, i, n);
	}
	t_send = t_last = t_stall = bench_now_ns();
	while (cli && got < o->pairs) {
		got = counter_rx(cli) - base;
		if (got != last) {
			last = got;
			t_last = t_stall = bench_now_ns();
		} else if (bench_now_ns() - t_stall > (int64_t)o->settle_ms * 1000000) {
			break;
		}
		usleep(1000);
	}
	if (!cli || got == 0)
		t_last = t_send;
	printf("{\"tag\": \"%s\", \"mode\": \"%s\", \"pairs\": %u, "
	       "\"frames_in\": %u, \"released\": %llu, \"send_s\": %.6f, "
	       "\"total_s\": %.6f, \"input_frames_per_s\": %.1f, "
	       "\"released_pairs_per_s\": %.1f}\n",
	       o->tag, o->mode, o->pairs, 2 * o->pairs,
	       (unsigned long long)got, (t_send - t0) / 1e9, (t_last - t0) / 1e9,
	       2.0 * o->pairs / ((t_send - t0) / 1e9),
	       got / ((t_last - t0) / 1e9));
}

/* Drain the client socket: record arrival times of primaries by index. */
static uint32_t drain(int rfd, const struct bench_frames *bf, int64_t *sent,
		      int64_t *lat, uint32_t nlat)
{
	uint8_t buf[2048];
	uint32_t idx;
	ssize_t n;

	while ((n = recv(rfd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		int64_t now = bench_now_ns();

		idx = bench_frame_index(buf, n, bf->pay_off);
		if (idx < bf->n && sent[idx] && n == (ssize_t)bf->len) {
			lat[nlat++] = now - sent[idx];
			sent[idx] = 0;
		}
	}
	return nlat;
}

static void run_latency(const struct opts *o, const struct bench_frames *bf,
			int pfd, int sfd, int rfd)
{
	int64_t *sent = calloc(o->pairs, sizeof(*sent));
	int64_t *lat = calloc(o->pairs, sizeof(*lat));
	int64_t period = (int64_t)(1e9 / o->rate), next, t, p50, p99;
	struct pollfd pfd_r = { .fd = rfd, .events = POLLIN };
	uint32_t i, nlat = 0;

	if (!sent || !lat)
		die("calloc");
	next = bench_now_ns();
	for (i = 0; i < o->pairs; i++) {
		bench_sleep_until(next);
		next += period;
		if (o->ref == 'p')
			sent[i] = bench_now_ns();
		send_batch(pfd, bf, i, 1);
		if (o->ref == 's')
			sent[i] = bench_now_ns();
		send_batch(sfd, bf, i, 1);
		/* wait for arrivals until the next slot */
		while ((t = bench_now_ns()) < next) {
			if (poll(&pfd_r, 1, (int)((next - t) / 1000000) + 1) > 0)
				nlat = drain(rfd, bf, sent, lat, nlat);
		}
	}
	t = bench_now_ns();
	while (nlat < o->pairs && bench_now_ns() - t < (int64_t)o->settle_ms * 1000000) {
		if (poll(&pfd_r, 1, 10) > 0)
			nlat = drain(rfd, bf, sent, lat, nlat);
	}
	if (getenv("BENCH_DEBUG"))
		for (i = 0; i < nlat; i++)
			fprintf(stderr, "lat %u %lld\n", i, (long long)lat[i]);
	p50 = bench_percentile(lat, nlat, 50);
	p99 = bench_percentile(lat, nlat, 99);
	printf("{\"tag\": \"%s\", \"mode\": \"latency\", \"pairs\": %u, "
	       "\"rate\": %.0f, \"ref\": \"%c\", \"received\": %u, "
	       "\"p50_us\": %.1f, \"p99_us\": %.1f}\n",
	       o->tag, o->pairs, o->rate, o->ref, nlat, p50 / 1e3, p99 / 1e3);
}

int main(int argc, char **argv)
{
	struct opts o = { .batch = 32, .settle_ms = 2000, .rate = 200,
			  .ref = 's', .tag = "", .proto = BENCH_UDP,
			  .payload = 64, .flows = 1000, .pairs = 1000 };
	struct bench_frames bf;
	struct counter cli;
	int i, home, pfd, sfd, rfd = -1;

	if (argc < 2)
		goto usage;
	o.mode = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--proto"))
			o.proto = bench_proto_parse(v);
		else if (!strcmp(k, "--payload"))
			o.payload = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--flows"))
			o.flows = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--pairs"))
			o.pairs = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--round"))
			o.round = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--batch"))
			o.batch = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--settle"))
			o.settle_ms = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--rate"))
			o.rate = strtod(v, NULL);
		else if (!strcmp(k, "--ref"))
			o.ref = v[0];
		else if (!strcmp(k, "--pri"))
			o.pri = v;
		else if (!strcmp(k, "--sec"))
			o.sec = v;
		else if (!strcmp(k, "--cli"))
			o.cli = v;
		else if (!strcmp(k, "--tag"))
			o.tag = v;
		else
			goto usage;
	}
	if (i != argc || o.proto < 0 || !o.pri || !o.sec || !o.cli ||
	    !o.batch || o.batch > 64 || o.rate <= 0)
		goto usage;

	if (bench_frames_build(&bf, o.proto, o.payload, o.flows, o.pairs, o.round))
		die("frames");
	home = open("/proc/self/ns/net", O_RDONLY);
	if (home < 0)
		die("/proc/self/ns/net");
	pfd = packet_socket(o.pri, home, 0);
	sfd = packet_socket(o.sec, home, 0);

	if (!strcmp(o.mode, "rate")) {
		counter_open(&cli, o.cli, home);
		run_rate(&o, &bf, pfd, sfd, &cli);
	} else if (!strcmp(o.mode, "send")) {
		run_rate(&o, &bf, pfd, sfd, NULL);
	} else if (!strcmp(o.mode, "latency")) {
		rfd = packet_socket(o.cli, home, ETH_P_ALL);
		run_latency(&o, &bf, pfd, sfd, rfd);
	} else {
		goto usage;
	}
	return 0;
usage:
	fprintf(stderr, "usage: inject rate|send|latency --proto udp|tcp "
		"--payload N --flows F --pairs P --pri NS:DEV --sec NS:DEV "
		"--cli NS:DEV [--rate R] [--ref p|s] [--round K] [--batch B] "
		"[--settle MS] "
		"[--tag T]\n");
	return 2;
}
