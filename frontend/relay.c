/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "ipc.h"
#include "relay.h"
#include "report.h"
#include "tty.h"
#include "util.h"

#define RELAY_BUF_SIZE (64u * 1024u)
#define RETRY_MIN_MS 50
#define RETRY_MAX_MS 500
/* Bound on the final drain, in case something still writes to the console. */
#define DRAIN_MAX (64u * 1024u * 1024u)
#define RELAY_VEOF_REPEAT_MS 500
/* The copy for the monitor waits at most this long for more to fill its packet. */
#define RELAY_TEE_DELAY_MS 10

/* A bounded byte queue: data lives in b[start, end). */
struct buf {
	uint8_t b[RELAY_BUF_SIZE];
	size_t start, end;
};

struct relay {
	const struct relay_config *cfg;
	int master, sig_fd;
	bool in_tty;
	bool in_eof;             /* stdin reached end of input */
	bool eof_sent;           /* VEOF written to the master after in_eof */
	struct timespec veof_at; /* when to type VEOF again (pipe mode, after in_eof) */
	bool last_nl;            /* the last byte sent to the master was a newline */
	bool out_dead;           /* stdout is gone (EPIPE): discard output */
	bool master_hung;        /* the console slave is closed or hung up: retry later */
	int retry_ms;            /* current back-off while master_hung */
	struct timespec retry_at;
	struct escape esc;
	struct buf to_master, to_out;
	uint8_t tee[IPC_MAX_DATA]; /* the next copy for the monitor: tee_len bytes */
	size_t tee_len;
	struct timespec tee_at; /* send it by then, full or not */
	uint64_t tee_gap;       /* bytes read but not copied to the monitor (its socket was full) */
	int status;             /* >= 0: finished with this exit status */
};

enum { P_IN, P_OUT, P_MASTER, P_SOCK, P_SIG, P_N };

static size_t
buf_len(const struct buf *b)
{
	return b->end - b->start;
}

/* Free room at the end, compacting first when that gives more. */
static size_t
buf_room(struct buf *b)
{
	if (b->start > 0 && b->end == sizeof(b->b)) {
		memmove(b->b, b->b + b->start, buf_len(b));
		b->end -= b->start;
		b->start = 0;
	}
	return sizeof(b->b) - b->end;
}

static void
buf_consume(struct buf *b, size_t n)
{
	b->start += n;
	if (b->start == b->end)
		b->start = b->end = 0;
}

static void
schedule_retry(struct relay *r)
{
	util_after_ms(&r->retry_at, r->retry_ms);
}

/*
 * The container closed its console or hung it up (vhangup): the master
 * then reports POLLHUP/EIO until the slave is reopened. Stop polling it
 * (that would spin) and look again after a growing pause.
 */
static void
master_hangup(struct relay *r)
{
	if (!r->master_hung)
		r->retry_ms = RETRY_MIN_MS;
	else if ((r->retry_ms *= 2) > RETRY_MAX_MS)
		r->retry_ms = RETRY_MAX_MS;
	r->master_hung = true;
	schedule_retry(r);
}

/*
 * A copy of what we read from the console for the monitor's ring, so that
 * `cnspawn logs` shows output of an attached session too (helper/control.c
 * says why a copy and why that is safe). It never waits and so never slows
 * the console: when the socket is full the copy is dropped, and the next
 * one that goes out tells the monitor how many bytes are missing. Reads
 * are gathered into packets of up to IPC_MAX_DATA (a PTY gives at most 4
 * KiB a read) sent when full or RELAY_TEE_DELAY_MS after their first byte:
 * a send per read cost a third of the console's throughput (bench/run.sh).
 */
static void
tee_flush(struct relay *r)
{
	struct ipc_msg m;

	if (r->tee_len == 0)
		return;
	ipc_msg_init(&m, IPC_T_TEE);
	m.tee.gap = r->tee_gap;
	m.tee.data = r->tee;
	m.tee.len = r->tee_len;
	if (ipc_send_nowait(r->cfg->sock, &m) == 0)
		r->tee_gap = 0;
	else
		r->tee_gap += r->tee_len;
	r->tee_len = 0;
}

