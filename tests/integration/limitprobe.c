/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a container does to reach its ceilings (67-limits.sh), built static
 * into the test root:
 *   limitprobe fork SECONDS   fork children that sleep until fork fails; print
 *                             "forked=N errno=NAME"; keep them SECONDS, then exit 0
 *   limitprobe mem MIB        allocate and touch MIB MiB, printing "mib=K" after
 *                             each; exit 0 if all of it was had
 *   limitprobe spin MS        busy-loop MS ms of wall time; print "cpu_permille=P",
 *                             the CPU time it got per 1000 of wall time
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long long
ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int
do_fork(int seconds)
{
	int n = 0, err = 0;

	for (;;) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
		if (++n >= 100000)
			break;
	}
	printf("forked=%d errno=%s\n", n, err == EAGAIN ? "EAGAIN" : strerror(err));
	fflush(stdout);
	sleep((unsigned)seconds);
	/* Our children are every other process of this pid namespace but init. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	return 0;
}

static int
do_mem(int mib)
{
	for (int i = 1; i <= mib; i++) {
		char *p =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("mmap failed at mib=%d: %s\n", i, strerror(errno));
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		printf("mib=%d\n", i);
		fflush(stdout);
	}
	return 0;
}

static int
do_spin(int ms)
{
	long long w0 = ns(CLOCK_MONOTONIC), c0 = ns(CLOCK_PROCESS_CPUTIME_ID), w, c;

	do
		w = ns(CLOCK_MONOTONIC);
	while (w - w0 < (long long)ms * 1000000LL);
	c = ns(CLOCK_PROCESS_CPUTIME_ID);
	printf("cpu_permille=%lld\n", (c - c0) * 1000 / (w - w0));
	return 0;
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "fork") == 0)
		return do_fork(n);
	if (argc > 2 && strcmp(argv[1], "mem") == 0)
		return do_mem(n);
	if (argc > 2 && strcmp(argv[1], "spin") == 0)
		return do_spin(n);
	fprintf(stderr, "usage: limitprobe fork SECONDS | mem MIB | spin MS\n");
	return 2;
}
