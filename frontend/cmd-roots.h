/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `cnspawn list --roots` (issue 16): the roots the policy lets the caller
 * start, asked of a fresh cnspawn-helper (the policy may be readable by
 * root only; see helper/listroots.c for what it reveals). One path a line:
 * each pattern as written, a DIR/ * (no space) followed by the directories in
 * DIR the caller may list and start.
 */

/* Returns the exit status: 0, or EXIT_CNSPAWN with one line on stderr. */
int cmd_roots_run(void);
