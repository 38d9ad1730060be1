/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-start.h"
#include "escape.h"
#include "ipc.h"
#include "names.h"
#include "policy.h"
#include "relay.h"
#include "spawn.h"
#include "stdio.h"
#include "tty.h"
#include "report.h"
#include "util.h"

/* The frontend checks what it can for a clear early message; the helper checks it all again. */
static int
check_options(const struct start_options *o)
{
	struct policy_cidr cidr;
	struct in_addr a;

	if (o->directory == NULL)
		return report_fail("missing -p/--directory ROOT (the container's root directory)");
	if (o->bridge == NULL)
		return report_fail("missing -b/--network-bridge BRIDGE");
	if (!util_ifname_ok(o->bridge))
		return report_fail("invalid bridge name '%s'", o->bridge);
	if (o->address != NULL && policy_addr_parse(o->address, &a) < 0 &&
	    policy_cidr_parse(o->address, true, &cidr) < 0)
		return report_fail("invalid address '%s' (expected A.B.C.D or A.B.C.D/PREFIX)",
		    o->address);
	if (o->gateway != NULL && policy_addr_parse(o->gateway, &a) < 0)
		return report_fail("invalid gateway '%s' (expected A.B.C.D)", o->gateway);
	/* The helper's own rule and words (ipc/names.h): -M "" too, never a derived name. */
	if (o->machine != NULL && ipc_name_check(o->machine) < 0)
		return report_fail("invalid %s", IPC_NAME_RULE);
	if (o->init != NULL && (o->init[0] != '/' || strlen(o->init) >= IPC_MAX_STR))
		return report_fail("--init needs an absolute path inside the container, not '%s'",
		    o->init);
	if ((size_t)o->init_argc > IPC_MAX_ARGS)
		return report_fail("too many init arguments (%d; at most %u)", o->init_argc,
		    IPC_MAX_ARGS);
	for (int i = 0; i < o->init_argc; i++)
		if (strlen(o->init_argv[i]) >= IPC_MAX_STR)
			return report_fail("init argument %d is too long (at most %u bytes)", i + 1,
			    IPC_MAX_STR - 1);
	return 0;
}

static int
canonical_root(const char *dir, char **ret)
{
	char *p = realpath(dir, NULL);
	struct stat st;

	/* Roots of userns rules live below a directory only root may search
	 * (cnspawn.policy(5)): the user cannot resolve the path, so it goes
	 * as written; the helper resolves it (no symlinks) and the policy
	 * takes canonical paths only. */
	if (p == NULL && errno == EACCES && dir[0] == '/') {
		p = strdup(dir);
		if (p == NULL)
			return report_fail("out of memory");
	} else if (p == NULL)
		return report_fail("cannot use directory '%s': %s", dir, strerror(errno));
	else if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(p);
		return report_fail("'%s' is not a directory", dir);
	}
	if (strlen(p) >= IPC_MAX_STR) {
		free(p);
		return report_fail("directory path '%s' is too long", dir);
	}
	*ret = p;
	return 0;
}

/* Without -M the helper names the machine after the root's last component: same rule. */
static int
check_derived_name(const struct start_options *o, const char *root)
{
	char name[IPC_NAME_MAX + 1];

	if (o->machine == NULL && ipc_name_of_start(root, "", name, sizeof(name)) < 0)
		return report_fail("invalid %s", IPC_NAME_RULE);
	return 0;
}

/*
 * Only the variables of ipc_env_names cross over; nothing else of the user's
 * environment reaches the container. TERM is "dumb" when stdout is not a
 * terminal, since then nothing will interpret escape sequences.
 */
static void
build_env(char entries[IPC_ENV_N][IPC_MAX_STR], char **env, size_t *ret_n)
{
	size_t n = 0;

	for (size_t i = 0; i < IPC_ENV_N; i++) {
		const char *v = getenv(ipc_env_names[i]);
		int k;

		if (i == 0 && !isatty(STDOUT_FILENO))
			v = "dumb";
		if (v == NULL)
			continue;
		k = snprintf(entries[n], IPC_MAX_STR, "%s=%s", ipc_env_names[i], v);
		/* A value the helper would refuse (long, or not printable) is left out rather than cut. */
		if (k < 0 || (size_t)k >= IPC_MAX_STR || ipc_env_check(entries[n]) < 0)
			continue;
		env[n] = entries[n];
		n++;
	}
	env[n] = NULL;
	*ret_n = n;
}

static char *
opt_str(const char *s)
{
	/* The encoder only reads the strings; the message type just is not const. */
	return (char *)(uintptr_t)(s != NULL ? s : "");
}

/* Pipe mode (issue 13): stdin not a terminal, no -t, no -d: init gets fresh pipes. */
static bool
pipe_mode(const struct start_options *o)
{
	return !isatty(STDIN_FILENO) && !o->tty && !o->detach;
}

