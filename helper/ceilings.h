/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The container's resource ceilings (the rule's `memory`, `pids`, `cpus`,
 * or less if the user asked): written into its cgroups (cgroup.h) by the
 * helper as root before init runs, in files that stay root's, so no
 * process of a userns container can raise them (its root's host uid owns
 * only the delegated cgroup.procs/threads/subtree_control). A ceiling the
 * host cannot apply fails the start: nothing runs unlimited by surprise.
 *
 *            unified (v2)              hybrid / legacy (v1)
 *   memory   memory.max,               memory.limit_in_bytes,
 *            memory.swap.max 0         memory.memsw.limit_in_bytes (= memory)
 *   pids     pids.max                  pids.max
 *   cpus     cpu.max "Q 100000"        cpu.cfs_period_us 100000, cpu.cfs_quota_us Q
 *   (Q = CPUs x 100000 us per 100 ms period)
 */

#include <stdint.h>

struct fail;           /* fail.h */
struct helper_session; /* session.h */

struct ceilings {
	uint64_t memory;     /* bytes; 0: no ceiling */
	uint32_t pids;       /* tasks; 0: no ceiling */
	uint32_t cpus_milli; /* 1/1000 CPUs; 0: no ceiling */
};

/*
 * Host side, as root, after cgroup_create and before init is cloned: put
 * the container in the controllers its ceilings need and write them;
 * records what was applied in the session. *f says what failed.
 */
int ceilings_apply(struct helper_session *s, const char *name, const struct ceilings *l,
    struct fail *f);

/* What the container uses now; IPC_UNKNOWN64/32 for what cannot be read. */
struct ceilings_usage {
	uint64_t memory; /* bytes, page cache included */
	uint32_t tasks;
	uint32_t oom_kills; /* processes the kernel killed at the memory ceiling */
};

/* Host side, any privilege (the monitor): read the container's use. Never fails. */
void ceilings_read(const struct helper_session *s, struct ceilings_usage *ret);
