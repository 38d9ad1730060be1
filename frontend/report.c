/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "ipc.h"
#include "report.h"

static void
vreport(const char *fmt, va_list ap)
{
	fputs("cnspawn: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
report_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return EXIT_CNSPAWN;
}

int
report_fail_code(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return code;
}

int
report_exit(const struct ipc_exit *e, const char *machine)
{
	/* Always said, -q or not: it explains a status such as 137. */
	if (e->oom_kills > 0)
		(void)report_fail("%s hit its memory ceiling: the kernel killed %u process%s in it",
		    machine, (unsigned)e->oom_kills, e->oom_kills == 1 ? "" : "es");
	if (e->crash_loop)
		(void)report_fail("%s asked for a reboot %u times within %u seconds: stopped it "
		                  "instead (a crash loop)",
		    machine, IPC_CRASH_LOOP_REBOOTS, IPC_CRASH_LOOP_SECONDS);
	if (e->how == IPC_EXIT_SIGNAL)
		return 128 + e->code;
	return e->code;
}
