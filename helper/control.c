/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The monitor's control socket and console keeping (issue 5).
 *
 * Who may do what: the starting frontend's socket (slot 0) was opened by
 * the caller the policy permitted, and may only ask to STOP (the escape
 * sequence). Every other connection comes through NAME.sock, which anyone
 * can reach (mode 0666): each request is checked against the peer's uid
 * from SO_PEERCRED (the kernel's word, not the peer's) and only the
 * container's owner or root are served; anyone else gets one ERROR line and
 * is disconnected. Requests come from a fixed table; anything else (an
 * unknown type, a malformed packet, an fd) closes that connection, never
 * the container. The monitor never blocks on a client for long: accepted
 * sockets have a send timeout, and a client that stops reading is dropped.
 *
 * The console's log (issue 16). While no frontend is attached the monitor
 * drains the master into the ring; while one is, that frontend reads the
 * master itself and sends the monitor a copy of each read (IPC_T_TEE). The
 * other way, the monitor always reading the master and forwarding it to
 * the frontend, would put a second process and a second socket hop on
 * every byte of an interactive session; the copy costs the frontend one
 * send a read that never waits (non-blocking: when its socket is full the
 * copy is dropped and the next one says how many bytes are missing, which
 * the ring marks), so the console is never slowed by it. Trust: only the
 * owner or root can attach, so only they can put bytes in the ring this
 * way, and the container they run can print any bytes to its console
 * anyway; each copy is bounded (IPC_MAX_DATA) and lands in the fixed-size
 * ring; a copy from a connection that does not hold the console closes it.
 * Readers (cnspawn logs) are cursors into the ring on non-blocking sockets:
 * the monitor sends them what they have not had when they can take it and
 * never waits for one; one that falls behind the ring gets a gap marker.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "control.h"
#include "keeper.h"
#include "ceilings.h"
#include "names.h"
#include "session.h"
#include "util.h"

#define CONTROL_SEND_TIMEOUT_S 2
#define CONTROL_READ_CHUNK 16384u
#define CONTROL_RETRY_MS 250
/* What the console still holds once init is gone, at most. */
#define CONTROL_FINAL_DRAIN (1024u * 1024u)
/* Copies an attached frontend had queued when init went, read at most. */
#define CONTROL_FINAL_TEES 64
/* The only bytes of a log that the container did not write (documented in cnspawn(1)). */
#define CONTROL_GAP_TEXT "\r\n[cnspawn: %llu bytes of console output missing here]\r\n"

static int
socket_path(const char *name, struct sockaddr_un *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->sun_family = AF_UNIX;
	return ipc_sock_path(name, ret->sun_path, sizeof(ret->sun_path));
}

int
control_listen(const char *name)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa;
	int r = socket_path(name, &sa);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/*
	 * The state dir is root's (0755, checked by state_open_dir), so nobody
	 * else can plant or swap this path; a leftover of a killed monitor goes.
	 */
	if (unlink(sa.sun_path) < 0 && errno != ENOENT)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (chmod(sa.sun_path, 0666) < 0 || listen(fd, CONTROL_MAX_CONNS) < 0) {
		r = -errno;
		(void)unlink(sa.sun_path);
		return r;
	}
	return TAKE_FD(fd);
}

int
control_init(struct control *c, int session_fd, int listen_fd, int master)
{
	int r;

	c->listen_fd = listen_fd;
	c->master = master;
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++)
		c->conns[i] = (struct control_conn){.fd = -1};
	/* In pipe mode the starting frontend relays init's pipes, not the console:
	 * the monitor drains the console then, or a chatty init (systemd writes
	 * to /dev/console) would block once the PTY's buffer is full. */
	c->conns[0] =
	    (struct control_conn){.fd = session_fd, .uid = c->owner, .attached = c->session_relays};
	r = ipc_ring_init(&c->ring, IPC_RING_DEFAULT_SIZE);
	if (r < 0)
		return r;
	return util_set_nonblock(master, 1);
}

static void conn_close(struct control *c, size_t i, const char *why);

