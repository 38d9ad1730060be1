/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <cap-ng.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <syslog.h>
#include <unistd.h>

#include "control.h"
#include "monitor.h"
#include "session.h"
#include "util.h"

int
monitor_drop_privileges(void)
{
	/* Empties the effective, permitted and inheritable sets and the bounding set. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		return -EPERM;
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
