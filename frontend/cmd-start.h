/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn [start]`: start a container and attach to its console. */

#include <stdbool.h>
#include <stdint.h>

/* cnspawn's own failures and refusals: EXIT_CNSPAWN, like systemd-nspawn's and podman's 125. */
#include "ipc.h"
#include "report.h"

struct start_options {
	const char *directory; /* as given; made canonical before it is sent */
	const char *bridge;
	const char *address; /* NULL: the helper picks one */
	const char *gateway; /* NULL: the policy's */
	const char *machine; /* NULL: derived from the directory */
	const char *init;    /* NULL: /sbin/init */
	char **init_argv;    /* after "--" */
	int init_argc;
	bool quiet;
	bool detach;          /* -d: print the name and return once init runs */
	bool tty;             /* -t: the console even when stdin is not a terminal */
	uint32_t kill_signal; /* --kill-signal; 0: the default (SIGRTMIN+4) */
	bool no_reboot;       /* --no-reboot */
	bool escape;
	uint8_t escape_key;
	uint64_t memory; /* --memory in bytes; 0: the policy's ceiling */
	uint32_t pids;   /* --pids; 0: the policy's */
	uint32_t cpus_milli;
	/* issue 15 (opt-mounts.c) */
	struct ipc_bind binds[IPC_MAX_BINDS]; /* strings point into argv */
	size_t nbinds;
	bool ephemeral;       /* -x */
	bool no_resolv_conf;  /* --resolv-conf=off */
	const char *hostname; /* NULL: the machine name */
};

/* Check the options (printing one line and returning EXIT_CNSPAWN), run, return the exit status. */
int cmd_start_run(const struct start_options *o);

struct ipc_msg; /* ipc.h */
/*
 * The helper's first answer: IPC_T_CONSOLE into *ret, or one line saying
 * why not (returns EXIT_CNSPAWN). send_err is what sending the request
 * returned, reported only if no answer explains it.
 */
int cmd_start_await_console(int sock, int send_err, struct ipc_msg *ret);
/* The same for an answer of another type (list --roots: IPC_T_ROOTS_REPLY). */
int cmd_start_await(int sock, int send_err, enum ipc_type type, struct ipc_msg *ret);
