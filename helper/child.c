/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The container's first process, from clone() to execve(init). See child.h
 * for the sync protocol. Starts as (euid 0, real uid = the user) in new
 * mount, UTS, IPC, network, PID and cgroup namespaces and becomes full root
 * (all uids and gids 0, no groups) before anything else. It trusts only what
 * the host side checked against the policy (cfg) and re-checks the root.
 * Errors go to the parent as "E<text>" followed by _exit(127); never exit()
 * (it would run the helper's atexit handlers and flush its stdio here).
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binds.h"
#include "caps.h"
#include "cgroup.h"
#include "child.h"
#include "dev.h"
#include "ephemeral.h"
#include "ipc.h"
#include "mount.h"
#include "net.h"
#include "pty.h"
#include "resolv.h"
#include "sdiface.h"
#include "session.h"
#include "sysfilter.h"
#include "userns.h"
#include "util.h"

struct child_state {
	const struct child_config *cfg;
	int sync;                    /* the sync socket, always >= 3 */
	int root;                    /* the container root, as a mount of this namespace */
	int slave;                   /* console PTY slave */
	int userns;                  /* the user namespace to enter (userns rules), else -1 */
	int trees[POLICY_MAX_BINDS]; /* the binds' detached trees (binds.h) */
};

static _Noreturn __attribute__((format(printf, 2, 3))) void
child_fail(int sync, const char *fmt, ...)
{
	char buf[CHILD_MSG_MAX];
	va_list ap;
	int n;

	buf[0] = CHILD_MSG_ERROR;
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	/* A message longer than CHILD_MSG_MAX is cut, which only shortens
	 * the reason shown to the user. */
	if (n < 0)
		n = 0;
	else if ((size_t)n >= sizeof(buf) - 1)
		n = (int)sizeof(buf) - 2;
	/* One line, as the contract says, whatever a path contained. */
	for (int i = 1; i <= n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	(void)send(sync, buf, (size_t)n + 1, MSG_NOSIGNAL);
	_exit(127);
}

/* Report a failed step; what starting with '/' is a path inside the root. */
static _Noreturn void
child_fail_step(const struct child_state *s, int r, const char *what)
{
	const char *root = s->cfg->root != NULL ? s->cfg->root : "ROOT";

	if (what[0] != '/')
		child_fail(s->sync, "%s: %s", what, strerror(-r));
	if (r == -ELOOP)
		child_fail(s->sync, "%s%s is a symlink; refusing", root, what);
	if (r == -ENOTDIR)
		child_fail(s->sync, "%s%s is not a directory; refusing", root, what);
	/* userns: the child (host uid 0) has no id in the root's id map. */
	if (r == -EOVERFLOW)
		child_fail(s->sync,
		    "%s%s is missing; under a userns rule it cannot be created: "
		    "create it in the root",
		    root, what);
	child_fail(s->sync, "%s%s: %s", root, what, strerror(-r));
}

/* Report a failed step by its struct fail (session.h): the whole reason, or the step. */
static _Noreturn void
child_fail_at(const struct child_state *s, int r, const struct fail *f)
{
	if (f->msg[0] != '\0')
		child_fail(s->sync, "%s", f->msg);
	child_fail_step(s, r, f->step != NULL ? f->step : "setting up the container");
}

/* Move fd to 3 or above (0-2 become the console later); -errno on error. */
static int
fd_above_stdio(int fd)
{
	int r;

	if (fd > 2)
		return fd;
	r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return r < 0 ? -errno : r;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The clone copied every fd of the helper, including the parent's own end
 * of the sync socket (which would hide the parent's death from us) and the
 * frontend's IPC socket. Keep 0-2 (replaced by the console or the pipes
 * before exec) and the n fds the contract gives us (-1: none).
 */
static int
close_inherited(int *keep, size_t n)
{
	unsigned int next = 3;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)next)
			continue;
		if ((unsigned int)keep[i] > next &&
		    close_range(next, (unsigned int)keep[i] - 1, 0) < 0)
			return -errno;
		next = (unsigned int)keep[i] + 1;
	}
	if (close_range(next, ~0U, 0) < 0)
		return -errno;
	return 0;
}

/* The fds the child keeps: sync, root, user namespace, a reboot's devpts, pipe mode's
 * stdio, the binds' trees. */
static int
keep_fds(struct child_state *s, int root_fd)
{
	int keep[7 + POLICY_MAX_BINDS];
	size_t n = 0;

	keep[n++] = s->sync;
	keep[n++] = root_fd;
	keep[n++] = s->userns;
	keep[n++] = s->cfg->keep.devpts;
	for (size_t i = 0; i < 3; i++)
		keep[n++] = s->cfg->stdio[i];
	for (size_t i = 0; i < s->cfg->nbinds && i < POLICY_MAX_BINDS; i++) {
		s->trees[i] = fd_above_stdio(s->cfg->bind_trees[i]);
		if (s->trees[i] < 0)
			return s->trees[i];
		keep[n++] = s->trees[i];
	}
	return close_inherited(keep, n);
}

