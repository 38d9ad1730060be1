/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cnspawn: the command users type. Parses the command line and hands over
 * to the subcommand; everything privileged happens in cnspawn-helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "cmd-exec.h"
#include "cmd-list.h"
#include "cmd-logs.h"
#include "cmd-start.h"
#include "cmd-status.h"
#include "cmd-stop.h"
#include "escape.h"
#include "opt-mounts.h"
#include "policy.h"
#include "report.h"
#include "units.h"
#include "version.h"

enum {
	OPT_INIT = 0x100,
	OPT_ESCAPE,
	OPT_NO_ESCAPE,
	OPT_VERSION,
	OPT_KILL_SIGNAL,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_NO_REBOOT,
};

static const struct option long_options[] = {
    {"directory", required_argument, NULL, 'p'},
    {"network-bridge", required_argument, NULL, 'b'},
    {"address", required_argument, NULL, 'a'},
    {"gateway", required_argument, NULL, 'r'},
    {"machine", required_argument, NULL, 'M'},
    {"init", required_argument, NULL, OPT_INIT},
    {"quiet", no_argument, NULL, 'q'},
    {"detach", no_argument, NULL, 'd'},
    {"tty", no_argument, NULL, 't'},
    {"kill-signal", required_argument, NULL, OPT_KILL_SIGNAL},
    {"no-reboot", no_argument, NULL, OPT_NO_REBOOT},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"pids", required_argument, NULL, OPT_PIDS},
    {"cpus", required_argument, NULL, OPT_CPUS},
    OPT_MOUNTS_LONG_OPTIONS,
    {"escape", required_argument, NULL, OPT_ESCAPE},
    {"no-escape", no_argument, NULL, OPT_NO_ESCAPE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void
usage(void)
{
	printf(
	    "Usage: cnspawn [start] -p ROOT -b BRIDGE [OPTIONS] [-- INIT-ARGS...]\n"
	    "       cnspawn list [--json] | --roots\n"
	    "       cnspawn attach NAME\n"
	    "       cnspawn logs [-f] [-n LINES] NAME\n"
	    "       cnspawn status [--json] NAME\n"
	    "       cnspawn stop [-t SECONDS] [--kill] NAME\n"
	    "       cnspawn exec [-u USER] [-E VAR=VAL]... [--cwd DIR] [-t|-T] NAME [--] CMD...\n"
	    "       cnspawn login NAME\n"
	    "\n"
	    "Start an OS container whose init is PID 1 and attach to its console.\n"
	    "\n"
	    "  -p, --directory ROOT          the container's root directory\n"
	    "  -b, --network-bridge BRIDGE   host bridge the container's eth0 joins\n"
	    "  -a, --address ADDR[/PREFIX]   container address (default: a free one)\n"
	    "  -r, --gateway GW              default route (default: the policy's)\n"
	    "  -M, --machine NAME            machine and host name (default: ROOT's name)\n"
	    "      --init PATH               init inside ROOT (default: /sbin/init)\n"
	    "  -q, --quiet                   no start line\n"
	    "  -d, --detach                  start detached: print the name and return\n"
	    "  -t, --tty                     the console even when stdin is no terminal\n"
	    "                                (else pipe mode: byte-exact stdin, stdout, stderr)\n"
	    "      --kill-signal=SIG         what `cnspawn stop` sends (default SIGRTMIN+4)\n"
	    "      --no-reboot               init's reboot ends the container (exit 129)\n"
	    "      --memory=SIZE             memory ceiling, e.g. 512M (at most the policy's)\n"
	    "      --pids=N                  task ceiling (at most the policy's)\n"
	    "      --cpus=N                  CPU bandwidth, e.g. 0.5 (at most the policy's)\n" OPT_MOUNTS_USAGE
	    "      --escape=KEY              escape key, ^X notation (default: ^])\n"
	    "      --no-escape               no escape key\n"
	    "  -h, --help                    show this help\n"
	    "      --version                 show the version\n"
	    "\n"
	    "Press the escape key three times within 1s to stop the container,\n"
	    "the escape key then d to detach (cnspawn attach NAME returns to it).\n"
	    "Exit status: init's, 128+N if init died of signal N, 125 if cnspawn failed.\n"
	    "See cnspawn(1).\n");
}

static const char *
long_name(int val)
{
	for (const struct option *o = long_options; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

/* getopt_long's own messages are off (opterr = 0): one line of ours instead. */
static int
option_error(int c, char **argv)
{
	char s[3] = {'-', (char)optopt, '\0'};
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (optopt >= OPT_INIT)
			return report_fail("option --%s needs an argument", long_name(optopt));
		if (strncmp(arg, "--", 2) == 0)
			return report_fail("option %s needs an argument", arg);
		return report_fail("option %s needs an argument", s);
	}
	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		return report_fail("unknown option %s (see cnspawn --help)", s);
	return report_fail("unknown or ambiguous option %s (see cnspawn --help)", arg);
}

static int
parse_escape(struct start_options *o, const char *arg)
{
	if (escape_parse_key(arg, &o->escape_key) < 0)
		return report_fail("invalid --escape key '%s' (use ^X notation, e.g. ^] or ^A; "
		                   "not ^J or ^M)",
		    arg);
	o->escape = true;
	return 0;
}

/* --memory, --pids, --cpus: the grammar of the policy's options (common/units.h). */
static int
parse_ceiling(struct start_options *o, int c, const char *arg)
{
	const char *errstr = NULL;
	long long v;

	if (c == OPT_MEMORY && units_parse_size(arg, &o->memory) < 0)
		return report_fail("invalid --memory '%s' (a size such as 512M or 2G, 1M to 1024T)",
		    arg);
	if (c == OPT_CPUS && units_parse_cpus(arg, &o->cpus_milli) < 0)
		return report_fail("invalid --cpus '%s' (a number such as 0.5 or 2, 0.01 to 1024)",
		    arg);
	if (c == OPT_PIDS) {
		/* Digits only, as the policy writes it (strtonum alone takes " +7"). */
		v = strtonum(arg, 1, POLICY_MAX_PIDS, &errstr);
		if (strspn(arg, "0123456789") != strlen(arg) || arg[0] == '0' || errstr != NULL)
			return report_fail("invalid --pids '%s' (a number of tasks, 1 to %u)", arg,
			    POLICY_MAX_PIDS);
		o->pids = (uint32_t)v;
	}
	return 0;
}

static int
parse_one(struct start_options *o, int c, char **argv)
{
	int k;

	switch (c) {
	case OPT_MEMORY:
	case OPT_PIDS:
	case OPT_CPUS:
		return parse_ceiling(o, c, optarg);
	case 'p':
		o->directory = optarg;
		return 0;
	case 'b':
		o->bridge = optarg;
		return 0;
	case 'a':
		o->address = optarg;
		return 0;
	case 'r':
		o->gateway = optarg;
		return 0;
	case 'M':
		o->machine = optarg;
		return 0;
	case OPT_INIT:
		o->init = optarg;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'd':
		o->detach = true;
		return 0;
	case 't':
		o->tty = true;
		return 0;
	case OPT_KILL_SIGNAL:
		if (cmd_stop_parse_signal(optarg, &o->kill_signal) < 0)
			return report_fail("invalid --kill-signal '%s' (a name such as SIGUSR2 or "
			                   "SIGRTMIN+4, or a number 1..64)",
			    optarg);
		return 0;
	case OPT_NO_REBOOT:
		o->no_reboot = true;
		return 0;
	case OPT_ESCAPE:
		return parse_escape(o, optarg);
	case OPT_NO_ESCAPE:
		o->escape = false;
		return 0;
	case 'h':
		usage();
		exit(0);
	case OPT_VERSION:
		printf("cnspawn %s\n%s", CNSPAWN_VERSION, VERSION_NOTICE);
		exit(0);
	default:
		k = opt_mounts_parse(o, c, optarg);
		return k != 1 ? k : option_error(c, argv);
	}
}

static int
parse_start(int argc, char **argv, struct start_options *o)
{
	int c, k;

	o->escape = true;
	o->escape_key = ESCAPE_DEFAULT_KEY;
	opterr = 0;
	/* "+": stop at the first non-option, so that nothing after "--" is taken as ours. */
	while ((c = getopt_long(argc, argv, "+:p:b:a:r:M:qdxth", long_options, NULL)) != -1)
		if ((k = parse_one(o, c, argv)) != 0)
			return k;
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		return report_fail("unexpected argument '%s' (init arguments go after --)",
		    argv[optind]);
	o->init_argv = argv + optind;
	o->init_argc = argc - optind;
	return 0;
}

/* Make sure fds 0-2 are open, so that no socket or console fd of ours lands there. */
static void
open_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			exit(EXIT_CNSPAWN);
	}
}

int
main(int argc, char **argv)
{
	struct start_options o = {0};
	int k;

	open_std_fds();
	if (argc > 1 && strcmp(argv[1], "list") == 0)
		return cmd_list_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "attach") == 0)
		return cmd_attach_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "logs") == 0)
		return cmd_logs_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "stop") == 0)
		return cmd_stop_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "status") == 0)
		return cmd_status_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return cmd_exec_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "login") == 0)
		return cmd_exec_login(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "start") == 0) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if ((k = parse_start(argc, argv, &o)) != 0)
		return k;
	return cmd_start_run(&o);
}
