/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark frames: VM -> client IPv4 UDP or TCP frames, one flow per
 * source/destination port pair, built once before any measurement.
 * The primary and the secondary of a pair are the same bytes.
 */
#ifndef BENCH_FRAMES_H
#define BENCH_FRAMES_H

#include <stddef.h>
#include <stdint.h>

enum bench_proto { BENCH_UDP, BENCH_TCP };

struct bench_frames {
	uint8_t *buf;		/* n frames, each at buf + i * stride */
	size_t stride;		/* room per frame (>= len, 8-byte aligned) */
	uint32_t len;		/* every frame has the same length */
	uint32_t n;
	uint32_t pay_off;	/* payload offset: a be32 frame index is there */
};

/*
 * Frame i belongs to flow i % flows and is that flow's segment
 * round + i / flows: TCP sequence numbers advance by the payload size, so
 * a later run continues the flows of an earlier one (round = the earlier
 * runs' frames per flow).  Returns 0, or -1 with errno set.
 */
int bench_frames_build(struct bench_frames *bf, enum bench_proto proto,
		       uint32_t payload, uint32_t flows, uint32_t n,
		       uint32_t round);
void bench_frames_free(struct bench_frames *bf);

static inline uint8_t *bench_frame(const struct bench_frames *bf, uint32_t i)
{
	return bf->buf + (size_t)i * bf->stride;
}

/* The index written at pay_off, or UINT32_MAX if the frame is too short. */
uint32_t bench_frame_index(const uint8_t *frame, size_t len, uint32_t pay_off);

/* "udp"/"tcp" -> proto; -1 if neither. */
int bench_proto_parse(const char *s);

#endif
