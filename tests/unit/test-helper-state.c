/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper/statefile.c: the /proc/PID/stat line that pins a monitor (F5: the
 * start time was read from field 21, always 0) and the state entry text.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "statefile.h"

/* ---- /proc/PID/stat ----------------------------------------------------- */

/* "PID (COMM) S" then fields 4..21 (field 21, itrealvalue, is 0 as on Linux), then tail. */
static void
stat_line(char *buf, size_t size, const char *comm, const char *tail)
{
	size_t n = (size_t)snprintf(buf, size, "4242 (%s) S", comm);

	for (int f = 4; f <= 21; f++)
		n += (size_t)snprintf(buf + n, size - n, " %d", f == 21 ? 0 : f * 100);
	(void)snprintf(buf + n, size - n, "%s", tail);
}

static int
parse_stat(const char *s, char *state, unsigned long long *start)
{
	return statefile_parse_proc_stat(s, strlen(s), state, start);
}

/* Field 22 split out by hand: the 20th space-separated word after the last ')'. */
static unsigned long long
field22_by_hand(const char *s)
{
	const char *p = strrchr(s, ')');
	unsigned long long v = 0;

	for (int spaces = 0; spaces < 20; p++)
		if (*p == ' ')
			spaces++;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	return v;
}

static void
test_statefile_parse_proc_stat_self(void **state)
{
	char buf[2048], st = 0;
	unsigned long long start = 0;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(statefile_parse_proc_stat(buf, (size_t)n, &st, &start), 0);
	assert_int_equal(st, 'R');
	assert_true(start > 0);
	assert_true(start == field22_by_hand(buf));
}

static void
test_statefile_parse_proc_stat_field22(void **state)
{
	char buf[512], st = 0;
	unsigned long long start = 0;

	(void)state;
	stat_line(buf, sizeof(buf), "sleep", " 987654 2300 2400\n");
	assert_int_equal(parse_stat(buf, &st, &start), 0);
	assert_int_equal(st, 'S');
	assert_true(start == 987654); /* not field 21 (0), not field 23 */
	/* Field 22 as the last field, ended by the newline. */
	stat_line(buf, sizeof(buf), "sleep", " 987654\n");
	assert_int_equal(parse_stat(buf, &st, &start), 0);
	assert_true(start == 987654);
	stat_line(buf, sizeof(buf), "x", " 18446744073709551615 1\n");
	assert_int_equal(parse_stat(buf, &st, &start), 0);
	assert_true(start == 18446744073709551615ull);
}

static void
test_statefile_parse_proc_stat_comm(void **state)
{
	static const char *const comms[] = {"a b", "a) S 1 2 3", ") (", "))) 5 6 7 8 9 10", ""};
	char buf[512], st = 0;
	unsigned long long start = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		stat_line(buf, sizeof(buf), comms[i], " 31337 1 2\n");
		if (parse_stat(buf, &st, &start) != 0 || start != 31337 || st != 'S')
			fail_msg("comm '%s': %llu %c", comms[i], start, st);
	}
}

static const struct {
	const char *tail; /* after field 21 */
	int r;
} stat_bad[] = {
    {"", -EINVAL},                          /* cut before field 22 */
    {" ", -EINVAL},                         /* field 22 empty */
    {" 98765", -EINVAL},                    /* cut inside field 22 */
    {" 98765x 1\n", -EINVAL},               /* not a number */
    {" -1 1\n", -EINVAL},                   /* sign */
    {" 018 1\n", -EINVAL},                  /* leading zero */
    {" 18446744073709551616 1\n", -EINVAL}, /* ULLONG_MAX + 1 */
    {"  5 1\n", -EINVAL},                   /* empty field 22 */
};

