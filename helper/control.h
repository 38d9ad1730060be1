/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The monitor's control side: the per-container listening socket
 * (CNSPAWN_STATE_DIR/NAME.sock), the table of open connections (slot 0 is
 * the starting frontend's socket), the requests each may send (a table,
 * STYLE.md §6) and the console: the monitor keeps a copy of the PTY master
 * and drains it into a ring buffer whenever no frontend is attached; the
 * attached frontend copies what it reads to the ring (IPC_T_TEE). Readers
 * of the ring (cnspawn logs) are cursors into it.
 */

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ipc.h"
#include "ring.h"

/* Open control connections at once, besides the starting frontend's socket. */
#define CONTROL_MAX_CONNS 8
/* Default stop signal: SIGRTMIN+4, systemd's "power off" request. */
#define CONTROL_DEFAULT_STOP_SIGNAL (SIGRTMIN + 4)

struct control_conn {
	int fd;           /* -1: free slot */
	uid_t uid;        /* the peer's uid (SO_PEERCRED) */
	bool attached;    /* holds the console */
	bool wants_exit;  /* sent STOP (or logs -f): gets IPC_T_EXIT when init is gone */
	bool logs;        /* reads the ring (IPC_T_LOGS); its socket is non-blocking */
	uint64_t log_pos; /* ring position of the next byte to send it */
	uint64_t log_end; /* send up to here, then close; UINT64_MAX: follow */
};

struct control {
	int keeper; /* the socket to the keeper (keeper.h), init's parent */
	int listen_fd;
	int master; /* console PTY master (the monitor's copy) */
	pid_t init_pid;
	uid_t owner;
	int kill_signal;
	bool stop_on_exit;   /* the starting frontend leaving stops the container */
	bool session_relays; /* the starting frontend relays the console (not pipe mode) */
	bool stopping;       /* a STOP came: SIGKILL at kill_at */
	struct timespec kill_at;
	struct timespec master_retry; /* master hung up: do not poll before this */
	bool master_hung;
	struct ipc_ring ring;
	uint64_t replayed; /* ring position up to which an attached frontend saw it all */
	const char *name, *address, *bridge, *root, *veth;
	long long started;
	pid_t monitor_pid;
	unsigned rule;
	uint32_t userns_first, userns_count;
	struct control_conn conns[CONTROL_MAX_CONNS + 1]; /* [0]: the starting frontend */
};

/*
 * Create the listening socket for machine name (replacing a stale one: the
 * name is reserved under the state lock, so no live container owns it).
 * Mode 0666 so that users can connect; who may do what is decided per
 * request from SO_PEERCRED. Returns the fd or -errno.
 */
int control_listen(const char *name);
/* Fill c for the monitor loop; takes the fds. */
int control_init(struct control *c, int session_fd, int listen_fd, int master);
/* The pollfds the loop waits on; returns how many were filled (at most CONTROL_NPOLL). */
#define CONTROL_NPOLL (CONTROL_MAX_CONNS + 3)
size_t control_fill_poll(struct control *c, struct pollfd *p);
/* Handle what poll reported for the pollfds control_fill_poll filled. */
void control_handle_poll(struct control *c, const struct pollfd *p, size_t n);
/* Milliseconds poll may wait (stop deadline, master back-off), -1 for ever. */
int control_timeout_ms(const struct control *c);
/* Act on timers (SIGKILL after the stop timeout). */
void control_tick(struct control *c);
/*
 * The container ended: send IPC_T_EXIT (or, error != NULL, IPC_T_ERROR with
 * it: a reboot failed) to whoever waits for it, close everything.
 */
void control_finish(struct control *c, const struct ipc_exit *x, const char *error);
