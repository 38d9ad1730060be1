/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

struct fail; /* fail.h */

/*
 * The container's /dev, as sh-nspawn builds it: a tmpfs (nosuid, mode 755,
 * 4 MiB) with null zero full random urandom tty (0666), a new devpts
 * instance on pts (ptmxmode=0666, mode=0620), ptmx -> pts/ptmx, a shm tmpfs
 * (nosuid, nodev, 1777), fd stdin stdout stderr -> /proc/self/fd..., and an
 * empty console file (0600) for the PTY slave to be bound onto. Nothing of
 * the host's /dev. Returns 0 or -errno; *f names the failing step (fail.h).
 */

/*
 * Mount and fill ROOT/dev (created when missing; a symlink is refused with
 * -ELOOP). *ret_dev_fd is the tmpfs root, *ret_pts_fd the devpts root.
 * keep_pts >= 0 (a reboot): the previous boot's devpts instance (a detached
 * clone) goes on pts instead of a new one. *ret_keep: a detached clone of
 * the devpts now on pts, for the next boot.
 */
int dev_build(int root_fd, int keep_pts, int *ret_dev_fd, int *ret_pts_fd, int *ret_keep,
    struct fail *f);

/* Bind the PTY slave (an fd from TIOCGPTPEER) onto dev/console. */
int dev_bind_console(int dev_fd, int slave_fd);