static void
test_statefile_parse_proc_stat_bad(void **state)
{
	char buf[512], st = 0;
	unsigned long long start = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(stat_bad) / sizeof(stat_bad[0]); i++) {
		stat_line(buf, sizeof(buf), "sleep", stat_bad[i].tail);
		if (parse_stat(buf, &st, &start) != stat_bad[i].r)
			fail_msg("tail '%s': accepted", stat_bad[i].tail);
	}
	assert_int_equal(parse_stat("", &st, &start), -EINVAL);
	assert_int_equal(parse_stat("4242 (sleep", &st, &start), -EINVAL);
	assert_int_equal(parse_stat("4242 (sleep)", &st, &start), -EINVAL);
	assert_int_equal(parse_stat("4242 (sleep) S", &st, &start), -EINVAL);
	assert_int_equal(parse_stat("4242 (sleep)S 1 2", &st, &start), -EINVAL);
	/* Every prefix of a good line is refused: a cut read never yields a number. */
	stat_line(buf, sizeof(buf), "sleep", " 987654 23\n");
	for (size_t len = 0; len < strlen(buf) - 3; len++)
		if (statefile_parse_proc_stat(buf, len, &st, &start) != -EINVAL)
			fail_msg("prefix of %zu bytes accepted", len);
}

/* ---- entries -------------------------------------------------------------- */

static struct {
	const char *key;
	const char *value;
} fields[] = {
    {"name", "web"},
    {"uid", "1000"},
    {"monitor_pid", "4242"},
    {"monitor_start", "987654"},
    {"init_pid", "4243"},
    {"address", "198.18.0.2/24"},
    {"bridge", "br0"},
    {"veth", "ve-web"},
    {"root", "/var/lib/machines/web"},
    {"init", "/bin/sh"},
    {"gateway", "198.18.0.1"},
    {"rule", "3"},
    {"started", "1700000000"},
    {"userns_first", "200000"},
    {"userns_count", "65536"},
    {"memory", "100663296"},
    {"pids", "64"},
    {"cpus_milli", "500"},
    {"ephemeral", "1"},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char text[2 * STATEFILE_MAX];

/* The valid entry with key's value replaced (value NULL: line left out). */
static size_t
entry_with(const char *key, const char *value)
{
	size_t n = 0;

	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = strcmp(fields[i].key, key) == 0 ? value : fields[i].value;
		if (v != NULL)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s=%s\n", fields[i].key,
			    v);
	}
	return n;
}

static int
parse_with(const char *key, const char *value, struct state_entry *e)
{
	size_t n = entry_with(key, value);

	return statefile_parse(text, n, e);
}

static void
test_statefile_parse_every_key(void **state)
{
	struct state_entry e;
	char out[STATEFILE_MAX];
	size_t n = entry_with("", NULL);

	(void)state;
	assert_int_equal(statefile_parse(text, n, &e), 0);
	assert_string_equal(e.name, "web");
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.monitor_pid, 4242);
	assert_true(e.monitor_start == 987654);
	assert_int_equal(e.init_pid, 4243);
	assert_int_equal(e.address.s_addr, htonl(0xc6120002));
	assert_int_equal(e.prefix, 24);
	assert_string_equal(e.bridge, "br0");
	assert_string_equal(e.veth, "ve-web");
	assert_string_equal(e.root, "/var/lib/machines/web");
	assert_string_equal(e.init, "/bin/sh");
	assert_true(e.has_gateway);
	assert_int_equal(e.gateway.s_addr, htonl(0xc6120001));
	assert_int_equal(e.rule, 3);
	assert_true(e.started == 1700000000);
	assert_int_equal(e.userns_first, 200000);
	assert_int_equal(e.userns_count, 65536);
	assert_true(e.memory == 100663296);
	assert_int_equal(e.pids, 64);
	assert_int_equal(e.cpus_milli, 500);
	assert_true(e.ephemeral);
	/* One spelling: formatting gives back the very text. */
	assert_int_equal(statefile_format(&e, out, sizeof(out)), (int)n);
	assert_memory_equal(out, text, n);
}

