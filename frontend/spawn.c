/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "spawn.h"
#include "util.h"

#define HELPER_FD 3
#define EXIT_SPAWN 125

/* In the forked child: only async-signal-safe calls, and _exit on any failure. */
static void __attribute__((noreturn)) exec_helper(const char *path, int fd)
{
	char *const argv[] = {(char *)(uintptr_t) "cnspawn-helper", NULL};
	char *const envp[] = {NULL};
	char msg[512];
	sigset_t none;
	int n;

	/* The helper gets a clean signal mask; it resets dispositions itself. */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/*
	 * A session of its own: keys typed at the user's terminal (Ctrl-C in
	 * pipe mode) and its hangup reach only the frontend, which then closes
	 * the socket so that the helper stops the container in order.
	 */
	(void)setsid();
	if (fd == HELPER_FD) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			_exit(EXIT_SPAWN);
	} else if (dup2(fd, HELPER_FD) < 0) {
		_exit(EXIT_SPAWN);
	}
	if (close_range(HELPER_FD + 1, ~0U, 0) < 0)
		_exit(EXIT_SPAWN);
	execve(path, argv, envp);
	/* Tell the parent over the socket, so the user sees one line from one place. */
	n = snprintf(msg, sizeof(msg), "cannot execute %s: %s", path, strerror(errno));
	if (n < 0 || ipc_send_error(HELPER_FD, msg) < 0)
		(void)!write(STDERR_FILENO, "cnspawn: cannot execute the helper\n", 35);
	_exit(EXIT_SPAWN);
}

int
spawn_helper(const char *path, pid_t *ret_pid)
{
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		(void)close(sp[0]);
		(void)close(sp[1]);
		return r;
	}
	if (pid == 0)
		exec_helper(path, sp[1]);
	(void)close(sp[1]);
	*ret_pid = pid;
	return sp[0];
}
