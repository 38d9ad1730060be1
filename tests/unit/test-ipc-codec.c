/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipc_encode/ipc_decode: round trips of every type, every malformed packet
 * (-EPROTO, ret untouched), and every limit at max and max + 1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipc.h"

/* The encoder never writes through these; the cast only silences -Wwrite-strings. */
#define W(s) ((char *)(uintptr_t)(s))

/* A raw packet builder independent of the encoder under test. */
struct pkt {
	uint8_t b[IPC_MAX_MSG + 64];
	size_t len;
};

static struct pkt P;

static void
p_u8(struct pkt *p, uint8_t v)
{
	p->b[p->len++] = v;
}

static void
p_u16(struct pkt *p, uint16_t v)
{
	p_u8(p, (uint8_t)(v & 0xff));
	p_u8(p, (uint8_t)(v >> 8));
}

static void
p_u32(struct pkt *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p_u8(p, (uint8_t)(v >> (8 * i)));
}

static void
p_raw(struct pkt *p, const void *s, size_t n)
{
	memcpy(p->b + p->len, s, n);
	p->len += n;
}

/* A string with an explicit wire length and explicit bytes. */
static void
p_lstr(struct pkt *p, uint32_t len, const void *s, size_t n)
{
	p_u32(p, len);
	p_raw(p, s, n);
}

static void
p_str(struct pkt *p, const char *s)
{
	p_lstr(p, (uint32_t)strlen(s) + 1, s, strlen(s) + 1);
}

static void
p_hdr(struct pkt *p, uint8_t version, uint8_t type, uint16_t reserved)
{
	p->len = 0;
	p_u8(p, version);
	p_u8(p, type);
	p_u16(p, reserved);
}

/* Offset of the argv count in p_start's packet: header, then the 6 strings. */
#define START_ARGV_OFF (IPC_HEADER_SIZE + (4 + 10) + (4 + 4) + 5 + 5 + (4 + 2) + 5)

/* A START with the given argv count (each "a") and flags/kill_signal. */
static void
p_start(struct pkt *p, uint32_t nargs, uint32_t flags, uint32_t killsig)
{
	p_hdr(p, IPC_VERSION, IPC_T_START, 0);
	p_str(p, "/srv/root");
	p_str(p, "br0");
	p_str(p, "");
	p_str(p, "");
	p_str(p, "m");
	p_str(p, "");
	assert_int_equal(p->len, START_ARGV_OFF);
	p_u32(p, nargs);
	for (uint32_t i = 0; i < nargs; i++)
		p_str(p, "a");
	p_u32(p, 1);
	p_str(p, "TERM=xterm");
	p_u16(p, 24);
	p_u16(p, 80);
	p_u32(p, flags);
	p_u32(p, killsig);
	p_u32(p, 0); /* memory, u64 */
	p_u32(p, 0);
	p_u32(p, 0);  /* pids */
	p_u32(p, 0);  /* cpus_milli */
	p_u32(p, 0);  /* binds */
	p_str(p, ""); /* hostname */
}

/* A START whose binds are n copies of (src, dst, ro), then a hostname. */
static void
p_start_binds(struct pkt *p, uint32_t n, uint32_t present, uint8_t ro)
{
	p_start(p, 0, 0, 0);
	p->len -= 4 + 5; /* drop the empty binds and hostname */
	p_u32(p, n);
	for (uint32_t i = 0; i < present; i++) {
		p_str(p, "/home/u/src");
		p_str(p, "/mnt");
		p_u8(p, ro);
	}
	p_str(p, "host");
}

static void
p_exit(struct pkt *p, uint8_t how, uint32_t code)
{
	p_hdr(p, IPC_VERSION, IPC_T_EXIT, 0);
	p_u8(p, how);
	p_u32(p, code);
	p_u32(p, 0); /* oom_kills */
	p_u8(p, 0);  /* crash_loop */
}

/* An EXEC with nargs arguments (each "a"), nenv -E entries and the flags. */
static void
p_exec(struct pkt *p, uint32_t nargs, uint32_t nenv, const char *user, uint32_t flags)
{
	p_hdr(p, IPC_VERSION, IPC_T_EXEC, 0);
	p_str(p, "web");
	p_str(p, user);
	p_str(p, "");
	p_str(p, "xterm");
	p_u32(p, nargs);
	for (uint32_t i = 0; i < nargs; i++)
		p_str(p, "a");
	p_u32(p, nenv);
	for (uint32_t i = 0; i < nenv; i++)
		p_str(p, "A=1");
	p_u16(p, 24);
	p_u16(p, 80);
	p_u32(p, flags);
}

static void
p_pipe(struct pkt *p, uint8_t stream)
{
	p_hdr(p, IPC_VERSION, IPC_T_PIPE, 0);
	p_u8(p, stream);
}

static void
p_error_raw(struct pkt *p, uint32_t len, const void *s, size_t n)
{
	p_hdr(p, IPC_VERSION, IPC_T_ERROR, 0);
	p_lstr(p, len, s, n);
}

/* Decode must fail with -EPROTO and leave ret byte for byte as it was. */
static void
expect_eproto(const struct pkt *p, size_t nfds)
{
	struct ipc_msg m, before;

	memset(&m, 0xa5, sizeof(m));
	memcpy(&before, &m, sizeof(m));
	assert_int_equal(ipc_decode(p->b, p->len, nfds, &m), -EPROTO);
	assert_memory_equal(&m, &before, sizeof(m));
}

static void
expect_ok(const struct pkt *p, size_t nfds)
{
	struct ipc_msg m;

	assert_int_equal(ipc_decode(p->b, p->len, nfds, &m), 0);
	ipc_msg_done(&m);
}

struct bad_case {
	const char *name;
	void (*build)(struct pkt *p);
	size_t nfds;
};

