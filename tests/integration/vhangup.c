/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vhangup SECONDS PROG [ARG...]: what a getty does to /dev/console, for
 * 75-console.sh. Take the console (fd 0) as controlling terminal, hang it
 * up with vhangup(2), wait SECONDS with the console closed, reopen
 * /dev/console as fds 0-2 and exec PROG. Creates /tmp/hungup after the
 * hangup. Built static at test time, since
 * busybox has no vhangup applet and its getty needs a login.
 */
#include <sys/ioctl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int fd;

	if (argc < 3) {
		fputs("usage: vhangup SECONDS PROG [ARG...]\n", stderr);
		return 2;
	}
	/* vhangup() sends SIGHUP to the terminal's session: that includes us. */
	(void)signal(SIGHUP, SIG_IGN);
	(void)setsid(); /* fails with EPERM when already a session leader: fine */
	if (ioctl(0, TIOCSCTTY, 1) < 0) {
		perror("vhangup: TIOCSCTTY");
		return 3;
	}
	if (vhangup() < 0) {
		perror("vhangup: vhangup");
		return 4;
	}
	for (fd = 0; fd <= 2; fd++)
		(void)close(fd);
	/* Tell the test the hangup happened (the console is unusable until reopened). */
	fd = open("/tmp/hungup", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		(void)close(fd);
	(void)sleep((unsigned)strtoul(argv[1], NULL, 10));
	/* The first open of a terminal by a session leader without one makes it the controlling one. */
	fd = open("/dev/console", O_RDWR);
	if (fd != 0 || dup2(0, 1) != 1 || dup2(0, 2) != 2)
		return 5;
	(void)signal(SIGHUP, SIG_DFL);
	execv(argv[2], argv + 2);
	perror("vhangup: exec");
	return 6;
}
