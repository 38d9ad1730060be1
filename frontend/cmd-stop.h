/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn stop NAME [-t SECONDS] [--kill]`, and signal names for --kill-signal. */

#include <stdint.h>

/* Exit statuses of `cnspawn stop` (cnspawn(1)). */
#define STOP_EXIT_OK 0
#define STOP_EXIT_ERROR 1
#define STOP_EXIT_NOT_RUNNING 2
#define STOP_DEFAULT_TIMEOUT 30u

/*
 * "SIGUSR2", "USR2", "SIGRTMIN+4", "RTMAX-1", "SIGPWR" or a number 1..64
 * (case-insensitive); -EINVAL otherwise.
 */
int cmd_stop_parse_signal(const char *s, uint32_t *ret);
/* Parse the arguments after "stop" and run; returns the exit status. */
int cmd_stop_run(int argc, char **argv);
