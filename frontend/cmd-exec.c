/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-exec.h"
#include "cmd-start.h"
#include "escape.h"
#include "ipc.h"
#include "names.h"
#include "relay.h"
#include "report.h"
#include "spawn.h"
#include "stdio.h"
#include "tty.h"
#include "util.h"

struct exec_options {
	const char *user;
	const char *cwd;
	char *env[IPC_MAX_ARGS + 1];
	size_t nenv;
	int tty; /* 1: -t, 0: -T, -1: when stdin and stdout are terminals */
	bool login;
	const char *name;
	char **argv;
	int argc;
};

static void
exec_usage(void)
{
	printf("Usage: cnspawn exec [-u USER] [-E VAR=VALUE]... [--cwd DIR] [-t|-T] NAME [--] CMD "
	       "[ARGS...]\n"
	       "       cnspawn login NAME\n"
	       "\n"
	       "Run CMD inside the running container NAME, in all of its namespaces, cgroups\n"
	       "and restrictions, as container root or USER of the container's /etc/passwd.\n"
	       "A new PTY when stdin and stdout are terminals (-t: always, -T: never), else\n"
	       "byte-exact pipes. Ctrl-] three times within 1s ends it (CMD gets SIGHUP).\n"
	       "Exit status: CMD's, 128+N for signal N, 126 not executable, 127 not found,\n"
	       "125 if cnspawn failed. See cnspawn(1).\n");
}

static int
add_env(struct exec_options *o, char *e)
{
	if (strchr(e, '=') == NULL || e[0] == '=')
		return report_fail("invalid -E '%s' (expected VAR=VALUE)", e);
	if (o->nenv == IPC_MAX_ARGS)
		return report_fail("too many -E (at most %u)", IPC_MAX_ARGS);
	o->env[o->nenv++] = e;
	return 0;
}

static int
parse_exec(int argc, char **argv, struct exec_options *o)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
	    {"env", required_argument, NULL, 'E'}, {"cwd", required_argument, NULL, 'c'},
	    {"tty", no_argument, NULL, 't'}, {"no-tty", no_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c, k;

	o->tty = -1;
	opterr = 0;
	/* "+": NAME ends our options; everything after it is CMD's. */
	while ((c = getopt_long(argc, argv, "+u:E:tTh", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o->user = optarg;
			break;
		case 'E':
			if ((k = add_env(o, optarg)) != 0)
				return k;
			break;
		case 'c':
			o->cwd = optarg;
			break;
		case 't':
		case 'T':
			o->tty = c == 't';
			break;
		case 'h':
			exec_usage();
			exit(0);
		default:
			return report_fail("exec: unknown option or missing argument (see cnspawn "
			                   "exec --help)");
		}
	}
	if (optind >= argc)
		return report_fail("exec needs a machine name and a command");
	o->name = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc)
		return report_fail("exec needs a command to run in %s", o->name);
	o->argv = argv + optind;
	o->argc = argc - optind;
	return 0;
}

/* What the frontend can check early, with the helper's own rules; the helper checks it all. */
static int
check_exec(const struct exec_options *o)
{
	if (ipc_name_check(o->name) < 0)
		return report_fail("invalid %s", IPC_NAME_RULE);
	if (o->cwd != NULL && o->cwd[0] != '/')
		return report_fail("--cwd needs an absolute path inside the container, not '%s'",
		    o->cwd);
	if ((size_t)o->argc > IPC_MAX_ARGS)
		return report_fail("too many arguments (%d; at most %u)", o->argc, IPC_MAX_ARGS);
	return 0;
}

static char *
opt_str(const char *s)
{
	/* The encoder only reads the strings; the message type just is not const. */
	return (char *)(uintptr_t)(s != NULL ? s : "");
}

static int
send_exec(int sock, struct exec_options *o, bool tty)
{
	static char term[IPC_MAX_STR];
	const char *t = getenv("TERM");
	struct ipc_msg m;

	if (tty && t != NULL && snprintf(term, sizeof(term), "TERM=%s", t) < (int)sizeof(term) &&
	    ipc_env_check(term) == 0)
		t = term + 5;
	else
		t = "";
	o->env[o->nenv] = NULL;
	ipc_msg_init(&m, IPC_T_EXEC);
	m.exec.machine = opt_str(o->name);
	m.exec.user = opt_str(o->user);
	m.exec.cwd = opt_str(o->cwd);
	m.exec.term = opt_str(t);
	m.exec.argv.v = o->argv;
	m.exec.argv.n = (size_t)o->argc;
	m.exec.env.v = o->env;
	m.exec.env.n = o->nenv;
	tty_initial_size(&m.exec.rows, &m.exec.cols);
	m.exec.flags = (tty ? IPC_EXEC_F_TTY : 0) | (o->login ? IPC_EXEC_F_LOGIN : 0);
	return ipc_send(sock, &m);
}

/* With a terminal: the new PTY's master, relayed like the console (no detach). */
static int
run_tty(int sock, pid_t helper, int send_err, const char *name)
{
	static char machine[IPC_MAX_STR];
	struct relay_config rc = {.sock = sock,
	    .helper = helper,
	    .escape = true,
	    .escape_key = ESCAPE_DEFAULT_KEY,
	    .exec = true,
	    .machine = machine};
	struct ipc_msg m;
	int k;

	if ((k = cmd_start_await_console(sock, send_err, &m)) != 0)
		return k;
	(void)snprintf(machine, sizeof(machine), "%s", name);
	rc.master = TAKE_FD(m.fd);
	ipc_msg_done(&m);
	if (atexit(tty_restore) != 0)
		return report_fail("atexit failed");
	return relay_run(&rc);
}

static int
run_pipes(int sock, pid_t helper, const char *name)
{
	struct stdio_config sc = {.sock = sock, .helper = helper, .machine = name};
	int k = stdio_make_pipes(sock, sc.fds);

	/* A helper that refused at once has closed its end: its ERROR line says why. */
	if (k == -EPIPE || k == -ECONNRESET) {
		struct ipc_msg m;
		return cmd_start_await_console(sock, k, &m) == 0 ? report_fail("unexpected answer")
		                                                 : EXIT_CNSPAWN;
	}
	if (k < 0)
		return report_fail("passing the pipes to the helper: %s", strerror(-k));
	return stdio_relay_run(&sc);
}

static int
run(struct exec_options *o)
{
	_cleanup_close_ int sock = -1;
	bool tty = o->tty == 1 || (o->tty == -1 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
	pid_t helper = -1;
	int k;

	if ((k = check_exec(o)) != 0)
		return k;
	sock = spawn_helper(CNSPAWN_HELPER_PATH, &helper);
	if (sock < 0)
		return report_fail("starting %s: %s", CNSPAWN_HELPER_PATH, strerror(-sock));
	k = send_exec(sock, o, tty || o->login);
	if (k == -E2BIG)
		return report_fail("request too large (at most %u bytes)", IPC_MAX_MSG);
	if (tty || o->login)
		return run_tty(sock, helper, k, o->name);
	if (k < 0)
		return run_tty(sock, helper, k, o->name); /* says why the helper did not take it */
	return run_pipes(sock, helper, o->name);
}

int
cmd_exec_run(int argc, char **argv)
{
	struct exec_options o = {0};
	int k = parse_exec(argc, argv, &o);

	return k != 0 ? k : run(&o);
}

int
cmd_exec_login(int argc, char **argv)
{
	struct exec_options o = {.login = true, .tty = 1};

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		exec_usage();
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-')
		return report_fail("login needs exactly one machine name");
	o.name = argv[1];
	return run(&o);
}
