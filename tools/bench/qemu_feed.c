// SPDX-License-Identifier: GPL-2.0
/*
 * Feeds QEMU's colo-compare, run standalone (DESIGN.md section 6), the
 * same pre-built pairs as inject does the kernel: primaries to its
 * primary_in socket, secondaries to secondary_in, `be32 len | frame` on
 * each; counts what comes out of outdev.  The notify_dev socket is read
 * and drained so that a miscompare cannot stall QEMU (and is counted).
 *
 *   qemu_feed rate|latency DIR --proto udp|tcp --payload N --flows F
 *             --pairs P [--rate R] [--batch B] [--settle MS] [--tag T]
 *
 * DIR holds the sockets pri, sec, out and nfy.  Same JSON as inject.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "frames.h"
#include "stats.h"

#define PROBE_INDEX	0xfffffffeu

struct feed {
	const struct bench_frames *bf;
	int out, nfy;
	int64_t *sent;			/* latency: reference time per index */
	int64_t *lat;
	uint32_t probe_len, probe_off;	/* the probe is a UDP frame of its own */
	_Atomic uint32_t got, nlat, notifies, probes;
	_Atomic int64_t t_last;
	_Atomic int stop;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static int connect_unix(const char *dir, const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, tries, buf = 4 << 20;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir, name);
	for (tries = 0; tries < 300; tries++) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return fd;
		close(fd);
		usleep(100000);		/* QEMU is still starting */
	}
	die(sun.sun_path);
	return -1;
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += r;
		n -= r;
	}
}

/* One framed stream: be32 len | frame, for every frame in order. */
static uint8_t *frame_stream(const struct bench_frames *bf, size_t *rec)
{
	uint8_t *s, *p;
	uint32_t i, be = htonl(bf->len);

	*rec = 4 + bf->len;
	s = malloc(*rec * bf->n);
	if (!s)
		die("malloc");
	for (i = 0, p = s; i < bf->n; i++, p += *rec) {
		memcpy(p, &be, 4);
		memcpy(p + 4, bench_frame(bf, i), bf->len);
	}
	return s;
}

