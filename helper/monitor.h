/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include "control.h"
#include "ipc.h"
#include "session.h"

/*
 * The control process (keeper.h) drops every capability, with every uid
 * and gid already 0: it signals nothing and removes nothing itself (the
 * keeper does both), so what a frontend can reach holds no privilege.
 */
int monitor_drop_privileges(void);

/*
 * Serve the control requests (control.c) and keep the console drained
 * until the keeper (c->keeper) reports the container's end: IPC_T_EXIT
 * fills *ret and returns 0; IPC_T_ERROR (a reboot failed) puts its text
 * in *ret_error (freed by the caller) and returns 0; IPC_T_BOOTED (init
 * started again) only updates c->init_pid. A frontend that leaves only
 * detaches (unless it asked for IPC_F_STOP_ON_EXIT). -errno when the
 * keeper is gone or broken.
 */
int monitor_run(struct control *c, struct ipc_exit *ret, char **ret_error);
