/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Pipe mode (issue 13): fresh pipes for a command's stdin, stdout and
 * stderr, and the byte-exact relay between them and ours.
 */

#include <sys/types.h>

struct stdio_config {
	int sock;            /* the helper's socket: IPC_T_EXIT or IPC_T_ERROR */
	pid_t helper;        /* reaped on SIGCHLD */
	int fds[3];          /* our ends: stdin's write end, stdout's and stderr's read ends */
	const char *machine; /* for the memory-ceiling line */
};

/*
 * Make three pipes and send the command's ends to the helper as IPC_T_PIPE
 * 0, 1, 2 (closing our copies of them); our ends go to ret_ours. 0 or -errno.
 */
int stdio_make_pipes(int sock, int ret_ours[3]);

/*
 * Relay until the helper reports the exit and the output is drained.
 * Returns the exit status: the command's (128+N for signal N), 125 after
 * one line for cnspawn's own failure, 128+N when we got signal N. Closes
 * our pipe ends.
 */
int stdio_relay_run(const struct stdio_config *cfg);
