/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ptyrun: a terminal that reads as fast as it can, for bench/run.sh.
 *
 *   ptyrun -- CMD...       run CMD on a new raw 80x24 pty (its controlling
 *                          terminal), read the master until every slave is
 *                          closed; print "BYTES SECONDS".
 *   ptyrun -l N -- CMD...  latency: after 1 s, N times write 'X' to the master
 *                          and time until an 'X' comes back (CMD echoes its
 *                          input behind a flood of other output); print
 *                          "median_ms max_ms", then hang up (close the master).
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)
#define MAX_SAMPLES 1000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(2);
}

/* A child on the slave side of a new pty; returns the master. */
static int
spawn_on_pty(char **argv, pid_t *ret_pid)
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios t;
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;
	pid_t pid;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("posix_openpt");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &t) < 0)
		die("open slave");
	cfmakeraw(&t); /* like a terminal emulator's line after the program set raw mode */
	if (tcsetattr(slave, TCSANOW, &t) < 0 || ioctl(slave, TIOCSWINSZ, &ws) < 0)
		die("tcsetattr");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			die("setsid");
		if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
			die("dup2");
		if (slave > 2)
			close(slave);
		execvp(argv[0], argv);
		die("exec");
	}
	close(slave);
	*ret_pid = pid;
	return master;
}

/* Read until EIO (no slave left); returns the byte count. */
static unsigned long long
drain(int master)
{
	static char buf[BUF_SIZE];
	unsigned long long total = 0;

	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));

		if (n > 0)
			total += (unsigned long long)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			return total;
	}
}

/* One keystroke: write 'X', read (discarding the flood) until an 'X' shows. */
static double
one_echo(int master)
{
	static char buf[BUF_SIZE];
	double t0 = now_s();

	if (write(master, "X", 1) != 1)
		die("write");
	for (;;) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 5000) <= 0)
			return -1;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (memchr(buf, 'X', (size_t)n) != NULL)
			return (now_s() - t0) * 1000.0;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
latency(int master, int count)
{
	static double ms[MAX_SAMPLES];
	static char buf[BUF_SIZE];
	double until = now_s() + 1.0;
	int n = 0;

	while (now_s() < until) /* let the flood fill every buffer on the way */
		if (read(master, buf, sizeof(buf)) <= 0)
			break;
	for (int i = 0; i < count && i < MAX_SAMPLES; i++) {
		double v = one_echo(master);

		if (v < 0)
			break;
		ms[n++] = v;
	}
	if (n == 0) {
		puts("no echo");
		return;
	}
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
	printf("%.2f %.2f\n", ms[n / 2], ms[n - 1]);
}

int
main(int argc, char **argv)
{
	int count = 0, opt, master, status;
	double t0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+l:")) != -1) {
		if (opt != 'l')
			return 2;
		count = (int)strtol(optarg, NULL, 10);
	}
	if (optind >= argc) {
		fputs("usage: ptyrun [-l N] -- CMD...\n", stderr);
		return 2;
	}
	t0 = now_s();
	master = spawn_on_pty(argv + optind, &pid);
	if (count > 0) {
		latency(master, count);
		close(master); /* hangup: the command gets SIGHUP */
		waitpid(pid, &status, 0);
		return 0;
	}
	{
		unsigned long long bytes = drain(master);

		waitpid(pid, &status, 0);
		printf("%llu %.3f\n", bytes, now_s() - t0);
	}
	return 0;
}
