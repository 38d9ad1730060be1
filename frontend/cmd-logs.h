/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `cnspawn logs [-f] [-n LINES] NAME`: what the container wrote to its
 * console, from its monitor's ring buffer, without taking the console.
 */

/* Parse the arguments after "logs" and run; returns the exit status. */
int cmd_logs_run(int argc, char **argv);
