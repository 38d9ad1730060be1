/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * rtnetlink over libmnl: no `ip` command is ever run (STYLE.md §7).
 * Host side runs in the helper's own (the caller's) network namespace;
 * container side runs in the child's new network namespace.
 * All functions return 0 or -errno and never print.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define NET_IFNAME_MAX UTIL_IFNAME_MAX

/*
 * 0 when ifname exists in the helper's namespace and is a bridge
 * (IFLA_INFO_KIND "bridge"); -ENODEV when it does not exist, -ENOTTY
 * (documented as "not a bridge") when it is something else.
 */
int net_bridge_check(const char *bridge);

/*
 * Create a veth pair: host_ifname in the helper's namespace, its peer named
 * "eth0" created directly in the network namespace of child_pid. Attach the
 * host end to bridge and set it up. On any failure nothing is left: the
 * host end is deleted before returning the error. -EEXIST if host_ifname exists.
 */
int net_create_veth(const char *host_ifname, const char *bridge, pid_t child_pid);

/* Delete a link by name in the helper's namespace (rollback); -ENODEV if gone. */
int net_delete_link(const char *ifname);

/*
 * Wait up to timeout_ms for the link ifname to be gone from the helper's
 * namespace without our doing: 0 once it is (or was already), -ETIMEDOUT,
 * other -errno. A veth goes with its peer's network namespace, which the
 * kernel tears down when the last process in it is gone: that removes the
 * link well before an RTM_DELLINK of our own would return, whose reply waits
 * for an rcu_barrier() after the link is already gone (10-15 ms here).
 */
int net_await_gone(const char *ifname, int timeout_ms);

/*
 * In the container's namespace: lo up; eth0 gets address/prefix and up;
 * when has_gateway, a default route via gateway with src address.
 */
int net_setup_container(struct in_addr address, uint8_t prefix, bool has_gateway,
    struct in_addr gateway);
