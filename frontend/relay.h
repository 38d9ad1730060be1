/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The session: relay the user's stdin/stdout and the console PTY master
 * until the helper reports init's exit, and turn that into our exit status.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Seconds between the stop signal and SIGKILL when the user leaves with the escape sequence. */
#define RELAY_ESCAPE_STOP_TIMEOUT 3u

struct relay_config {
	int sock;     /* IPC socket to the helper */
	int master;   /* console PTY master (owned by the relay from now on) */
	pid_t helper; /* reaped on SIGCHLD */
	bool escape;  /* escape sequence enabled (only used when stdin is a terminal) */
	uint8_t escape_key;
	const char *machine;   /* for the detach message */
	uint32_t stop_timeout; /* seconds the monitor waits before SIGKILL after the escape */
	/* cnspawn exec/login: no detach key; leaving hangs up the command (the helper's
	 * answer to IPC_T_STOP), not the container. */
	bool exec;
	/* The console of a container: copy what is read from it to the monitor (IPC_T_TEE). */
	bool tee;
};

/*
 * Run the session. Puts the terminal in raw mode when stdin is one and
 * restores it on every way out. Returns the exit status for cnspawn:
 * init's code, 128+N for signal N, 0 when the user left with the escape
 * sequence, 128+N when we got SIGTERM/SIGHUP/SIGINT/SIGQUIT, 125 on our
 * own errors (after printing one line).
 */
int relay_run(const struct relay_config *cfg);

/*
 * Block the signals a relay handles itself (SIGWINCH too when winch; the
 * ending ones, and those whose default would leave a raw terminal behind)
 * and return a signalfd for them; SIGPIPE is ignored. -errno on failure.
 */
int relay_signal_fd(bool winch);
