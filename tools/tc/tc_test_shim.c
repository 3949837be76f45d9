// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD helper for test-plugin.py (host tests only).
 *
 * COLO_TEST_JSON=1      "tc monitor" never opens a JSON writer; open one
 *                       when tc starts (and close it at exit), so that
 *                       "tc monitor file F" prints what "tc -j" would.
 * COLO_TEST_CAPTURE=F   write the first RTM_NEWACTION / RTM_NEWTFILTER
 *                       request tc sends to F and _exit(42) instead of
 *                       sending it: the plugin's parse output can be
 *                       checked without the kernel module.  Other requests
 *                       (link lookups) go to the kernel as usual.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define CAPTURE_EXIT 42

/* exported by tc (-export-dynamic); only called when COLO_TEST_JSON is set */
void new_json_obj(int json);
void delete_json_obj(void);

__attribute__((constructor)) static void shim_init(void)
{
	const char *j = getenv("COLO_TEST_JSON");

	if (j && *j && strcmp(j, "0") != 0) {
		new_json_obj(1);
		atexit(delete_json_obj);
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
	const char *path = getenv("COLO_TEST_CAPTURE");

	if (path && *path && msg->msg_iovlen > 0 &&
	    msg->msg_iov[0].iov_len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = msg->msg_iov[0].iov_base;

		if (nlh->nlmsg_type == RTM_NEWACTION ||
		    nlh->nlmsg_type == RTM_NEWTFILTER) {
			int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			size_t i;

			if (out < 0)
				_exit(1);
			for (i = 0; i < msg->msg_iovlen; i++)
				if (write_all(out, msg->msg_iov[i].iov_base,
					      msg->msg_iov[i].iov_len))
					_exit(1);
			close(out);
			_exit(CAPTURE_EXIT);
		}
	}

	if (!real_sendmsg)
		real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))
			dlsym(RTLD_NEXT, "sendmsg");
	return real_sendmsg(fd, msg, flags);
}
