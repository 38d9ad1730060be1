/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The process that runs CMD in a joined container (cnspawn exec and login,
 * issue 13): forked by the helper after join_enter(), so it is in the
 * container's PID namespace; it takes its stdio, the syscall filter and
 * the user's ids, then execs. Nothing of the host reaches CMD: its 0-2 are
 * the frontend's fresh pipes or a PTY of the container's devpts, every
 * other fd is closed at exec, and its cwd and root are inside the container.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "passwd.h"

struct execcmd {
	int stdio[3]; /* fds to become 0, 1, 2 (pipes, or the PTY slave three times) */
	bool tty;     /* stdio is a PTY slave: make it the controlling terminal */
	const struct passwd_user *user;
	const char *cwd;   /* --cwd (must work), or NULL: the user's home, else / */
	char *const *argv; /* argv[0] is CMD, searched in envp's PATH without a '/' */
	char *const *envp;
	bool host_userfaultfd; /* sysfilter_host_userfaultfd(), read before joining */
	int sync_fd;           /* close-on-exec pipe: a setup error's text, then _exit(125) */
};

/*
 * Fork the CMD process; 0 and its pid, or -errno. A setup failure in the
 * child arrives as text on sync_fd's read end (EOF alone: CMD was exec'd);
 * CMD not found or not executable is said on CMD's own stderr, one line,
 * with exit status 127 or 126.
 */
int execcmd_spawn(const struct execcmd *c, pid_t *ret_pid);
