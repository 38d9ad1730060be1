/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include "ipc.h"

/*
 * Drop to the one capability the monitor still needs (CAP_NET_ADMIN, to
 * delete the host veth end) with every uid and gid already 0.
 */
int monitor_drop_privileges(void);

/*
 * Wait for init to end. The frontend closing the IPC socket (or sending
 * anything: no request is valid in this phase yet) stops the container
 * with SIGKILL. Fills *ret with how init ended; 0 or -errno.
 */
int monitor_run(int sock, pid_t init_pid, struct ipc_exit *ret);
