/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stopwatch: time a command's first byte of output and its exit, for
 * bench/start.sh (time to console) and bench/scale.sh (start and stop times).
 *
 *   stopwatch [-n RUNS] [-w WARMUP] -- CMD...
 *
 * Each run: take the time, fork, exec CMD with stdout a pipe (stdin and
 * stderr as given), read the pipe until its first byte, then wait for CMD.
 * Prints one line per run (warm-up runs are not printed):
 *   FIRST_MS EXIT_MS STATUS
 * FIRST_MS is from just before fork to the first byte read from the pipe
 * (-1 when CMD printed nothing), EXIT_MS to waitpid's return, STATUS the
 * exit status (128+N for signal N). The rest of the output is read and
 * dropped. The fork and exec of CMD are inside the measured time, as they
 * are for a user's shell; stopwatch's own start is not.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 10000

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what)
{
	perror(what);
	exit(2);
}

static int
count_arg(const char *s)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > MAX_RUNS) {
		fprintf(stderr, "stopwatch: bad count %s (0-%d)\n", s, MAX_RUNS);
		exit(2);
	}
	return (int)v;
}

/* One run: first byte and exit in ms since just before fork; returns the status. */
static int
one_run(char **argv, double *ret_first, double *ret_exit)
{
	static char buf[65536];
	double t0, first = -1;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (dup2(p[1], 1) < 0)
			die("dup2");
		execvp(argv[0], argv);
		die("exec");
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n > 0 && first < 0)
			first = now_ms() - t0;
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		break; /* end of file: every writer is gone */
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	*ret_exit = now_ms() - t0;
	*ret_first = first;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
main(int argc, char **argv)
{
	int runs = 1, warmup = 0, opt;

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		if (opt == 'n')
			runs = count_arg(optarg);
		else if (opt == 'w')
			warmup = count_arg(optarg);
		else
			return 2;
	}
	if (optind >= argc) {
		fputs("usage: stopwatch [-n RUNS] [-w WARMUP] -- CMD...\n", stderr);
		return 2;
	}
	for (int i = 0; i < warmup + runs; i++) {
		double first, exit_ms;
		int st = one_run(argv + optind, &first, &exit_ms);

		if (i >= warmup)
			printf("%.3f %.3f %d\n", first, exit_ms, st);
	}
	return 0;
}
