/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Exit status for cnspawn's own failures and refusals (documented in cnspawn(1)). */
#define EXIT_CNSPAWN 125

/* Print "cnspawn: MESSAGE" as one line on stderr; returns EXIT_CNSPAWN. */
int report_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line; returns code (for commands with their own exit statuses, like stop). */
int report_fail_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct ipc_exit; /* ipc.h */
/*
 * The exit status of an IPC_T_EXIT (the code; 128+N for signal N), after
 * saying on stderr how many processes machine's memory ceiling killed, if any.
 */
int report_exit(const struct ipc_exit *e, const char *machine);