static void
b_empty(struct pkt *p)
{
	p->len = 0;
}
static void
b_short_header(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_EXIT, 0);
	p->len = 3;
}
static void
b_version0(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[0] = 0;
}
static void
b_version2(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[0] = IPC_VERSION + 1;
}
static void
b_type0(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[1] = 0;
}
static void
b_type11(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[1] = IPC_T_PIPE + 1;
}
static void
b_type255(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[1] = 255;
}
static void
b_reserved_lo(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[2] = 1;
}
static void
b_reserved_hi(struct pkt *p)
{
	p_exit(p, 0, 0);
	p->b[3] = 0x80;
}
static void
b_str_no_nul(struct pkt *p)
{
	p_error_raw(p, 3, "abc", 3);
}
static void
b_str_embedded_nul(struct pkt *p)
{
	p_error_raw(p, 4, "a\0b", 4);
}
static void
b_str_only_nuls(struct pkt *p)
{
	p_error_raw(p, 2, "\0", 2);
}
static void
b_str_zero_len(struct pkt *p)
{
	p_error_raw(p, 0, "", 0);
}
static void
b_str_past_end(struct pkt *p)
{
	p_error_raw(p, 10, "abc", 4);
}
static void
b_str_len_huge(struct pkt *p)
{
	p_error_raw(p, 0xffffffffu, "abc", 4);
}
static void
b_str_too_long(struct pkt *p)
{
	static char s[IPC_MAX_STR + 1];

	memset(s, 'x', IPC_MAX_STR);
	s[IPC_MAX_STR] = 0;
	p_error_raw(p, IPC_MAX_STR + 1, s, IPC_MAX_STR + 1);
}
static void
b_str_missing_len(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_ERROR, 0);
	p_u16(p, 1);
}
static void
b_list_too_many(struct pkt *p)
{
	p_start(p, IPC_MAX_ARGS + 1, 0, 0);
}
static void
b_list_count_past_end(struct pkt *p)
{
	/* Claim 3 entries while 1 follows (then env and the numbers, which do not parse as 2). */
	p_start(p, 1, 0, 0);
	p->b[START_ARGV_OFF] = 3;
}
static void
b_trailing(struct pkt *p)
{
	p_exit(p, 0, 0);
	p_u8(p, 0);
}
static void
b_start_trailing(struct pkt *p)
{
	p_start(p, 0, 0, 0);
	p_u32(p, 0);
}
static void
b_start_ok(struct pkt *p)
{
	p_start(p, 0, 0, 0);
}
static void
b_start_flags(struct pkt *p)
{
	p_start(p, 0, IPC_F_ALL_FLAGS + 1, 0);
}
static void
b_start_binds_ok(struct pkt *p)
{
	p_start_binds(p, IPC_MAX_BINDS, IPC_MAX_BINDS, 1);
}
static void
b_start_binds_too_many(struct pkt *p)
{
	p_start_binds(p, IPC_MAX_BINDS + 1, IPC_MAX_BINDS + 1, 0);
}
static void
b_start_binds_ro2(struct pkt *p)
{
	p_start_binds(p, 1, 1, 2);
}
static void
b_start_binds_past_end(struct pkt *p)
{
	p_start_binds(p, 3, 2, 0);
}
static void
b_start_binds_huge(struct pkt *p)
{
	p_start_binds(p, 0xffffffffu, 1, 0);
}
static void
b_start_no_hostname(struct pkt *p)
{
	p_start(p, 0, 0, 0);
	p->len -= 5;
}
static void
b_start_flags_hi(struct pkt *p)
{
	p_start(p, 0, 0x80000001u, 0);
}
static void
b_start_killsig(struct pkt *p)
{
	p_start(p, 0, 0, IPC_MAX_SIGNAL + 1);
}
static void
b_exit_how(struct pkt *p)
{
	p_exit(p, 2, 0);
}
static void
b_exit_crash_loop_2(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 0);
	p->b[p->len - 1] = 2;
}
static void
b_booted(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_BOOTED, 0);
	p_u32(p, 42);
}
static void
b_booted_pid0(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_BOOTED, 0);
	p_u32(p, 0);
}
static void
b_exit_code_256(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 256);
}
static void
b_exit_code_neg(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 0xffffffffu);
}
static void
b_exit_sig_0(struct pkt *p)
{
	p_exit(p, IPC_EXIT_SIGNAL, 0);
}
static void
b_exit_sig_65(struct pkt *p)
{
	p_exit(p, IPC_EXIT_SIGNAL, IPC_MAX_SIGNAL + 1);
}
static void
b_exit_short(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 0);
	p->len--;
}
static void
b_console_ok(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_CONSOLE, 0);
	p_str(p, "m");
	p_str(p, "198.18.0.2/24");
	p_u32(p, 42);
}
static void
b_exit_ok(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 0);
}
static void
b_too_big(struct pkt *p)
{
	p_exit(p, IPC_EXIT_CODE, 0);
	p->len = IPC_MAX_MSG + 1;
}

static void
b_attach_ok(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_ATTACH, 0);
}
static void
b_attach_trailing(struct pkt *p)
{
	b_attach_ok(p);
	p_u8(p, 0);
}
static void
p_stop(struct pkt *p, uint32_t timeout, uint8_t kill)
{
	p_hdr(p, IPC_VERSION, IPC_T_STOP, 0);
	p_u32(p, timeout);
	p_u8(p, kill);
}
static void
b_stop_timeout(struct pkt *p)
{
	p_stop(p, IPC_MAX_STOP_TIMEOUT + 1, 0);
}
static void
b_stop_kill2(struct pkt *p)
{
	p_stop(p, 1, 2);
}
static void
b_stop_short(struct pkt *p)
{
	p_stop(p, 1, 0);
	p->len--;
}
static void
p_output(struct pkt *p, uint32_t len, size_t n)
{
	p_hdr(p, IPC_VERSION, IPC_T_OUTPUT, 0);
	p_u32(p, len);
	memset(p->b + p->len, 0, n); /* NUL bytes are fine in output */
	p->len += n;
}
static void
b_output_empty(struct pkt *p)
{
	p_output(p, 0, 0);
}
static void
b_output_too_long(struct pkt *p)
{
	p_output(p, IPC_MAX_DATA + 1, IPC_MAX_DATA + 1);
}
static void
b_output_past_end(struct pkt *p)
{
	p_output(p, 10, 9);
}
static void
p_info(struct pkt *p, uint8_t attached)
{
	p_hdr(p, IPC_VERSION, IPC_T_INFO, 0);
	p_str(p, "web");
	p_u32(p, 1000);
	p_u32(p, 4242);
	p_str(p, "198.18.0.2/24");
	p_str(p, "br0");
	p_str(p, "/srv/web");
	p_u32(p, 1700000000u);
	p_u32(p, 0);
	p_u8(p, attached);
	for (int i = 0; i < 4; i++)
		p_u32(p, 0); /* memory, memory_max (u64 each) */
	for (int i = 0; i < 3; i++)
		p_u32(p, 0); /* tasks, tasks_max, cpus_milli */
	p_u32(p, 4243);      /* monitor_pid */
	p_str(p, "ve-web-1");
	p_u32(p, 7); /* rule */
	p_u32(p, 200000);
	p_u32(p, 65536);
}
static void
b_info_attached2(struct pkt *p)
{
	p_info(p, 2);
}
static void
b_info_trailing(struct pkt *p)
{
	p_info(p, 1);
	p_u8(p, 0);
}