/*
 * Ask the keeper to signal init (keeper.h): it is init's parent, so the
 * signal reaches the init that runs now, also across a reboot, and a
 * stopped container is never started again. kill: SIGKILL, else the stop
 * signal. A keeper that cannot be told is gone, and init with it.
 */
static int
tell_keeper_stop(struct control *c, bool kill)
{
	const char b = kill ? KEEPER_KILL : KEEPER_STOP;

	return send(c->keeper, &b, 1, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static bool
anyone_attached(const struct control *c)
{
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++)
		if (c->conns[i].fd >= 0 && c->conns[i].attached)
			return true;
	return false;
}

static size_t
gap_text(uint64_t n, char *buf, size_t size)
{
	int k = snprintf(buf, size, CONTROL_GAP_TEXT, (unsigned long long)n);

	return k > 0 && (size_t)k < size ? (size_t)k : 0;
}

/* The ring's next run for a logs reader (up to upto), or a gap marker if it fell behind. */
static int
logs_send_one(struct control *c, struct control_conn *k, uint64_t upto)
{
	uint64_t begin = ipc_ring_begin(&c->ring);
	char gap[96];
	const uint8_t *p;
	struct ipc_msg m;
	size_t n;
	int r;

	ipc_msg_init(&m, IPC_T_OUTPUT);
	if (k->log_pos < begin) {
		/* Overwritten before this reader took it: say how much is missing. */
		m.output.data = (uint8_t *)gap;
		m.output.len = gap_text(begin - k->log_pos, gap, sizeof(gap));
		if ((r = ipc_send(k->fd, &m)) == 0)
			k->log_pos = begin;
		return r;
	}
	n = ipc_ring_peek(&c->ring, (size_t)(k->log_pos - begin), &p);
	if (n > upto - k->log_pos)
		n = (size_t)(upto - k->log_pos);
	if (n > IPC_MAX_DATA)
		n = IPC_MAX_DATA;
	m.output.data = (uint8_t *)(uintptr_t)p; /* only read by the encoder */
	m.output.len = n;
	if ((r = ipc_send(k->fd, &m)) == 0)
		k->log_pos += n;
	return r;
}

/*
 * Send a logs reader what it has not had yet. Its socket is non-blocking,
 * so this never waits: on EAGAIN, POLLOUT brings us back. A reader without
 * follow is closed once it has the ring up to where it ended at its request.
 */
static void
logs_pump(struct control *c, size_t i)
{
	struct control_conn *k = &c->conns[i];
	uint64_t end = ipc_ring_end(&c->ring);
	uint64_t upto = end < k->log_end ? end : k->log_end;
	int r = 0;

	while (r == 0 && k->log_pos < upto)
		r = logs_send_one(c, k, upto);
	if (r < 0 && r != -EAGAIN)
		conn_close(c, i, "send-failed");
	else if (k->log_pos >= k->log_end)
		conn_close(c, i, "done");
}

static void
logs_pump_all(struct control *c)
{
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++)
		if (c->conns[i].fd >= 0 && c->conns[i].logs)
			logs_pump(c, i);
}

static bool
logs_behind(const struct control *c, const struct control_conn *k)
{
	uint64_t end = ipc_ring_end(&c->ring);

	return k->logs && k->log_pos < (end < k->log_end ? end : k->log_end);
}

/*
 * Read what the console holds into the ring, without ever blocking. A bound
 * per call keeps a container that writes without pause from starving the
 * control requests. EIO/0: the slave side is closed or hung up (vhangup):
 * look again later rather than spin on POLLHUP.
 */
