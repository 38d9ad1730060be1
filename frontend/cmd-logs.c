/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cnspawn logs (issue 16). The monitor sends what its ring holds (the last
 * 128 KiB of console output, written while detached or copied by the
 * attached frontend) and, with -f, what comes after, until init is gone.
 * The bytes go to stdout exactly as the console got them, on a terminal as
 * well as elsewhere: like attach, control sequences pass through unchanged
 * (cnspawn(1) says so; `| cat -v` shows them escaped). Who may read them:
 * the monitor decides (owner or root, from SO_PEERCRED), as for attach.
 */
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "cmd-logs.h"
#include "ipc.h"
#include "report.h"
#include "util.h"

static void
logs_usage(void)
{
	printf("Usage: cnspawn logs [-f] [-n LINES] NAME\n"
	       "\n"
	       "Print what a running container (yours, or any as root) wrote to its\n"
	       "console, up to the last 128 KiB, without taking the console.\n"
	       "\n"
	       "  -f, --follow       go on printing new output until the container ends\n"
	       "  -n, --lines=LINES  only the last LINES lines\n"
	       "  -h, --help         show this help\n");
}

static int
parse_lines(const char *arg, struct ipc_logs *ret)
{
	const char *errstr = NULL;
	long long v = strtonum(arg, 0, IPC_MAX_LOG_LINES, &errstr);

	/* Digits only (strtonum alone takes " +7"). */
	if (errstr != NULL || strspn(arg, "0123456789") != strlen(arg))
		return report_fail("invalid -n '%s' (a number of lines, 0 to %u)", arg,
		    IPC_MAX_LOG_LINES);
	ret->tail = 1;
	ret->lines = (uint32_t)v;
	return 0;
}

static int
parse_logs(int argc, char **argv, struct ipc_logs *ret)
{
	static const struct option opts[] = {{"follow", no_argument, NULL, 'f'},
	    {"lines", required_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c, k;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+fn:h", opts, NULL)) != -1) {
		if (c == 'f') {
			ret->follow = 1;
		} else if (c == 'n') {
			if ((k = parse_lines(optarg, ret)) != 0)
				return k;
		} else if (c == 'h') {
			logs_usage();
			exit(0);
		} else {
			return report_fail(
			    "logs: unknown option or missing argument (see cnspawn logs --help)");
		}
	}
	if (optind != argc - 1)
		return report_fail("logs needs exactly one machine name");
	return 0;
}

/*
 * IPC_T_OUTPUT to stdout until the monitor closes the connection (it sent
 * what it held) or, following, until init's exit.
 */
static int
print_logs(int fd, const char *name)
{
	for (;;) {
		struct ipc_msg m;
		int k = ipc_recv(fd, &m);

		if (k == -ECONNRESET)
			return 0;
		if (k < 0)
			return report_fail("%s: %s", name, strerror(-k));
		if (m.type == IPC_T_OUTPUT) {
			k = util_write_full(STDOUT_FILENO, m.output.data, m.output.len);
			ipc_msg_done(&m);
			if (k < 0)
				return report_fail("writing the output: %s", strerror(-k));
			continue;
		}
		if (m.type == IPC_T_EXIT)
			k = 0;
		else if (m.type == IPC_T_ERROR)
			k = report_fail("%s: %s", name, m.error.text);
		else
			k = report_fail("%s: unexpected message from the monitor", name);
		ipc_msg_done(&m);
		return k;
	}
}

int
cmd_logs_run(int argc, char **argv)
{
	_cleanup_close_ int fd = -1;
	struct ipc_msg m;
	const char *name;
	int k;

	ipc_msg_init(&m, IPC_T_LOGS);
	if ((k = parse_logs(argc, argv, &m.logs)) != 0)
		return k;
	name = argv[optind];
	if ((k = cmd_attach_connect(name, &fd)) < 0)
		return cmd_attach_connect_fail(name, k);
	if ((k = cmd_attach_send(fd, &m)) < 0)
		return report_fail("%s: %s", name, strerror(-k));
	/* Following may wait for new output for ever: no receive timeout then. */
	if (m.logs.follow)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){0},
		    sizeof(struct timeval));
	return print_logs(fd, name);
}
