/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The IPC socket the frontend hands the helper. */
#define SANITIZE_IPC_FD 3

/*
 * Entry hygiene, before anything else: nothing the caller set up is
 * trusted. Clears the environment, closes every fd above 3, makes sure
 * 0-2 are open, resets umask, signal dispositions and the signal mask,
 * disables core dumps and ptrace by the caller. Returns 0 or -errno;
 * -ENOTSOCK when fd 3 is not an AF_UNIX SOCK_SEQPACKET socket.
 */
int sanitize_process(void);