static void
drain_master(struct control *c, size_t max)
{
	uint8_t buf[CONTROL_READ_CHUNK];
	size_t total = 0;

	while (total < max) {
		ssize_t n = read(c->master, buf, sizeof(buf));

		if (n > 0) {
			ipc_ring_write(&c->ring, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN) {
			c->master_hung = true;
			util_after_ms(&c->master_retry, CONTROL_RETRY_MS);
		}
		break;
	}
	if (total > 0)
		logs_pump_all(c);
}

static void
conn_close(struct control *c, size_t i, const char *why)
{
	struct control_conn *k = &c->conns[i];

	if (k->fd < 0)
		return;
	if (k->attached)
		helper_log(LOG_INFO, "detach", "peer_uid=%u reason=%s", (unsigned)k->uid, why);
	(void)close(k->fd);
	if (i == 0)
		helper_session.sock = -1;
	/* The pipe-mode frontend that started the container took it with it (documented). */
	if (i == 0 && c->stop_on_exit) {
		helper_log(LOG_NOTICE, "kill", "reason=frontend-left signal=%d", SIGKILL);
		(void)tell_keeper_stop(c, true);
	}
	*k = (struct control_conn){.fd = -1};
}

static int
send_error(int fd, const char *text)
{
	return ipc_send_error(fd, text);
}

/* Send what came while nobody was attached as IPC_T_OUTPUT packets, oldest first. */
static int
replay(struct control *c, int fd)
{
	uint64_t begin = ipc_ring_begin(&c->ring);
	size_t off = c->replayed > begin ? (size_t)(c->replayed - begin) : 0, n;
	const uint8_t *p;
	int r;

	while ((n = ipc_ring_peek(&c->ring, off, &p)) > 0) {
		struct ipc_msg m;

		if (n > IPC_MAX_DATA)
			n = IPC_MAX_DATA;
		ipc_msg_init(&m, IPC_T_OUTPUT);
		m.output.data = (uint8_t *)(uintptr_t)p; /* only read by the encoder */
		m.output.len = n;
		if ((r = ipc_send(fd, &m)) < 0)
			return r;
		off += n;
	}
	/* Kept for logs; the next attach replays only what comes after. */
	c->replayed = ipc_ring_end(&c->ring);
	return 0;
}

/*
 * Make full-screen programs redraw for the new viewer: a size change makes
 * the kernel send SIGWINCH to the console's foreground process group. The
 * size is put back at once; the frontend then sets the user's own.
 */
static void
nudge_size(int master)
{
	struct winsize ws, bumped;

	if (ioctl(master, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
		return;
	bumped = ws;
	bumped.ws_row = (unsigned short)(ws.ws_row > 1 ? ws.ws_row - 1 : ws.ws_row + 1);
	(void)ioctl(master, TIOCSWINSZ, &bumped);
	(void)ioctl(master, TIOCSWINSZ, &ws);
}

static int
send_console(struct control *c, int fd)
{
	struct ipc_msg m;

	ipc_msg_init(&m, IPC_T_CONSOLE);
	m.console.machine = (char *)(uintptr_t)c->name;
	m.console.address = (char *)(uintptr_t)c->address;
	m.console.init_pid = (uint32_t)c->init_pid;
	m.fd = c->master; /* SCM_RIGHTS duplicates it; ours stays open */
	return ipc_send(fd, &m);
}

/* One frontend holds the console at a time: a new ATTACH takes it over (like screen -d -r). */
static int
handle_attach(struct control *c, size_t i, const struct ipc_msg *m)
{
	int r;

	(void)m;
	for (size_t j = 0; j < ELEMENTSOF(c->conns); j++) {
		struct ipc_msg d;

		if (j == i || c->conns[j].fd < 0 || !c->conns[j].attached)
			continue;
		ipc_msg_init(&d, IPC_T_DETACHED);
		(void)ipc_send(c->conns[j].fd, &d);
		if (j == 0)
			c->stop_on_exit =
			    false; /* taken over: its leaving no longer stops anything */
		conn_close(c, j, "taken-over");
	}
	drain_master(c, SIZE_MAX);
	c->master_hung = false;
	if ((r = replay(c, c->conns[i].fd)) < 0 || (r = send_console(c, c->conns[i].fd)) < 0)
		return r;
	c->conns[i].attached = true;
	nudge_size(c->master);
	helper_log(LOG_INFO, "attach", "peer_uid=%u", (unsigned)c->conns[i].uid);
	return 0;
}

static void
arm_kill(struct control *c, uint32_t timeout)
{
	struct timespec at;

	util_after_ms(&at, (long long)timeout * 1000);
	if (!c->stopping || at.tv_sec < c->kill_at.tv_sec ||
	    (at.tv_sec == c->kill_at.tv_sec && at.tv_nsec < c->kill_at.tv_nsec))
		c->kill_at = at;
	c->stopping = true;
}

static int
handle_stop(struct control *c, size_t i, const struct ipc_msg *m)
{
	int sig = m->stop.kill ? SIGKILL : c->kill_signal;

	helper_log(LOG_NOTICE, "stop", "peer_uid=%u signal=%d kill_after=%u",
	    (unsigned)c->conns[i].uid, sig, m->stop.kill ? 0u : (unsigned)m->stop.timeout);
	if (tell_keeper_stop(c, m->stop.kill != 0) < 0)
		return -ESRCH;
	if (!m->stop.kill)
		arm_kill(c, m->stop.timeout);
	c->conns[i].wants_exit = true;
	return 0;
}

static int
handle_status(struct control *c, size_t i, const struct ipc_msg *m)
{
	struct ceilings_usage use;
	struct ipc_msg s;

	(void)m;
	ipc_msg_init(&s, IPC_T_INFO);
	s.info.machine = (char *)(uintptr_t)c->name;
	s.info.uid = (uint32_t)c->owner;
	s.info.init_pid = (uint32_t)c->init_pid;
	s.info.address = (char *)(uintptr_t)c->address;
	s.info.bridge = (char *)(uintptr_t)c->bridge;
	s.info.root = (char *)(uintptr_t)c->root;
	s.info.started = c->started > 0 ? (uint64_t)c->started : 0;
	s.info.attached = anyone_attached(c) ? 1 : 0;
	/* Read now from the container's cgroups (world-readable files). */
	ceilings_read(&helper_session, &use);
	s.info.memory = use.memory;
	s.info.tasks = use.tasks;
	s.info.memory_max = helper_session.memory_max;
	s.info.tasks_max = helper_session.pids_max;
	s.info.cpus_milli = helper_session.cpus_milli;
	s.info.monitor_pid = (uint32_t)c->monitor_pid;
	s.info.veth = (char *)(uintptr_t)c->veth;
	s.info.rule = c->rule;
	s.info.userns_first = c->userns_first;
	s.info.userns_count = c->userns_count;
	return ipc_send(c->conns[i].fd, &s);
}

/* cnspawn logs: a cursor into the ring; it never takes the console. */
static int
handle_logs(struct control *c, size_t i, const struct ipc_msg *m)
{
	struct control_conn *k = &c->conns[i];
	char lines[16] = "all";
	int r;

	if ((r = util_set_nonblock(k->fd, 1)) < 0)
		return r;
	if (m->logs.tail)
		(void)snprintf(lines, sizeof(lines), "%u", (unsigned)m->logs.lines);
	helper_log(LOG_INFO, "logs", "peer_uid=%u follow=%u lines=%s", (unsigned)k->uid,
	    (unsigned)m->logs.follow, lines);
	k->logs = true;
	k->log_pos = ipc_ring_begin(&c->ring);
	if (m->logs.tail)
		k->log_pos += ipc_ring_tail_lines(&c->ring, m->logs.lines);
	k->log_end = m->logs.follow ? UINT64_MAX : ipc_ring_end(&c->ring);
	k->wants_exit = m->logs.follow;
	logs_pump(c, i);
	return 0;
}

/* The attached frontend's copy of what it read from the master (see the top of this file). */
static int
handle_tee(struct control *c, size_t i, const struct ipc_msg *m)
{
	char gap[96];
	size_t n;

	if (!c->conns[i].attached)
		return -EPROTO;
	if (m->tee.gap > 0 && (n = gap_text(m->tee.gap, gap, sizeof(gap))) > 0)
		ipc_ring_write(&c->ring, (const uint8_t *)gap, n);
	ipc_ring_write(&c->ring, m->tee.data, m->tee.len);
	c->replayed = ipc_ring_end(&c->ring); /* that frontend showed it */
	logs_pump_all(c);
	return 0;
}

/* The request table: what each kind of connection may ask, any number of times. */
static const struct control_request {
	enum ipc_type type;
	bool on_session; /* allowed on the starting frontend's socket */
	bool on_control; /* allowed on NAME.sock connections (owner or root) */
	int (*handle)(struct control *c, size_t i, const struct ipc_msg *m);
} control_requests[] = {
    {IPC_T_ATTACH, false, true, handle_attach},
    {IPC_T_STOP, true, true, handle_stop},
    {IPC_T_STATUS, false, true, handle_status},
    {IPC_T_LOGS, false, true, handle_logs},
    {IPC_T_TEE, true, true, handle_tee},
};

static void
conn_read(struct control *c, size_t i)
{
	struct control_conn *k = &c->conns[i];
	struct ipc_msg m;
	int r = ipc_recv(k->fd, &m);

	if (r == -EAGAIN || r == -EINTR)
		return;
	if (r < 0) {
		conn_close(c, i, r == -ECONNRESET ? "closed" : "malformed");
		return;
	}
	for (size_t t = 0; t < ELEMENTSOF(control_requests); t++) {
		const struct control_request *q = &control_requests[t];

		if (q->type != m.type || !(i == 0 ? q->on_session : q->on_control))
			continue;
		if (k->uid != 0 && k->uid != c->owner) {
			helper_log(LOG_WARNING, "denied", "peer_uid=%u request=%d reason=not-owner",
			    (unsigned)k->uid, (int)m.type);
			(void)send_error(k->fd, "permission denied");
			break;
		}
		r = q->handle(c, i, &m);
		ipc_msg_done(&m);
		if (r < 0)
			conn_close(c, i, r == -EPROTO ? "refused" : "send-failed");
		return;
	}
	ipc_msg_done(&m);
	if (k->uid == 0 || k->uid == c->owner)
		helper_log(LOG_WARNING, "protocol", "peer_uid=%u request=%d reason=unexpected",
		    (unsigned)k->uid, (int)m.type);
	conn_close(c, i, "refused");
}

/*
 * One ERROR line, then close, so that the peer reads it: a socket closed
 * with unread packets would make the peer's recv fail with ECONNRESET
 * instead. SHUT_RD first makes its further sends fail (EPIPE), then what it
 * already sent is discarded unread.
 */
static void
refuse_now(int fd)
{
	uint8_t buf[64];

	(void)shutdown(fd, SHUT_RD);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	(void)send_error(fd, "permission denied");
	(void)close(fd);
}

static void
accept_one(struct control *c)
{
	struct timeval tv = {.tv_sec = CONTROL_SEND_TIMEOUT_S};
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		(void)close(fd);
		return;
	}
	/*
	 * Refused at once, not only per request: a stranger must not be able to
	 * hold the few connection slots and lock the owner out.
	 */
	if (cred.uid != 0 && cred.uid != c->owner) {
		helper_log(LOG_WARNING, "denied", "peer_uid=%u request=connect reason=not-owner",
		    (unsigned)cred.uid);
		refuse_now(fd);
		return;
	}
	for (size_t i = 1; i < ELEMENTSOF(c->conns); i++) {
		if (c->conns[i].fd < 0) {
			c->conns[i] = (struct control_conn){.fd = fd, .uid = cred.uid};
			return;
		}
	}
	(void)close(fd); /* full: the listening socket is not polled then, but be safe */
}

static size_t
free_slots(const struct control *c)
{
	size_t n = 0;

	for (size_t i = 1; i < ELEMENTSOF(c->conns); i++)
		n += c->conns[i].fd < 0;
	return n;
}

size_t
control_fill_poll(struct control *c, struct pollfd *p)
{
	bool drain =
	    !anyone_attached(c) && !(c->master_hung && util_ms_until(&c->master_retry) > 0);

	p[0] = (struct pollfd){.fd = free_slots(c) > 0 ? c->listen_fd : -1, .events = POLLIN};
	p[1] = (struct pollfd){.fd = drain ? c->master : -1, .events = POLLIN};
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++) {
		short ev = POLLIN | (logs_behind(c, &c->conns[i]) ? POLLOUT : 0);

		p[2 + i] = (struct pollfd){.fd = c->conns[i].fd, .events = ev};
	}
	return CONTROL_NPOLL;
}

void
control_handle_poll(struct control *c, const struct pollfd *p, size_t n)
{
	if (n < CONTROL_NPOLL)
		return;
	if (p[1].revents != 0) {
		c->master_hung = false;
		drain_master(c, 4 * CONTROL_READ_CHUNK);
	}
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++) {
		short rev = p[2 + i].revents;

		/* A slot closed in this round (a takeover, a reader done) is not read. */
		if (p[2 + i].fd < 0 || p[2 + i].fd != c->conns[i].fd || rev == 0)
			continue;
		if (rev & POLLOUT)
			logs_pump(c, i);
		if ((rev & ~POLLOUT) != 0 && c->conns[i].fd == p[2 + i].fd)
			conn_read(c, i);
	}
	if (p[0].revents != 0)
		accept_one(c);
}

