/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include "control.h"
#include "ipc.h"
#include "session.h"

/*
 * The control process (keeper.h) becomes the container's owner (the
 * caller's uid and gid; root's container: root with no capability): no groups, no capability in any set, an empty bounding set,
 * not dumpable, no_new_privs. It signals nothing and removes nothing
 * itself (the keeper does both), and everything it serves the frontends
 * is already open (the sockets, the master) or world-readable (the
 * cgroups' usage), so what a frontend can reach holds nothing the owner
 * does not. Dies (PDEATHSIG) with keeper, its parent.
 */
int monitor_drop_privileges(uid_t uid, gid_t gid, pid_t keeper);

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
