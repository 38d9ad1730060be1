/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn-policy check`, and the checking that `edit` reuses. */

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

enum tool_owner_check {
	TOOL_OWNER_NONE,  /* --no-owner-check */
	TOOL_OWNER_WARN,  /* an explicit FILE: warn when the file itself is not root's */
	TOOL_OWNER_ERROR, /* the installed path: what policy_load refuses is an error */
};

/*
 * Check text (read from the file shown as `shown`) and print every error
 * and warning, sorted by position, as "SHOWN:LINE:COL: error: msg".
 * Returns the number of errors; *ret (may be NULL) gets the policy if none.
 */
int tool_check_text(const char *shown, const char *text, size_t len, struct policy **ret);
/* The whole `check` command; returns the exit status. */
int tool_check_main(int argc, char **argv);
