/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "tool-check.h"
#include "tool-edit.h"
#include "tool-open.h"
#include "util.h"

/*
 * The policy's directory, opened once and flock'ed: the lock is on the
 * directory itself (as helper/state.c does for the state directory), so
 * there is no lock file to leave behind, and no unlink of one that a second
 * edit might be waiting on. Every file operation is relative to dir_fd, so
 * what is locked is where the policy is read, replaced and cleaned up.
 */
struct edit_ctx {
	const char *policy; /* as given, for messages */
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
	int dir_fd;
};

static void
split_path(const char *policy, struct edit_ctx *ec)
{
	char c1[PATH_MAX], c2[PATH_MAX];

	if (policy[0] == '\0')
		errx(1, "empty policy path");
	if (strlcpy(c1, policy, sizeof(c1)) >= sizeof(c1) ||
	    strlcpy(c2, policy, sizeof(c2)) >= sizeof(c2) ||
	    strlcpy(ec->dir, dirname(c1), sizeof(ec->dir)) >= sizeof(ec->dir) ||
	    strlcpy(ec->base, basename(c2), sizeof(ec->base)) >= sizeof(ec->base))
		errx(1, "%s: path too long", policy);
	if (strcmp(ec->base, "/") == 0 || strcmp(ec->base, ".") == 0 ||
	    strcmp(ec->base, "..") == 0 || policy[strlen(policy) - 1] == '/')
		errx(1, "%s: not a file name", policy);
	ec->policy = policy;
}

