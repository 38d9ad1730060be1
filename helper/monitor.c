/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <cap-ng.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor.h"
#include "util.h"

int
monitor_drop_privileges(void)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) < 0)
		return -EINVAL;
	/* Applies the capability sets and clears the bounding set but for CAP_NET_ADMIN. */
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
monitor_run(int sock, pid_t init_pid, struct ipc_exit *ret)
{
	_cleanup_close_ int pidfd = -1;
	bool killed = false;
	int status = 0;

	/* init is our own un-reaped child: its pid cannot be reused before waitpid(). */
	pidfd = (int)syscall(SYS_pidfd_open, init_pid, 0);
	if (pidfd < 0)
		return -errno;
	for (;;) {
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
		    {.fd = killed ? -1 : sock, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents != 0)
			break;
		if (p[1].revents != 0) {
			/* The frontend left: nobody holds the console, end the container. */
			(void)kill(init_pid, SIGKILL);
			killed = true;
		}
	}
	if (waitpid(init_pid, &status, 0) < 0)
		return -errno;
	exit_from_status(status, ret);
	return 0;
}
