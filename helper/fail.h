/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define FAIL_MSG_MAX 512

/*
 * Why a step failed: the one error-detail type of helper code. A function
 * that can fail for a reason a user should read takes a struct fail * and
 * either names the step it was at (step, a constant: the report is then
 * "STEP: strerror") or says the whole reason (msg, with fail_say). A step
 * that starts with '/' is a path inside the container root (child.c).
 */
struct fail {
	const char *step;       /* what was being done; NULL: the caller's default */
	char msg[FAIL_MSG_MAX]; /* the whole reason, or "" */
};

/* Fill f->msg from fmt (cut to fit, which only shortens the line); returns r. */
int fail_say(struct fail *f, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
