/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * -x/--ephemeral (issue 15), child side: an overlay whose lower layer is the
 * container root as already bound (id-mapped under a userns rule) and whose
 * upper and work directories are on a fresh tmpfs of this mount namespace
 * only. The root on disk is only ever read. Nothing of it is on the host:
 * the tmpfs is detached (reachable only through the overlay), and when the
 * last process of the container's mount namespaces exits, the overlay and
 * the tmpfs go with it, also when the monitor is killed (init dies with it).
 * A reboot (issue 16) therefore starts from the pristine root: what a boot
 * wrote is freed with it, so its pages, charged to that boot's (removed)
 * memory cgroup, never let a container hold more than its ceiling.
 */

#include <stdint.h>

struct fail;

/*
 * Default cap of the upper tmpfs when the rule has no memory ceiling. With
 * one, the cap is the ceiling: tmpfs pages are charged to the memory cgroup
 * of the process that writes them, which is a container process (the
 * overlay writes the upper file in the writer's context), so what the
 * container writes counts against its ceiling as well.
 */
#define EPHEMERAL_DEFAULT_SIZE (1024ull * 1024 * 1024)

/*
 * Stack the overlay on the mount *root_fd (the bound root, attached in this
 * namespace); on success *root_fd is the overlay's root instead (the old fd
 * closed). size: the tmpfs's size in bytes.
 */
int ephemeral_overlay(int *root_fd, uint64_t size, struct fail *f);
