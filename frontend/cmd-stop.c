/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "cmd-stop.h"
#include "ipc.h"
#include "report.h"
#include "util.h"

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
    {"HUP", SIGHUP},
    {"INT", SIGINT},
    {"QUIT", SIGQUIT},
    {"ILL", SIGILL},
    {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},
    {"BUS", SIGBUS},
    {"FPE", SIGFPE},
    {"KILL", SIGKILL},
    {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},
    {"ALRM", SIGALRM},
    {"TERM", SIGTERM},
    {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},
    {"URG", SIGURG},
    {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},
    {"IO", SIGIO},
    {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

static int
parse_num(const char *s, long long min, long long max, long long *ret)
{
	const char *errstr = NULL;
	long long n = strtonum(s, min, max, &errstr);

	if (errstr != NULL)
		return -EINVAL;
	*ret = n;
	return 0;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N within SIGRTMIN..SIGRTMAX. */
static int
parse_rt(const char *s, uint32_t *ret)
{
	long long n = 0;
	int sig;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		if (s[5] != '\0' && (s[5] != '+' || parse_num(s + 6, 0, 64, &n) < 0))
			return -EINVAL;
		sig = SIGRTMIN + (int)n;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		if (s[5] != '\0' && (s[5] != '-' || parse_num(s + 6, 0, 64, &n) < 0))
			return -EINVAL;
		sig = SIGRTMAX - (int)n;
	} else {
		return -EINVAL;
	}
	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return -EINVAL;
	*ret = (uint32_t)sig;
	return 0;
}

int
cmd_stop_parse_signal(const char *s, uint32_t *ret)
{
	long long n;

	if (parse_num(s, 1, IPC_MAX_SIGNAL, &n) == 0) {
		*ret = (uint32_t)n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ELEMENTSOF(signal_names); i++) {
		if (strcasecmp(s, signal_names[i].name) == 0) {
			*ret = (uint32_t)signal_names[i].sig;
			return 0;
		}
	}
	return parse_rt(s, ret);
}

static void
stop_usage(void)
{
	printf("Usage: cnspawn stop [-t SECONDS] [--kill] NAME\n"
	       "\n"
	       "Stop a running container: its stop signal (--kill-signal at start; default\n"
	       "SIGRTMIN+4), then SIGKILL after SECONDS (default 30). --kill: SIGKILL now.\n"
	       "Exit status: 0 stopped, 1 error, 2 not running.\n");
}

struct stop_args {
	uint32_t timeout;
	bool kill;
	const char *name;
};

static int
parse_stop(int argc, char **argv, struct stop_args *a)
{
	static const struct option opts[] = {{"timeout", required_argument, NULL, 't'},
	    {"kill", no_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	long long n;
	int c;

	a->timeout = STOP_DEFAULT_TIMEOUT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+t:h", opts, NULL)) != -1) {
		if (c == 't' && parse_num(optarg, 0, IPC_MAX_STOP_TIMEOUT, &n) == 0)
			a->timeout = (uint32_t)n;
		else if (c == 't')
			return report_fail_code(STOP_EXIT_ERROR,
			    "invalid timeout '%s' (0..%u seconds)", optarg, IPC_MAX_STOP_TIMEOUT);
		else if (c == 'k')
			a->kill = true;
		else if (c == 'h') {
			stop_usage();
			exit(0);
		} else
			return report_fail_code(STOP_EXIT_ERROR,
			    "stop: unknown option or missing argument (see cnspawn stop --help)");
	}
	if (optind != argc - 1)
		return report_fail_code(STOP_EXIT_ERROR, "stop needs exactly one machine name");
	a->name = argv[optind];
	return 0;
}

/* Wait for init's end: the monitor answers a STOP with IPC_T_EXIT after cleaning up. */
static int
await_exit(int fd, const char *name)
{
	struct ipc_msg m;
	int k = ipc_recv(fd, &m);

	if (k < 0)
		return report_fail_code(STOP_EXIT_ERROR, "%s: %s", name,
		    k == -ECONNRESET ? "the monitor closed the connection" : strerror(-k));
	if (m.type == IPC_T_EXIT) {
		ipc_msg_done(&m);
		return STOP_EXIT_OK;
	}
	if (m.type == IPC_T_ERROR)
		k = report_fail_code(STOP_EXIT_ERROR, "%s: %s", name, m.error.text);
	else
		k = report_fail_code(STOP_EXIT_ERROR, "%s: %s", name,
		    "unexpected message from the monitor");
	ipc_msg_done(&m);
	return k;
}

int
cmd_stop_run(int argc, char **argv)
{
	struct stop_args a = {0};
	_cleanup_close_ int fd = -1;
	struct timeval tv = {0};
	struct ipc_msg m;
	int k;

	if ((k = parse_stop(argc, argv, &a)) != 0)
		return k;
	k = cmd_attach_connect(a.name, &fd);
	if (k == -ENOENT) {
		fprintf(stderr, "cnspawn: no container named %s is running\n", a.name);
		return STOP_EXIT_NOT_RUNNING;
	}
	if (k == -EINVAL)
		return report_fail_code(STOP_EXIT_ERROR, "invalid machine name '%s'", a.name);
	if (k < 0)
		return report_fail_code(STOP_EXIT_ERROR, "connecting to %s: %s", a.name,
		    strerror(-k));
	/* The monitor sends SIGKILL at the timeout; allow it time to clean up after that. */
	tv.tv_sec = (time_t)a.timeout + 15;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ipc_msg_init(&m, IPC_T_STOP);
	m.stop.timeout = a.timeout;
	m.stop.kill = a.kill ? 1 : 0;
	if ((k = cmd_attach_send(fd, &m)) < 0)
		return report_fail_code(STOP_EXIT_ERROR, "%s: %s", a.name, strerror(-k));
	return await_exit(fd, a.name);
}