static const struct bad_case bad_cases[] = {
    {"empty", b_empty, 0},
    {"short header", b_short_header, 0},
    {"version 0", b_version0, 0},
    {"version 2", b_version2, 0},
    {"type 0", b_type0, 0},
    {"type 11", b_type11, 0},
    {"attach with a byte", b_attach_trailing, 0},
    {"attach with an fd", b_attach_ok, 1},
    {"stop timeout max+1", b_stop_timeout, 0},
    {"stop kill 2", b_stop_kill2, 0},
    {"stop short", b_stop_short, 0},
    {"output length 0", b_output_empty, 0},
    {"output length max+1", b_output_too_long, 0},
    {"output length past end", b_output_past_end, 0},
    {"info attached 2", b_info_attached2, 0},
    {"info trailing byte", b_info_trailing, 0},
    {"type 255", b_type255, 0},
    {"reserved low byte", b_reserved_lo, 0},
    {"reserved high byte", b_reserved_hi, 0},
    {"string without NUL", b_str_no_nul, 0},
    {"embedded NUL", b_str_embedded_nul, 0},
    {"only NULs", b_str_only_nuls, 0},
    {"zero length", b_str_zero_len, 0},
    {"length past end", b_str_past_end, 0},
    {"length 2^32-1", b_str_len_huge, 0},
    {"string > IPC_MAX_STR", b_str_too_long, 0},
    {"missing string", b_str_missing_len, 0},
    {"list > IPC_MAX_ARGS", b_list_too_many, 0},
    {"list count past end", b_list_count_past_end, 0},
    {"trailing byte", b_trailing, 0},
    {"start trailing bytes", b_start_trailing, 0},
    {"unknown flag", b_start_flags, 0},
    {"unknown high flag", b_start_flags_hi, 0},
    {"binds max+1", b_start_binds_too_many, 0},
    {"bind ro 2", b_start_binds_ro2, 0},
    {"bind count past the end", b_start_binds_past_end, 0},
    {"bind count 2^32-1", b_start_binds_huge, 0},
    {"start without hostname", b_start_no_hostname, 0},
    {"kill_signal 65", b_start_killsig, 0},
    {"exit how 2", b_exit_how, 0},
    {"exit crash_loop 2", b_exit_crash_loop_2, 0},
    {"booted init_pid 0", b_booted_pid0, 0},
    {"booted with an fd", b_booted, 1},
    {"exit code 256", b_exit_code_256, 0},
    {"exit code -1", b_exit_code_neg, 0},
    {"exit signal 0", b_exit_sig_0, 0},
    {"exit signal 65", b_exit_sig_65, 0},
    {"exit short", b_exit_short, 0},
    {"console without fd", b_console_ok, 0},
    {"console with 2 fds", b_console_ok, 2},
    {"exit with an fd", b_exit_ok, 1},
    {"start with an fd", b_start_ok, 1},
    {"packet > IPC_MAX_MSG", b_too_big, 0},
};

static void
b_exec_ok(struct pkt *p)
{
	p_exec(p, 2, 1, "alice", 0);
}
static void
b_exec_no_cmd(struct pkt *p)
{
	p_exec(p, 0, 0, "", IPC_EXEC_F_TTY);
}
static void
b_exec_flags(struct pkt *p)
{
	p_exec(p, 1, 0, "", IPC_EXEC_F_ALL + 1);
}
static void
b_login_ok(struct pkt *p)
{
	p_exec(p, 0, 0, "", IPC_EXEC_F_LOGIN | IPC_EXEC_F_TTY);
}
static void
b_login_cmd(struct pkt *p)
{
	p_exec(p, 1, 0, "", IPC_EXEC_F_LOGIN | IPC_EXEC_F_TTY);
}
static void
b_login_no_tty(struct pkt *p)
{
	p_exec(p, 0, 0, "", IPC_EXEC_F_LOGIN);
}
static void
b_login_user(struct pkt *p)
{
	p_exec(p, 0, 0, "bob", IPC_EXEC_F_LOGIN | IPC_EXEC_F_TTY);
}
static void
b_login_env(struct pkt *p)
{
	p_exec(p, 0, 1, "", IPC_EXEC_F_LOGIN | IPC_EXEC_F_TTY);
}
static void
b_exec_short(struct pkt *p)
{
	b_exec_ok(p);
	p->len -= 1;
}
static void
b_exec_trailing(struct pkt *p)
{
	b_exec_ok(p);
	p_u8(p, 0);
}
static void
b_pipe_ok(struct pkt *p)
{
	p_pipe(p, 2);
}
static void
b_pipe_stream3(struct pkt *p)
{
	p_pipe(p, IPC_PIPE_STREAMS);
}

static const struct bad_case exec_bad_cases[] = {
    {"exec without a command", b_exec_no_cmd, 0},
    {"exec unknown flag", b_exec_flags, 0},
    {"exec short", b_exec_short, 0},
    {"exec trailing byte", b_exec_trailing, 0},
    {"exec with an fd", b_exec_ok, 1},
    {"login with a command", b_login_cmd, 0},
    {"login without a terminal", b_login_no_tty, 0},
    {"login with a user", b_login_user, 0},
    {"login with -E", b_login_env, 0},
    {"pipe without fd", b_pipe_ok, 0},
    {"pipe with 2 fds", b_pipe_ok, 2},
    {"pipe stream 3", b_pipe_stream3, 1},
};

static void
test_ipc_decode_malformed_exec(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(exec_bad_cases) / sizeof(exec_bad_cases[0]); i++) {
		print_message("case: %s\n", exec_bad_cases[i].name);
		exec_bad_cases[i].build(&P);
		expect_eproto(&P, exec_bad_cases[i].nfds);
	}
	b_exec_ok(&P);
	expect_ok(&P, 0);
	b_login_ok(&P);
	expect_ok(&P, 0);
	b_pipe_ok(&P);
	expect_ok(&P, 1);
	p_start(&P, 0, IPC_F_PIPES, 0);
	expect_ok(&P, 0);
}

static void
test_ipc_decode_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		print_message("case: %s\n", bad_cases[i].name);
		bad_cases[i].build(&P);
		expect_eproto(&P, bad_cases[i].nfds);
	}
}

/* The valid bases of the malformed cases do decode: the failures above are the mutation. */
static void
test_ipc_decode_bases(void **state)
{
	(void)state;
	b_console_ok(&P);
	expect_ok(&P, 1);
	b_exit_ok(&P);
	expect_ok(&P, 0);
	b_start_ok(&P);
	expect_ok(&P, 0);
	b_start_binds_ok(&P);
	expect_ok(&P, 0);
	p_start(&P, IPC_MAX_ARGS, IPC_F_QUIET, IPC_MAX_SIGNAL);
	expect_ok(&P, 0);
	p_exit(&P, IPC_EXIT_SIGNAL, IPC_MAX_SIGNAL);
	expect_ok(&P, 0);
	p_exit(&P, IPC_EXIT_CODE, 255);
	expect_ok(&P, 0);
	p_error_raw(&P, 1, "", 1);
	expect_ok(&P, 0);
	b_attach_ok(&P);
	expect_ok(&P, 0);
	p_stop(&P, IPC_MAX_STOP_TIMEOUT, 1);
	expect_ok(&P, 0);
	p_output(&P, IPC_MAX_DATA, IPC_MAX_DATA);
	expect_ok(&P, 0);
	p_output(&P, 1, 1);
	expect_ok(&P, 0);
	p_info(&P, 1);
	expect_ok(&P, 0);
	p_start(&P, 0, IPC_F_QUIET | IPC_F_STOP_ON_EXIT, 0);
	expect_ok(&P, 0);
}

/* Every strict prefix of a valid START is refused. */
static void
test_ipc_decode_truncated(void **state)
{
	size_t full;

	(void)state;
	p_start(&P, 3, 0, 0);
	full = P.len;
	for (size_t n = 0; n < full; n++) {
		P.len = n;
		expect_eproto(&P, 0);
	}
	P.len = full;
	expect_ok(&P, 0);
}