static void
tee_copy(struct relay *r, const uint8_t *p, size_t n)
{
	while (r->cfg->tee && n > 0) {
		size_t room = sizeof(r->tee) - r->tee_len, len = n < room ? n : room;

		if (r->tee_len == 0)
			util_after_ms(&r->tee_at, RELAY_TEE_DELAY_MS);
		memcpy(r->tee + r->tee_len, p, len);
		r->tee_len += len;
		p += len;
		n -= len;
		if (r->tee_len == sizeof(r->tee))
			tee_flush(r);
	}
}

/* Read what the master has into to_out; returns bytes read, 0 on EAGAIN, -1 on EIO/hangup. */
static ssize_t
master_read(struct relay *r)
{
	size_t room = buf_room(&r->to_out);
	ssize_t n;

	if (room == 0)
		return 0;
	n = read(r->master, r->to_out.b + r->to_out.end, room);
	if (n > 0) {
		tee_copy(r, r->to_out.b + r->to_out.end, (size_t)n);
		r->to_out.end += (size_t)n;
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1; /* EIO, or 0 (never for a master, but do not spin on it) */
}

static int
finish_error(struct relay *r, const char *what, int err)
{
	tty_restore();
	if (err != 0)
		fprintf(stderr, "cnspawn: %s: %s\n", what, strerror(err));
	else
		fprintf(stderr, "cnspawn: %s\n", what);
	r->status = EXIT_CNSPAWN;
	return -1;
}

static void
out_write(struct relay *r)
{
	ssize_t n;

	if (buf_len(&r->to_out) == 0)
		return;
	n = write(STDOUT_FILENO, r->to_out.b + r->to_out.start, buf_len(&r->to_out));
	if (n > 0) {
		buf_consume(&r->to_out, (size_t)n);
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		/* The reader went away: keep draining the console so the container never blocks. */
		r->out_dead = true;
		r->to_out.start = r->to_out.end = 0;
	}
}

static void
discard_if_dead(struct relay *r)
{
	if (r->out_dead)
		r->to_out.start = r->to_out.end = 0;
}

/*
 * Leave on the escape sequence: ask the monitor to stop the container (its
 * stop signal, SIGKILL after the timeout; our leaving alone would only
 * detach), say so while the terminal is still raw, then restore it.
 */
static int
leave(struct relay *r)
{
	static const char stop_msg[] = "\r\ncnspawn: leaving; container is being stopped\r\n";
	static const char hup_msg[] = "\r\ncnspawn: leaving; the command is hung up\r\n";
	const char *msg = r->cfg->exec ? hup_msg : stop_msg;
	struct ipc_msg m;

	ipc_msg_init(&m, IPC_T_STOP);
	m.stop.timeout = r->cfg->stop_timeout;
	(void)ipc_send(r->cfg->sock, &m);
	(void)util_write_full(STDERR_FILENO, msg, strlen(msg));
	tty_restore();
	r->status = 0;
	return -1;
}

/* Leave the container running: closing our socket is a detach for the monitor. */
static int
detach(struct relay *r, const char *why)
{
	char msg[512];
	const char *name = r->cfg->machine != NULL ? r->cfg->machine : "the container";
	int n = snprintf(msg, sizeof(msg),
	    "\r\ncnspawn: detached from %s%s; `cnspawn attach %s` to return\r\n", name, why, name);

	if (n > 0 && (size_t)n < sizeof(msg))
		(void)util_write_full(STDERR_FILENO, msg, (size_t)n);
	tty_restore();
	r->status = 0;
	return -1;
}

static int
stdin_read(struct relay *r)
{
	uint8_t in[RELAY_BUF_SIZE];
	struct timespec now;
	size_t room = buf_room(&r->to_master), len = 0;
	ssize_t n;

	if (room <= ESCAPE_MAX_PENDING)
		return 0;
	n = read(STDIN_FILENO, in, room - ESCAPE_MAX_PENDING);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* End of input (or the terminal went away, EIO): stop reading it. */
		r->in_eof = true;
		return 0;
	}
	util_now_mono(&now);
	if (escape_feed(&r->esc, in, (size_t)n, &now, r->to_master.b + r->to_master.end, &len))
		return r->esc.action == ESCAPE_DETACH ? detach(r, "") : leave(r);
	r->to_master.end += len;
	if (len > 0)
		r->last_nl = r->to_master.b[r->to_master.end - 1] == '\n';
	return 0;
}