/* Any order of the lines is the same entry: find_key's hint (the key the
 * format writes next) is a fast path only. */
static void
test_statefile_parse_any_order(void **state)
{
	static char reversed[2 * STATEFILE_MAX];
	struct state_entry a, b;
	size_t n = entry_with("", NULL), k = 0;
	char out_a[STATEFILE_MAX], out_b[STATEFILE_MAX];

	(void)state;
	for (size_t i = NFIELDS; i-- > 0;)
		k += (size_t)snprintf(reversed + k, sizeof(reversed) - k, "%s=%s\n", fields[i].key,
		    fields[i].value);
	assert_int_equal(k, n);
	assert_int_equal(statefile_parse(text, n, &a), 0);
	assert_int_equal(statefile_parse(reversed, k, &b), 0);
	assert_int_equal(statefile_format(&a, out_a, sizeof(out_a)), (int)n);
	assert_int_equal(statefile_format(&b, out_b, sizeof(out_b)), (int)n);
	assert_memory_equal(out_a, out_b, n);
	/* A prefix or an extension of the hinted key is not that key. */
	k = (size_t)snprintf(reversed, sizeof(reversed), "nam=web\n%s",
	    text + strlen("name=web\n"));
	assert_int_equal(statefile_parse(reversed, k, &b), -EINVAL);
	k = (size_t)snprintf(reversed, sizeof(reversed), "names=web\n%s",
	    text + strlen("name=web\n"));
	assert_int_equal(statefile_parse(reversed, k, &b), -EINVAL);
}

static void
test_statefile_parse_missing_or_duplicate(void **state)
{
	struct state_entry e;

	(void)state;
	for (size_t i = 0; i < NFIELDS; i++) {
		size_t n;
		if (parse_with(fields[i].key, NULL, &e) != -EINVAL)
			fail_msg("entry without %s accepted", fields[i].key);
		n = entry_with("", NULL);
		(void)snprintf(text + n, sizeof(text) - n, "%s=%s\n", fields[i].key,
		    fields[i].value);
		if (statefile_parse(text, strlen(text), &e) != -EINVAL)
			fail_msg("entry with %s twice accepted", fields[i].key);
	}
}

static void
test_statefile_parse_lines(void **state)
{
	static const char *const extra[] = {"colour=red\n", "rule\n", "\n", "=3\n", "Name=web\n",
	    "name =web\n", "monitor_start_=1\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1\n"};
	struct state_entry e;
	size_t n = entry_with("", NULL);

	(void)state;
	/* Without its last newline. */
	assert_int_equal(statefile_parse(text, n - 1, &e), -EINVAL);
	/* A NUL anywhere. */
	text[3] = '\0';
	assert_int_equal(statefile_parse(text, n, &e), -EINVAL);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		n = entry_with("", NULL);
		(void)snprintf(text + n, sizeof(text) - n, "%s", extra[i]);
		if (statefile_parse(text, strlen(text), &e) != -EINVAL)
			fail_msg("line '%s' accepted", extra[i]);
	}
	assert_int_equal(statefile_parse("", 0, &e), -EINVAL);
	/* The file-size cap: at max still parsed (and refused as text), at max+1 not read. */
	memset(text, 'x', STATEFILE_MAX + 1);
	assert_int_equal(statefile_parse(text, STATEFILE_MAX, &e), -EINVAL);
	assert_int_equal(statefile_parse(text, STATEFILE_MAX + 1, &e), -E2BIG);
}

static char long_name[HELPER_NAME_MAX + 2], long_root[PATH_MAX + 1];
static char long_if[NET_IFNAME_MAX + 2];

