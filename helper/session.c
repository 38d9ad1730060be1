/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#define LIBBSD_NETBSD_VIS
#include <vis.h>

#include "cgroup.h"
#include "ipc.h"
#include "net.h"
#include "session.h"
#include "state.h"
#include "util.h"

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
	/* After init is reaped: its pid namespace, so every task in the cgroup, is gone. */
	cgroup_remove(s);
	/* Only the veth this session created; -ENODEV just means it went with the namespace. */
	if (s->veth[0] != '\0') {
		(void)net_delete_link(s->veth);
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