static void
lock_dir(struct edit_ctx *ec)
{
	char msg[128];

	ec->dir_fd = tool_open_dir(ec->dir, msg, sizeof(msg));
	if (ec->dir_fd < 0)
		errx(1, "%s: %s", ec->dir, msg);
	/* Released by the kernel when we exit, however we exit. */
	while (flock(ec->dir_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			errx(1, "%s is being edited by someone else", ec->policy);
		if (errno != EINTR)
			err(1, "%s: flock", ec->dir);
	}
}

/* Read NAME in the policy's directory (bounded; only a regular file, never a symlink). */
static char *
read_at(const struct edit_ctx *ec, const char *name, const char *shown, size_t *ret_len,
    bool missing_ok)
{
	_cleanup_close_ int fd = -1;
	char *text = NULL, msg[128];
	struct stat st;
	int r;

	r = tool_open_regular(ec->dir_fd, name, false, &fd, &st, msg, sizeof(msg));
	if (r == -ENOENT && missing_ok) {
		*ret_len = 0;
		text = strdup("");
		if (text == NULL)
			err(1, "out of memory");
		return text;
	}
	if (r < 0)
		errx(1, "%s: %s", shown, msg);
	r = policy_read_fd(fd, &text, ret_len);
	if (r < 0)
		errc(1, -r, "%s", shown);
	return text;
}

/* mkstemp(3) relative to dir_fd: BASE.edit-XXXXXXXX, created 0600, never through a symlink. */
static int
create_temp(const struct edit_ctx *ec, char *name, size_t size)
{
	for (int i = 0; i < 100; i++) {
		int n = snprintf(name, size, "%s.edit-%08x", ec->base, arc4random());
		int fd;

		if (n < 0 || (size_t)n >= size)
			errx(1, "%s: path too long", ec->policy);
		fd = openat(ec->dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			break;
	}
	err(1, "creating a temporary file in %s", ec->dir);
}

/* Write text into a new temp file next to the policy; returns its fd, its name in name. */
static int
write_temp(const struct edit_ctx *ec, char *name, size_t size, const char *text, size_t len)
{
	int fd = create_temp(ec, name, size);
	int r = util_write_full(fd, text, len);

	if (r < 0) {
		(void)unlinkat(ec->dir_fd, name, 0);
		errc(1, -r, "%s/%s", ec->dir, name);
	}
	return fd;
}

/*
 * The tool is not setuid: the admin's own editor runs as the admin (root).
 * Like git and crontab, the command goes through sh, so EDITOR="emacs -nw"
 * works; the file is passed as "$1", never pasted into the command.
 */
static int
run_editor(const char *file)
{
	const char *ed = getenv("VISUAL");
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	char cmd[PATH_MAX + 16];
	pid_t pid;
	int n, status;

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	n = snprintf(cmd, sizeof(cmd), "exec %s \"$1\"", ed);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		errx(1, "editor command too long");
	/* Ctrl-C meant for the editor must not kill us and leave it and the temp file behind. */
	if (sigaction(SIGINT, &ign, &old_int) < 0 || sigaction(SIGQUIT, &ign, &old_quit) < 0)
		err(1, "sigaction");
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		(void)sigaction(SIGINT, &old_int, NULL);
		(void)sigaction(SIGQUIT, &old_quit, NULL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", file, (char *)NULL);
		warn("/bin/sh");
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waitpid");
	if (sigaction(SIGINT, &old_int, NULL) < 0 || sigaction(SIGQUIT, &old_quit, NULL) < 0)
		err(1, "sigaction");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool
ask_again(void)
{
	char buf[16];

	if (!isatty(STDIN_FILENO))
		return false;
	printf("Edit again? [y/N] ");
	(void)fflush(stdout);
	if (fgets(buf, sizeof(buf), stdin) == NULL)
		return false;
	return buf[0] == 'y' || buf[0] == 'Y';
}

/*
 * Install exactly the checked bytes: a fresh temp file (the editor's file
 * might change after the check), root:root 0644, synced, renamed over the
 * policy, then the directory synced so the rename survives a crash.
 */
static void
install(const struct edit_ctx *ec, const char *text, size_t len)
{
	char tmp[NAME_MAX + 1];
	_cleanup_close_ int fd = write_temp(ec, tmp, sizeof(tmp), text, len);

	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		warn("%s/%s", ec->dir, tmp);
		(void)unlinkat(ec->dir_fd, tmp, 0);
		exit(1);
	}
	if (renameat(ec->dir_fd, tmp, ec->dir_fd, ec->base) < 0) {
		warn("installing %s", ec->policy);
		(void)unlinkat(ec->dir_fd, tmp, 0);
		exit(1);
	}
	if (fsync(ec->dir_fd) < 0)
		warn("%s: fsync", ec->dir);
}

/* Run the editor on tmp until it checks clean or the admin gives up; the exit status. */
static int
edit_until_clean(const struct edit_ctx *ec, const char *tmp, const char *old, size_t old_len)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", ec->dir, tmp);

	if (n < 0 || (size_t)n >= sizeof(path))
		errx(1, "%s: path too long", ec->policy);
	for (;;) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		int st = run_editor(path);

		if (st != 0) {
			warnx("editor exited with status %d; %s left unchanged", st, ec->policy);
			return 1;
		}
		text = read_at(ec, tmp, path, &len, false);
		if (tool_check_text(ec->policy, text, len, NULL) == 0) {
			if (len == old_len && memcmp(text, old, len) == 0)
				printf("%s: no changes\n", ec->policy);
			else
				install(ec, text, len);
			return 0;
		}
		if (!ask_again()) {
			warnx("the edited file has errors and is discarded; %s left unchanged",
			    ec->policy);
			return 1;
		}
	}
}

static int
edit_loop(const struct edit_ctx *ec)
{
	size_t old_len;
	_cleanup_free_ char *old = read_at(ec, ec->base, ec->policy, &old_len, true);
	char tmp[NAME_MAX + 1];
	int st;

	(void)close(write_temp(ec, tmp, sizeof(tmp), old, old_len));
	st = edit_until_clean(ec, tmp, old, old_len);
	(void)unlinkat(ec->dir_fd, tmp, 0);
	return st;
}

int
tool_edit_main(int argc, char **argv)
{
	struct edit_ctx ec = {.dir_fd = -1};
	int st;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: cnspawn-policy edit [FILE]\n");
		return 2;
	}
	if (geteuid() != 0)
		errx(1, "edit must be run as root");
	umask(077);
	split_path(argc == 2 ? argv[1] : CNSPAWN_POLICY_PATH, &ec);
	lock_dir(&ec);
	st = edit_loop(&ec);
	(void)close(ec.dir_fd);
	return st;
}