/* Reads outdev (and drains notify_dev) until told to stop. */
static void *reader(void *arg)
{
	struct feed *f = arg;
	static uint8_t buf[1 << 16];
	struct pollfd pfd[2] = { { .fd = f->out, .events = POLLIN },
				 { .fd = f->nfy, .events = POLLIN } };
	size_t have = 0, need;
	uint32_t len, idx;
	ssize_t n;

	while (!atomic_load(&f->stop)) {
		if (poll(pfd, 2, 20) <= 0)
			continue;
		if (pfd[1].revents & POLLIN) {
			uint8_t junk[4096];

			if (read(f->nfy, junk, sizeof(junk)) > 0)
				atomic_fetch_add(&f->notifies, 1);
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(f->out, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += n;
		for (;;) {
			if (have < 4)
				break;
			memcpy(&len, buf, 4);
			len = ntohl(len);
			need = 4 + len;
			if (need > sizeof(buf)) {
				fprintf(stderr, "qemu_feed: frame of %u bytes\n", len);
				exit(2);
			}
			if (have < need)
				break;
			if (len == f->probe_len &&
			    bench_frame_index(buf + 4, len, f->probe_off) == PROBE_INDEX) {
				atomic_fetch_add(&f->probes, 1);
				memmove(buf, buf + need, have - need);
				have -= need;
				continue;
			}
			if (f->sent) {
				int64_t now = bench_now_ns();

				idx = bench_frame_index(buf + 4, len, f->bf->pay_off);
				if (idx < f->bf->n && f->sent[idx]) {
					f->lat[atomic_load(&f->nlat)] = now - f->sent[idx];
					f->sent[idx] = 0;
					atomic_fetch_add(&f->nlat, 1);
				}
			}
			atomic_fetch_add(&f->got, 1);
			atomic_store(&f->t_last, bench_now_ns());
			memmove(buf, buf + need, have - need);
			have -= need;
		}
	}
	return NULL;
}

/*
 * QEMU accepts the socket connections in its main loop, maybe after its
 * iothread compares: output with no outdev connection yet is lost.  A
 * probe pair (its own UDP flow) that came out says all four are up.
 */
static uint8_t *probe_build(struct feed *f, size_t *rec)
{
	uint32_t be = htonl(PROBE_INDEX);
	struct bench_frames pb;
	uint8_t *s;

	if (bench_frames_build(&pb, BENCH_UDP, 64, 1, 1, 0))
		die("probe frame");
	f->probe_len = pb.len;
	f->probe_off = pb.pay_off;
	s = frame_stream(&pb, rec);
	memcpy(s + 4 + pb.pay_off, &be, 4);
	s[4 + 34] ^= 0x55;		/* another source port: another flow */
	bench_frames_free(&pb);
	return s;
}

static void probe(struct feed *f, int pri, int sec, uint8_t *s, size_t rec)
{
	int i, t;

	for (i = 0; i < 100; i++) {
		write_all(pri, s, rec);
		write_all(sec, s, rec);
		for (t = 0; t < 100 && !atomic_load(&f->probes); t++)
			usleep(1000);
		if (atomic_load(&f->probes))
			break;
	}
	if (!atomic_load(&f->probes)) {
		fprintf(stderr, "qemu_feed: no probe came out of QEMU (%u notifies)\n",
			atomic_load(&f->notifies));
		exit(2);
	}
	usleep(100000);			/* let late probes out */
	free(s);
}

static void settle(struct feed *f, uint32_t want, uint32_t ms)
{
	uint32_t last = atomic_load(&f->got);
	int64_t t = bench_now_ns();

	while (atomic_load(&f->got) < want &&
	       bench_now_ns() - t < (int64_t)ms * 1000000) {
		usleep(1000);
		if (atomic_load(&f->got) != last) {
			last = atomic_load(&f->got);
			t = bench_now_ns();
		}
	}
}

int main(int argc, char **argv)
{
	uint32_t payload = 64, flows = 1000, pairs = 1000, batch = 32, settle_ms = 2000;
	int proto = BENCH_UDP, i, pri, sec;
	const char *mode, *dir, *tag = "";
	struct bench_frames bf;
	struct feed f = { 0 };
	double rate = 200;
	pthread_t th;
	uint8_t *s, *ps;
	size_t rec, prec;

	if (argc < 3)
		goto usage;
	mode = argv[1];
	dir = argv[2];
	for (i = 3; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--proto"))
			proto = bench_proto_parse(v);
		else if (!strcmp(k, "--payload"))
			payload = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--flows"))
			flows = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--pairs"))
			pairs = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--batch"))
			batch = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--settle"))
			settle_ms = strtoul(v, NULL, 0);
		else if (!strcmp(k, "--rate"))
			rate = strtod(v, NULL);
		else if (!strcmp(k, "--tag"))
			tag = v;
		else
			goto usage;
	}
	if (i != argc || proto < 0 || !batch || rate <= 0)
		goto usage;

	if (bench_frames_build(&bf, proto, payload, flows, pairs, 0))
		die("frames");
	s = frame_stream(&bf, &rec);
	f.bf = &bf;
	pri = connect_unix(dir, "pri");
	sec = connect_unix(dir, "sec");
	f.out = connect_unix(dir, "out");
	f.nfy = connect_unix(dir, "nfy");
	if (!strcmp(mode, "latency")) {
		f.sent = calloc(pairs, sizeof(*f.sent));
		f.lat = calloc(pairs, sizeof(*f.lat));
		if (!f.sent || !f.lat)
			die("calloc");
	} else if (strcmp(mode, "rate")) {
		goto usage;
	}
	ps = probe_build(&f, &prec);
	if (pthread_create(&th, NULL, reader, &f))
		die("pthread_create");
	probe(&f, pri, sec, ps, prec);

	if (f.sent) {
		int64_t period = (int64_t)(1e9 / rate), next = bench_now_ns();
		int64_t p50, p99;
		uint32_t n;

		for (i = 0; i < (int)pairs; i++) {
			bench_sleep_until(next);
			next += period;
			write_all(pri, s + i * rec, rec);
			f.sent[i] = bench_now_ns();
			write_all(sec, s + i * rec, rec);
		}
		settle(&f, pairs, settle_ms);
		atomic_store(&f.stop, 1);
		pthread_join(th, NULL);
		n = atomic_load(&f.nlat);
		p50 = bench_percentile(f.lat, n, 50);
		p99 = bench_percentile(f.lat, n, 99);
		printf("{\"tag\": \"%s\", \"mode\": \"latency\", \"pairs\": %u, "
		       "\"rate\": %.0f, \"ref\": \"s\", \"received\": %u, "
		       "\"p50_us\": %.1f, \"p99_us\": %.1f, \"notifies\": %u}\n",
		       tag, pairs, rate, n, p50 / 1e3, p99 / 1e3,
		       atomic_load(&f.notifies));
	} else {
		int64_t t0 = bench_now_ns(), t_send, t_last;
		uint32_t n, got;
		uint32_t k;

		for (k = 0; k < pairs; k += n) {
			n = pairs - k < batch ? pairs - k : batch;
			write_all(pri, s + (size_t)k * rec, n * rec);
			write_all(sec, s + (size_t)k * rec, n * rec);
		}
		t_send = bench_now_ns();
		settle(&f, pairs, settle_ms);
		atomic_store(&f.stop, 1);
		pthread_join(th, NULL);
		got = atomic_load(&f.got);
		t_last = got ? atomic_load(&f.t_last) : t_send;
		if (t_last < t_send)
			t_last = t_send;
		printf("{\"tag\": \"%s\", \"mode\": \"rate\", \"pairs\": %u, "
		       "\"frames_in\": %u, \"released\": %u, \"send_s\": %.6f, "
		       "\"total_s\": %.6f, \"input_frames_per_s\": %.1f, "
		       "\"released_pairs_per_s\": %.1f, \"notifies\": %u}\n",
		       tag, pairs, 2 * pairs, got, (t_send - t0) / 1e9,
		       (t_last - t0) / 1e9, 2.0 * pairs / ((t_send - t0) / 1e9),
		       got / ((t_last - t0) / 1e9), atomic_load(&f.notifies));
	}
	return 0;
usage:
	fprintf(stderr, "usage: qemu_feed rate|latency DIR --proto udp|tcp "
		"--payload N --flows F --pairs P [--rate R] [--batch B] "
		"[--settle MS] [--tag T]\n");
	return 2;
}
