/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "ceilings.h"
#include "cgroup.h"
#include "ipc.h"
#include "keeper.h"
#include "net.h"
#include "session.h"
#include "util.h"

/* How long the keeper's last words may take the control process to pass on. */
#define KEEPER_CONTROL_GRACE_MS 5000

/*
 * The control process must not undo what the keeper owns (its helper_fail
 * runs helper_cleanup): it keeps only the cgroup paths, to read the usage.
 */
static void
forget_host_objects(struct helper_session *s)
{
	s->control_process = true;
	s->init_pid = 0;
	s->veth[0] = '\0';
	s->state_written = false;
}

/* The keeper's own end: what it said reaches the frontends before the control process dies
 * with it (PDEATHSIG). Also after helper_fail's line (helper_session.after_fail). */
static pid_t control_pid;

static void
wait_for_control(void)
{
	_cleanup_close_ int pidfd = -1;

	if (control_pid <= 0)
		return;
	pidfd = (int)syscall(SYS_pidfd_open, control_pid, 0);
	if (pidfd >= 0)
		(void)poll(&(struct pollfd){.fd = pidfd, .events = POLLIN}, 1,
		    KEEPER_CONTROL_GRACE_MS);
	(void)waitpid(control_pid, NULL, WNOHANG);
	control_pid = 0;
}

/* After helper_fail sent its line to the control process: let it hand the line on. */
static void
fail_then_wait(void)
{
	if (helper_session.sock >= 0)
		(void)shutdown(helper_session.sock, SHUT_WR);
	wait_for_control();
}

int
keeper_fork(struct keeper *k)
{
	pid_t keeper = getpid(), pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		(void)close(sv[0]);
		(void)close(sv[1]);
		return r;
	}
	if (pid == 0) {
		(void)close(sv[0]);
		k->ctl = sv[1];
		k->keeper_pid = keeper;
		forget_host_objects(&helper_session);
		/* Dies with the keeper; if the keeper died before the prctl, we are orphaned: go. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != keeper)
			_exit(1);
		return 0;
	}
	(void)close(sv[1]);
	k->ctl = sv[0];
	k->control_pid = control_pid = pid;
	helper_session.after_fail = fail_then_wait;
	/* Never wait on the less privileged process: a full socket means it is broken. */
	return util_set_nonblock(k->ctl, 1) < 0 ? -errno : 1;
}

/* The control process is gone or broken: nobody can reach the container, so it ends. */
static void
lose_ctl(struct keeper *k)
{
	k->ctl = util_safe_close(k->ctl);
	helper_session.sock = -1;
	k->stopping = true;
	if (helper_session.init_pid > 0)
		(void)kill(helper_session.init_pid, SIGKILL);
}

/*
 * What the control process asks, read as bytes, never decoded as a
 * message: one byte, KEEPER_STOP (init's stop signal) or KEEPER_KILL
 * (SIGKILL). Anything else (another length or byte, a passed fd, which
 * the kernel then closes for lack of room: MSG_CTRUNC) or the socket's
 * end means the control process is broken or gone: SIGKILL, no reboot.
 * Returns false once nothing more is waiting.
 */
static bool
read_ctl(struct keeper *k)
{
	char b[2];
	struct iovec v = {.iov_base = b, .iov_len = sizeof(b)};
	struct msghdr h = {.msg_iov = &v, .msg_iovlen = 1};
	ssize_t n;

	if (k->ctl < 0)
		return false;
	n = recvmsg(k->ctl, &h, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n != 1 || (h.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0 ||
	    (b[0] != KEEPER_STOP && b[0] != KEEPER_KILL)) {
		lose_ctl(k);
		return false;
	}
	k->stopping = true;
	/* init is our child and not reaped yet (we reap it only after the stop
	 * was read and init's end seen): the pid is still its own, in a pid
	 * namespace we made, so the signal reaches nothing else. */
	if (helper_session.init_pid > 0)
		(void)kill(helper_session.init_pid, b[0] == KEEPER_STOP ? k->kill_signal : SIGKILL);
	return true;
}

/*
 * Until init ends, serving the control process. init is left a zombie
 * (WNOWAIT): its pid stays taken until the next boot runs and the state
 * entry names that one, so a `cnspawn exec` reading the old entry can
 * never pin another process (the next boot's child before it exec'd init)
 * by the same pid. Fills *ret with how it ended.
 */
static void
wait_init(struct keeper *k, siginfo_t *ret)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, helper_session.init_pid, 0);

	if (pidfd < 0)
		helper_fail(-errno, "watching init");
	for (;;) {
		struct pollfd p[2] = {{.fd = k->ctl, .events = POLLIN},
		    {.fd = pidfd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			helper_fail(-errno, "waiting for init");
		}
		/* The stop first: one sent before init's end makes that end final. */
		while (p[0].revents != 0 && read_ctl(k))
			;
		if (p[1].revents != 0)
			break;
	}
	*ret = (siginfo_t){0};
	if (waitid(P_PID, (id_t)helper_session.init_pid, ret, WEXITED | WNOWAIT) < 0)
		helper_fail(-errno, "waiting for init");
}