static char *
xstrdup_n(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

static void
roundtrip(const struct ipc_msg *in, size_t nfds, struct ipc_msg *out)
{
	static uint8_t buf[IPC_MAX_MSG];
	size_t len = 0;

	assert_int_equal(ipc_encode(in, buf, sizeof(buf), &len), 0);
	assert_int_equal(ipc_decode(buf, len, nfds, out), 0);
	assert_int_equal(out->type, in->type);
	assert_int_equal(out->fd, -1);
}

static void
test_ipc_roundtrip_start(void **state)
{
	char *argv[] = {W("-c"), W("echo hi"), W(""), NULL};
	char *env[] = {W("TERM=xterm-256color"), W("NO_COLOR=1"), NULL};
	struct ipc_bind binds[] = {{W("/home/u/src"), W("/src"), 0}, {W("/data"), W("/mnt/d"), 1}};
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_START);
	in.start.root = W("/var/lib/machines/web");
	in.start.bridge = W("br0");
	in.start.address = W("198.18.0.5/24");
	in.start.gateway = W("198.18.0.1");
	in.start.machine = W("");
	in.start.init = W("/bin/sh");
	in.start.argv.v = argv;
	in.start.argv.n = 3;
	in.start.env.v = env;
	in.start.env.n = 2;
	in.start.rows = 51;
	in.start.cols = 0xffff;
	in.start.flags = IPC_F_QUIET;
	in.start.kill_signal = 37;
	in.start.memory = (3ULL << 40) + 5;
	in.start.pids = 0xfffffffeu;
	in.start.cpus_milli = 1250;
	in.start.hostname = W("web-1");
	in.start.binds.v = binds;
	in.start.binds.n = 2;
	roundtrip(&in, 0, &out);
	assert_true(out.start.memory == (3ULL << 40) + 5);
	assert_int_equal(out.start.pids, 0xfffffffeu);
	assert_int_equal(out.start.cpus_milli, 1250);
	assert_string_equal(out.start.hostname, "web-1");
	assert_int_equal(out.start.binds.n, 2);
	assert_string_equal(out.start.binds.v[0].src, "/home/u/src");
	assert_string_equal(out.start.binds.v[0].dst, "/src");
	assert_int_equal(out.start.binds.v[0].ro, 0);
	assert_string_equal(out.start.binds.v[1].src, "/data");
	assert_string_equal(out.start.binds.v[1].dst, "/mnt/d");
	assert_int_equal(out.start.binds.v[1].ro, 1);
	assert_string_equal(out.start.root, in.start.root);
	assert_string_equal(out.start.bridge, "br0");
	assert_string_equal(out.start.address, "198.18.0.5/24");
	assert_string_equal(out.start.gateway, "198.18.0.1");
	assert_string_equal(out.start.machine, "");
	assert_string_equal(out.start.init, "/bin/sh");
	assert_int_equal(out.start.argv.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(out.start.argv.v[i], argv[i]);
	assert_null(out.start.argv.v[3]);
	assert_int_equal(out.start.env.n, 2);
	assert_string_equal(out.start.env.v[1], "NO_COLOR=1");
	assert_null(out.start.env.v[2]);
	assert_int_equal(out.start.rows, 51);
	assert_int_equal(out.start.cols, 0xffff);
	assert_int_equal(out.start.flags, IPC_F_QUIET);
	assert_int_equal(out.start.kill_signal, 37);
	ipc_msg_done(&out);
}

static void
fill_start(struct ipc_msg *m, char **argv, size_t n)
{
	ipc_msg_init(m, IPC_T_START);
	m->start.root = m->start.bridge = m->start.address = W("");
	m->start.gateway = m->start.machine = m->start.init = W("");
	m->start.hostname = W("");
	m->start.argv.v = argv;
	m->start.argv.n = n;
}

static void
test_ipc_roundtrip_start_empty_lists(void **state)
{
	struct ipc_msg in, out;

	(void)state;
	fill_start(&in, NULL, 0);
	roundtrip(&in, 0, &out);
	assert_int_equal(out.start.argv.n, 0);
	assert_non_null(out.start.argv.v);
	assert_null(out.start.argv.v[0]);
	assert_int_equal(out.start.env.n, 0);
	ipc_msg_done(&out);
}

static void
test_ipc_roundtrip_error(void **state)
{
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_ERROR);
	in.error.text = W("policy: rule 3 denies bridge br1 to alice");
	roundtrip(&in, 0, &out);
	assert_string_equal(out.error.text, in.error.text);
	ipc_msg_done(&out);
}

static void
test_ipc_roundtrip_console(void **state)
{
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_CONSOLE);
	in.console.machine = W("web");
	in.console.address = W("198.18.0.5/24");
	in.console.init_pid = 0xfffffffeu;
	roundtrip(&in, 1, &out);
	assert_string_equal(out.console.machine, "web");
	assert_string_equal(out.console.address, "198.18.0.5/24");
	assert_int_equal(out.console.init_pid, 0xfffffffeu);
	ipc_msg_done(&out);
}

static void
test_ipc_roundtrip_exit(void **state)
{
	static const struct {
		uint8_t how;
		int32_t code;
	} cases[] = {{IPC_EXIT_CODE, 0}, {IPC_EXIT_CODE, 255}, {IPC_EXIT_CODE, 3},
	    {IPC_EXIT_SIGNAL, 1}, {IPC_EXIT_SIGNAL, 9}, {IPC_EXIT_SIGNAL, IPC_MAX_SIGNAL}};
	struct ipc_msg in, out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ipc_msg_init(&in, IPC_T_EXIT);
		in.exit.how = cases[i].how;
		in.exit.code = cases[i].code;
		in.exit.oom_kills = (uint32_t)i * 0x10001u;
		in.exit.crash_loop = (uint8_t)(i & 1);
		roundtrip(&in, 0, &out);
		assert_int_equal(out.exit.how, cases[i].how);
		assert_int_equal(out.exit.code, cases[i].code);
		assert_int_equal(out.exit.oom_kills, (uint32_t)i * 0x10001u);
		assert_int_equal(out.exit.crash_loop, i & 1);
		ipc_msg_done(&out);
	}
}

