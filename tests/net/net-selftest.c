/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Real-kernel self-test of helper/net.c. Run as root INSIDE a private
 * network namespace that holds a bridge "brt" with 198.18.5.1/24, up;
 * tests/net/run.sh sets that up, runs this, and removes it again:
 *
 *   sh tests/net/run.sh            (builds into build/net-selftest/)
 *
 * Build line by hand (from the repo root):
 *   cc -std=gnu17 -Wall -Wextra -Iipc -Ihelper $(pkg-config --cflags libbsd-overlay) \
 *      tests/net/net-selftest.c helper/net.c common/util.c -lmnl -lbsd -o net-selftest
 *
 * The parent forks a child that unshares its network namespace; the veth's
 * peer "eth0" lands there, the child configures it with
 * net_setup_container() and pings the bridge. Output is TAP-like lines
 * (parent and child both print); the exit status is 0 only if all passed.
 */

#define _GNU_SOURCE /* unshare(), CLONE_NEWNET */

#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "util.h"

#define BRIDGE "brt"
#define VETH "ve-test"

static int test_failed;

static void
check(bool ok, const char *what, int r)
{
	if (!ok)
		test_failed++;
	printf("%sok - %s (r=%d %s)\n", ok ? "" : "not ", what, r, r < 0 ? strerror(-r) : "");
	(void)fflush(stdout);
}

static void
expect(int r, int want, const char *what)
{
	check(r == want, what, r);
}

static int
run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Child: new netns; wait for the parent's "go"; configure; ping; exit. */
static int
child_main(int ready_w, int go_r)
{
	struct in_addr addr, gw, far_gw;
	char c = 'r';
	int r;

	if (unshare(CLONE_NEWNET) < 0)
		return 2;
	if (util_write_full(ready_w, &c, 1) < 0 || read(go_r, &c, 1) != 1)
		return 2;
	(void)inet_pton(AF_INET, "198.18.5.2", &addr);
	(void)inet_pton(AF_INET, "198.18.5.1", &gw);
	(void)inet_pton(AF_INET, "198.18.6.1", &far_gw);

	r = net_setup_container(addr, 24, true, far_gw);
	expect(r, -ENETUNREACH, "child: off-link gateway refused before any change");
	expect(net_setup_container(addr, 33, false, gw), -EINVAL, "child: prefix 33 refused");
	expect(net_setup_container(addr, 24, true, addr), -EINVAL, "child: gateway == address");
	r = net_setup_container(addr, 24, true, gw);
	expect(r, 0, "child: net_setup_container 198.18.5.2/24 via 198.18.5.1");
	expect(net_setup_container(addr, 24, true, gw), -EEXIST, "child: second setup is -EEXIST");

	(void)run((char *const[]){"ip", "-d", "addr", NULL});
	(void)run((char *const[]){"ip", "route", NULL});
	expect(run((char *const[]){"ping", "-c1", "-W2", "198.18.5.1", NULL}), 0,
	    "child: ping 198.18.5.1");
	return test_failed > 0 ? 1 : 0;
}

/* The veth goes with the child's netns; netns teardown is asynchronous. */
static int
wait_veth_gone(void)
{
	for (int i = 0; i < 100; i++) {
		int r = net_bridge_check(VETH);

		if (r == -ENODEV)
			return 0;
		(void)nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
	}
	return -ETIMEDOUT;
}

/* A dead (un-reaped) child has no netns any more: refused, nothing left. */
static void
zombie_check(void)
{
	pid_t z = fork();
	int r, status;

	if (z < 0)
		return check(false, "fork", -errno);
	if (z == 0)
		_exit(0);
	(void)nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
	r = net_create_veth(VETH, BRIDGE, z);
	check(r == -ESRCH, "create_veth for a zombie child is -ESRCH", r);
	(void)waitpid(z, &status, 0);
}

static void
parent_checks_before(pid_t child)
{
	expect(net_bridge_check(BRIDGE), 0, "bridge_check brt");
	expect(net_bridge_check("lo"), -ENOTTY, "bridge_check lo is not a bridge");
	expect(net_bridge_check("nosuch"), -ENODEV, "bridge_check nosuch");
	expect(net_bridge_check(""), -EINVAL, "bridge_check empty name");
	expect(net_bridge_check("a/b"), -EINVAL, "bridge_check name with /");
	expect(net_bridge_check("a b"), -EINVAL, "bridge_check name with space");
	expect(net_bridge_check("0123456789abcdef"), -EINVAL, "bridge_check 16-char name");
	expect(net_bridge_check(".."), -EINVAL, "bridge_check ..");
	expect(net_create_veth(VETH, "nosuch", child), -ENODEV, "create_veth to missing bridge");
	expect(net_create_veth(VETH, "lo", child), -ENOTTY, "create_veth to non-bridge");
	expect(net_create_veth(VETH, BRIDGE, 0), -EINVAL, "create_veth pid 0");
	expect(net_create_veth(VETH, BRIDGE, getpid()), -EINVAL,
	    "create_veth into our own netns refused");
	zombie_check();
	expect(net_bridge_check(VETH), -ENODEV, "no veth left after refusals");
	expect(net_delete_link("nosuch"), -ENODEV, "delete_link nosuch");
	expect(net_create_veth(VETH, BRIDGE, child), 0, "create_veth ve-test on brt");
	expect(net_create_veth(VETH, BRIDGE, child), -EEXIST, "create_veth again is -EEXIST");
	expect(net_create_veth("0123456789abcdef", BRIDGE, child), -EINVAL,
	    "create_veth 16-char name");
	(void)run((char *const[]){"ip", "-d", "link", "show", VETH, NULL});
}

int
main(void)
{
	int ready[2], go[2], status;
	char c;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(ready) < 0 || pipe(go) < 0)
		return 2;
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		(void)close(ready[0]);
		(void)close(go[1]);
		_exit(child_main(ready[1], go[0]));
	}
	(void)close(ready[1]);
	(void)close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		return 2;

	parent_checks_before(child);
	check(run((char *const[]){"sh", "-c",
	          "ip -o link show " VETH " | grep -q '[<,]UP[,>].* master " BRIDGE " '", NULL}) ==
	        0,
	    "ip shows ve-test up with master brt", 0);

	c = 'g';
	if (util_write_full(go[1], &c, 1) < 0)
		return 2;
	if (waitpid(child, &status, 0) < 0)
		return 2;
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child passed its checks",
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	expect(wait_veth_gone(), 0, "ve-test gone after the child exited");
	printf("# parent: %d failed\n", test_failed);
	return test_failed > 0 ? 1 : 0;
}
