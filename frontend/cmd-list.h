/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `cnspawn list [--json]`: the containers the caller may see (their own;
 * root: all). Each monitor is asked for its STATUS over NAME.sock, so the
 * monitor's own owner check decides what is listed, and an entry whose
 * monitor is gone (no one answers) is simply not shown.
 */

/* Parse the arguments after "list" and run; returns the exit status. */
int cmd_list_run(int argc, char **argv);
