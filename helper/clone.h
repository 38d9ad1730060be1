/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "child.h"
#include "session.h"

/* How long the child may take to build its mounts and /dev before we give up. */
#define CLONE_TIMEOUT_MS 30000

/*
 * Clone the container's first process into new mount, UTS, IPC, network,
 * PID and cgroup namespaces (child_run() in the child), take the console
 * master it allocated, create the veth (host end `veth` on `bridge`, peer
 * eth0 in the child's namespace), let the child go on, and wait until it
 * exec'd init. The pid and veth are recorded in s as soon as they exist,
 * so helper_fail() undoes them. On failure f->msg holds the child's own
 * message when it sent one. *ret_keep (devpts -1 on entry) receives what
 * the child hands over for a reboot (child.h); the caller closes that
 * fd, also on failure. On a reboot (cfg->keep.console_index >= 0) no
 * master comes: *ret_master is -1.
 */
int clone_container(struct helper_session *s, const struct child_config *cfg, const char *veth,
    const char *bridge, int *ret_master, struct child_keep *ret_keep, struct fail *f);
