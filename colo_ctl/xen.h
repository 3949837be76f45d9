/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The notify_dev protocol of QEMU's colo-compare, as Xen's libxl speaks
 * it: a stream of messages, each a big-endian u32 length and that many
 * bytes of text, no terminator ("COLO_USERSPACE_PROXY_INIT",
 * "COLO_COMPARE_GET_XEN_INIT", "DO_CHECKPOINT", "COLO_CHECKPOINT").
 * This file only frames and parses; agent.c serves it.
 */
#ifndef COLOCTL_XEN_H
#define COLOCTL_XEN_H

#include <stddef.h>
#include <stdint.h>

/* Longer messages are a broken or hostile peer: the stream is dropped. */
#define XEN_MSG_MAX	1024

#define XEN_PROXY_INIT	"COLO_USERSPACE_PROXY_INIT"	/* peer -> us */
#define XEN_INIT_REPLY	"COLO_COMPARE_GET_XEN_INIT"	/* us -> peer */
#define XEN_DO_CKPT	"DO_CHECKPOINT"			/* us -> peer */
#define XEN_CKPT	"COLO_CHECKPOINT"		/* peer -> us */

enum xen_msg_kind {
	XEN_MSG_UNKNOWN,
	XEN_MSG_PROXY_INIT,
	XEN_MSG_CHECKPOINT,
};

/* A partly received message. */
struct xen_reader {
	uint8_t hdr[4];
	size_t hdr_len;		/* bytes of the length received */
	uint32_t len;		/* of the message being received */
	size_t got;		/* bytes of it received */
	char buf[XEN_MSG_MAX + 1];	/* + a NUL for the callback */
};

/* Called for each whole message; a non-zero return stops the feed. */
typedef int (*xen_msg_cb)(const char *msg, size_t len, void *data);

void xen_reader_init(struct xen_reader *r);

/*
 * Feeds @n received bytes; calls @cb for each message they complete (an
 * empty one too).  Returns 0, -EMSGSIZE for a length over XEN_MSG_MAX
 * (the stream cannot be followed: drop the peer) or what @cb returned.
 */
int xen_reader_feed(struct xen_reader *r, const void *p, size_t n,
		    xen_msg_cb cb, void *data);

/* What message @msg of @len bytes is (one trailing NUL is tolerated). */
enum xen_msg_kind xen_msg_kind(const char *msg, size_t len);

/*
 * Frames the text @s into @out: returns the frame's length, or 0 if it
 * does not fit in @size.
 */
size_t xen_frame(const char *s, uint8_t *out, size_t size);

/* @msg made printable for a log: at most @size - 1 characters. */
const char *xen_printable(const char *msg, size_t len, char *buf,
			  size_t size);

#endif /* COLOCTL_XEN_H */