static void
test_ipc_roundtrip_exec(void **state)
{
	char *argv[] = {W("/bin/sh"), W("-c"), W(""), NULL};
	char *env[] = {W("A=b c"), NULL};
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_EXEC);
	in.exec.machine = W("web");
	in.exec.user = W("alice");
	in.exec.cwd = W("/tmp");
	in.exec.term = W("");
	in.exec.argv.v = argv;
	in.exec.argv.n = 3;
	in.exec.env.v = env;
	in.exec.env.n = 1;
	in.exec.rows = 0xffff;
	in.exec.cols = 7;
	in.exec.flags = IPC_EXEC_F_TTY;
	roundtrip(&in, 0, &out);
	assert_string_equal(out.exec.machine, "web");
	assert_string_equal(out.exec.user, "alice");
	assert_string_equal(out.exec.cwd, "/tmp");
	assert_string_equal(out.exec.term, "");
	assert_int_equal(out.exec.argv.n, 3);
	assert_string_equal(out.exec.argv.v[2], "");
	assert_null(out.exec.argv.v[3]);
	assert_string_equal(out.exec.env.v[0], "A=b c");
	assert_int_equal(out.exec.rows, 0xffff);
	assert_int_equal(out.exec.cols, 7);
	assert_int_equal(out.exec.flags, IPC_EXEC_F_TTY);
	ipc_msg_done(&out);
	/* A login with a command does not even go out. */
	in.exec.flags = IPC_EXEC_F_LOGIN | IPC_EXEC_F_TTY;
	{
		static uint8_t buf[IPC_MAX_MSG];
		size_t len;

		assert_int_equal(ipc_encode(&in, buf, sizeof(buf), &len), -EINVAL);
	}
	for (uint8_t k = 0; k < IPC_PIPE_STREAMS; k++) {
		ipc_msg_init(&in, IPC_T_PIPE);
		in.pipe.stream = k;
		roundtrip(&in, 1, &out);
		assert_int_equal(out.pipe.stream, k);
		ipc_msg_done(&out);
	}
	assert_int_equal(ipc_type_nfds(IPC_T_PIPE), 1);
	assert_int_equal(ipc_type_nfds(IPC_T_EXEC), 0);
}

static void
test_ipc_roundtrip_control(void **state)
{
	static const enum ipc_type empty[] = {IPC_T_ATTACH, IPC_T_STATUS, IPC_T_DETACHED};
	uint8_t data[] = {0, 'a', 0xff, '\n', 0};
	struct ipc_msg in, out;

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		ipc_msg_init(&in, empty[i]);
		roundtrip(&in, 0, &out);
		ipc_msg_done(&out);
	}
	ipc_msg_init(&in, IPC_T_STOP);
	in.stop.timeout = 30;
	in.stop.kill = 1;
	roundtrip(&in, 0, &out);
	assert_int_equal(out.stop.timeout, 30);
	assert_int_equal(out.stop.kill, 1);
	ipc_msg_init(&in, IPC_T_OUTPUT);
	in.output.data = data;
	in.output.len = sizeof(data);
	roundtrip(&in, 0, &out);
	assert_int_equal(out.output.len, sizeof(data));
	assert_memory_equal(out.output.data, data, sizeof(data));
	ipc_msg_done(&out);
	ipc_msg_init(&in, IPC_T_INFO);
	in.info.machine = W("web");
	in.info.uid = 1001;
	in.info.init_pid = 77;
	in.info.address = W("198.18.0.9/24");
	in.info.bridge = W("br0");
	in.info.root = W("/srv/web");
	in.info.started = 0x123456789aULL;
	in.info.attached = 1;
	in.info.memory = IPC_UNKNOWN64;
	in.info.memory_max = 512ULL << 20;
	in.info.tasks = 7;
	in.info.tasks_max = 4096;
	in.info.cpus_milli = 500;
	in.info.monitor_pid = 76;
	in.info.veth = W("ve-web-ab12");
	in.info.rule = 9;
	in.info.userns_first = 200000;
	in.info.userns_count = 65536;
	roundtrip(&in, 0, &out);
	assert_int_equal(out.info.monitor_pid, 76);
	assert_string_equal(out.info.veth, "ve-web-ab12");
	assert_int_equal(out.info.rule, 9);
	assert_int_equal(out.info.userns_first, 200000);
	assert_int_equal(out.info.userns_count, 65536);
	assert_true(out.info.memory == IPC_UNKNOWN64);
	assert_true(out.info.memory_max == 512ULL << 20);
	assert_int_equal(out.info.tasks, 7);
	assert_int_equal(out.info.tasks_max, 4096);
	assert_int_equal(out.info.cpus_milli, 500);
	assert_string_equal(out.info.machine, "web");
	assert_string_equal(out.info.root, "/srv/web");
	assert_int_equal(out.info.started, 0x123456789aULL);
	assert_int_equal(out.info.uid, 1001);
	assert_int_equal(out.info.attached, 1);
	ipc_msg_done(&out);
}

static void
test_ipc_encode_invalid_control(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	static uint8_t big[IPC_MAX_DATA + 1];
	struct ipc_msg m;
	size_t len = 0;

	(void)state;
	ipc_msg_init(&m, IPC_T_STOP);
	m.stop.timeout = IPC_MAX_STOP_TIMEOUT + 1;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.stop.timeout = 1;
	m.stop.kill = 2;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	ipc_msg_init(&m, IPC_T_OUTPUT);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL); /* no data */
	m.output.data = big;
	m.output.len = sizeof(big);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
	m.output.len = IPC_MAX_DATA;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
	ipc_msg_init(&m, IPC_T_INFO);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL); /* NULL strings */
}

static void
test_ipc_encode_invalid(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	char *argv[] = {W("a"), NULL};
	struct ipc_msg m;
	size_t len = 0;

	(void)state;
	ipc_msg_init(&m, IPC_T_ERROR);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL); /* NULL text */
	ipc_msg_init(&m, IPC_T_EXIT);
	m.exit.how = 2;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.exit.how = IPC_EXIT_CODE;
	m.exit.code = 256;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.exit.how = IPC_EXIT_SIGNAL;
	m.exit.code = 0;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	ipc_msg_init(&m, (enum ipc_type)99);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	fill_start(&m, NULL, 0);
	m.start.flags = IPC_F_ALL_FLAGS + 1;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.start.flags = IPC_F_EPHEMERAL | IPC_F_NO_RESOLV_CONF;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
	m.start.hostname = NULL;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.start.hostname = W("");
	{
		struct ipc_bind b[IPC_MAX_BINDS + 1];

		for (size_t i = 0; i < IPC_MAX_BINDS + 1; i++)
			b[i] = (struct ipc_bind){W("/s"), W("/d"), 0};
		m.start.binds.v = b;
		m.start.binds.n = IPC_MAX_BINDS;
		assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
		m.start.binds.n = IPC_MAX_BINDS + 1;
		assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
		m.start.binds.n = 1;
		b[0].ro = 2;
		assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
		b[0].ro = 0;
		b[0].dst = NULL;
		assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
		m.start.binds = (struct ipc_binds){0};
	}
	m.start.flags = 0;
	m.start.flags = 0;
	m.start.kill_signal = IPC_MAX_SIGNAL + 1;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.start.kill_signal = 0;
	m.start.argv.v = argv;
	m.start.argv.n = 2; /* v[1] is NULL */
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.start.argv.n = 1;
	assert_int_equal(ipc_encode(&m, buf, 10, &len), -E2BIG); /* buffer too small */
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
}