static const struct {
	const char *key;
	const char *value;
	int r;
} limits[] = {
    {"name", long_name + 1, 0},   /* 64 */
    {"name", long_name, -EINVAL}, /* 65 */
    {"name", "", -EINVAL},
    {"name", "x.sock", -EINVAL},
    {"name", "-x", -EINVAL},
    {"uid", "0", 0},
    {"uid", "4294967294", 0},
    {"uid", "4294967295", -EINVAL}, /* (uid_t)-1 */
    {"uid", "01000", -EINVAL},
    {"uid", "+1000", -EINVAL},
    {"uid", " 1000", -EINVAL},
    {"uid", "1000 ", -EINVAL},
    {"uid", "", -EINVAL},
    {"monitor_pid", "2147483647", 0},
    {"monitor_pid", "2147483648", -EINVAL},
    {"monitor_pid", "0", -EINVAL},
    {"monitor_pid", "-1", -EINVAL},
    {"monitor_start", "1", 0},
    {"monitor_start", "0", -EINVAL}, /* F5: every entry had 0 */
    {"monitor_start", "9223372036854775807", 0},
    {"monitor_start", "9223372036854775808", -EINVAL},
    {"monitor_start", "99999999999999999999999", -EINVAL},
    {"init_pid", "0", 0},
    {"init_pid", "2147483648", -EINVAL},
    {"address", "198.18.0.2", -EINVAL},
    {"address", "198.18.0.2/33", -EINVAL},
    {"address", "198.18.0.2/024", -EINVAL},
    {"bridge", long_if + 1, 0},   /* 15 */
    {"bridge", long_if, -EINVAL}, /* 16 */
    {"bridge", "", -EINVAL},
    {"bridge", "br\033", -EINVAL},
    {"veth", long_if + 1, 0},
    {"veth", long_if, -EINVAL},
    {"root", long_root + 1, 0},   /* PATH_MAX - 1 */
    {"root", long_root, -EINVAL}, /* PATH_MAX */
    {"root", "var/lib/machines/web", -EINVAL},
    {"root", "/var/lib/machines/w\reb", -EINVAL},
    {"root", "", -EINVAL},
    {"init", long_root + 1, 0},
    {"init", long_root, -EINVAL},
    {"init", "bin/sh", -EINVAL},
    {"init", "", -EINVAL},
    {"gateway", "", 0}, /* none asked */
    {"gateway", "198.18.0.300", -EINVAL},
    {"gateway", "198.18.0.1/24", -EINVAL},
    {"gateway", " 198.18.0.1", -EINVAL},
    {"rule", "0", -EINVAL},
    {"rule", "4294967295", 0},
    {"rule", "4294967296", -EINVAL},
    {"started", "9223372036854775808", -EINVAL},
    {"userns_first", "4294967295", -EINVAL}, /* + 65536 wraps */
    {"userns_first", "4294901759", 0},       /* + 65536 = UINT32_MAX */
    {"userns_first", "4294901760", -EINVAL},
    {"userns_first", "0", -EINVAL},
    {"userns_count", "0", -EINVAL}, /* privileged is 0 0 */
    {"userns_count", "4294967296", -EINVAL},
    /* The ceilings asked: 0 (none) or what a request may ask (check_request). */
    {"memory", "0", 0},
    {"memory", "1048575", -EINVAL},
    {"memory", "1048576", 0},
    {"memory", "1125899906842624", 0},
    {"memory", "1125899906842625", -EINVAL},
    {"pids", "0", 0},
    {"pids", "4194304", 0},
    {"pids", "4194305", -EINVAL},
    {"cpus_milli", "0", 0},
    {"cpus_milli", "9", -EINVAL},
    {"cpus_milli", "10", 0},
    {"cpus_milli", "15", -EINVAL},
    {"cpus_milli", "1024000", 0},
    {"cpus_milli", "1024010", -EINVAL},
    {"ephemeral", "0", 0},
    {"ephemeral", "2", -EINVAL},
    {"ephemeral", "01", -EINVAL},
    {"ephemeral", "", -EINVAL},
};