int
control_timeout_ms(const struct control *c)
{
	long long t = -1;

	if (c->stopping)
		t = util_ms_until(&c->kill_at);
	if (c->master_hung && !anyone_attached(c)) {
		long long m = util_ms_until(&c->master_retry);
		if (t < 0 || m < t)
			t = m;
	}
	if (t < 0 && (c->stopping || c->master_hung))
		return 0;
	return t > 60000 ? 60000 : (int)t + (t >= 0);
}

void
control_tick(struct control *c)
{
	if (c->stopping && util_ms_until(&c->kill_at) <= 0) {
		helper_log(LOG_NOTICE, "kill", "reason=stop-timeout signal=%d", SIGKILL);
		(void)tell_keeper_stop(c, true);
		c->stopping = false;
	}
}

/*
 * Only the copies: init is reaped, so no other request may run now (a STOP
 * would signal a pid that may be someone else's already).
 */
static void
final_tees(struct control *c, size_t i)
{
	for (int n = 0; n < CONTROL_FINAL_TEES; n++) {
		struct ipc_msg m;

		if (ipc_recv(c->conns[i].fd, &m) < 0)
			return;
		if (m.type == IPC_T_TEE)
			(void)handle_tee(c, i, &m);
		ipc_msg_done(&m);
	}
}

