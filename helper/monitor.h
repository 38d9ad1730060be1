/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include "control.h"
#include "ipc.h"
#include "session.h"

/*
 * Drop to what the monitor still needs, with every uid and gid already 0:
 * CAP_NET_ADMIN (to delete the host veth end), CAP_KILL (to signal a
 * userns init), and for a delegated cgroup CAP_DAC_OVERRIDE, permitted only.
 */
int monitor_drop_privileges(const struct helper_session *s);

/*
 * Wait for init to end, serving the control requests (control.c) and
 * keeping the console drained meanwhile. A frontend that leaves only
 * detaches (unless it asked for IPC_F_STOP_ON_EXIT); init ends through
 * STOP, its own exit, or the monitor's death (PDEATHSIG). Fills *ret with
 * how init ended; 0 or -errno.
 */
int monitor_run(struct control *c, struct ipc_exit *ret);
