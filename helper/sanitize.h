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

/*
 * Once the start is reported: point 0-2 at /dev/null. They are the caller's
 * terminal or pipes, and a root-owned monitor holding them for the
 * container's life makes `cnspawn -d | cat`, `$(cnspawn -d)` and an ssh
 * session hang until the container stops (issue 10, F3). The monitor
 * reports through syslog and its sockets only.
 */
int sanitize_detach_stdio(void);
