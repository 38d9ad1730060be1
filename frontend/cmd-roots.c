/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/wait.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd-roots.h"
#include "cmd-start.h"
#include "ipc.h"
#include "report.h"
#include "spawn.h"
#include "text.h"
#include "util.h"

/*
 * On a terminal every path goes through text_terminal (no raw control
 * byte). Otherwise the bytes as they are, one a line, for scripts and
 * completion; a path holding a newline cannot be one line and is left out.
 */
static void
print_roots(const struct ipc_roots *rs, bool tty)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct ipc_root *e = &rs->v[i];

		if (tty) {
			text_terminal(stdout, e->path);
			putchar('\n');
		} else if (strchr(e->path, '\n') == NULL) {
			printf("%s\n", e->path);
		}
	}
	(void)fflush(stdout);
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].err != 0)
			(void)report_fail("cannot list the directories of %s: %s", rs->v[i].path,
			    strerror((int)rs->v[i].err));
	if (rs->truncated)
		(void)report_fail("more roots than one answer holds (%u); the list is cut",
		    IPC_MAX_ROOTS);
}

int
cmd_roots_run(void)
{
	_cleanup_close_ int sock = -1;
	struct ipc_msg m;
	pid_t helper = -1;
	int k;

	sock = spawn_helper(CNSPAWN_HELPER_PATH, &helper);
	if (sock < 0)
		return report_fail("starting %s: %s", CNSPAWN_HELPER_PATH, strerror(-sock));
	ipc_msg_init(&m, IPC_T_ROOTS);
	k = cmd_start_await(sock, ipc_send(sock, &m), IPC_T_ROOTS_REPLY, &m);
	(void)waitpid(helper, NULL, 0);
	if (k != 0)
		return k;
	print_roots(&m.roots, isatty(STDOUT_FILENO));
	ipc_msg_done(&m);
	return ferror(stdout) ? EXIT_CNSPAWN : 0;
}
