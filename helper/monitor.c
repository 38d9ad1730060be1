/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/prctl.h>
#include <cap-ng.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <syslog.h>
#include <unistd.h>

#include "control.h"
#include "monitor.h"
#include "session.h"
#include "util.h"

int
monitor_drop_privileges(uid_t uid, gid_t gid, pid_t keeper)
{
	/* Empties every capability set and the bounding set, drops the
	 * supplementary groups, then sets all uids and gids to the owner's. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)uid, (int)gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) < 0)
		return -EPERM;
	/* Not dumpable: the owner, now of the same uid, can neither trace this
	 * process nor read its memory or fds (/proc/PID/ is root's again). */
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* The id change cleared the parent-death signal: set it again, and go
	 * if the keeper died meanwhile. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -errno;
	if (getppid() != keeper)
		_exit(1);
	return 0;
}

/* What the keeper said: 1 when the container ended (*ret or *ret_error filled), 0, -errno. */
static int
from_keeper(struct control *c, struct ipc_exit *ret, char **ret_error)
{
	struct ipc_msg m;
	int r = ipc_recv(c->keeper, &m);

	if (r == -EAGAIN || r == -EINTR)
		return 0;
	if (r < 0)
		return r;
	switch (m.type) {
	case IPC_T_BOOTED:
		c->init_pid = (pid_t)m.booted.init_pid;
		r = 0;
		break;
	case IPC_T_EXIT:
		*ret = m.exit;
		r = 1;
		break;
	case IPC_T_ERROR:
		*ret_error = TAKE_PTR(m.error.text);
		r = 1;
		break;
	default:
		r = -EPROTO;
	}
	ipc_msg_done(&m);
	return r;
}

int
monitor_run(struct control *c, struct ipc_exit *ret, char **ret_error)
{
	*ret_error = NULL;
	for (;;) {
		struct pollfd p[CONTROL_NPOLL + 1];
		size_t n = control_fill_poll(c, p);
		int r;

		p[n] = (struct pollfd){.fd = c->keeper, .events = POLLIN};
		if (poll(p, n + 1, control_timeout_ms(c)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[n].revents != 0) {
			r = from_keeper(c, ret, ret_error);
			if (r != 0)
				return r < 0 ? r : 0;
		}
		control_handle_poll(c, p, n);
		control_tick(c);
	}
}