/* Send one fd to the parent under tag and close it. */
static void
child_send_fd(struct child_state *s, char tag, int fd)
{
	int r = ipc_packet_send(s->sync, &tag, 1, fd);

	(void)util_safe_close(fd);
	if (r < 0)
		_exit(127); /* the parent is gone or broken: nobody to tell */
}

/* Before any mount: full root, the parent-death signal, only our fds, the root bound onto itself. */
static void
child_bind_root(struct child_state *s)
{
	int root_fd, r;

	/* Full root first (the real ids are still the invoking user's): every
	 * file, directory and PTY made below is then owned by 0:0, never by the
	 * user's gid (fsgid), and the user can no longer signal this process. */
	r = caps_become_root();
	if (r < 0)
		child_fail(s->sync, "switching to uid/gid 0: %s", strerror(-r));
	/* Killing the helper kills the container (set after the id change,
	 * which would clear it). If the helper died before this prctl, its
	 * socket end is closed: child_wait_go sees EOF and we go. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail(s->sync, "PR_SET_PDEATHSIG: %s", strerror(errno));
	s->sync = fd_above_stdio(s->cfg->sync_fd);
	if (s->sync < 0)
		_exit(127);
	root_fd = fd_above_stdio(s->cfg->root_fd);
	if (root_fd < 0)
		child_fail_step(s, root_fd, "duplicating the root fd");
	if (s->cfg->userns) {
		s->userns = fd_above_stdio(s->cfg->userns_fd);
		if (s->userns < 0)
			child_fail_step(s, s->userns, "duplicating the user namespace fd");
	}
	r = keep_fds(s, root_fd);
	if (r < 0)
		child_fail_step(s, r, "closing inherited fds");
	r = mount_make_private();
	if (r < 0)
		child_fail_step(s, r, "making mounts private");
	{
		struct fail f = {.step = "binding the root"};

		r = mount_bind_root(root_fd, s->cfg->root, s->userns, &s->root, &f);
		if (r < 0)
			child_fail_at(s, r, &f);
		r = s->cfg->ephemeral ? ephemeral_overlay(&s->root, s->cfg->ephemeral_size, &f) : 0;
		if (r < 0)
			child_fail_at(s, r, &f);
	}
	(void)close(root_fd);
}

/* resolv.conf, then the binds (binds.h): after /dev, /proc and /sys, which no bind may cover. */
static void
child_host_paths(struct child_state *s)
{
	uid_t owner = s->userns >= 0 ? (uid_t)s->cfg->userns_first : 0;
	struct fail f = {0};
	int r;

	r = s->cfg->resolv != NULL ? resolv_mount(s->root, s->cfg->resolv, owner, &f) : 0;
	if (r < 0)
		child_fail_at(s, r, &f);
	f = (struct fail){.step = "binding host directories"};
	r = binds_mount(s->root, s->cfg->binds, s->cfg->nbinds, s->trees, owner, &f);
	if (r < 0)
		child_fail_at(s, r, &f);
}

/* /dev, console PTY, /proc and /sys; sends the master to the parent. */
static void
child_mounts(struct child_state *s)
{
	_cleanup_close_ int dev = -1;
	_cleanup_close_ int pts = -1;
	_cleanup_close_ int master = -1;
	struct fail f = {.step = "building /dev"};
	int keep = -1, r;

	r = dev_build(s->root, s->cfg->keep.devpts, &dev, &pts, &keep, &f);
	if (r < 0)
		child_fail_at(s, r, &f);
	child_send_fd(s, CHILD_MSG_DEVPTS, keep);
	/* A reboot: the console is the PTY the monitor and the frontend kept. */
	if (s->cfg->keep.console_index >= 0)
		r = pty_reopen_console(pts, s->cfg->keep.console_index, &s->slave);
	else
		r = pty_open_in_devpts(pts, s->cfg->rows, s->cfg->cols, &master, &s->slave);
	if (r < 0)
		child_fail_step(s, r, "allocating the console PTY");
	r = dev_bind_console(dev, s->slave);
	if (r < 0)
		child_fail_step(s, r, "binding the PTY onto /dev/console");
	r = s->userns >= 0 ? userns_chown_dev(dev, s->slave, s->cfg->userns_first) : 0;
	if (r < 0)
		child_fail_step(s, r, "giving /dev to container root");
	r = s->userns >= 0 ? userns_allow_ping(s->cfg->userns_first, s->cfg->userns_count) : 0;
	if (r < 0)
		child_fail_step(s, r, "setting net.ipv4.ping_group_range");
	f.step = "mounting /proc and /sys";
	r = mount_proc_sys(s->root, &f);
	if (r < 0)
		child_fail_at(s, r, &f);
	r = sdiface_mount(s->root, &f);
	if (r < 0)
		child_fail_at(s, r, &f);
	r = s->userns >= 0 ? userns_chown_tmpfs(s->root, "run", s->cfg->userns_first) : 0;
	if (r < 0)
		child_fail_step(s, r, "giving /run to container root");
	child_host_paths(s);
	child_send_fd(s, CHILD_MSG_MASTER, TAKE_FD(master));
}

static void
child_wait_go(struct child_state *s)
{
	char buf[CHILD_MSG_MAX];
	ssize_t n;

	do
		n = recv(s->sync, buf, sizeof(buf), MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		_exit(127); /* parent closed before "G": silently, per contract */
	if (n != 1 || buf[0] != CHILD_MSG_GO)
		child_fail(s->sync, "unexpected message from the helper");
}

void
child_reset_signals(void)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;

	/* Ignored signals and the mask survive execve; init starts clean.
	 * SIGKILL, SIGSTOP and libc's reserved signals refuse: harmless. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Cgroups (still seeing the host's), then pivot_root: the last use of the host's tree. */
static void
child_cgroups_pivot(struct child_state *s)
{
	struct fail f = {.step = "setting up cgroups"};
	int r;

	r = cgroup_setup_child(s->root, (enum cgroup_layout)s->cfg->cgroup_layout, &f);
	if (r < 0)
		child_fail_at(s, r, &f);
	r = mount_pivot_root(s->root);
	if (r < 0)
		child_fail_step(s, r, "pivot_root into the container root");
	s->root = util_safe_close(s->root);
}

/* After "G": cgroups and pivot_root unless done, network, hostname, capabilities, console. */
static void
child_enter_root(struct child_state *s)
{
	const struct child_config *cfg = s->cfg;
	int r;

	if (s->root >= 0)
		child_cgroups_pivot(s);
	/* Netlink in our own network namespace: no file is looked at. */
	r = net_setup_container(cfg->address, cfg->prefix, cfg->has_gateway, cfg->gateway);
	if (r < 0)
		child_fail_step(s, r, "configuring the container network");
	/* UTS namespace of our own: the host's name is untouched. */
	if (sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		child_fail_step(s, -errno, "setting the hostname");
	if (s->userns >= 0) {
		/* Last: every step above needs real root (userns.c explains the order). */
		r = userns_enter(s->userns);
		if (r < 0)
			child_fail_step(s, r, "entering the user namespace");
		s->userns = util_safe_close(s->userns);
	}
	/* After entering the user namespace: the keyring is container root's. */
	r = caps_new_session_keyring();
	if (r < 0)
		child_fail_step(s, r, "joining a new session keyring");
	r = caps_drop_bounding();
	if (r < 0)
		child_fail_step(s, r, "dropping capabilities");
	if (cfg->stdio[0] >= 0)
		r = pty_make_stdio(cfg->stdio);
	else
		r = pty_make_console_stdio(s->slave);
	if (r < 0)
		child_fail_step(s, r, "making /dev/console init's stdin, stdout and stderr");
	child_reset_signals();
}

/* Dropping capabilities cleared the parent-death signal; set it again. */
static void
child_recheck_parent(struct child_state *s)
{
	struct pollfd p = {.fd = s->sync, .events = POLLIN};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail_step(s, -errno, "PR_SET_PDEATHSIG");
	/* The parent keeps its end open until our exec; a hangup now means
	 * it died before the prctl above could catch it. */
	if (poll(&p, 1, 0) < 0)
		child_fail_step(s, -errno, "poll");
	if (p.revents & (POLLHUP | POLLERR))
		_exit(127);
	if (p.revents & POLLIN)
		child_fail(s->sync, "unexpected message from the helper");
}

/*
 * The syscall filter, last before exec: every privileged step is done
 * (bounding set dropped, user namespace entered, console set up), and what
 * is left (close_range, chdir, execve, and the error report over the sync
 * socket) is not filtered. Loaded with CAP_SYS_ADMIN, which init still
 * holds (in its own user namespace under userns rules), and without
 * PR_SET_NO_NEW_PRIVS, so setuid programs inside keep working. A filter
 * that does not load fails the start: never exec init unfiltered.
 */
static void
child_filter(struct child_state *s)
{
	int r = sysfilter_apply(s->cfg->host_userfaultfd);

	if (r < 0)
		child_fail_step(s, r, "loading the syscall filter");
}

_Noreturn void
child_run(const struct child_config *cfg)
{
	struct child_state s = {.cfg = cfg,
	    .sync = cfg->sync_fd,
	    .root = -1,
	    .slave = -1,
	    .userns = -1};

	for (size_t i = 0; i < POLICY_MAX_BINDS; i++)
		s.trees[i] = -1;

	child_bind_root(&s);
	child_mounts(&s);
	/* While the host creates the veth, when nothing here waits on it (child.h). */
	if (cgroup_placed(&helper_session, cfg->born_in_cgroup))
		child_cgroups_pivot(&s);
	child_wait_go(&s);
	child_enter_root(&s);
	child_recheck_parent(&s);
	child_filter(&s);
	/* Every fd but 0-2 closes at exec; the sync socket stays usable
	 * until then so an exec failure can still be reported. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail_step(&s, -errno, "close_range");
	if (chdir("/") < 0)
		child_fail_step(&s, -errno, "chdir /");
	execve(cfg->init, cfg->argv, cfg->envp);
	child_fail(s.sync, "failed to execute %s: %s", cfg->init, strerror(errno));
}
