/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/socket.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "util.h"

/*
 * Room for more fds than any type carries, so that a peer sending too many
 * is seen (and its fds closed) instead of hidden behind MSG_CTRUNC; the
 * kernel drops fds that do not fit at all, and MSG_CTRUNC is refused too.
 */
#define IPC_RECV_MAX_FDS 16

static int
packet_send(int sock, const void *buf, size_t len, int fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/* SOCK_SEQPACKET sends a packet whole or not at all. */
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int
ipc_packet_send(int sock, const void *buf, size_t len, int fd)
{
	return packet_send(sock, buf, len, fd, 0);
}

static int
send_msg(int sock, const struct ipc_msg *m, int flags)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;
	int nfds, r;

	nfds = ipc_type_nfds(m->type);
	if (nfds < 0)
		return -EINVAL;
	if (nfds == 1 && m->fd < 0)
		return -EINVAL;
	buf = malloc(IPC_MAX_MSG);
	if (buf == NULL)
		return -ENOMEM;
	r = ipc_encode(m, buf, IPC_MAX_MSG, &len);
	if (r < 0)
		return r;
	return packet_send(sock, buf, len, nfds == 1 ? m->fd : -1, flags);
}

int
ipc_send(int sock, const struct ipc_msg *m)
{
	return send_msg(sock, m, 0);
}

int
ipc_send_nowait(int sock, const struct ipc_msg *m)
{
	if (ipc_type_nfds(m->type) != 0)
		return -EINVAL;
	return send_msg(sock, m, MSG_DONTWAIT);
}

static void
close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)close(fds[i]);
}

/* Collect every SCM_RIGHTS fd; any other control message is a protocol error. */
static int
collect_fds(struct msghdr *mh, int *fds, size_t *ret_n)
{
	size_t n = 0;
	int r = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			r = -EPROTO;
			continue;
		}
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n < IPC_RECV_MAX_FDS)
				fds[n++] = fd;
			else
				(void)close(fd);
		}
	}
	*ret_n = n;
	return r;
}

int
ipc_packet_recv(int sock, void *buf, size_t size, int *fds, size_t max_fds, size_t *ret_nfds,
    size_t *ret_len)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * IPC_RECV_MAX_FDS)];
	} ctl;
	int got[IPC_RECV_MAX_FDS];
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh = {.msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctl.buf,
	    .msg_controllen = sizeof(ctl.buf)};
	size_t n = 0;
	ssize_t len;
	int r;

	do
		len = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	r = collect_fds(&mh, got, &n);
	if (r == 0 && ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || n > max_fds))
		r = -EPROTO;
	if (r < 0) {
		close_all(got, n);
		return r;
	}
	memcpy(fds, got, n * sizeof(int));
	*ret_nfds = n;
	*ret_len = (size_t)len;
	return 0;
}

int
ipc_recv(int sock, struct ipc_msg *ret)
{
	int fds[IPC_RECV_MAX_FDS];
	_cleanup_free_ uint8_t *buf = NULL;
	size_t nfds = 0, n = 0;
	int r;

	/* One byte more than the limit, so an oversized packet shows as too long. */
	buf = malloc(IPC_MAX_MSG + 1);
	if (buf == NULL)
		return -ENOMEM;
	r = ipc_packet_recv(sock, buf, IPC_MAX_MSG + 1, fds, IPC_RECV_MAX_FDS, &nfds, &n);
	if (r < 0)
		return r;
	if (n == 0)
		r = -ECONNRESET;
	else if (n > IPC_MAX_MSG)
		r = -EPROTO;
	else
		r = ipc_decode(buf, n, nfds, ret);
	if (r < 0) {
		close_all(fds, nfds);
		return r;
	}
	ret->fd = nfds == 1 ? fds[0] : -1;
	return 0;
}

int
ipc_send_error(int sock, const char *text)
{
	char line[IPC_MAX_STR];
	struct ipc_msg m;

	if (text == NULL)
		return -EINVAL;
	/* Cut an overlong text rather than lose the error: the user must see something. */
	(void)strlcpy(line, text, sizeof(line));
	ipc_msg_init(&m, IPC_T_ERROR);
	m.error.text = line;
	return ipc_send(sock, &m);
}

int
ipc_send_exit(int sock, const struct ipc_exit *x)
{
	struct ipc_msg m;

	ipc_msg_init(&m, IPC_T_EXIT);
	m.exit = *x;
	return ipc_send(sock, &m);
}