static void
test_statefile_parse_limits(void **state)
{
	struct state_entry e;

	(void)state;
	memset(long_name, 'a', sizeof(long_name) - 1);
	memset(long_if, 'b', sizeof(long_if) - 1);
	memset(long_root, 'c', sizeof(long_root) - 1);
	long_root[0] = long_root[1] = '/';
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		int r = parse_with(limits[i].key, limits[i].value, &e);
		if (r != limits[i].r)
			fail_msg("%s=%.40s (%zu bytes): got %d want %d", limits[i].key,
			    limits[i].value, strlen(limits[i].value), r, limits[i].r);
	}
	/* privileged: no range at all */
	(void)entry_with("userns_first", "0");
	assert_int_equal(statefile_parse(text, strlen(text), &e), -EINVAL);
}

static void
test_statefile_format_refuses(void **state)
{
	struct state_entry e;
	char out[STATEFILE_MAX];

	(void)state;
	assert_int_equal(parse_with("", NULL, &e), 0);
	e.monitor_start = 0; /* would be read back as stale */
	assert_int_equal(statefile_format(&e, out, sizeof(out)), -EINVAL);
	assert_int_equal(parse_with("", NULL, &e), 0);
	(void)strlcpy(e.root, "/a\nuid=0", sizeof(e.root)); /* a forged line */
	assert_int_equal(statefile_format(&e, out, sizeof(out)), -EINVAL);
	assert_int_equal(parse_with("", NULL, &e), 0);
	assert_int_equal(statefile_format(&e, out, 40), -E2BIG);
}

/* What a running entry asks of the current policy (F6: max re-evaluates it). */
static void
test_statefile_request(void **state)
{
	struct state_entry e;
	struct policy_request rq;

	(void)state;
	assert_int_equal(parse_with("", NULL, &e), 0);
	statefile_request(&e, &rq);
	assert_string_equal(rq.root, "/var/lib/machines/web");
	assert_string_equal(rq.bridge, "br0");
	assert_string_equal(rq.init, "/bin/sh");
	assert_true(rq.ephemeral); /* decided again as the ephemeral start it was */
	assert_true(rq.has_address && rq.address.s_addr == e.address.s_addr);
	assert_int_equal(rq.prefix, 24); /* asked again: a wider later rule must not take it over */
	assert_true(rq.has_gateway && rq.gateway.s_addr == e.gateway.s_addr);
	/* The ceilings asked are asked again: they choose the rule too. */
	assert_true(rq.memory == 100663296);
	assert_int_equal(rq.pids, 64);
	assert_int_equal(rq.cpus_milli, 500);
	assert_int_equal(parse_with("gateway", "", &e), 0);
	statefile_request(&e, &rq);
	assert_false(rq.has_gateway);
}

/* ---- slot records (helper/slots.h) -------------------------------------- */

static void
test_statefile_slot_roundtrip(void **state)
{
	static const char entry[] = "name=web\nuid=1000\n";
	char rec[STATEFILE_SLOT_SIZE], name[HELPER_NAME_MAX + 1];
	unsigned long long ino = 0;
	const char *t = NULL;
	size_t len = 0;

	(void)state;
	memset(rec, 0xff, sizeof(rec)); /* an older record's bytes */
	assert_int_equal(statefile_slot_format(rec, "web", 123456789012ULL, entry, strlen(entry)),
	    0);
	assert_memory_equal(rec, "web 123456789012\nname=web\n", 26);
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), 0);
	assert_string_equal(name, "web");
	assert_true(ino == 123456789012ULL);
	assert_int_equal(len, strlen(entry));
	assert_memory_equal(t, entry, len);
	/* The rest of the record is NUL: an older, longer text leaves nothing behind. */
	for (size_t i = 17 + len; i < sizeof(rec); i++)
		assert_int_equal(rec[i], '\0');
}

