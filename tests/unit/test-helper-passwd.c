/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "passwd.h"

static const char pw[] = "root:x:0:0:root:/root:/bin/sh\n"
                         "broken line without fields\n"
                         "neg:x:-1:0::/:/bin/sh\n"
                         "alice:x:1000:100:Alice:/home/alice:/bin/sh\n"
                         "2000:x:3000:3000::relative:/bin/sh\n"
                         "nohome:x:1001:1001::\n"
                         "bob:x:1002:1002::/home/bob:/bin/sh";

static const char gr[] = "root:x:0:\n"
                         "users:x:100:bob,alice\n"
                         "wheel:x:10:alice\n"
                         "bad:x:zz:alice\n"
                         "audio:x:29:carol,alice,dave\n"
                         "twice:x:10:alice\n";

static void
test_passwd_find_name(void **state)
{
	struct passwd_user u;

	(void)state;
	assert_int_equal(passwd_find(pw, strlen(pw), "alice", &u), 0);
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 100);
	assert_string_equal(u.home, "/home/alice");
	/* The last line without a newline counts too. */
	assert_int_equal(passwd_find(pw, strlen(pw), "bob", &u), 0);
	assert_int_equal(u.uid, 1002);
	/* A relative or missing home is "/". */
	assert_int_equal(passwd_find(pw, strlen(pw), "2000", &u), 0);
	assert_int_equal(u.uid, 3000); /* a name first, not uid 2000 */
	assert_string_equal(u.home, "/");
	assert_int_equal(passwd_find(pw, strlen(pw), "nohome", &u), -ENOENT); /* 6 fields */
}

static void
test_passwd_find_uid_and_refusals(void **state)
{
	struct passwd_user u;

	(void)state;
	assert_int_equal(passwd_find(pw, strlen(pw), "1000", &u), 0);
	assert_string_equal(u.name, "alice");
	assert_int_equal(passwd_find(pw, strlen(pw), "0", &u), 0);
	assert_string_equal(u.name, "root");
	assert_int_equal(passwd_find(pw, strlen(pw), "neg", &u), -ENOENT);
	assert_int_equal(passwd_find(pw, strlen(pw), "carol", &u), -ENOENT);
	assert_int_equal(passwd_find(pw, strlen(pw), "01000", &u), -ENOENT);
	assert_int_equal(passwd_find(pw, strlen(pw), "ali:ce", &u), -EINVAL);
	assert_int_equal(passwd_find(pw, strlen(pw), "", &u), -EINVAL);
	assert_int_equal(passwd_find(pw, strlen(pw), "-x", &u), -EINVAL);
	assert_int_equal(passwd_find(pw, strlen(pw), "a b", &u), -EINVAL);
	assert_int_equal(passwd_find(pw, strlen(pw), "a\nb", &u), -EINVAL);
	/* A NUL inside the text ends nothing early and matches nothing. */
	assert_int_equal(passwd_find("x\0:x:5:5::/:\nroot:x:0:0::/:\n", 26, "x", &u), -ENOENT);
}

static void
test_passwd_groups(void **state)
{
	struct passwd_user u;

	(void)state;
	assert_int_equal(passwd_find(pw, strlen(pw), "alice", &u), 0);
	passwd_groups(gr, strlen(gr), &u);
	/* gid first; "bad" does not parse; "twice" repeats gid 10. */
	assert_int_equal(u.ngroups, 3);
	assert_int_equal(u.groups[0], 100);
	assert_int_equal(u.groups[1], 10);
	assert_int_equal(u.groups[2], 29);
	assert_int_equal(passwd_find(pw, strlen(pw), "root", &u), 0);
	passwd_groups(gr, strlen(gr), &u);
	assert_int_equal(u.ngroups, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_passwd_find_name),
	    cmocka_unit_test(test_passwd_find_uid_and_refusals),
	    cmocka_unit_test(test_passwd_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