/*
 * init is gone: what the console still holds and the copies the attached
 * frontend had queued go to the ring first, and readers that follow get
 * them (blocking now, within the send timeout), so they see the end too.
 */
static void
final_flush(struct control *c)
{
	if (!anyone_attached(c))
		drain_master(c, CONTROL_FINAL_DRAIN);
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++)
		if (c->conns[i].fd >= 0 && c->conns[i].attached &&
		    util_set_nonblock(c->conns[i].fd, 1) == 0)
			final_tees(c, i);
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++)
		if (c->conns[i].fd >= 0 && c->conns[i].logs &&
		    util_set_nonblock(c->conns[i].fd, 0) == 0)
			logs_pump(c, i);
}

void
control_finish(struct control *c, const struct ipc_exit *x, const char *error)
{
	final_flush(c);
	for (size_t i = 0; i < ELEMENTSOF(c->conns); i++) {
		struct control_conn *k = &c->conns[i];

		if (k->fd < 0)
			continue;
		if ((i == 0 || k->attached || k->wants_exit) && error != NULL)
			(void)ipc_send_error(k->fd, error);
		else if (i == 0 || k->attached || k->wants_exit)
			(void)ipc_send_exit(k->fd, x);
		(void)close(k->fd);
		*k = (struct control_conn){.fd = -1};
	}
	helper_session.sock = -1;
	c->listen_fd = util_safe_close(c->listen_fd);
	c->master = util_safe_close(c->master);
	c->keeper = util_safe_close(c->keeper);
	ipc_ring_done(&c->ring);
}
