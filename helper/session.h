/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The helper's session: what has been set up on the host so far, so that
 * every exit path (helper_fail included) undoes exactly that, and the one
 * error convention of main-level helper code (STYLE.md §4).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "fail.h"

#include "names.h"
#include "net.h"

#define HELPER_NAME_MAX IPC_NAME_MAX
#define HELPER_CGROUP_CONTROLLERS 3 /* memory, pids, cpu (cgroup.h) */

struct helper_session {
	int sock;                       /* IPC socket to the frontend; -1 once closed */
	uid_t uid;                      /* the caller's real uid */
	char user[64];                  /* the caller's name, or "#uid" */
	char request[768];              /* what was asked, for the log; "" until decoded */
	char name[HELPER_NAME_MAX + 1]; /* machine name once reserved, else "" */
	bool state_written;             /* a state entry exists for name */
	char veth[NET_IFNAME_MAX + 1];  /* host end once created, else "" */
	pid_t init_pid;                 /* host pid of init once cloned, else 0 */
	char cgroup[160];               /* the container's cgroup directory once made, else "" */
	bool cgroup_delegated;          /* cgroup given to container root (userns) */
	bool cgroup_v2;                 /* cgroup is a cgroup2 directory */
	/* Its directory in the v1 hierarchy of each controller v2 lacks (enum
	 * cgroup_controller), once made, else "". */
	char cgroup_v1[HELPER_CGROUP_CONTROLLERS][160];
	/* The ceilings applied (0: none; pids 0 until applied), for status and the log. */
	uint64_t memory_max;
	uint32_t pids_max, cpus_milli;
	/* The monitor's control process (keeper.h): it reads the cgroups above but
	 * owns nothing, so helper_cleanup undoes nothing there. */
	bool control_process;
	/* Run by helper_fail after its line was sent (the keeper: let it reach the frontends). */
	void (*after_fail)(void);
	/* The machine name the request named, for the log until one is reserved; "" none. */
	char asked[HELPER_NAME_MAX + 1];
};

extern struct helper_session helper_session;

/* helper_fail with f's reason: its msg when set, else "STEP: strerror(r)" (STEP: f's or dflt). */
_Noreturn void helper_fail_at(int r, const struct fail *f, const char *dflt);

/*
 * Report a fatal error: one line to the frontend (IPC_T_ERROR) when the
 * session is open, one line to syslog (authpriv), undo every host-side
 * object recorded in helper_session, exit(1). r is -errno or 0.
 */
_Noreturn void helper_fail(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Log one security event line (authpriv), key=value:
 *   event=EVENT [machine=NAME] user=NAME uid=N KEY=VALUE...
 * machine is the reserved name, else the one the request
 * named, left out when neither is known; the rest is fmt's. The whole line
 * is vis(3)-escaped. Every line is documented in cnspawn(1) AUDIT.
 */
void helper_log(int priority, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Undo what helper_session records: kill init, delete the veth, remove the state entry. */
void helper_cleanup(void);
