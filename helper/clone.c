/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "clone.h"
#include "ipc.h"
#include "net.h"
#include "session.h"
#include "util.h"

#define CLONE_NS_FLAGS                                                                             \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP)

/*
 * Receive one sync message within timeout_ms. Returns its length (0: the
 * child closed its end, i.e. exec'd or died), -ETIMEDOUT, -EPROTO.
 * An "E" message becomes f->msg and -ECHILD.
 */
static int
sync_recv_within(int fd, int *ret_fd, struct fail *f, int timeout_ms)
{
	char buf[CHILD_MSG_MAX];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0, nfds = 0;
	int r, passed = -1;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	/* At most one fd: anything more is -EPROTO, with every fd closed. */
	r = ipc_packet_recv(fd, buf, sizeof(buf) - 1, &passed, 1, &nfds, &len);
	if (r < 0)
		return r;
	if (len > 0 && buf[0] == CHILD_MSG_ERROR) {
		buf[len] = '\0';
		(void)util_safe_close(passed);
		return fail_say(f, -ECHILD, "%s", buf + 1);
	}
	if (ret_fd != NULL)
		*ret_fd = passed;
	else if (passed >= 0) {
		(void)close(passed);
		return -EPROTO;
	}
	return len > 0 ? (unsigned char)buf[0] : 0;
}

static int
sync_recv(int fd, int *ret_fd, struct fail *f)
{
	return sync_recv_within(fd, ret_fd, f, CLONE_TIMEOUT_MS);
}

/*
 * clone3() with CLONE_INTO_CGROUP: init is born in the container's cgroup2
 * cgroup instead of being moved there, which saves the migration's RCU
 * grace period (10-15 ms, issue 12). cg < 0 (no cgroup2 cgroup) or a kernel
 * without clone3/CLONE_INTO_CGROUP (< 5.7: ENOSYS, E2BIG, EINVAL): plain
 * clone(), and cgroup_enter() moves it. *ret_into says which happened.
 * The v1 hierarchies have no such flag: the child moves its own one thread
 * there (cgroup_setup_child), which needs no grace period either.
 */
static long
clone_into(int cg, bool *ret_into)
{
	struct clone_args args = {.flags = CLONE_NS_FLAGS | CLONE_INTO_CGROUP,
	    .exit_signal = SIGCHLD,
	    .cgroup = (uint64_t)cg};
	long pid;

	*ret_into = false;
	if (cg >= 0) {
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL)) {
			*ret_into = pid >= 0;
			return pid;
		}
	}
	return syscall(SYS_clone, (unsigned long)(CLONE_NS_FLAGS | SIGCHLD), NULL, NULL, NULL, 0);
}

static int
clone_child(struct helper_session *s, const struct child_config *cfg, int *ret_sync, bool *ret_into)
{
	_cleanup_close_ int cg = -1;
	int sv[2], r;
	long pid;

	r = cgroup_open_v2(s, &cg);
	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/*
	 * Like fork(), plus new namespaces: the child shares nothing with the host
	 * but the filesystem it will pivot away from. We are single-threaded.
	 */
	pid = clone_into(cg, ret_into);
	if (pid < 0) {
		r = -errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		return r;
	}
	if (pid == 0) {
		struct child_config c = *cfg;
		(void)close(sv[0]);
		c.sync_fd = sv[1];
		c.born_in_cgroup = *ret_into; /* clone_into() set it in our copy too */
		child_run(&c);
	}
	(void)close(sv[1]);
	s->init_pid = (pid_t)pid;
	*ret_sync = sv[0];
	return 0;
}

/*
 * The child's messages up to "M": the devpts it hands over for a reboot goes
 * to *keep (at most once), the master to *ret_master (-1 on a reboot,
 * where none may come). Returns 'M', or what sync_recv() said otherwise.
 */
static int
recv_until_master(int sync, const struct child_config *cfg, struct child_keep *keep,
    int *ret_master, struct fail *f)
{
	for (;;) {
		int fd = -1, r = sync_recv(sync, &fd, f);
		if (r == CHILD_MSG_DEVPTS && keep->devpts < 0 && fd >= 0) {
			keep->devpts = fd;
			continue;
		}
		if (r == CHILD_MSG_MASTER && (fd >= 0) == (cfg->keep.console_index < 0)) {
			*ret_master = fd;
			return r;
		}
		(void)util_safe_close(fd);
		return r < 0 ? r : -EPROTO;
	}
}

/*
 * The host's step failed with r. A child that failed first (and so is gone:
 * ESRCH, or its netns with it: ENODEV) says why itself: before "M", or after
 * it when it went on without waiting for "G" (child.h). It sent its "E"
 * before it exited, so looking for one after "M" need not wait; a child
 * still alive is waiting for "G", and r is the reason.
 */
static int
child_reason(int sync, const struct child_config *cfg, struct child_keep *keep, int *master,
    struct fail *f, int r)
{
	int m = recv_until_master(sync, cfg, keep, master, f);

	if (m == CHILD_MSG_MASTER)
		m = sync_recv_within(sync, NULL, f, 0);
	return m == -ECHILD ? -ECHILD : r;
}

int
clone_container(struct helper_session *s, const struct child_config *cfg, const char *veth,
    const char *bridge, int *ret_master, struct child_keep *ret_keep, struct fail *f)
{
	_cleanup_close_ int sync = -1, master = -1;
	const char go = CHILD_MSG_GO;
	bool into = false;
	int r, sent;

	r = clone_child(s, cfg, &sync, &into);
	if (r < 0)
		return r;
	/*
	 * While the child builds its mounts: its cgroup2 cgroup when it was not
	 * born there (a migration waits out an RCU grace period) and the veth.
	 * Both must be done before "G": a child not born in its cgroup waits
	 * for it to enter its v1 cgroups itself and then a cgroup namespace
	 * rooted there (cgroup_placed(), child.h), and every child configures
	 * eth0 after it.
	 */
	f->step = "moving init into its cgroup";
	r = cgroup_enter(s, s->init_pid, into);
	if (r == 0) {
		f->step = "creating the veth";
		r = net_create_veth(veth, bridge, s->init_pid);
	}
	if (r == 0)
		(void)strlcpy(s->veth, veth, sizeof(s->veth));
	if (r < 0)
		return child_reason(sync, cfg, ret_keep, &master, f, r);
	f->step = NULL;
	r = recv_until_master(sync, cfg, ret_keep, &master, f);
	if (r < 0)
		return r;
	/* A child that failed after "M" (its cgroups or pivot_root, done before
	 * "G" when it need not wait) has sent its "E" and gone: the send fails,
	 * and its reason is still there to be read. */
	sent = ipc_packet_send(sync, &go, 1, -1);
	/* The sync socket is close-on-exec in the child: EOF means init runs. */
	r = sync_recv(sync, NULL, f);
	if (r > 0)
		r = -EPROTO;
	if (r != -ECHILD && sent < 0)
		r = sent;
	if (r < 0)
		return r;
	*ret_master = TAKE_FD(master);
	return 0;
}
