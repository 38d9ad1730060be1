/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

/*
 * policy_load checks every parent up to "/", so the scratch directory must
 * sit under root-owned, non-writable directories: /var/lib, not the
 * world-writable /var/tmp or /tmp.
 */
static char dir[] = "/var/lib/cnspawn-unit-XXXXXX";

static void
path_in(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static void
write_file(const char *name, const char *text, size_t len, mode_t mode)
{
	char p[256];
	int fd;

	path_in(p, sizeof(p), name);
	(void)unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("not root: skipping load tests\n");
		return -1;
	}
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[256];
	static const char *const names[] = {"ok", "gw", "link", "notroot", "big", "max", "bad",
	    "sub/p", "sub", "lsub"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_in(cmd, sizeof(cmd), names[i]);
		(void)unlink(cmd);
		(void)rmdir(cmd);
	}
	(void)rmdir(dir);
	return 0;
}

static int
load(const char *name, struct policy_error *e)
{
	char p[256];
	struct policy *pol = NULL;
	int r;

	path_in(p, sizeof(p), name);
	r = policy_load(p, &pol, e);
	assert_true(r < 0 ? pol == NULL : pol != NULL);
	policy_free(pol);
	return r;
}

#define GOOD "permit alice root /m/a userns 100000 65536\n"

static void
test_policy_load_ok(void **state)
{
	struct policy_error e;

	(void)state;
	write_file("ok", GOOD, strlen(GOOD), 0644);
	assert_int_equal(load("ok", &e), 0);
	write_file("bad", "permit\n", 7, 0644);
	assert_int_equal(load("bad", &e), -EINVAL);
	assert_int_equal(e.line, 1);
}

static void
test_policy_load_refuses_modes(void **state)
{
	struct policy_error e;
	char p[256], target[256];

	(void)state;
	write_file("gw", GOOD, strlen(GOOD), 0664);
	assert_int_equal(load("gw", &e), -EPERM);
	assert_non_null(strstr(e.msg, "writable by group or other"));
	write_file("notroot", GOOD, strlen(GOOD), 0644);
	path_in(p, sizeof(p), "notroot");
	assert_int_equal(chown(p, 1234, 0), 0);
	assert_int_equal(load("notroot", &e), -EPERM);
	assert_non_null(strstr(e.msg, "not owned by root"));
	/* a symlink to a good file */
	write_file("ok", GOOD, strlen(GOOD), 0644);
	path_in(p, sizeof(p), "link");
	path_in(target, sizeof(target), "ok");
	(void)unlink(p);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(load("link", &e), -EPERM);
	assert_non_null(strstr(e.msg, "symbolic link"));
	/* a directory is not a policy */
	path_in(p, sizeof(p), "sub");
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(load("sub", &e), -EPERM);
}

static void
test_policy_load_refuses_parents(void **state)
{
	struct policy_error e;
	char p[256], sub[256];

	(void)state;
	path_in(sub, sizeof(sub), "sub");
	(void)mkdir(sub, 0755);
	write_file("sub/p", GOOD, strlen(GOOD), 0644);
	assert_int_equal(load("sub/p", &e), 0);
	assert_int_equal(chmod(sub, 0775), 0);
	assert_int_equal(load("sub/p", &e), -EPERM);
	assert_non_null(strstr(e.msg, "/sub: writable by group or other"));
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chown(sub, 1234, 0), 0);
	assert_int_equal(load("sub/p", &e), -EPERM);
	assert_int_equal(chown(sub, 0, 0), 0);
	/* a symlinked parent directory */
	path_in(p, sizeof(p), "lsub");
	(void)unlink(p);
	assert_int_equal(symlink(sub, p), 0);
	assert_int_equal(load("lsub/p", &e), -EPERM);
	assert_int_equal(load("nonexistent", &e), -ENOENT);
	assert_int_equal(policy_load("relative/policy", &(struct policy *){NULL}, &e), -EINVAL);
}

static void
test_policy_load_size_cap(void **state)
{
	char *s = malloc(POLICY_MAX_FILE + 1);
	struct policy_error e;

	(void)state;
	assert_non_null(s);
	memset(s, '\n', POLICY_MAX_FILE + 1);
	write_file("max", s, POLICY_MAX_FILE, 0644);
	assert_int_equal(load("max", &e), 0);
	write_file("big", s, POLICY_MAX_FILE + 1, 0644);
	assert_int_equal(load("big", &e), -E2BIG);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_load_ok),
	    cmocka_unit_test(test_policy_load_refuses_modes),
	    cmocka_unit_test(test_policy_load_refuses_parents),
	    cmocka_unit_test(test_policy_load_size_cap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