/* Reap the init that ended (it was left a zombie by wait_init); returns its wait status. */
static int
reap(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) < 0)
		helper_fail(-errno, "reaping init");
	return status;
}

/* Record this reboot's time; true when it makes KEEPER_LOOP_REBOOTS within KEEPER_LOOP_SECONDS. */
static bool
crash_loop(struct keeper *k)
{
	struct timespec now, *first;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	k->asked_at[k->asked % KEEPER_LOOP_REBOOTS] = now;
	k->asked++;
	if (k->asked < KEEPER_LOOP_REBOOTS)
		return false;
	/* The oldest of the last KEEPER_LOOP_REBOOTS, this one included. */
	first = &k->asked_at[k->asked % KEEPER_LOOP_REBOOTS];
	return (now.tv_sec - first->tv_sec) * 1000LL + (now.tv_nsec - first->tv_nsec) / 1000000 <
	    KEEPER_LOOP_SECONDS * 1000LL;
}

/* init killed by SIGHUP is reboot(2) in its pid namespace (RB_AUTOBOOT). */
static bool
reboot_wanted(struct keeper *k, const siginfo_t *si)
{
	if (si->si_code != CLD_KILLED || si->si_status != SIGHUP || !k->may_reboot)
		return false;
	/* A stop read now, while the old boot is gone, is one sent before the new one. */
	while (read_ctl(k))
		;
	if (k->stopping)
		return false;
	if (!crash_loop(k))
		return true;
	k->crash_loop = true;
	helper_log(LOG_WARNING, "crash-loop", "reboots=%u seconds=%u", KEEPER_LOOP_REBOOTS,
	    KEEPER_LOOP_SECONDS);
	return false;
}

/*
 * Start init again, as root: the same work as the start (main.c's set_up,
 * for the request the policy permitted), so the same checks. The old boot
 * is torn down first, all of it but the name, the address lease (the
 * state entry) and the console: its processes went with its pid namespace
 * (init, a zombie now, was its last), now its cgroups and veth.
 */
static void
reboot_container(struct keeper *k)
{
	struct helper_session *s = &helper_session;
	struct ceilings_usage use;
	pid_t old = s->init_pid;
	struct ipc_msg m;

	ceilings_read(s, &use);
	k->oom_kills += use.oom_kills;
	cgroup_remove(s);
	if (s->veth[0] != '\0') {
		(void)net_delete_link(s->veth);
		s->veth[0] = '\0';
	}
	s->init_pid = 0; /* set_up records the new one; a failure then kills that one */
	k->reboot(k->arg);
	(void)reap(old);
	k->boots++;
	helper_log(LOG_NOTICE, "reboot", "boot=%u init_pid=%d", k->boots, (int)s->init_pid);
	ipc_msg_init(&m, IPC_T_BOOTED);
	m.booted.init_pid = (uint32_t)s->init_pid;
	if (k->ctl >= 0 && ipc_send_nowait(k->ctl, &m) < 0)
		lose_ctl(k);
}

static void
exit_from_status(int status, struct ipc_exit *ret)
{
	if (WIFEXITED(status)) {
		ret->how = IPC_EXIT_CODE;
		ret->code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
		/* reboot(2) POWER_OFF/HALT in a PID namespace ends its init with SIGINT. */
		ret->how = IPC_EXIT_CODE;
		ret->code = 0;
	} else {
		ret->how = IPC_EXIT_SIGNAL;
		ret->code = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	}
}

/* The container's end: the OOM count, every host object undone, and only then the news. */
static _Noreturn void
finish(struct keeper *k, int status)
{
	struct ceilings_usage use;
	struct ipc_exit x = {.crash_loop = k->crash_loop ? 1 : 0};
	struct ipc_msg m;

	exit_from_status(status, &x);
	/* Before the cgroups go: how many processes the memory ceiling killed, every boot. */
	ceilings_read(&helper_session, &use);
	x.oom_kills = k->oom_kills + use.oom_kills;
	helper_cleanup();
	helper_log(LOG_NOTICE, "exit", "%s=%d oom_kills=%u boots=%u",
	    x.how == IPC_EXIT_CODE ? "status" : "signal", (int)x.code, (unsigned)x.oom_kills,
	    k->boots);
	ipc_msg_init(&m, IPC_T_EXIT);
	m.exit = x;
	if (k->ctl >= 0 && ipc_send_nowait(k->ctl, &m) == 0)
		wait_for_control();
	exit(0);
}

_Noreturn void
keeper_run(struct keeper *k)
{
	siginfo_t si;
	pid_t pid;

	k->boots = 1;
	for (;;) {
		wait_init(k, &si);
		if (!reboot_wanted(k, &si))
			break;
		reboot_container(k);
	}
	pid = helper_session.init_pid;
	helper_session.init_pid = 0;
	finish(k, reap(pid));
}