static void
master_write(struct relay *r)
{
	ssize_t n;

	if (buf_len(&r->to_master) == 0)
		return;
	n = write(r->master, r->to_master.b + r->to_master.start, buf_len(&r->to_master));
	if (n > 0)
		buf_consume(&r->to_master, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		master_hangup(r);
}

/*
 * Pipe mode: once all input reached the console, type its end-of-file
 * character, so that a shell reading the console sees the end of input. A
 * last line without a newline needs one VEOF to flush it and one more.
 * Then type it again every RELAY_VEOF_REPEAT_MS while the container runs:
 * input at its end stays at its end, as a pipe's does, for every later
 * read; and a VEOF typed while the shell was switching the console to raw
 * mode for line editing (the line discipline turns a pending one into a
 * NUL byte then) is not the last word.
 */
static void
queue_veof(struct relay *r)
{
	struct termios t;
	uint8_t veof = 0x04;

	if (!r->in_eof || r->in_tty || buf_len(&r->to_master) != 0 || r->master_hung)
		return;
	if (r->eof_sent && util_ms_until(&r->veof_at) > 0)
		return;
	if (tcgetattr(r->master, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		veof = t.c_cc[VEOF];
	r->to_master.b[r->to_master.end++] = veof;
	if (!r->last_nl && !r->eof_sent)
		r->to_master.b[r->to_master.end++] = veof;
	r->eof_sent = true;
	util_after_ms(&r->veof_at, RELAY_VEOF_REPEAT_MS);
}

/* Write all of buf even to a non-blocking fd, waiting in poll() instead of spinning. */
static void
write_all_wait(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			(void)poll(&pfd, 1, -1);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			return; /* stdout is gone: nothing more can be delivered */
		}
	}
}

/*
 * Init is gone: whatever the console still holds must reach stdout before
 * we exit (a pipe reader would otherwise lose the end of the output).
 */
static void
drain_master(struct relay *r)
{
	size_t total = 0;

	for (;;) {
		ssize_t n;

		if (buf_room(&r->to_out) == 0 || r->out_dead) {
			if (!r->out_dead)
				write_all_wait(STDOUT_FILENO, r->to_out.b + r->to_out.start,
				    buf_len(&r->to_out));
			r->to_out.start = r->to_out.end = 0;
		}
		if (total >= DRAIN_MAX)
			break;
		n = read(r->master, r->to_out.b + r->to_out.end, buf_room(&r->to_out));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: empty; EIO: no writer left and empty */
		tee_copy(r, r->to_out.b + r->to_out.end, (size_t)n);
		r->to_out.end += (size_t)n;
		total += (size_t)n;
	}
	if (!r->out_dead)
		write_all_wait(STDOUT_FILENO, r->to_out.b + r->to_out.start, buf_len(&r->to_out));
	r->to_out.start = r->to_out.end = 0;
}

static int
sock_read(struct relay *r)
{
	_cleanup_free_ char *text = NULL;
	struct ipc_msg m;
	int k;

	k = ipc_recv(r->cfg->sock, &m);
	if (k == -EAGAIN || k == -EINTR)
		return 0;
	if (k == -ECONNRESET) {
		drain_master(r);
		return finish_error(r, "helper exited unexpectedly", 0);
	}
	if (k < 0)
		return finish_error(r, "reading from helper", -k);
	switch (m.type) {
	case IPC_T_EXIT:
		drain_master(r);
		tty_restore();
		r->status = report_exit(&m.exit, r->cfg->machine);
		ipc_msg_done(&m);
		return -1;
	case IPC_T_DETACHED:
		/* Another `cnspawn attach` took the console over. */
		ipc_msg_done(&m);
		return detach(r, " (attached from elsewhere)");
	case IPC_T_ERROR:
		text = TAKE_PTR(m.error.text);
		ipc_msg_done(&m);
		drain_master(r);
		return finish_error(r, text, 0);
	default:
		ipc_msg_done(&m);
		return finish_error(r, "unexpected message from helper", 0);
	}
}

static int
sig_read(struct relay *r)
{
	struct signalfd_siginfo si;
	ssize_t n = read(r->sig_fd, &si, sizeof(si));

	if (n != (ssize_t)sizeof(si))
		return 0;
	switch (si.ssi_signo) {
	case SIGWINCH:
		(void)tty_forward_size(r->master);
		return 0;
	case SIGCHLD:
		/* Reap the helper; its end shows up as EOF on the socket. */
		while (waitpid(r->cfg->helper, NULL, WNOHANG) > 0)
			;
		return 0;
	default:
		/*
		 * SIGTERM, SIGHUP, SIGINT, SIGQUIT (and USR1, USR2, ALRM): our exit closes the socket; the
		 * monitor takes that as a detach (a stop in pipe mode, IPC_F_STOP_ON_EXIT).
		 */
		tty_restore();
		r->status = 128 + (int)si.ssi_signo;
		return -1;
	}
}

/* A pending escape key whose window ended goes to the container now. */
static void
expire_escape(struct relay *r)
{
	struct timespec now;

	if (r->esc.pending == 0 || buf_room(&r->to_master) < ESCAPE_MAX_PENDING)
		return;
	util_now_mono(&now);
	r->to_master.end += escape_expire(&r->esc, &now, r->to_master.b + r->to_master.end);
}

/* Look at a hung-up master again once its pause is over. */
static void
retry_master(struct relay *r)
{
	ssize_t n;

	if (!r->master_hung || util_ms_until(&r->retry_at) > 0 || buf_room(&r->to_out) == 0)
		return;
	n = master_read(r);
	if (n < 0)
		master_hangup(r);
	else
		r->master_hung = false; /* data, or EAGAIN: the slave is open again */
}

/* The sooner of timeout t (ms, -1: none) and deadline at. */
static int
sooner(int t, const struct timespec *at)
{
	long long left = util_ms_until(at);
	int m = left <= 0 ? 0 : (int)left + 1;

	return t < 0 || m < t ? m : t;
}

static int
poll_timeout(struct relay *r)
{
	struct timespec now;
	int t = -1;

	util_now_mono(&now);
	if (buf_room(&r->to_master) >= ESCAPE_MAX_PENDING)
		t = escape_timeout_ms(&r->esc, &now);
	if (r->master_hung && buf_room(&r->to_out) > 0)
		t = sooner(t, &r->retry_at);
	if (r->eof_sent && !r->in_tty)
		t = sooner(t, &r->veof_at);
	if (r->tee_len > 0)
		t = sooner(t, &r->tee_at);
	return t;
}

static void
fill_pollfds(struct relay *r, struct pollfd *p)
{
	bool want_in = !r->in_eof && buf_room(&r->to_master) > ESCAPE_MAX_PENDING;
	short mev = 0;

	/* An fd we want nothing from is left out entirely: POLLHUP would otherwise spin. */
	p[P_IN] = (struct pollfd){.fd = want_in ? STDIN_FILENO : -1, .events = POLLIN};
	p[P_OUT] =
	    (struct pollfd){.fd = buf_len(&r->to_out) > 0 ? STDOUT_FILENO : -1, .events = POLLOUT};
	if (!r->master_hung) {
		if (buf_room(&r->to_out) > 0)
			mev |= POLLIN;
		if (buf_len(&r->to_master) > 0)
			mev |= POLLOUT;
	}
	p[P_MASTER] = (struct pollfd){.fd = mev != 0 ? r->master : -1, .events = mev};
	p[P_SOCK] = (struct pollfd){.fd = r->cfg->sock, .events = POLLIN};
	p[P_SIG] = (struct pollfd){.fd = r->sig_fd, .events = POLLIN};
}

static void
handle_master(struct relay *r, short rev)
{
	if (rev & POLLOUT)
		master_write(r);
	if (rev & POLLIN) {
		if (master_read(r) < 0)
			master_hangup(r);
	} else if (rev & (POLLHUP | POLLERR)) {
		master_hangup(r);
	}
}

/* One round of the loop; -1 when the session is over (r->status says how). */
static int
relay_step(struct relay *r)
{
	struct pollfd p[P_N];
	int n;

	expire_escape(r);
	retry_master(r);
	queue_veof(r);
	if (r->tee_len > 0 && util_ms_until(&r->tee_at) <= 0)
		tee_flush(r);
	fill_pollfds(r, p);
	n = poll(p, P_N, poll_timeout(r));
	if (n < 0)
		return errno == EINTR ? 0 : finish_error(r, "poll", errno);
	if (p[P_SIG].revents & POLLIN && sig_read(r) < 0)
		return -1;
	if (p[P_IN].revents && stdin_read(r) < 0)
		return -1;
	if (p[P_MASTER].revents)
		handle_master(r, p[P_MASTER].revents);
	if (p[P_OUT].revents)
		out_write(r);
	discard_if_dead(r);
	/* The socket last: EXIT drains what the console still holds. */
	if (p[P_SOCK].revents && sock_read(r) < 0)
		return -1;
	return 0;
}

int
relay_signal_fd(bool winch)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	if (winch)
		sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	/* Signals whose default would end us with the terminal left raw: handled like SIGTERM. */
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	/* A closed stdout must show as EPIPE, not kill us in raw mode. */
	(void)signal(SIGPIPE, SIG_IGN);
	return fd;
}

