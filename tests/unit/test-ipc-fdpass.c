/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipc_send/ipc_recv over a real socketpair(SOCK_SEQPACKET): an fd arrives
 * and works; a wrong number of fds, an oversized packet or a decode error
 * is -EPROTO and leaves no received fd open.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc.h"

#define W(s) ((char *)(uintptr_t)(s))
#define FD_SCAN 1024

static int sp[2] = {-1, -1};

static int
setup(void **state)
{
	(void)state;
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp);
}

static int
teardown(void **state)
{
	(void)state;
	(void)close(sp[0]);
	(void)close(sp[1]);
	return 0;
}

/* Which of the first FD_SCAN descriptors are open: a leak shows as a difference. */
static void
snapshot_fds(char open_fds[FD_SCAN])
{
	for (int fd = 0; fd < FD_SCAN; fd++)
		open_fds[fd] = fcntl(fd, F_GETFD) >= 0;
}

static void
console_msg(struct ipc_msg *m, int fd)
{
	ipc_msg_init(m, IPC_T_CONSOLE);
	m->console.machine = W("web");
	m->console.address = W("198.18.0.7/24");
	m->console.init_pid = 1234;
	m->fd = fd;
}

static void
test_ipc_send_recv_console_fd(void **state)
{
	struct ipc_msg m, got;
	int p[2];
	char c = 0;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	console_msg(&m, p[0]);
	assert_int_equal(ipc_send(sp[0], &m), 0);
	(void)close(p[0]);
	assert_int_equal(ipc_recv(sp[1], &got), 0);
	assert_int_equal(got.type, IPC_T_CONSOLE);
	assert_string_equal(got.console.machine, "web");
	assert_int_equal(got.console.init_pid, 1234);
	assert_true(got.fd >= 0);
	assert_true((fcntl(got.fd, F_GETFD) & FD_CLOEXEC) != 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(read(got.fd, &c, 1), 1);
	assert_int_equal(c, 'x');
	ipc_msg_done(&got);
	(void)close(p[1]);
}

static void
test_ipc_send_recv_no_fd(void **state)
{
	struct ipc_msg got;

	(void)state;
	assert_int_equal(ipc_send_exit(sp[0], &(struct ipc_exit){IPC_EXIT_SIGNAL, 15, 2}), 0);
	assert_int_equal(ipc_recv(sp[1], &got), 0);
	assert_int_equal(got.type, IPC_T_EXIT);
	assert_int_equal(got.exit.how, IPC_EXIT_SIGNAL);
	assert_int_equal(got.exit.code, 15);
	assert_int_equal(got.exit.oom_kills, 2);
	assert_int_equal(got.fd, -1);
	ipc_msg_done(&got);
	assert_int_equal(ipc_send_error(sp[0], "no"), 0);
	assert_int_equal(ipc_recv(sp[1], &got), 0);
	assert_string_equal(got.error.text, "no");
	ipc_msg_done(&got);
}

static void
test_ipc_send_error_long_text(void **state)
{
	struct ipc_msg got;
	char *s = malloc(3 * IPC_MAX_STR);

	(void)state;
	assert_non_null(s);
	memset(s, 'e', 3 * IPC_MAX_STR - 1);
	s[3 * IPC_MAX_STR - 1] = 0;
	assert_int_equal(ipc_send_error(sp[0], s), 0);
	assert_int_equal(ipc_recv(sp[1], &got), 0);
	assert_int_equal(strlen(got.error.text), IPC_MAX_STR - 1);
	ipc_msg_done(&got);
	free(s);
}

/* Send an encoded message with nfds copies of fd, bypassing ipc_send's checks. */
static void
raw_send(const struct ipc_msg *m, const int *fds, size_t nfds, size_t pad)
{
	static uint8_t buf[IPC_MAX_MSG + 16];
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct msghdr mh = {0};
	struct iovec iov;
	size_t len = 0;

	assert_int_equal(ipc_encode(m, buf, sizeof(buf), &len), 0);
	memset(buf + len, 0, pad);
	iov.iov_base = buf;
	iov.iov_len = len + pad;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	assert_int_equal(sendmsg(sp[0], &mh, 0), (ssize_t)(len + pad));
}

struct fd_case {
	const char *name;
	enum ipc_type type;
	size_t nfds;
	size_t pad;
};

static const struct fd_case fd_cases[] = {
    {"console with 2 fds", IPC_T_CONSOLE, 2, 0},
    {"console with 3 fds", IPC_T_CONSOLE, 3, 0},
    {"console with 0 fds", IPC_T_CONSOLE, 0, 0},
    {"exit with 1 fd", IPC_T_EXIT, 1, 0},
    {"exit with 2 fds", IPC_T_EXIT, 2, 0},
    {"console + trailing byte", IPC_T_CONSOLE, 1, 1},
    {"exit padded past IPC_MAX_MSG", IPC_T_EXIT, 1, IPC_MAX_MSG},
};

static void
test_ipc_recv_wrong_fds(void **state)
{
	char before[FD_SCAN], after[FD_SCAN];
	struct ipc_msg m, got;
	int p[2];

	(void)state;
	for (size_t i = 0; i < sizeof(fd_cases) / sizeof(fd_cases[0]); i++) {
		int fds[3];

		print_message("case: %s\n", fd_cases[i].name);
		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		fds[0] = p[0];
		fds[1] = p[1];
		fds[2] = p[0];
		if (fd_cases[i].type == IPC_T_CONSOLE)
			console_msg(&m, -1);
		else
			ipc_msg_init(&m, IPC_T_EXIT);
		raw_send(&m, fds, fd_cases[i].nfds, fd_cases[i].pad);
		(void)close(p[0]);
		(void)close(p[1]);
		snapshot_fds(before);
		memset(&got, 0x5a, sizeof(got));
		assert_int_equal(ipc_recv(sp[1], &got), -EPROTO);
		snapshot_fds(after);
		assert_memory_equal(before, after, sizeof(before));
	}
}

/* The raw layer (the helper's sync socket): at most max_fds, else every fd closed. */
static void
test_ipc_packet_recv_max_fds(void **state)
{
	char before[FD_SCAN], after[FD_SCAN], buf[16];
	struct ipc_msg m;
	size_t nfds = 9, len = 9;
	int p[2], fds[2], got = -1;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	ipc_msg_init(&m, IPC_T_EXIT);
	raw_send(&m, p, 2, 0);
	snapshot_fds(before);
	assert_int_equal(ipc_packet_recv(sp[1], buf, sizeof(buf), &got, 1, &nfds, &len), -EPROTO);
	snapshot_fds(after);
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(got, -1);
	/* One fd is fine, and 0 bytes is EOF, not an error, at this layer. */
	assert_int_equal(ipc_packet_send(sp[0], "M", 1, p[0]), 0);
	assert_int_equal(ipc_packet_recv(sp[1], buf, sizeof(buf), fds, 1, &nfds, &len), 0);
	assert_int_equal(nfds, 1);
	assert_int_equal(len, 1);
	assert_true(fds[0] > 2);
	(void)close(fds[0]);
	assert_int_equal(ipc_packet_send(sp[0], "", 0, -1), 0);
	assert_int_equal(ipc_packet_recv(sp[1], buf, sizeof(buf), fds, 1, &nfds, &len), 0);
	assert_int_equal(nfds, 0);
	assert_int_equal(len, 0);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_ipc_recv_peer_closed(void **state)
{
	struct ipc_msg got;

	(void)state;
	(void)close(sp[0]);
	sp[0] = -1;
	assert_int_equal(ipc_recv(sp[1], &got), -ECONNRESET);
}

static void
test_ipc_send_invalid(void **state)
{
	struct ipc_msg m;

	(void)state;
	console_msg(&m, -1);
	assert_int_equal(ipc_send(sp[0], &m), -EINVAL); /* CONSOLE needs its fd */
	ipc_msg_init(&m, (enum ipc_type)99);
	assert_int_equal(ipc_send(sp[0], &m), -EINVAL);
	assert_int_equal(ipc_send_exit(sp[0], &(struct ipc_exit){IPC_EXIT_CODE, 300, 0}), -EINVAL);
	assert_int_equal(ipc_send_error(sp[0], NULL), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ipc_send_recv_console_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_send_recv_no_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_send_error_long_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_recv_wrong_fds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_packet_recv_max_fds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_recv_peer_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_send_invalid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