static int
send_start(int sock, const struct start_options *o, const char *root)
{
	static char entries[IPC_ENV_N][IPC_MAX_STR];
	char *env[IPC_ENV_N + 1];
	struct ipc_msg m;

	ipc_msg_init(&m, IPC_T_START);
	m.start.root = opt_str(root);
	m.start.bridge = opt_str(o->bridge);
	m.start.address = opt_str(o->address);
	m.start.gateway = opt_str(o->gateway);
	m.start.machine = opt_str(o->machine);
	m.start.init = opt_str(o->init);
	m.start.argv.v = o->init_argv;
	m.start.argv.n = (size_t)o->init_argc;
	build_env(entries, env, &m.start.env.n);
	m.start.env.v = env;
	tty_initial_size(&m.start.rows, &m.start.cols);
	m.start.flags = o->quiet ? IPC_F_QUIET : 0;
	/* Pipe mode (scripts) keeps "the container lives as long as cnspawn" unless -d. */
	if (!isatty(STDIN_FILENO) && !o->detach)
		m.start.flags |= IPC_F_STOP_ON_EXIT;
	if (pipe_mode(o))
		m.start.flags |= IPC_F_PIPES;
	m.start.kill_signal = o->kill_signal;
	m.start.memory = o->memory;
	m.start.pids = o->pids;
	m.start.cpus_milli = o->cpus_milli;
	m.start.binds.v = (struct ipc_bind *)(uintptr_t)o->binds;
	m.start.binds.n = o->nbinds;
	m.start.hostname = opt_str(o->hostname);
	if (o->ephemeral)
		m.start.flags |= IPC_F_EPHEMERAL;
	if (o->no_resolv_conf)
		m.start.flags |= IPC_F_NO_RESOLV_CONF;
	if (o->no_reboot)
		m.start.flags |= IPC_F_NO_REBOOT;
	return ipc_send(sock, &m);
}

/*
 * The helper's first answer: the console, or one line saying why not. A
 * request that failed to go out is reported only if no answer explains it
 * (the helper may have refused and exited before reading it).
 */
int
cmd_start_await(int sock, int send_err, enum ipc_type type, struct ipc_msg *ret)
{
	struct ipc_msg m;
	int k = ipc_recv(sock, &m);

	if (k == -ECONNRESET && send_err < 0 && send_err != -EPIPE)
		return report_fail("sending the request to the helper: %s", strerror(-send_err));
	if (k == -ECONNRESET)
		return report_fail("helper exited unexpectedly");
	if (k < 0)
		return report_fail("reading from helper: %s", strerror(-k));
	if (m.type == IPC_T_ERROR) {
		(void)report_fail("%s", m.error.text);
		ipc_msg_done(&m);
		return EXIT_CNSPAWN;
	}
	if (m.type != type) {
		ipc_msg_done(&m);
		return report_fail("unexpected message from helper");
	}
	*ret = m;
	return 0;
}

int
cmd_start_await_console(int sock, int send_err, struct ipc_msg *ret)
{
	return cmd_start_await(sock, send_err, IPC_T_CONSOLE, ret);
}

static void
print_start_line(const struct start_options *o, const struct ipc_console *c)
{
	char key[16];

	if (o->quiet || !isatty(STDIN_FILENO))
		return;
	fprintf(stderr, "Container %s", c->machine);
	if (c->address[0] != '\0')
		fprintf(stderr, " at %s", c->address);
	if (o->escape)
		fprintf(stderr,
		    ". Press %s three times within 1s to stop the container, %s d to detach.\n",
		    escape_key_name(o->escape_key, key, sizeof(key)), key);
	else
		fputs(".\n", stderr);
	fflush(stderr);
}

/*
 * Pipe mode: init's stdin, stdout and stderr are fresh pipes, relayed byte
 * for byte; the console (still /dev/console, drained by the monitor for
 * `cnspawn attach`) is not ours to relay.
 */
static int
run_pipes(int sock, pid_t helper)
{
	static char machine[IPC_MAX_STR];
	struct stdio_config sc = {.sock = sock, .helper = helper, .machine = machine};
	struct ipc_msg console;
	int sent = stdio_make_pipes(sock, sc.fds), k;

	/* A helper that refused before reading the pipes says why; so does one after. */
	if ((k = cmd_start_await_console(sock, sent, &console)) != 0) {
		for (int i = 0; i < 3 && sent == 0; i++)
			(void)close(sc.fds[i]);
		return k;
	}
	(void)snprintf(machine, sizeof(machine), "%s", console.console.machine);
	ipc_msg_done(&console);
	return stdio_relay_run(&sc);
}

int
cmd_start_run(const struct start_options *o)
{
	_cleanup_free_ char *root = NULL;
	_cleanup_close_ int sock = -1;
	struct relay_config rc = {0};
	struct ipc_msg console;
	static char machine[IPC_MAX_STR];
	int k;

	if ((k = check_options(o)) != 0 || (k = canonical_root(o->directory, &root)) != 0 ||
	    (k = check_derived_name(o, root)) != 0)
		return k;
	sock = spawn_helper(CNSPAWN_HELPER_PATH, &rc.helper);
	if (sock < 0)
		return report_fail("starting %s: %s", CNSPAWN_HELPER_PATH, strerror(-sock));
	k = send_start(sock, o, root);
	if (k == -E2BIG)
		return report_fail("request too large (at most %u bytes)", IPC_MAX_MSG);
	if (k == 0 && pipe_mode(o))
		return run_pipes(sock, rc.helper);
	if ((k = cmd_start_await_console(sock, k, &console)) != 0)
		return k;
	if (o->detach) {
		/* The monitor keeps the console (and its output) until `cnspawn attach`. */
		printf("%s\n", console.console.machine);
		ipc_msg_done(&console);
		return fflush(stdout) == 0 ? 0 : EXIT_CNSPAWN;
	}
	print_start_line(o, &console.console);
	rc.sock = sock;
	rc.master = TAKE_FD(console.fd);
	rc.escape = o->escape;
	rc.escape_key = o->escape_key;
	rc.stop_timeout = RELAY_ESCAPE_STOP_TIMEOUT;
	rc.machine = machine;
	rc.tee = true;
	(void)snprintf(machine, sizeof(machine), "%s", console.console.machine);
	ipc_msg_done(&console);
	if (atexit(tty_restore) != 0)
		return report_fail("atexit failed");
	return relay_run(&rc);
}
