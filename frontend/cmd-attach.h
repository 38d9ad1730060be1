/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `cnspawn attach NAME`, and the connection to a container's monitor that
 * attach, stop and list share: CNSPAWN_STATE_DIR/NAME.sock.
 */

#include <stdbool.h>

#include "ipc.h"

/*
 * Connect to NAME's monitor. -ENOENT when no such container runs (no
 * socket, or its monitor is gone), -EINVAL for a bad name, else -errno.
 */
int cmd_attach_connect(const char *name, int *ret_fd);
/* Report cmd_attach_connect's failure k as one line; returns EXIT_CNSPAWN. */
int cmd_attach_connect_fail(const char *name, int k);
/* Send one request; a connection the monitor already closed is left for the reader to explain. */
int cmd_attach_send(int fd, const struct ipc_msg *req);
/* Send one request and receive one answer (an IPC_T_ERROR is returned as a message too). */
int cmd_attach_request(int fd, const struct ipc_msg *req, struct ipc_msg *ret);
/* Parse the arguments after "attach" and run; returns the exit status. */
int cmd_attach_run(int argc, char **argv);