/* String: IPC_MAX_STR - 1 characters fit, one more does not (both directions). */
static void
test_ipc_limit_str(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	struct ipc_msg m, out;
	char *s;
	size_t len = 0;

	(void)state;
	s = xstrdup_n('x', IPC_MAX_STR - 1);
	ipc_msg_init(&m, IPC_T_ERROR);
	m.error.text = s;
	roundtrip(&m, 0, &out);
	assert_int_equal(strlen(out.error.text), IPC_MAX_STR - 1);
	ipc_msg_done(&out);
	free(s);
	s = xstrdup_n('x', IPC_MAX_STR);
	m.error.text = s;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
	free(s);

	s = xstrdup_n('y', IPC_MAX_STR - 1);
	p_error_raw(&P, IPC_MAX_STR, s, IPC_MAX_STR);
	expect_ok(&P, 0);
	free(s);
}

static void
test_ipc_limit_args(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	char *argv[IPC_MAX_ARGS + 2];
	struct ipc_msg m, out;
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i <= IPC_MAX_ARGS; i++)
		argv[i] = W("arg");
	argv[IPC_MAX_ARGS + 1] = NULL;
	fill_start(&m, argv, IPC_MAX_ARGS);
	roundtrip(&m, 0, &out);
	assert_int_equal(out.start.argv.n, IPC_MAX_ARGS);
	ipc_msg_done(&out);
	fill_start(&m, argv, IPC_MAX_ARGS + 1);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
	p_start(&P, IPC_MAX_ARGS, 0, 0);
	expect_ok(&P, 0);
	p_start(&P, IPC_MAX_ARGS + 1, 0, 0);
	expect_eproto(&P, 0);
}

/* A START of exactly IPC_MAX_MSG bytes round-trips; one byte more is refused. */
static void
test_ipc_limit_msg(void **state)
{
	static uint8_t buf[IPC_MAX_MSG + 16];
	char *argv[IPC_MAX_ARGS + 1] = {NULL};
	struct ipc_msg m, out;
	size_t len = 0, left, n = 0;

	(void)state;
	fill_start(&m, argv, 0);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
	left = IPC_MAX_MSG - len;
	while (left > 0) {
		/* wire size of one entry: 4 (length) + characters + NUL */
		size_t take = left > 4 + IPC_MAX_STR ? 4 + IPC_MAX_STR - 1 : left;

		if (left - take > 0 && left - take < 5)
			take -= 5; /* keep room for one more string */
		argv[n++] = xstrdup_n('z', take - 5);
		left -= take;
	}
	fill_start(&m, argv, n);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, IPC_MAX_MSG);
	assert_int_equal(ipc_decode(buf, len, 0, &out), 0);
	assert_int_equal(out.start.argv.n, n);
	ipc_msg_done(&out);
	/* One byte more: the encoder refuses even with a larger buffer. */
	len = strlen(argv[n - 1]);
	free(argv[n - 1]);
	argv[n - 1] = xstrdup_n('z', len + 1);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
}

/* --- logs and tee (issue 16) ------------------------------------------- */

static void
p_logs(struct pkt *p, uint8_t follow, uint8_t tail, uint32_t lines)
{
	p_hdr(p, IPC_VERSION, IPC_T_LOGS, 0);
	p_u8(p, follow);
	p_u8(p, tail);
	p_u32(p, lines);
}
static void
p_tee(struct pkt *p, uint32_t gap_lo, uint32_t gap_hi, uint32_t len, size_t n)
{
	p_hdr(p, IPC_VERSION, IPC_T_TEE, 0);
	p_u32(p, gap_lo);
	p_u32(p, gap_hi);
	p_u32(p, len);
	memset(p->b + p->len, 0, n); /* console bytes: NUL is fine */
	p->len += n;
}
static void
b_logs_ok(struct pkt *p)
{
	p_logs(p, 1, 1, IPC_MAX_LOG_LINES);
}
static void
b_logs_follow2(struct pkt *p)
{
	p_logs(p, 2, 0, 0);
}
static void
b_logs_tail2(struct pkt *p)
{
	p_logs(p, 0, 2, 1);
}
static void
b_logs_lines_over(struct pkt *p)
{
	p_logs(p, 0, 1, IPC_MAX_LOG_LINES + 1);
}
static void
b_logs_lines_no_tail(struct pkt *p)
{
	p_logs(p, 0, 0, 1);
}
static void
b_logs_short(struct pkt *p)
{
	p_logs(p, 0, 1, 3);
	p->len--;
}
static void
b_logs_trailing(struct pkt *p)
{
	p_logs(p, 0, 0, 0);
	p_u8(p, 0);
}
static void
b_tee_ok(struct pkt *p)
{
	p_tee(p, UINT32_MAX, UINT32_MAX, IPC_MAX_DATA, IPC_MAX_DATA);
}
static void
b_tee_empty(struct pkt *p)
{
	p_tee(p, 5, 0, 0, 0);
}
static void
b_tee_too_long(struct pkt *p)
{
	p_tee(p, 0, 0, IPC_MAX_DATA + 1, IPC_MAX_DATA + 1);
}
static void
b_tee_past_end(struct pkt *p)
{
	p_tee(p, 0, 0, 10, 9);
}
static void
b_tee_trailing(struct pkt *p)
{
	p_tee(p, 0, 0, 3, 3);
	p_u8(p, 0);
}
static void
b_tee_no_gap(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_TEE, 0);
	p_u32(p, 1); /* a data length where the u64 gap belongs, and no more */
}

static const struct bad_case logs_bad_cases[] = {
    {"logs follow 2", b_logs_follow2, 0},
    {"logs tail 2", b_logs_tail2, 0},
    {"logs lines max+1", b_logs_lines_over, 0},
    {"logs lines without tail", b_logs_lines_no_tail, 0},
    {"logs short", b_logs_short, 0},
    {"logs trailing byte", b_logs_trailing, 0},
    {"logs with an fd", b_logs_ok, 1},
    {"tee length 0", b_tee_empty, 0},
    {"tee length max+1", b_tee_too_long, 0},
    {"tee length past end", b_tee_past_end, 0},
    {"tee trailing byte", b_tee_trailing, 0},
    {"tee without its gap", b_tee_no_gap, 0},
    {"tee with an fd", b_tee_ok, 1},
};

static void
test_ipc_decode_malformed_logs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(logs_bad_cases) / sizeof(logs_bad_cases[0]); i++) {
		print_message("case: %s\n", logs_bad_cases[i].name);
		logs_bad_cases[i].build(&P);
		expect_eproto(&P, logs_bad_cases[i].nfds);
	}
	/* The bases at the limits decode. */
	b_logs_ok(&P);
	expect_ok(&P, 0);
	p_logs(&P, 0, 0, 0);
	expect_ok(&P, 0);
	p_logs(&P, 0, 1, 0);
	expect_ok(&P, 0);
	b_tee_ok(&P);
	expect_ok(&P, 0);
	p_tee(&P, 0, 0, 1, 1);
	expect_ok(&P, 0);
	assert_int_equal(ipc_type_nfds(IPC_T_LOGS), 0);
	assert_int_equal(ipc_type_nfds(IPC_T_TEE), 0);
}

