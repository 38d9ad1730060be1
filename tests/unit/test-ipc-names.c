/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ipc/names: the machine-name, control-socket and environment rules both programs apply. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "names.h"

/* A string of n copies of c (n < size). */
static char *
fill(char *buf, size_t size, char c, size_t n)
{
	assert_true(n < size);
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

struct name_case {
	const char *name;
	int want;
};

static void
test_ipc_name_check_table(void **state)
{
	static const struct name_case cases[] = {
	    {"web", 0},
	    {"a", 0},
	    {"Z", 0},
	    {"0", 0},
	    {"a_b.c-d", 0},
	    {"web1.example", 0},
	    {"x.socket", 0},
	    {"sock", 0},
	    {"x.sockx", 0},
	    {"a.", 0},
	    {"a-", 0},
	    {"", -EINVAL},
	    {"_a", -EINVAL},
	    {".a", -EINVAL},
	    {"-a", -EINVAL},
	    {".", -EINVAL},
	    {"..", -EINVAL},
	    {"a/b", -EINVAL},
	    {"a b", -EINVAL},
	    {"a:b", -EINVAL},
	    {"a\nb", -EINVAL},
	    {"a\x7f", -EINVAL},
	    {"caf\xc3\xa9", -EINVAL},
	    {"\xc3\xa9t\xc3\xa9", -EINVAL},
	    {"x.sock", -EINVAL},
	    {"a.b.sock", -EINVAL},
	    {"x.sock.sock", -EINVAL},
	    {"1.sock", -EINVAL},
	    {"x.SOCK", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (ipc_name_check(cases[i].name) != cases[i].want)
			fail_msg("ipc_name_check(\"%s\") != %d", cases[i].name, cases[i].want);
	}
}

static void
test_ipc_name_check_limits(void **state)
{
	char buf[IPC_NAME_MAX + 8];

	(void)state;
	assert_int_equal(ipc_name_check(fill(buf, sizeof(buf), 'a', IPC_NAME_MAX)), 0);
	assert_int_equal(ipc_name_check(fill(buf, sizeof(buf), 'a', IPC_NAME_MAX + 1)), -EINVAL);
	/* ".sock" at the very end of a maximal name is still refused. */
	fill(buf, sizeof(buf), 'a', IPC_NAME_MAX);
	memcpy(buf + IPC_NAME_MAX - 5, ".sock", 5);
	assert_int_equal(ipc_name_check(buf), -EINVAL);
}

static void
test_ipc_name_of_start_derived(void **state)
{
	char out[IPC_NAME_MAX + 1];
	char root[IPC_NAME_MAX + 32];

	(void)state;
	assert_int_equal(ipc_name_of_start("/var/lib/machines/web", "", out, sizeof(out)), 0);
	assert_string_equal(out, "web");
	assert_int_equal(ipc_name_of_start("/var/lib/machines/web", "db", out, sizeof(out)), 0);
	assert_string_equal(out, "db");
	assert_int_equal(ipc_name_of_start("/srv/t.sock", "", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_name_of_start("/srv/web", "t.sock", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_name_of_start("/srv/", "", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_name_of_start("relative", "", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_name_of_start("/srv/.hidden", "", out, sizeof(out)), -EINVAL);
	/* The longest base name fits; one more is refused; ret too small is -ENAMETOOLONG. */
	root[0] = '/';
	fill(root + 1, sizeof(root) - 1, 'r', IPC_NAME_MAX);
	assert_int_equal(ipc_name_of_start(root, "", out, sizeof(out)), 0);
	assert_int_equal(strlen(out), IPC_NAME_MAX);
	assert_int_equal(ipc_name_of_start(root, "", out, sizeof(out) - 1), -ENAMETOOLONG);
	fill(root + 1, sizeof(root) - 1, 'r', IPC_NAME_MAX + 1);
	assert_int_equal(ipc_name_of_start(root, "", out, sizeof(out)), -EINVAL);
}

static void
test_ipc_sock_name_build(void **state)
{
	char name[IPC_NAME_MAX + 1];
	char out[IPC_NAME_MAX + sizeof(IPC_SOCK_SUFFIX)];
	char path[128];

	(void)state;
	assert_int_equal(ipc_sock_name("web", out, sizeof(out)), 0);
	assert_string_equal(out, "web.sock");
	assert_int_equal(ipc_sock_path("web", path, sizeof(path)), 0);
	assert_string_equal(path, CNSPAWN_STATE_DIR "/web.sock");
	/* The name is checked before it becomes part of a path. */
	assert_int_equal(ipc_sock_name("../x", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_sock_path("a/b", path, sizeof(path)), -EINVAL);
	assert_int_equal(ipc_sock_path("x.sock", path, sizeof(path)), -EINVAL);
	assert_int_equal(ipc_sock_path("", path, sizeof(path)), -EINVAL);
	/* The longest name fits exactly; one byte less of room is -ENAMETOOLONG. */
	fill(name, sizeof(name), 'n', IPC_NAME_MAX);
	assert_int_equal(ipc_sock_name(name, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), IPC_NAME_MAX + 5);
	assert_int_equal(ipc_sock_name(name, out, sizeof(out) - 1), -ENAMETOOLONG);
	assert_int_equal(ipc_sock_path("web", path, sizeof(CNSPAWN_STATE_DIR "/web.sock")), 0);
	assert_int_equal(ipc_sock_path("web", path, sizeof(CNSPAWN_STATE_DIR "/web.sock") - 1),
	    -ENAMETOOLONG);
}

static void
test_ipc_sock_name_strip_cases(void **state)
{
	char out[IPC_NAME_MAX + 1];
	char file[IPC_NAME_MAX + 16];

	(void)state;
	assert_int_equal(ipc_sock_name_strip("web.sock", out, sizeof(out)), 0);
	assert_string_equal(out, "web");
	assert_int_equal(ipc_sock_name_strip("x.sock.sock", out, sizeof(out)), 0);
	assert_string_equal(out, "x.sock");
	assert_int_equal(ipc_sock_name_strip(".sock", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_sock_name_strip("sock", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_sock_name_strip("web", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_sock_name_strip("web.socket", out, sizeof(out)), -EINVAL);
	assert_int_equal(ipc_sock_name_strip("", out, sizeof(out)), -EINVAL);
	/* NAME of IPC_NAME_MAX bytes fits; one more does not. */
	fill(file, sizeof(file), 'f', IPC_NAME_MAX);
	memcpy(file + IPC_NAME_MAX, ".sock", sizeof(".sock"));
	assert_int_equal(ipc_sock_name_strip(file, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), IPC_NAME_MAX);
	fill(file, sizeof(file), 'f', IPC_NAME_MAX + 1);
	memcpy(file + IPC_NAME_MAX + 1, ".sock", sizeof(".sock"));
	assert_int_equal(ipc_sock_name_strip(file, out, sizeof(out)), -ENAMETOOLONG);
}

static void
test_ipc_env_check_names(void **state)
{
	(void)state;
	assert_int_equal(IPC_ENV_N, 3);
	assert_int_equal(ipc_env_check("TERM=xterm"), 0);
	assert_int_equal(ipc_env_check("COLORTERM=truecolor"), 1);
	assert_int_equal(ipc_env_check("NO_COLOR=1"), 2);
	assert_int_equal(ipc_env_check("TERM="), 0);
	for (size_t k = 0; k < IPC_ENV_N; k++) {
		char e[64];
		(void)snprintf(e, sizeof(e), "%s=x", ipc_env_names[k]);
		assert_int_equal(ipc_env_check(e), (int)k);
	}
	assert_int_equal(ipc_env_check("TERM"), -EINVAL);
	assert_int_equal(ipc_env_check("TER=x"), -EINVAL);
	assert_int_equal(ipc_env_check("TERMX=x"), -EINVAL);
	assert_int_equal(ipc_env_check("term=x"), -EINVAL);
	assert_int_equal(ipc_env_check("=x"), -EINVAL);
	assert_int_equal(ipc_env_check("LD_PRELOAD=/x.so"), -EINVAL);
	assert_int_equal(ipc_env_check("PATH=/bin"), -EINVAL);
}

static void
test_ipc_env_check_values(void **state)
{
	char e[IPC_ENV_VALUE_MAX + 16];

	(void)state;
	assert_int_equal(ipc_env_check("TERM=a b~!"), 0);
	assert_int_equal(ipc_env_check("TERM=a=b"), 0);
	assert_int_equal(ipc_env_check("TERM=a\tb"), -EINVAL);
	assert_int_equal(ipc_env_check("TERM=a\x1b[2J"), -EINVAL);
	assert_int_equal(ipc_env_check("TERM=a\x7f"), -EINVAL);
	assert_int_equal(ipc_env_check("TERM=caf\xc3\xa9"), -EINVAL);
	memcpy(e, "TERM=", 5);
	fill(e + 5, sizeof(e) - 5, 'v', IPC_ENV_VALUE_MAX);
	assert_int_equal(ipc_env_check(e), 0);
	fill(e + 5, sizeof(e) - 5, 'v', IPC_ENV_VALUE_MAX + 1);
	assert_int_equal(ipc_env_check(e), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipc_name_check_table),
	    cmocka_unit_test(test_ipc_name_check_limits),
	    cmocka_unit_test(test_ipc_name_of_start_derived),
	    cmocka_unit_test(test_ipc_sock_name_build),
	    cmocka_unit_test(test_ipc_sock_name_strip_cases),
	    cmocka_unit_test(test_ipc_env_check_names),
	    cmocka_unit_test(test_ipc_env_check_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
