/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <syslog.h>
#define LIBBSD_NETBSD_VIS
#include <vis.h>

#include "cgroup.h"
#include "ipc.h"
#include "net.h"
#include "session.h"
#include "state.h"
#include "util.h"

/* How long helper_cleanup waits for the deleter (delete_veth) to take the
 * veth away: about a millisecond on the reference VM. Past it, or without a
 * deleter, it deletes the veth itself. */
#define SESSION_VETH_WAIT_MS 200

struct helper_session helper_session = {
    .sock = -1,
};

/* The machine a line is about: the reserved name, else the one the request named. */
static const char *
log_machine(void)
{
	return helper_session.name[0] != '\0' ? helper_session.name : helper_session.asked;
}

void
helper_log(int priority, const char *event, const char *fmt, ...)
{
	char line[1024];
	_cleanup_free_ char *safe = NULL;
	const char *machine = log_machine();
	va_list ap;
	int n;

	/* The fixed keys first, in a fixed order (cnspawn(1) AUDIT), then the event's. */
	n = snprintf(line, sizeof(line), "event=%s%s%s user=%s uid=%u ", event,
	    machine[0] != '\0' ? " machine=" : "", machine, helper_session.user,
	    (unsigned)helper_session.uid);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* The text holds caller-chosen strings: escape every control character (newline and tab
	 * too, so a caller cannot forge a second log line) before they reach the log. */
	if (stravis(&safe, line, VIS_CSTYLE | VIS_OCTAL | VIS_NL | VIS_TAB) < 0)
		return;
	syslog(priority, "%s", safe);
}

static pid_t veth_deleter; /* start_deleter's process until reap_deleter */

/* At exit (after the exit was sent): the deleter, whose last step is the kernel's. */
static void
reap_deleter(void)
{
	if (veth_deleter > 0)
		(void)waitpid(veth_deleter, NULL, 0);
	veth_deleter = 0;
}

/*
 * Delete the veth in a process of its own. The kernel takes the link out
 * of the namespace (name, sysfs, RTM_DELLINK to listeners) within an
 * expedited grace period, but answers the request only after an
 * rcu_barrier() that frees it (10-15 ms here). The deleter waits for that
 * answer; helper_cleanup waits only for the link to be gone
 * (net_await_gone), and we reap the deleter at exit. It has our
 * privileges (CAP_NET_ADMIN in the monitor), none of our fds, and does one
 * thing: net_delete_link of the name this session created. Failing to
 * fork is no error: helper_cleanup then deletes it itself.
 */
static void
start_deleter(const char *veth)
{
	pid_t pid;

	if (veth_deleter != 0 || atexit(reap_deleter) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		(void)close_range(0, ~0U, 0); /* the caller's stdio too, before the monitor phase */
		_exit(net_delete_link(veth) < 0 ? 1 : 0);
	}
	veth_deleter = pid > 0 ? pid : -1;
}

void
helper_cleanup(void)
{
	struct helper_session *s = &helper_session;

	if (s->control_process)
		return; /* the keeper owns every object (keeper.h) */
	/* init runs as root in its own namespaces; SIGKILL to pid 1 of a pid ns ends them all. */
	if (s->init_pid > 0) {
		(void)kill(s->init_pid, SIGKILL);
		(void)waitpid(s->init_pid, NULL, 0);
		s->init_pid = 0;
	}
	/* Only the veth this session created: its deletion runs while the cgroups go. */
	if (s->veth[0] != '\0')
		start_deleter(s->veth);
	/* After init is reaped: its pid namespace, so every task in the cgroup, is gone. */
	cgroup_remove(s);
	/* Gone from the host's namespace before the state entry (which reserves its
	 * name) and before the exit is sent: else we delete it ourselves. */
	if (s->veth[0] != '\0') {
		if (net_await_gone(s->veth, SESSION_VETH_WAIT_MS) < 0)
			(void)net_delete_link(s->veth); /* -ENODEV: gone meanwhile */
		s->veth[0] = '\0';
	}
	if (s->state_written) {
		(void)state_remove(s->name);
		s->state_written = false;
	}
}

_Noreturn void
helper_fail_at(int r, const struct fail *f, const char *dflt)
{
	if (f->msg[0] != '\0')
		helper_fail(0, "%s", f->msg);
	helper_fail(r, "%s", f->step != NULL ? f->step : dflt);
}

_Noreturn void
helper_fail(int r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && r < 0 && (size_t)n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(-r));
	helper_cleanup();
	/* The reason is free text: last, so that it runs to the end of the line. */
	helper_log(LOG_WARNING, "fail", "%s%s%sreason=%s",
	    helper_session.request[0] != '\0' ? "request=" : "", helper_session.request,
	    helper_session.request[0] != '\0' ? " " : "", msg);
	if (helper_session.sock >= 0)
		(void)ipc_send_error(helper_session.sock, msg);
	if (helper_session.after_fail != NULL)
		helper_session.after_fail();
	exit(1);
}
