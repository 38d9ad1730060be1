/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "execcmd.h"
#include "sysfilter.h"
#include "util.h"

#define EXECCMD_NOT_FOUND 127
#define EXECCMD_NOT_EXECUTABLE 126
#define EXECCMD_SETUP_FAILED 125

static _Noreturn __attribute__((format(printf, 2, 3))) void
setup_fail(const struct execcmd *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(c->sync_fd, buf,
		    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	_exit(EXECCMD_SETUP_FAILED);
}

/* A new session whose stdio (and, with a PTY, controlling terminal) is ours. */
static void
take_stdio(const struct execcmd *c)
{
	if (setsid() < 0)
		setup_fail(c, "setsid: %s", strerror(errno));
	if (c->tty && ioctl(c->stdio[0], TIOCSCTTY, 0) < 0)
		setup_fail(c, "making the PTY the controlling terminal: %s", strerror(errno));
	/* The slave belongs to the user, as login(1) would make it. */
	if (c->tty && c->user->uid != 0 && fchown(c->stdio[0], c->user->uid, (gid_t)-1) < 0)
		setup_fail(c, "giving the PTY to %s: %s", c->user->name, strerror(errno));
	/* Replaces the helper's own 0-2 (the caller's terminal or files): never a host fd. */
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(c->stdio[fd], fd) < 0)
			setup_fail(c, "dup2: %s", strerror(errno));
}

/*
 * The filter with CAP_SYS_ADMIN still held (sysfilter.h: no no_new_privs,
 * so setuid programs inside keep working), then the user's ids: groups,
 * gid, uid, which drops every capability for a user other than root.
 */
static void
take_ids(const struct execcmd *c)
{
	const struct passwd_user *u = c->user;
	int r = sysfilter_apply(c->host_userfaultfd);

	if (r < 0)
		setup_fail(c, "loading the syscall filter: %s", strerror(-r));
	if (setgroups(u->ngroups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0)
		setup_fail(c, "changing to user %s: %s", u->name, strerror(errno));
	/* The id change reset it: not dumpable until the exec below. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		setup_fail(c, "PR_SET_DUMPABLE: %s", strerror(errno));
	if (c->cwd != NULL && chdir(c->cwd) < 0)
		setup_fail(c, "cannot change to directory %s: %s", c->cwd, strerror(errno));
	/* The home, as su does; a home that is not there (or not ours) is "/". */
	if (c->cwd == NULL && chdir(u->home) < 0 && chdir("/") < 0)
		setup_fail(c, "cannot change to directory /: %s", strerror(errno));
}

static const char *
env_path(char *const *envp)
{
	for (size_t i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* execvpe with the given environment's PATH (glibc's would read ours); returns errno. */
static int
exec_search(char *const *argv, char *const *envp)
{
	const char *cmd = argv[0], *p = env_path(envp);
	bool denied = false;
	char full[PATH_MAX];

	if (strchr(cmd, '/') != NULL) {
		execve(cmd, argv, envp);
		return errno;
	}
	for (;;) {
		size_t n = strcspn(p, ":");
		int k = snprintf(full, sizeof(full), "%.*s%s%s", (int)n, n > 0 ? p : ".", "/", cmd);

		if (k > 0 && (size_t)k < sizeof(full)) {
			execve(full, argv, envp);
			if (errno == EACCES)
				denied = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return errno;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return denied ? EACCES : ENOENT;
}

static _Noreturn void
run(const struct execcmd *c)
{
	int err;

	child_reset_signals();
	take_stdio(c);
	take_ids(c);
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		setup_fail(c, "close_range: %s", strerror(errno));
	err = exec_search(c->argv, c->envp);
	/* CMD's own stderr: one line, as a shell says it; the status tells which. */
	(void)dprintf(2, "cnspawn: %s: %s\n", c->argv[0],
	    err == ENOENT ? "command not found" : strerror(err));
	_exit(err == ENOENT ? EXECCMD_NOT_FOUND : EXECCMD_NOT_EXECUTABLE);
}

int
execcmd_spawn(const struct execcmd *c, pid_t *ret_pid)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		run(c);
	*ret_pid = pid;
	return 0;
}
