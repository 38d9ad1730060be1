/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sanitize.h"
#include "util.h"

/* A closed 0, 1 or 2 would let the next open() land there and be written as "stderr". */
static int
open_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (errno != EBADF)
			return -errno;
		int n = open("/dev/null", O_RDWR | O_NOCTTY);
		if (n < 0)
			return -errno;
		if (n != fd)
			return -EBADF;
	}
	return 0;
}

static int
reset_signals(void)
{
	static const int tty_signals[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP};
	struct sigaction sa = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
	sigset_t all;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* EINVAL for the glibc-reserved real-time signals is expected. */
		(void)sigaction(sig, &sa, NULL);
	}
	if (sigemptyset(&all) < 0 || sigprocmask(SIG_SETMASK, &all, NULL) < 0)
		return -errno;
	/*
	 * Run straight from the user's shell, we sit in the terminal's foreground
	 * process group, and the kernel delivers the terminal's signals there with
	 * no permission check, even once we are all-root: Ctrl-Z would stop us
	 * while we hold the state lock (every other start waits), Ctrl-C or a
	 * hang-up would end us half-way. None of them is ours to obey. The child
	 * resets every disposition before it execs init.
	 */
	for (size_t i = 0; i < ELEMENTSOF(tty_signals); i++)
		if (sigaction(tty_signals[i], &ign, NULL) < 0)
			return -errno;
	return 0;
}

static int
check_ipc_fd(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int type = 0;
	socklen_t tlen = sizeof(type);

	if (getsockopt(SANITIZE_IPC_FD, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0)
		return errno == EBADF ? -EBADF : -ENOTSOCK;
	if (getsockname(SANITIZE_IPC_FD, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family != AF_UNIX || type != SOCK_SEQPACKET)
		return -ENOTSOCK;
	if (fcntl(SANITIZE_IPC_FD, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* Unlimited; without CAP_SYS_RESOURCE (as in some containers), the soft limit up to the hard. */
static int
lift_limit(int resource)
{
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};

	if (setrlimit(resource, &rl) == 0)
		return 0;
	if (getrlimit(resource, &rl) < 0)
		return -errno;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

int
sanitize_detach_stdio(void)
{
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (null < 0)
		return -errno;
	/* dup2 clears close-on-exec on 0-2; the monitor execs nothing anyway. */
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(null, fd) < 0)
			return -errno;
	return 0;
}

int
sanitize_process(void)
{
	struct rlimit no_core = {0, 0};
	int r;

	/* The caller's environment reaches nothing: not libc, not the container. */
	if (clearenv() != 0)
		return -ENOMEM;
	/* Inherited fds other than stdio and the IPC socket must not reach the container. */
	if (close_range(SANITIZE_IPC_FD + 1, ~0U, 0) < 0)
		return -errno;
	r = open_std_fds();
	if (r < 0)
		return r;
	umask(022);
	r = reset_signals();
	if (r < 0)
		return r;
	/* No core file of a root process in the caller's cwd, and no ptrace by the caller. */
	if (setrlimit(RLIMIT_CORE, &no_core) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	/* The caller's file size and CPU limits would let the kernel kill us
	 * (SIGXFSZ, SIGXCPU) at a moment the caller picks, half-way through
	 * writing a state entry, say: lift them. Past a hard file size limit we
	 * cannot lift, a write fails (EFBIG) and the error path cleans up. */
	r = lift_limit(RLIMIT_FSIZE);
	if (r == 0)
		r = lift_limit(RLIMIT_CPU);
	if (r < 0)
		return r;
	/* Inherited by init: with a real-time priority limit of the caller's
	 * (PAM gives @audio 95 on Debian), root of a userns container could take
	 * SCHED_FIFO, which cpu.max does not throttle, and run past its `cpus`
	 * ceiling. Nothing here needs it; lowering a limit always works. */
	if (setrlimit(RLIMIT_RTPRIO, &(struct rlimit){0, 0}) < 0)
		return -errno;
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return check_ipc_fd();
}
