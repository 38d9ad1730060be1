/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The monitor is two processes (issue 16: reboot in place).
 *
 * The keeper is the helper's own process (the state entry's monitor_pid).
 * It stays full root, because starting init again in fresh namespaces is
 * the privileged work of a start once more, and so it never reads what a
 * frontend sends: its one input is the control process's socket, read as
 * single bytes (KEEPER_STOP, KEEPER_KILL), never decoded as a message;
 * anything else, or the socket closing, is taken as a stop with SIGKILL. It is init's parent and reaps it. init's
 * reboot (init killed by SIGHUP: reboot(2) in a pid namespace) starts the
 * container again unless the start said --no-reboot, was in pipe mode, a
 * stop came, or KEEPER_LOOP_REBOOTS reboots were asked within
 * KEEPER_LOOP_SECONDS (a crash loop). Any other end of init ends the
 * container: the keeper reads the memory ceiling's OOM count, undoes every
 * host object (helper_cleanup), and only then sends IPC_T_EXIT to the
 * control process, which tells the frontends.
 *
 * The control process (control.c, monitor.c) is forked once the start was
 * announced. It holds the frontend's socket, the control socket and the
 * console master, forgets the host objects (so that its own failure undoes
 * nothing twice) and becomes the container's owner (uid and gid, no
 * groups, no capability, not dumpable, no_new_privs): what a frontend can
 * reach holds nothing the owner does not. It asks the keeper to signal
 * init (KEEPER_STOP, KEEPER_KILL) and hears from it IPC_T_BOOTED (init
 * started again), IPC_T_EXIT or IPC_T_ERROR (sent without waiting: the
 * keeper never blocks on it).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ipc.h"

#define KEEPER_LOOP_REBOOTS IPC_CRASH_LOOP_REBOOTS /* this many reboots asked ... */
#define KEEPER_LOOP_SECONDS IPC_CRASH_LOOP_SECONDS /* ... within so many seconds: stop */

/* The control process's requests, one byte each. */
#define KEEPER_STOP 'S' /* send init its stop signal; the end is final */
#define KEEPER_KILL 'K' /* SIGKILL init; the end is final */

struct keeper {
	int ctl;            /* the socket to the other process; -1 once it closed */
	pid_t control_pid;  /* in the keeper: the control process */
	pid_t keeper_pid;   /* in the control process: the keeper */
	int kill_signal;    /* what a STOP without kill sends init */
	bool may_reboot;    /* neither --no-reboot nor pipe mode */
	bool stopping;      /* a stop came: init's end is the container's end */
	unsigned boots;     /* how many times init was started */
	bool crash_loop;    /* stopped instead of the reboot asked */
	uint32_t oom_kills; /* the memory ceiling's kills in the boots before this one */
	unsigned asked;     /* reboots asked so far */
	struct timespec asked_at[KEEPER_LOOP_REBOOTS]; /* when the last ones were asked (a ring) */
	/* main.c: start init again once the old boot is torn down (cgroups and
	 * veth gone); records the new init in helper_session and the state
	 * entry. On error it calls helper_fail(). */
	void (*reboot)(void *arg);
	void *arg;
};

/*
 * Fork the control process. Returns 0 in it (k->ctl is its end, it dies
 * with the keeper, and helper_session no longer records host objects),
 * 1 in the keeper (k->ctl, k->control_pid set), or -errno.
 */
int keeper_fork(struct keeper *k);

/* The keeper's loop, from the first boot until the container ended; exits. */
_Noreturn void keeper_run(struct keeper *k);