static int
setup_signals(struct relay *r)
{
	r->sig_fd = relay_signal_fd(true);
	return r->sig_fd < 0 ? r->sig_fd : 0;
}

static int
setup_fds(struct relay *r)
{
	int k;

	r->in_tty = isatty(STDIN_FILENO);
	if ((k = tty_save(STDIN_FILENO, STDOUT_FILENO)) < 0)
		return k;
	if ((k = util_set_nonblock(r->master, 1)) < 0 ||
	    (k = util_set_nonblock(STDIN_FILENO, 1)) < 0 ||
	    (k = util_set_nonblock(STDOUT_FILENO, 1)) < 0)
		return k;
	if (r->in_tty && (k = tty_set_raw()) < 0)
		return k;
	(void)tty_forward_size(r->master);
	return 0;
}

int
relay_run(const struct relay_config *cfg)
{
	static struct relay r; /* two 64 KiB buffers: not on the stack */
	int k;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.master = cfg->master;
	r.last_nl = true;
	r.status = -1;
	if ((k = setup_signals(&r)) < 0 || (k = setup_fds(&r)) < 0) {
		(void)finish_error(&r, "setting up the terminal", -k);
		return EXIT_CNSPAWN;
	}
	escape_init(&r.esc, cfg->escape && r.in_tty, cfg->escape_key);
	r.esc.no_detach = cfg->exec; /* exec has no detach: Ctrl-] d reaches the command */
	while (relay_step(&r) == 0)
		;
	tee_flush(&r); /* a detach: the monitor takes the console from here */
	tty_restore();
	return r.status;
}