static void
test_ipc_roundtrip_logs(void **state)
{
	uint8_t data[] = {'\r', '\n', 0, 0x1b, '[', 'H', 0xff};
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_LOGS);
	in.logs.follow = 1;
	in.logs.tail = 1;
	in.logs.lines = 2;
	roundtrip(&in, 0, &out);
	assert_int_equal(out.logs.follow, 1);
	assert_int_equal(out.logs.tail, 1);
	assert_int_equal(out.logs.lines, 2);
	ipc_msg_done(&out);
	ipc_msg_init(&in, IPC_T_TEE);
	in.tee.gap = 0x123456789abcULL;
	in.tee.data = data;
	in.tee.len = sizeof(data);
	roundtrip(&in, 0, &out);
	assert_true(out.tee.gap == 0x123456789abcULL);
	assert_int_equal(out.tee.len, sizeof(data));
	assert_memory_equal(out.tee.data, data, sizeof(data));
	ipc_msg_done(&out);
	assert_null(out.tee.data);
}

static void
test_ipc_encode_invalid_logs(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	static uint8_t big[IPC_MAX_DATA + 1];
	struct ipc_msg m;
	size_t len = 0;

	(void)state;
	ipc_msg_init(&m, IPC_T_LOGS);
	m.logs.lines = 1; /* without tail */
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.logs.tail = 1;
	m.logs.lines = IPC_MAX_LOG_LINES + 1;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.logs.lines = IPC_MAX_LOG_LINES;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
	m.logs.follow = 2;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	ipc_msg_init(&m, IPC_T_TEE);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL); /* no data */
	m.tee.data = big;
	m.tee.len = sizeof(big);
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -E2BIG);
	m.tee.len = IPC_MAX_DATA;
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), 0);
}

/* ipc_msg_done on a zeroed message touches nothing (fd 0 stays open). */
static void
test_ipc_msg_done_zeroed(void **state)
{
	struct ipc_msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	ipc_msg_done(&m);
	ipc_msg_init(&m, IPC_T_CONSOLE);
	ipc_msg_done(&m);
	ipc_msg_done(&m);
	assert_int_equal(ipc_type_nfds(IPC_T_CONSOLE), 1);
	assert_int_equal(ipc_type_nfds(IPC_T_START), 0);
	assert_int_equal(ipc_type_nfds((enum ipc_type)0), -EPROTO);
}

/* ---- IPC_T_ROOTS and IPC_T_ROOTS_REPLY (cnspawn list --roots, issue 16) ---- */

static void
p_roots_hdr(struct pkt *p, uint8_t truncated, uint32_t n)
{
	p_hdr(p, IPC_VERSION, IPC_T_ROOTS_REPLY, 0);
	p_u8(p, truncated);
	p_u32(p, n);
}

static void
p_root(struct pkt *p, const char *path, uint8_t kind, uint32_t err)
{
	p_str(p, path);
	p_u8(p, kind);
	p_u32(p, err);
}

