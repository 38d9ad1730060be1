/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "escape.h"
#include "names.h"
#include "relay.h"
#include "report.h"
#include "tty.h"
#include "util.h"

/* A monitor answers at once; one that does not is stuck, not busy. */
#define ATTACH_RECV_TIMEOUT_S 10

int
cmd_attach_connect(const char *name, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = ATTACH_RECV_TIMEOUT_S};
	/* The name becomes part of a path: the builder checks it first. */
	int r = ipc_sock_path(name, sa.sun_path, sizeof(sa.sun_path));

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno == ECONNREFUSED ? -ENOENT : -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int
cmd_attach_send(int fd, const struct ipc_msg *req)
{
	int k = ipc_send(fd, req);

	/* A refused caller's connection is closed at once, its ERROR already queued: read it. */
	return k == -EPIPE || k == -ECONNRESET ? 0 : k;
}

int
cmd_attach_request(int fd, const struct ipc_msg *req, struct ipc_msg *ret)
{
	int k = cmd_attach_send(fd, req);

	if (k < 0)
		return k;
	return ipc_recv(fd, ret);
}

int
cmd_attach_connect_fail(const char *name, int k)
{
	if (k == -ENOENT)
		return report_fail("no container named %s is running", name);
	if (k == -EINVAL)
		return report_fail("invalid machine name '%s'", name);
	return report_fail("connecting to %s: %s", name, strerror(-k));
}

/* Replayed output first, then the console itself; anything else ends the attach. */
static int
receive_console(int fd, const char *name, struct ipc_msg *ret)
{
	for (;;) {
		struct ipc_msg m;
		int k = ipc_recv(fd, &m);

		if (k == -ECONNRESET)
			return report_fail("%s: the monitor closed the connection", name);
		if (k < 0)
			return report_fail("%s: %s", name, strerror(-k));
		if (m.type == IPC_T_OUTPUT) {
			(void)util_write_full(STDOUT_FILENO, m.output.data, m.output.len);
			ipc_msg_done(&m);
			continue;
		}
		if (m.type == IPC_T_CONSOLE) {
			*ret = m;
			return 0;
		}
		if (m.type == IPC_T_ERROR)
			(void)report_fail("%s: %s", name, m.error.text);
		else
			(void)report_fail("%s: unexpected message from the monitor", name);
		ipc_msg_done(&m);
		return EXIT_CNSPAWN;
	}
}

static void
attach_usage(void)
{
	printf("Usage: cnspawn attach [--escape=KEY|--no-escape] NAME\n"
	       "\n"
	       "Attach to the console of a running container (yours, or any as root).\n"
	       "Output written while detached is shown first (up to 128 KiB).\n"
	       "Ctrl-] d detaches again; Ctrl-] three times within 1s stops the container.\n");
}

static int
parse_attach(int argc, char **argv, struct relay_config *rc)
{
	static const struct option opts[] = {{"escape", required_argument, NULL, 'e'},
	    {"no-escape", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c;

	rc->escape = true;
	rc->escape_key = ESCAPE_DEFAULT_KEY;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'e' && escape_parse_key(optarg, &rc->escape_key) == 0)
			continue;
		if (c == 'e')
			return report_fail("invalid --escape key '%s' (use ^X notation)", optarg);
		if (c == 'n') {
			rc->escape = false;
			continue;
		}
		if (c == 'h') {
			attach_usage();
			exit(0);
		}
		return report_fail(
		    "attach: unknown option or missing argument (see cnspawn attach --help)");
	}
	if (optind != argc - 1)
		return report_fail("attach needs exactly one machine name");
	return 0;
}

int
cmd_attach_run(int argc, char **argv)
{
	struct relay_config rc = {.helper = -1};
	_cleanup_close_ int fd = -1;
	static char machine[IPC_MAX_STR];
	struct ipc_msg m;
	const char *name;
	int k;

	if ((k = parse_attach(argc, argv, &rc)) != 0)
		return k;
	name = argv[optind];
	if ((k = cmd_attach_connect(name, &fd)) < 0)
		return cmd_attach_connect_fail(name, k);
	ipc_msg_init(&m, IPC_T_ATTACH);
	if ((k = cmd_attach_send(fd, &m)) < 0)
		return report_fail("%s: %s", name, strerror(-k));
	if ((k = receive_console(fd, name, &m)) != 0)
		return k;
	(void)snprintf(machine, sizeof(machine), "%s", m.console.machine);
	rc.sock = fd;
	rc.master = TAKE_FD(m.fd);
	rc.machine = machine;
	rc.stop_timeout = RELAY_ESCAPE_STOP_TIMEOUT;
	rc.tee = true;
	ipc_msg_done(&m);
	/* From here on, the wait for init's exit may be long: no receive timeout. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){0}, sizeof(struct timeval));
	if (atexit(tty_restore) != 0)
		return report_fail("atexit failed");
	return relay_run(&rc);
}
