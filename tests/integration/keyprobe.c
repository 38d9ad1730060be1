/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keyprobe: the session-keyring attack of issue 10 (F2), for 63-escape.sh.
 * Built static; one binary for both sides.
 *
 *   keyprobe host DESC VALUE -- CMD...   (the user, on the host)
 *       joins a fresh session keyring, adds the user key DESC=VALUE to it,
 *       runs CMD, then says whether a key "planted" appeared in it:
 *       "host: planted key found" or "host: no planted key". Exits with
 *       CMD's status.
 *   keyprobe probe DESC                  (inside the container)
 *       looks for user key DESC in its session keyring and prints
 *       "probe: found DESC=VALUE" or "probe: no DESC", then adds a user
 *       key "planted" to its session keyring ("probe: planted").
 */
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long
keyctl4(int op, long a, long b, long c, long d)
{
	return syscall(SYS_keyctl, op, a, b, c, d);
}

static long
search_session(const char *desc)
{
	return keyctl4(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)desc, 0);
}

static long
add_user_key(const char *desc, const char *value)
{
	return syscall(SYS_add_key, "user", desc, value, strlen(value), KEY_SPEC_SESSION_KEYRING);
}

static int
probe(const char *desc)
{
	char buf[256];
	long id = search_session(desc), n;

	if (id < 0) {
		printf("probe: no %s (%s)\n", desc, strerror(errno));
	} else {
		n = keyctl4(KEYCTL_READ, id, (long)buf, sizeof(buf) - 1, 0);
		buf[n > 0 && n < (long)sizeof(buf) ? n : 0] = '\0';
		printf("probe: found %s=%s\n", desc, buf);
	}
	if (add_user_key("planted", "from-the-container") < 0)
		printf("probe: cannot plant (%s)\n", strerror(errno));
	else
		printf("probe: planted\n");
	return 0;
}

static int
host(const char *desc, const char *value, char **cmd)
{
	int status = 0;
	pid_t pid;

	if (keyctl4(KEYCTL_JOIN_SESSION_KEYRING, (long)"keyprobe", 0, 0, 0) < 0 ||
	    add_user_key(desc, value) < 0) {
		perror("keyprobe: session keyring");
		return 2;
	}
	(void)fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(cmd[0], cmd);
		perror("keyprobe: exec");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 2;
	printf("host: %s\n",
	    search_session("planted") >= 0 ? "planted key found" : "no planted key");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "probe") == 0)
		return probe(argv[2]);
	if (argc >= 6 && strcmp(argv[1], "host") == 0 && strcmp(argv[4], "--") == 0)
		return host(argv[2], argv[3], argv + 5);
	fprintf(stderr, "usage: keyprobe host DESC VALUE -- CMD... | keyprobe probe DESC\n");
	return 2;
}