/* A valid reply: a plain root, a glob with two directories, an unlistable glob. */
static void
b_roots_ok(struct pkt *p)
{
	p_roots_hdr(p, 0, 5);
	p_root(p, "/srv/web", IPC_ROOT_PLAIN, 0);
	p_root(p, "/srv/m/*", IPC_ROOT_GLOB, 0);
	p_root(p, "/srv/m/a", IPC_ROOT_MATCH, 0);
	p_root(p, "/srv/m/b", IPC_ROOT_MATCH, 0);
	p_root(p, "/srv/u/*", IPC_ROOT_GLOB, EACCES);
}
static void
b_roots_request_ok(struct pkt *p)
{
	p_hdr(p, IPC_VERSION, IPC_T_ROOTS, 0);
}
static void
b_roots_request_byte(struct pkt *p)
{
	b_roots_request_ok(p);
	p_u8(p, 0);
}
static void
b_roots_truncated2(struct pkt *p)
{
	p_roots_hdr(p, 2, 0);
}
static void
b_roots_too_many(struct pkt *p)
{
	p_roots_hdr(p, 0, IPC_MAX_ROOTS + 1);
	for (uint32_t i = 0; i <= IPC_MAX_ROOTS; i++)
		p_root(p, "/r", IPC_ROOT_PLAIN, 0);
}
static void
b_roots_count_past_end(struct pkt *p)
{
	p_roots_hdr(p, 0, 2);
	p_root(p, "/r", IPC_ROOT_PLAIN, 0);
}
static void
b_roots_count_huge(struct pkt *p)
{
	p_roots_hdr(p, 0, UINT32_MAX);
}
static void
b_roots_kind3(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/r", 3, 0);
}
static void
b_roots_match_first(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/srv/m/a", IPC_ROOT_MATCH, 0);
}
static void
b_roots_match_after_plain(struct pkt *p)
{
	p_roots_hdr(p, 0, 2);
	p_root(p, "/srv/web", IPC_ROOT_PLAIN, 0);
	p_root(p, "/srv/m/a", IPC_ROOT_MATCH, 0);
}
static void
b_roots_glob_no_star(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/srv/m", IPC_ROOT_GLOB, 0);
}
static void
b_roots_plain_star(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/srv/m/*", IPC_ROOT_PLAIN, 0);
}
static void
b_roots_match_star(struct pkt *p)
{
	p_roots_hdr(p, 0, 2);
	p_root(p, "/srv/m/*", IPC_ROOT_GLOB, 0);
	p_root(p, "/srv/m/*", IPC_ROOT_MATCH, 0);
}
static void
b_roots_relative(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "srv/web", IPC_ROOT_PLAIN, 0);
}
static void
b_roots_empty_path(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "", IPC_ROOT_PLAIN, 0);
}
static void
b_roots_plain_err(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/srv/web", IPC_ROOT_PLAIN, EACCES);
}
static void
b_roots_match_err(struct pkt *p)
{
	p_roots_hdr(p, 0, 2);
	p_root(p, "/srv/m/*", IPC_ROOT_GLOB, 0);
	p_root(p, "/srv/m/a", IPC_ROOT_MATCH, EACCES);
}
static void
b_roots_glob_err_max1(struct pkt *p)
{
	p_roots_hdr(p, 0, 1);
	p_root(p, "/srv/m/*", IPC_ROOT_GLOB, IPC_MAX_ERRNO + 1);
}
static void
b_roots_trailing(struct pkt *p)
{
	b_roots_ok(p);
	p_u8(p, 0);
}
static void
b_roots_short(struct pkt *p)
{
	b_roots_ok(p);
	p->len -= 1;
}

static const struct bad_case roots_bad_cases[] = {
    {"roots request with a byte", b_roots_request_byte, 0},
    {"roots request with an fd", b_roots_request_ok, 1},
    {"roots reply with an fd", b_roots_ok, 1},
    {"roots truncated 2", b_roots_truncated2, 0},
    {"roots count max+1", b_roots_too_many, 0},
    {"roots count past the end", b_roots_count_past_end, 0},
    {"roots count 2^32-1", b_roots_count_huge, 0},
    {"roots kind 3", b_roots_kind3, 0},
    {"roots match first", b_roots_match_first, 0},
    {"roots match after a plain root", b_roots_match_after_plain, 0},
    {"roots glob without /*", b_roots_glob_no_star, 0},
    {"roots plain root ending in /*", b_roots_plain_star, 0},
    {"roots match ending in /*", b_roots_match_star, 0},
    {"roots relative path", b_roots_relative, 0},
    {"roots empty path", b_roots_empty_path, 0},
    {"roots err on a plain root", b_roots_plain_err, 0},
    {"roots err on a match", b_roots_match_err, 0},
    {"roots err max+1", b_roots_glob_err_max1, 0},
    {"roots trailing byte", b_roots_trailing, 0},
    {"roots short", b_roots_short, 0},
};

static void
test_ipc_decode_malformed_roots(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(roots_bad_cases) / sizeof(roots_bad_cases[0]); i++) {
		print_message("case: %s\n", roots_bad_cases[i].name);
		roots_bad_cases[i].build(&P);
		expect_eproto(&P, roots_bad_cases[i].nfds);
	}
	b_roots_ok(&P);
	expect_ok(&P, 0);
	b_roots_request_ok(&P);
	expect_ok(&P, 0);
	p_roots_hdr(&P, 1, 0);
	expect_ok(&P, 0);
	p_roots_hdr(&P, 0, 1);
	p_root(&P, "/srv/m/*", IPC_ROOT_GLOB, IPC_MAX_ERRNO);
	expect_ok(&P, 0);
}

/* Every strict prefix of a valid reply is refused. */
static void
test_ipc_decode_truncated_roots(void **state)
{
	size_t full;

	(void)state;
	b_roots_ok(&P);
	full = P.len;
	for (size_t n = 0; n < full; n++) {
		P.len = n;
		expect_eproto(&P, 0);
	}
}

static void
test_ipc_roundtrip_roots(void **state)
{
	struct ipc_root v[] = {{W("/srv/web"), IPC_ROOT_PLAIN, 0},
	    {W("/srv/m/*"), IPC_ROOT_GLOB, 0}, {W("/srv/m/\xff\n"), IPC_ROOT_MATCH, 0},
	    {W("/srv/u/*"), IPC_ROOT_GLOB, EACCES}};
	struct ipc_msg in, out;

	(void)state;
	ipc_msg_init(&in, IPC_T_ROOTS);
	roundtrip(&in, 0, &out);
	ipc_msg_done(&out);
	ipc_msg_init(&in, IPC_T_ROOTS_REPLY);
	in.roots = (struct ipc_roots){.truncated = 1, .v = v, .n = 4};
	roundtrip(&in, 0, &out);
	assert_int_equal(out.roots.truncated, 1);
	assert_int_equal(out.roots.n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(out.roots.v[i].path, v[i].path);
		assert_int_equal(out.roots.v[i].kind, v[i].kind);
		assert_int_equal(out.roots.v[i].err, v[i].err);
	}
	ipc_msg_done(&out);
	ipc_msg_done(&out);
	assert_int_equal(ipc_type_nfds(IPC_T_ROOTS), 0);
	assert_int_equal(ipc_type_nfds(IPC_T_ROOTS_REPLY), 0);
}

/* The encoder refuses what the decoder would: never produce what the peer must refuse. */
static void
test_ipc_encode_invalid_roots(void **state)
{
	static uint8_t buf[IPC_MAX_MSG];
	struct ipc_root match_first[] = {{W("/a"), IPC_ROOT_MATCH, 0}};
	struct ipc_root plain_err[] = {{W("/a"), IPC_ROOT_PLAIN, 1}};
	struct ipc_root null_path[] = {{NULL, IPC_ROOT_PLAIN, 0}};
	struct ipc_msg m;
	size_t len;

	(void)state;
	ipc_msg_init(&m, IPC_T_ROOTS_REPLY);
	m.roots = (struct ipc_roots){.v = match_first, .n = 1};
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.roots = (struct ipc_roots){.v = plain_err, .n = 1};
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.roots = (struct ipc_roots){.v = null_path, .n = 1};
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.roots = (struct ipc_roots){.truncated = 2};
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	m.roots = (struct ipc_roots){.v = NULL, .n = 1};
	assert_int_equal(ipc_encode(&m, buf, sizeof(buf), &len), -EINVAL);
}

/* IPC_MAX_ROOTS entries go through; one more is -E2BIG; the helper's size sum is exact. */
static void
test_ipc_limit_roots(void **state)
{
	static struct ipc_root v[IPC_MAX_ROOTS + 1];
	static uint8_t buf[IPC_MAX_MSG];
	struct ipc_msg in, out;
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i <= IPC_MAX_ROOTS; i++)
		v[i] = (struct ipc_root){W("/srv/a"), IPC_ROOT_PLAIN, 0};
	ipc_msg_init(&in, IPC_T_ROOTS_REPLY);
	in.roots = (struct ipc_roots){.v = v, .n = IPC_MAX_ROOTS};
	assert_int_equal(ipc_encode(&in, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, IPC_ROOTS_FIXED_SIZE + IPC_MAX_ROOTS * IPC_ROOT_WIRE_SIZE(6));
	roundtrip(&in, 0, &out);
	assert_int_equal(out.roots.n, IPC_MAX_ROOTS);
	ipc_msg_done(&out);
	in.roots.n = IPC_MAX_ROOTS + 1;
	assert_int_equal(ipc_encode(&in, buf, sizeof(buf), &len), -E2BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipc_decode_malformed),
	    cmocka_unit_test(test_ipc_decode_bases),
	    cmocka_unit_test(test_ipc_decode_truncated),
	    cmocka_unit_test(test_ipc_roundtrip_start),
	    cmocka_unit_test(test_ipc_roundtrip_start_empty_lists),
	    cmocka_unit_test(test_ipc_roundtrip_error),
	    cmocka_unit_test(test_ipc_roundtrip_console),
	    cmocka_unit_test(test_ipc_roundtrip_exit),
	    cmocka_unit_test(test_ipc_encode_invalid),
	    cmocka_unit_test(test_ipc_roundtrip_control),
	    cmocka_unit_test(test_ipc_roundtrip_exec),
	    cmocka_unit_test(test_ipc_decode_malformed_exec),
	    cmocka_unit_test(test_ipc_encode_invalid_control),
	    cmocka_unit_test(test_ipc_limit_str),
	    cmocka_unit_test(test_ipc_limit_args),
	    cmocka_unit_test(test_ipc_limit_msg),
	    cmocka_unit_test(test_ipc_msg_done_zeroed),
	    cmocka_unit_test(test_ipc_decode_malformed_logs),
	    cmocka_unit_test(test_ipc_roundtrip_logs),
	    cmocka_unit_test(test_ipc_encode_invalid_logs),
	    cmocka_unit_test(test_ipc_decode_malformed_roots),
	    cmocka_unit_test(test_ipc_decode_truncated_roots),
	    cmocka_unit_test(test_ipc_roundtrip_roots),
	    cmocka_unit_test(test_ipc_encode_invalid_roots),
	    cmocka_unit_test(test_ipc_limit_roots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
