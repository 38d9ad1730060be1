/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>

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
