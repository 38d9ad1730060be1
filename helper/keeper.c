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
		forget_host_objects(&helper_session);
		/* Dies with the keeper; if the keeper died before the prctl, we are orphaned: go. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != keeper)
			_exit(1);
		return 0;
	}
	(void)close(sv[1]);
	k->ctl = sv[0];
	k->control_pid = pid;
	return 1;
}

static void
exit_from_status(int status, struct ipc_exit *ret)
{
	*ret = (struct ipc_exit){0};
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

/*
 * One message from the control process. Only IPC_T_STOP is a request; any
 * other message or the socket's end means the control process is broken or
 * gone, and the container ends (SIGKILL, no reboot).
 */
static void
read_ctl(struct keeper *k)
{
	struct ipc_msg m;
	int sig = SIGKILL;
	int r = ipc_recv(k->ctl, &m);

	if (r == -EAGAIN || r == -EINTR)
		return;
	if (r == 0 && m.type == IPC_T_STOP && !m.stop.kill)
		sig = k->kill_signal;
	if (r == 0)
		ipc_msg_done(&m);
	else
		k->ctl = util_safe_close(k->ctl);
	k->stopping = true;
	/* init is our child and not reaped yet (we reap it only after its pidfd
	 * said it ended): the pid is still its own, in a pid namespace we made. */
	(void)kill(helper_session.init_pid, sig);
}

/* Until init ends, serving the control process; returns init's wait status. */
static int
wait_init(struct keeper *k)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, helper_session.init_pid, 0);
	int status = 0;

	if (pidfd < 0)
		helper_fail(-errno, "watching init");
	for (;;) {
		struct pollfd p[2] = {{.fd = k->ctl, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			helper_fail(-errno, "waiting for init");
		}
		/* The stop first: one sent before init's end makes that end final. */
		if (p[0].revents != 0)
			read_ctl(k);
		if (p[1].revents != 0)
			break;
	}
	if (waitpid(helper_session.init_pid, &status, 0) < 0)
		helper_fail(-errno, "waiting for init");
	helper_session.init_pid = 0;
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

static bool
reboot_wanted(struct keeper *k, int status, struct ipc_exit *x)
{
	exit_from_status(status, x);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGHUP || !k->may_reboot || k->stopping)
		return false;
	if (!crash_loop(k))
		return true;
	x->crash_loop = 1;
	helper_log(LOG_WARNING, "crash-loop", "reboots=%u seconds=%u", KEEPER_LOOP_REBOOTS,
	    KEEPER_LOOP_SECONDS);
	return false;
}

static void
reboot_container(struct keeper *k)
{
	struct helper_session *s = &helper_session;
	struct ipc_msg m;
	int r;

	/* All of the old boot but the name, the address lease (the state entry)
	 * and the console: init is reaped, so its pid namespace and every
	 * process in it are gone; now its cgroups and its veth. */
	cgroup_remove(s);
	if (s->veth[0] != '\0') {
		(void)net_delete_link(s->veth);
		s->veth[0] = '\0';
	}
	k->reboot(k->arg);
	k->boots++;
	helper_log(LOG_NOTICE, "reboot", "boot=%u init_pid=%d", k->boots, (int)s->init_pid);
	ipc_msg_init(&m, IPC_T_BOOTED);
	m.booted.init_pid = (uint32_t)s->init_pid;
	r = k->ctl >= 0 ? ipc_send(k->ctl, &m) : 0;
	if (r < 0)
		k->ctl = util_safe_close(k->ctl);
}

_Noreturn void
keeper_run(struct keeper *k)
{
	struct ceilings_usage use;
	struct ipc_exit x = {0};

	k->boots = 1;
	for (;;) {
		int status = wait_init(k);

		if (!reboot_wanted(k, status, &x))
			break;
		reboot_container(k);
	}
	/* Before the cgroups go: how many processes the memory ceiling killed. */
	ceilings_read(&helper_session, &use);
	x.oom_kills = use.oom_kills;
	helper_cleanup();
	helper_log(LOG_NOTICE, "exit", "%s=%d oom_kills=%u boots=%u",
	    x.how == IPC_EXIT_CODE ? "status" : "signal", (int)x.code, (unsigned)x.oom_kills,
	    k->boots);
	/* Only now, with nothing left on the host, may the frontends hear of the end. */
	if (k->ctl >= 0)
		(void)ipc_send_exit(k->ctl, &x);
	k->ctl = util_safe_close(k->ctl);
	(void)waitpid(k->control_pid, NULL, 0);
	exit(0);
}