static void
test_statefile_slot_limits(void **state)
{
	char rec[STATEFILE_SLOT_SIZE], big[STATEFILE_SLOT_SIZE], name[HELPER_NAME_MAX + 1];
	unsigned long long ino;
	const char *t;
	size_t len, head = strlen("web 7\n");

	(void)state;
	memset(big, 'x', sizeof(big));
	memset(rec, 0xff, sizeof(rec));
	/* One NUL must remain after the text: a text that fills the record does not fit. */
	assert_int_equal(statefile_slot_format(rec, "web", 7, big, sizeof(rec) - head), -E2BIG);
	assert_int_equal(rec[0], '\0'); /* emptied, not half written */
	assert_int_equal(statefile_slot_format(rec, "web", 7, big, sizeof(rec) - head - 1), 0);
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), 0);
	assert_int_equal(len, sizeof(rec) - head - 1);
	/* A name that is not a machine name is neither written nor read. */
	assert_int_equal(statefile_slot_format(rec, "a b", 7, "x", 1), -EINVAL);
	assert_int_equal(statefile_slot_format(rec, ".slots", 7, "x", 1), -EINVAL);
}

/* What a torn, forged or foreign record may hold: each is refused, never half read. */
static void
test_statefile_slot_parse_bad(void **state)
{
	static const char *const bad[] = {
	    "",                           /* empty: nobody's */
	    "web\n",                      /* no inode */
	    "web \n",                     /* an empty inode */
	    " 7\n",                       /* no name */
	    "web 07\n",                   /* two spellings of 7 */
	    "web +7\n",                   /* a sign */
	    "web 7 \n",                   /* something after it */
	    "web 99999999999999999999\n", /* past 64 bits */
	    "-web 7\n",                   /* not a machine name */
	    "w/b 7\n",                    /* nor this */
	    "web 7",                      /* no end of line */
	};
	char rec[STATEFILE_SLOT_SIZE], name[HELPER_NAME_MAX + 1];
	unsigned long long ino;
	const char *t;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(rec, 0, sizeof(rec));
		memcpy(rec, bad[i], strlen(bad[i]));
		assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), -EINVAL);
	}
	/* A NUL inside the name. */
	memset(rec, 0, sizeof(rec));
	memcpy(rec, "we\0b 7\n", 7);
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), -EINVAL);
	/* A name past HELPER_NAME_MAX. */
	memset(rec, 'a', sizeof(rec));
	rec[HELPER_NAME_MAX + 1] = ' ';
	memcpy(rec + HELPER_NAME_MAX + 2, "7\n", 2);
	rec[sizeof(rec) - 1] = '\0';
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), -EINVAL);
	/* No NUL at all: the text would run past the record. */
	memset(rec, 'x', sizeof(rec));
	memcpy(rec, "web 7\n", 6);
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), -EINVAL);
	/* Digits up to the end of the record and no newline. */
	memset(rec, '7', sizeof(rec));
	memcpy(rec, "web ", 4);
	assert_int_equal(statefile_slot_parse(rec, name, &ino, &t, &len), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_statefile_parse_proc_stat_self),
	    cmocka_unit_test(test_statefile_parse_proc_stat_field22),
	    cmocka_unit_test(test_statefile_parse_proc_stat_comm),
	    cmocka_unit_test(test_statefile_parse_proc_stat_bad),
	    cmocka_unit_test(test_statefile_parse_every_key),
	    cmocka_unit_test(test_statefile_parse_any_order),
	    cmocka_unit_test(test_statefile_parse_missing_or_duplicate),
	    cmocka_unit_test(test_statefile_parse_lines),
	    cmocka_unit_test(test_statefile_parse_limits),
	    cmocka_unit_test(test_statefile_format_refuses),
	    cmocka_unit_test(test_statefile_request),
	    cmocka_unit_test(test_statefile_slot_roundtrip),
	    cmocka_unit_test(test_statefile_slot_limits),
	    cmocka_unit_test(test_statefile_slot_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
