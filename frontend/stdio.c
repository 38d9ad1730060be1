/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Pipe mode (issue 13): the command (exec's CMD, or a start's init) gets
 * three fresh pipes made here, never the user's own fds: a terminal of the
 * host passed in would be the TIOCSTI hole (bubblewrap CVE-2017-5226), a
 * directory fd a way out of the container. We relay between the user's
 * fds and our ends of the pipes, byte for byte (no PTY, so no CR, no echo),
 * stdout and stderr separately; end of our stdin closes the command's.
 * splice(2) moves the bytes where both sides allow it, else read/write.
 */

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "relay.h"
#include "report.h"
#include "stdio.h"
#include "util.h"

#define STDIO_CHUNK (1u << 20)    /* bytes one splice may move */
#define STDIO_BUF (64u * 1024u)   /* the read/write fallback's buffer */
#define STDIO_PIPE_SIZE (1 << 20) /* asked for each pipe (pipe-max-size for users) */
#define STDIO_DRAIN_MS 100        /* after the exit: quiet this long means drained */

/* One direction: src -> dst. */
struct chan {
	int src, dst;
	bool splice;    /* still trying splice(2) */
	bool dst_full;  /* wait for dst to take more before reading src */
	bool done;      /* src at end of file (or broken) */
	bool discard;   /* dst is gone: keep draining src, drop the bytes */
	bool close_dst; /* close dst at the end of src (the command's stdin) */
	uint8_t *buf;
	size_t start, end;
};

struct stdio_relay {
	const struct stdio_config *cfg;
	struct chan ch[3]; /* stdin, stdout, stderr */
	int sig_fd;
	bool exited;
	struct ipc_exit exit; /* valid once exited */
};

int
stdio_make_pipes(int sock, int ret_ours[3])
{
	for (uint8_t i = 0; i < IPC_PIPE_STREAMS; i++) {
		struct ipc_msg m;
		int p[2], r;

		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		(void)fcntl(p[0], F_SETPIPE_SZ, STDIO_PIPE_SIZE);
		/* stdin: the command reads p[0]; stdout and stderr: it writes p[1]. */
		ipc_msg_init(&m, IPC_T_PIPE);
		m.pipe.stream = i;
		m.fd = i == 0 ? p[0] : p[1];
		r = ipc_send(sock, &m);
		(void)close(m.fd);
		ret_ours[i] = i == 0 ? p[1] : p[0];
		if (r < 0) {
			(void)close(ret_ours[i]);
			for (uint8_t j = 0; j < i; j++)
				(void)close(ret_ours[j]);
			return r;
		}
	}
	return 0;
}

static void
chan_end(struct chan *c)
{
	c->done = true;
	if (c->close_dst)
		c->dst = util_safe_close(c->dst);
}

/* A write error on dst: the command's stdin closed (stop feeding it), or our stdout went away. */
static void
chan_broken(struct chan *c)
{
	if (c->close_dst) {
		chan_end(c);
		return;
	}
	c->discard = true; /* keep draining, so the command never blocks on a full pipe */
	c->start = c->end = 0;
}

static void
chan_write(struct chan *c)
{
	ssize_t n;

	if (c->discard) {
		c->start = c->end = 0;
		return;
	}
	n = write(c->dst, c->buf + c->start, c->end - c->start);
	if (n > 0) {
		c->start += (size_t)n;
		if (c->start == c->end)
			c->start = c->end = 0;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		chan_broken(c);
	}
	c->dst_full = c->end > c->start;
}

static void
chan_read(struct chan *c)
{
	ssize_t n = read(c->src, c->buf, STDIO_BUF);

	if (n > 0) {
		c->start = 0;
		c->end = (size_t)n;
		chan_write(c);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		chan_end(c);
	}
}

/* src is readable: splice, or fall back for good to read/write when this pair cannot. */
static void
chan_move(struct chan *c)
{
	ssize_t n;

	if (!c->splice || c->discard) {
		chan_read(c);
		return;
	}
	n = splice(c->src, NULL, c->dst, NULL, STDIO_CHUNK, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0)
		return;
	if (n == 0) {
		chan_end(c);
	} else if (errno == EAGAIN) {
		/* Either side. Only a dst that cannot take more is waited for: src
		 * empty again (a writer slower than us) just waits for POLLIN. */
		struct pollfd p = {.fd = c->dst, .events = POLLOUT};

		c->dst_full = poll(&p, 1, 0) == 0;
	} else if (errno == EINVAL || errno == ENOSYS || errno == EBADF) {
		c->splice = false;
		chan_read(c);
	} else if (errno != EINTR) {
		chan_broken(c);
	}
}

/* Which of src and dst to poll: dst while it must take more, else src. */
static void
chan_poll(const struct chan *c, struct pollfd *src, struct pollfd *dst)
{
	bool waiting = !c->done && c->dst_full && !c->discard;

	*src = (struct pollfd){.fd = !c->done && !waiting ? c->src : -1, .events = POLLIN};
	*dst = (struct pollfd){.fd = waiting ? c->dst : -1, .events = POLLOUT};
}

