/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <cap-ng.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "control.h"
#include "monitor.h"
#include "session.h"
#include "util.h"

int
monitor_drop_privileges(const struct helper_session *s)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) < 0)
		return -EINVAL;
	/* The init of a userns container runs as host uid FIRST, not 0: signalling
	 * it (stop, frontend gone) needs CAP_KILL. We are uid 0, which can signal
	 * every root process anyway; this adds only the container's ids. */
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_KILL) < 0)
		return -EINVAL;
	/* The container's cgroups hold directories container root made and
	 * may have locked against us: owned by its host uid (userns), mode
	 * 0000, or sticky (privileged root can do all three, in v1 hierarchies
	 * too). Removing them at the end needs CAP_DAC_OVERRIDE and CAP_FOWNER,
	 * kept permitted but raised only around that removal (cgroup_remove). */
	if (cgroup_made(s) &&
	    (capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_DAC_OVERRIDE) < 0 ||
	        capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_FOWNER) < 0))
		return -EINVAL;
	/* Applies the capability sets and clears the bounding set but for those two. */
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		return -EPERM;
	return 0;
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

int
monitor_run(struct control *c, struct ipc_exit *ret)
{
	_cleanup_close_ int pidfd = -1;
	int status = 0;

	/* init is our own un-reaped child: its pid cannot be reused before waitpid(). */
	pidfd = (int)syscall(SYS_pidfd_open, c->init_pid, 0);
	if (pidfd < 0)
		return -errno;
	for (;;) {
		struct pollfd p[CONTROL_NPOLL + 1];
		size_t n = control_fill_poll(c, p);

		p[n] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		if (poll(p, n + 1, control_timeout_ms(c)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[n].revents != 0)
			break;
		control_handle_poll(c, p, n);
		control_tick(c);
	}
	if (waitpid(c->init_pid, &status, 0) < 0)
		return -errno;
	exit_from_status(status, ret);
	return 0;
}
