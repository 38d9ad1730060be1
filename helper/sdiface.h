/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The rest of what systemd's "Container Interface" asks of a container
 * manager, beside cgroups (cgroup.h) and container=cnspawn (request.c):
 * container_uuid= in init's environment, and /run as a fresh tmpfs holding
 * /run/host/container-manager ("cnspawn"), read-only.
 *
 * Machine id: container_uuid is the root's own /etc/machine-id when that is
 * a valid id (as systemd-nspawn does, so the machine keeps its identity),
 * else a random v4 UUID; for an empty or missing /etc/machine-id, systemd
 * in the container then derives its machine id from container_uuid and
 * mounts it over /etc/machine-id itself. The host's machine id is never
 * read, used or writable.
 */

#include <stddef.h>

struct fail; /* fail.h */

#define SDIFACE_MANAGER "cnspawn"
#define SDIFACE_UUID_LEN 36

/*
 * Host side, as root, before clone: choose the container's uuid from
 * ROOT/etc/machine-id (root_fd as from rootfs_open; a regular file, looked up
 * beneath the root with no symlink) or at random, and append
 * "container_uuid=<uuid>" at the first free slot of envp (nslots entries,
 * the last one kept NULL). ret_uuid gets SDIFACE_UUID_LEN + 1 bytes.
 * 0 or -errno (-E2BIG: no free slot).
 */
int sdiface_env(int root_fd, char **envp, size_t nslots, char *ret_uuid);

/*
 * Child side, before pivot_root: when ROOT/run is a directory, mount a
 * tmpfs on it (nosuid, nodev, mode 0755) and create host/container-manager
 * there, then make /run/host read-only. Roots with no /run get nothing.
 */
int sdiface_mount(int root_fd, struct fail *f);