static void
chan_handle(struct chan *c, short src_rev, short dst_rev)
{
	if (dst_rev & (POLLERR | POLLHUP)) {
		chan_broken(c);
		return;
	}
	if (dst_rev & POLLOUT) {
		if (c->end > c->start)
			chan_write(c);
		else
			c->dst_full = false;
	}
	if (src_rev != 0 && !c->done)
		chan_move(c);
}

static int
sock_read(struct stdio_relay *r)
{
	struct ipc_msg m;
	int k = ipc_recv(r->cfg->sock, &m);

	if (k == -EAGAIN || k == -EINTR)
		return 0;
	if (k == -ECONNRESET)
		return report_fail("helper exited unexpectedly");
	if (k < 0)
		return report_fail("reading from helper: %s", strerror(-k));
	if (m.type == IPC_T_EXIT) {
		r->exited = true;
		/* Nobody reads stdin any more: stop, or an endless input would keep us here. */
		if (!r->ch[0].done)
			chan_end(&r->ch[0]);
		r->exit = m.exit;
		ipc_msg_done(&m);
		return 0;
	}
	if (m.type == IPC_T_ERROR)
		(void)report_fail("%s", m.error.text);
	else
		(void)report_fail("unexpected message from helper");
	ipc_msg_done(&m);
	return EXIT_CNSPAWN;
}

static int
sig_read(struct stdio_relay *r)
{
	struct signalfd_siginfo si;

	if (read(r->sig_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	if (si.ssi_signo == SIGCHLD) {
		while (waitpid(r->cfg->helper, NULL, WNOHANG) > 0)
			;
		return 0;
	}
	/* Our exit closes the socket: the helper hangs up the command (or stops the container). */
	return 128 + (int)si.ssi_signo;
}

/* After the exit: done once no output is waiting for the user to take it and none came. */
static bool
drained(const struct stdio_relay *r, int polled)
{
	for (int i = 1; i < 3; i++)
		if (!r->ch[i].done && r->ch[i].dst_full && !r->ch[i].discard)
			return false;
	return polled == 0 || (r->ch[1].done && r->ch[2].done);
}

static int
step(struct stdio_relay *r)
{
	struct pollfd p[8];
	int n, k;

	for (int i = 0; i < 3; i++)
		chan_poll(&r->ch[i], &p[2 * i], &p[2 * i + 1]);
	p[6] = (struct pollfd){.fd = r->exited ? -1 : r->cfg->sock, .events = POLLIN};
	p[7] = (struct pollfd){.fd = r->sig_fd, .events = POLLIN};
	n = poll(p, 8, r->exited ? STDIO_DRAIN_MS : -1);
	if (n < 0)
		return errno == EINTR ? -1 : report_fail("poll: %s", strerror(errno));
	if (p[7].revents && (k = sig_read(r)) != 0)
		return k;
	for (int i = 0; i < 3; i++)
		chan_handle(&r->ch[i], p[2 * i].revents, p[2 * i + 1].revents);
	if (p[6].revents && (k = sock_read(r)) != 0)
		return k;
	/* The memory-ceiling line after the command's own last words on stderr. */
	if (r->exited && drained(r, n))
		return report_exit(&r->exit, r->cfg->machine);
	return -1;
}

static int
setup_signals(struct stdio_relay *r)
{
	r->sig_fd = relay_signal_fd(false);
	return r->sig_fd < 0 ? r->sig_fd : 0;
}

int
stdio_relay_run(const struct stdio_config *cfg)
{
	static uint8_t bufs[3][STDIO_BUF];
	struct stdio_relay r = {.cfg = cfg, .sig_fd = -1};
	int k;

	/* The user's fds stay as they are (shared with the shell); ours never block. */
	r.ch[0] = (struct chan){.src = STDIN_FILENO, .dst = cfg->fds[0], .close_dst = true};
	r.ch[1] = (struct chan){.src = cfg->fds[1], .dst = STDOUT_FILENO};
	r.ch[2] = (struct chan){.src = cfg->fds[2], .dst = STDERR_FILENO};
	for (int i = 0; i < 3; i++) {
		r.ch[i].splice = true;
		r.ch[i].buf = bufs[i];
		if ((k = util_set_nonblock(cfg->fds[i], 1)) < 0)
			return report_fail("setting up the pipes: %s", strerror(-k));
	}
	if ((k = setup_signals(&r)) < 0)
		return report_fail("setting up signals: %s", strerror(-k));
	while ((k = step(&r)) < 0)
		;
	(void)util_safe_close(r.ch[0].dst);
	(void)close(r.ch[1].src);
	(void)close(r.ch[2].src);
	(void)close(r.sig_fd);
	return k;
}
