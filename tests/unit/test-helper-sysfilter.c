/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper/sysfilter.c: the filter builds and loads (libseccomp refuses some
 * rules only when it generates the program, e.g. EFAULT for an exact i386
 * socket rule), and a denied call then fails with EPERM while an allowed one
 * works. Loading without no_new_privs needs CAP_SYS_ADMIN: run as root (make
 * check is); skipped otherwise. Each case runs in a child: a filter is for
 * good.
 */
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "sysfilter.h"

static void
test_sysfilter_loads_and_denies(void **state)
{
	pid_t pid;
	int status = 0;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r = sysfilter_apply(false);
		if (r < 0)
			_exit(10);
		/* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) */
		if (syscall(SYS_keyctl, 0, -3, 0) != -1 || errno != EPERM)
			_exit(11);
		if (syscall(SYS_getpid) != getpid())
			_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sysfilter_loads_and_denies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
