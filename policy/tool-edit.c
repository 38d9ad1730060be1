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
#include "util.h"

/* Paths next to the policy: its directory, lock file and temp templates. */
struct edit_paths {
	char dir[PATH_MAX], lock[PATH_MAX], tmpl[PATH_MAX];
};

static void
make_paths(const char *policy, struct edit_paths *ep)
{
	char copy[PATH_MAX];
	int n;

	if (strlcpy(copy, policy, sizeof(copy)) >= sizeof(copy) ||
	    strlcpy(ep->dir, dirname(copy), sizeof(ep->dir)) >= sizeof(ep->dir))
		errx(1, "%s: path too long", policy);
	n = snprintf(ep->lock, sizeof(ep->lock), "%s.lock", policy);
	if (n < 0 || (size_t)n >= sizeof(ep->lock))
		errx(1, "%s: path too long", policy);
	n = snprintf(ep->tmpl, sizeof(ep->tmpl), "%s.edit-XXXXXX", policy);
	if (n < 0 || (size_t)n >= sizeof(ep->tmpl))
		errx(1, "%s: path too long", policy);
}

/* Read a file's bytes (bounded); a missing policy reads as empty. */
static char *
read_path(const char *path, size_t *ret_len, bool missing_ok)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	char *text = NULL;
	int r;

	if (fd < 0 && errno == ENOENT && missing_ok) {
		*ret_len = 0;
		text = strdup("");
		if (text == NULL)
			err(1, "out of memory");
		return text;
	}
	if (fd < 0)
		err(1, "%s", path);
	r = policy_read_fd(fd, &text, ret_len);
	if (r < 0)
		errc(1, -r, "%s", path);
	return text;
}

/* Write text into a new mkstemp file next to the policy; returns its fd, name in tmpl. */
static int
write_temp(char *tmpl, const char *text, size_t len)
{
	int fd = mkstemp(tmpl);
	int r;

	if (fd < 0)
		err(1, "creating a temporary file in the policy's directory");
	if (fchmod(fd, 0600) < 0)
		err(1, "%s", tmpl);
	r = util_write_full(fd, text, len);
	if (r < 0) {
		(void)unlink(tmpl);
		errc(1, -r, "%s", tmpl);
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
install(const struct edit_paths *ep, const char *policy, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1, dfd = -1;

	if (strlcpy(tmp, ep->tmpl, sizeof(tmp)) >= sizeof(tmp))
		errx(1, "path too long");
	fd = write_temp(tmp, text, len);
	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		warn("%s", tmp);
		(void)unlink(tmp);
		exit(1);
	}
	if (rename(tmp, policy) < 0) {
		warn("installing %s", policy);
		(void)unlink(tmp);
		exit(1);
	}
	dfd = open(ep->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		warn("%s: fsync", ep->dir);
}

/* Edit until the file checks clean or the admin gives up; returns the exit status. */
static int
edit_loop(const struct edit_paths *ep, const char *policy)
{
	size_t old_len, len;
	_cleanup_free_ char *old = read_path(policy, &old_len, true);
	char tmp[PATH_MAX];
	int fd, st;

	if (strlcpy(tmp, ep->tmpl, sizeof(tmp)) >= sizeof(tmp))
		errx(1, "path too long");
	fd = write_temp(tmp, old, old_len);
	(void)close(fd);
	for (;;) {
		_cleanup_free_ char *text = NULL;

		st = run_editor(tmp);
		if (st != 0) {
			warnx("editor exited with status %d; %s left unchanged", st, policy);
			break;
		}
		text = read_path(tmp, &len, false);
		if (tool_check_text(policy, text, len, NULL) == 0) {
			if (len == old_len && memcmp(text, old, len) == 0)
				printf("%s: no changes\n", policy);
			else
				install(ep, policy, text, len);
			(void)unlink(tmp);
			return 0;
		}
		if (!ask_again()) {
			warnx("the edited file has errors and is discarded; %s left unchanged",
			    policy);
			break;
		}
	}
	(void)unlink(tmp);
	return 1;
}

int
tool_edit_main(int argc, char **argv)
{
	const char *policy = CNSPAWN_POLICY_PATH;
	struct edit_paths ep;
	_cleanup_close_ int lfd = -1;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: cnspawn-policy edit [FILE]\n");
		return 2;
	}
	if (argc == 2)
		policy = argv[1];
	if (geteuid() != 0)
		errx(1, "edit must be run as root");
	umask(077);
	make_paths(policy, &ep);
	lfd = open(ep.lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		err(1, "%s", ep.lock);
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0)
		errx(1, "%s is being edited by someone else (lock %s)", policy, ep.lock);
	return edit_loop(&ep, policy);
}
