/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The container's /etc/resolv.conf from the rule's `dns` and `search`
 * (issue 15): a read-only file on a small tmpfs of the container's own,
 * mounted over the root's /etc/resolv.conf, so the root's file on disk is
 * never written (the mount point is created, empty, only where the root has
 * no such file).
 */

#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

struct fail;

#define RESOLV_MAX 1024 /* bytes of the generated file */

/* Host side: the file's text from the grant into buf; -ENAMETOOLONG if it does not fit. */
int resolv_text(const struct policy_grant *g, unsigned rule, char *buf, size_t size);

/*
 * Child side: mount text read-only (nosuid, nodev, noexec) over ROOT/etc/resolv.conf,
 * looked up beneath root_fd with no symlink. owner: the file's owner (container
 * root's host id under a userns rule, else 0), also used to create a missing
 * mount point as container root would.
 */
int resolv_mount(int root_fd, const char *text, uid_t owner, struct fail *f);
