// SPDX-License-Identifier: GPL-2.0
/*
 * Framing of QEMU colo-compare's notify_dev protocol (see xen.h).
 */
#include <errno.h>
#include <string.h>

#include "xen.h"

void xen_reader_init(struct xen_reader *r)
{
	memset(r, 0, sizeof(*r));
}

int xen_reader_feed(struct xen_reader *r, const void *p, size_t n,
		    xen_msg_cb cb, void *data)
{
	const uint8_t *in = p;
	size_t take;
	int err;

	while (n) {
		if (r->hdr_len < sizeof(r->hdr)) {
			r->hdr[r->hdr_len++] = *in++;
			n--;
			if (r->hdr_len < sizeof(r->hdr))
				continue;
			r->len = (uint32_t)r->hdr[0] << 24 |
				 (uint32_t)r->hdr[1] << 16 |
				 (uint32_t)r->hdr[2] << 8 | r->hdr[3];
			if (r->len > XEN_MSG_MAX)
				return -EMSGSIZE;
			r->got = 0;
		} else {
			take = r->len - r->got;
			if (take > n)
				take = n;
			memcpy(r->buf + r->got, in, take);
			r->got += take;
			in += take;
			n -= take;
		}
		if (r->got < r->len)
			continue;
		/* A whole message (maybe an empty one). */
		r->buf[r->len] = '\0';
		r->hdr_len = 0;
		err = cb(r->buf, r->len, data);
		if (err)
			return err;
	}
	return 0;
}

static int is(const char *msg, size_t len, const char *want)
{
	size_t n = strlen(want);

	if (len == n + 1 && msg[n] == '\0')
		len = n;	/* a peer that sends the terminator too */
	return len == n && !memcmp(msg, want, n);
}

enum xen_msg_kind xen_msg_kind(const char *msg, size_t len)
{
	if (is(msg, len, XEN_PROXY_INIT))
		return XEN_MSG_PROXY_INIT;
	if (is(msg, len, XEN_CKPT))
		return XEN_MSG_CHECKPOINT;
	return XEN_MSG_UNKNOWN;
}

size_t xen_frame(const char *s, uint8_t *out, size_t size)
{
	size_t n = strlen(s);

	if (n > XEN_MSG_MAX || size < n + 4)
		return 0;
	out[0] = (uint8_t)(n >> 24);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	memcpy(out + 4, s, n);
	return n + 4;
}

const char *xen_printable(const char *msg, size_t len, char *buf,
			  size_t size)
{
	size_t i, o = 0;

	if (!size)
		return "";
	for (i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)msg[i];

		buf[o++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	buf[o] = '\0';
	return buf;
}
