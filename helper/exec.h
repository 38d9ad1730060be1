/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* cnspawn exec and cnspawn login in a fresh helper (exec.c, issue 13). */

#include "ipc.h"
#include "policy.h"

/*
 * Serve one IPC_T_EXEC from caller (identified from the kernel): refuse
 * with one line, or join the container, run CMD and report its status.
 * Never returns.
 */
_Noreturn void exec_run(struct ipc_msg *m, const struct policy_caller *caller);

/*
 * Receive the three IPC_T_PIPE that follow a pipe-mode request, in order,
 * each checked to be the right end of an anonymous pipe; helper_fail otherwise.
 */
void exec_receive_pipes(int sock, int ret[IPC_PIPE_STREAMS]);
