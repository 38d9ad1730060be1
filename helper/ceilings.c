/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Ceilings into cgroup files (see ceilings.h). Every file is opened beneath
 * a directory cgroup.c made from fixed strings and the reserved machine
 * name, refusing symlinks; the numbers come from the policy's grant, which
 * the evaluator bounded (policy.h), never from the caller's text.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "ipc.h"
#include "ceilings.h"
#include "openat.h"
#include "session.h"
#include "util.h"

#define CEILINGS_CPU_PERIOD_US 100000u /* 100 ms, the kernel's and podman's default */

static int
put_str(int dir_fd, const char *file, const char *text)
{
	_cleanup_close_ int fd = -1;
	size_t n = strlen(text);
	ssize_t w;
	int r = openat_safe(dir_fd, file, O_WRONLY, OPENAT_HOST, &fd);

	if (r < 0)
		return r;
	/* cgroupfs takes one write(2) per value; a short one took none of it. */
	w = write(fd, text, n);
	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}

static int
put(int dir_fd, const char *file, uint64_t v)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return put_str(dir_fd, file, buf);
}

static int
apply_memory(int fd, bool v1, uint64_t bytes, struct fail *f)
{
	int r;

	f->step = v1 ? "writing memory.limit_in_bytes" : "writing memory.max";
	r = put(fd, v1 ? "memory.limit_in_bytes" : "memory.max", bytes);
	if (r < 0)
		return r;
	/*
	 * Swap: v2 gives the container none (a ceiling that swap could exceed
	 * would only move the pressure to the host's disk); v1 counts it inside
	 * the same ceiling. Either file is absent without swap accounting, and
	 * then swap is not limited (documented in cnspawn.policy(5)).
	 */
	f->step = v1 ? "writing memory.memsw.limit_in_bytes" : "writing memory.swap.max";
	r = v1 ? put(fd, "memory.memsw.limit_in_bytes", bytes) : put(fd, "memory.swap.max", 0);
	return r == -ENOENT ? 0 : r;
}

static int
apply_cpus(int fd, bool v1, uint32_t milli, struct fail *f)
{
	uint64_t quota = (uint64_t)milli * CEILINGS_CPU_PERIOD_US / 1000;
	char line[48];
	int r;

	if (!v1) {
		f->step = "writing cpu.max";
		(void)snprintf(line, sizeof(line), "%" PRIu64 " %u", quota, CEILINGS_CPU_PERIOD_US);
		return put_str(fd, "cpu.max", line);
	}
	f->step = "writing cpu.cfs_period_us";
	r = put(fd, "cpu.cfs_period_us", CEILINGS_CPU_PERIOD_US);
	if (r < 0)
		return r;
	f->step = "writing cpu.cfs_quota_us";
	return put(fd, "cpu.cfs_quota_us", quota);
}

static int
apply_one(struct helper_session *s, enum cgroup_controller c, const struct ceilings *l,
    struct fail *f)
{
	_cleanup_close_ int fd = -1;
	bool v1 = false;
	int r;

	r = cgroup_open_controller(s, c, &v1, &fd);
	if (r < 0)
		return r;
	switch (c) {
	case CGROUP_MEMORY:
		return apply_memory(fd, v1, l->memory, f);
	case CGROUP_PIDS:
		f->step = "writing pids.max";
		return put(fd, "pids.max", l->pids);
	case CGROUP_CPU:
		return apply_cpus(fd, v1, l->cpus_milli, f);
	default:
		return -EINVAL;
	}
}

static unsigned
needed(const struct ceilings *l)
{
	return (l->memory != 0 ? 1u << CGROUP_MEMORY : 0) | (l->pids != 0 ? 1u << CGROUP_PIDS : 0) |
	    (l->cpus_milli != 0 ? 1u << CGROUP_CPU : 0);
}

int
ceilings_apply(struct helper_session *s, const char *name, const struct ceilings *l, struct fail *f)
{
	/* memory and pids always, so that `cnspawn list` can show their use. */
	unsigned need = needed(l), want = need | 1u << CGROUP_MEMORY | 1u << CGROUP_PIDS;
	unsigned missing = 0;
	int r;

	f->step = "placing the container in its cgroup controllers";
	r = cgroup_attach_controllers(s, name, want, &missing);
	if (r < 0)
		return r;
	for (unsigned c = 0; c < HELPER_CGROUP_CONTROLLERS; c++) {
		if (!(need & 1u << c))
			continue;
		if (missing & 1u << c)
			return fail_say(f, -EOPNOTSUPP,
			    "cannot apply the %s ceiling: the host's cgroups have no %s controller",
			    cgroup_controller_name((enum cgroup_controller)c),
			    cgroup_controller_name((enum cgroup_controller)c));
		r = apply_one(s, (enum cgroup_controller)c, l, f);
		if (r < 0)
			return r;
	}
	s->memory_max = l->memory;
	s->pids_max = l->pids;
	s->cpus_milli = l->cpus_milli;
	return 0;
}

/* Decimal digits at p, ended by a newline or the end: the kernel's numbers. */
static bool
parse_u64(const char *p, uint64_t *ret)
{
	uint64_t v = 0;
	const char *q = p;

	for (; *q >= '0' && *q <= '9'; q++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	if (q == p || (*q != '\n' && *q != '\0'))
		return false;
	*ret = v;
	return true;
}

/* A decimal number alone in a file (memory.current, pids.current). */
static bool
get(int dir_fd, const char *file, uint64_t *ret)
{
	_cleanup_close_ int fd = -1;
	char buf[32];
	size_t n = 0;

	if (openat_safe(dir_fd, file, O_RDONLY, OPENAT_HOST, &fd) < 0 ||
	    util_read_upto(fd, buf, sizeof(buf) - 1, &n) < 0 || n == 0)
		return false;
	buf[n] = '\0';
	return parse_u64(buf, ret);
}

/* "oom_kill N" in memory.events (v2) or memory.oom_control (v1). */
static bool
get_oom_kills(int dir_fd, bool v1, uint64_t *ret)
{
	_cleanup_close_ int fd = -1;
	char buf[512];
	size_t n = 0;
	const char *p;

	if (openat_safe(dir_fd, v1 ? "memory.oom_control" : "memory.events", O_RDONLY, OPENAT_HOST,
	        &fd) < 0 ||
	    util_read_upto(fd, buf, sizeof(buf) - 1, &n) < 0)
		return false;
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, "oom_kill ")) != NULL; p++)
		if (p == buf || p[-1] == '\n')
			return parse_u64(p + strlen("oom_kill "), ret);
	return false;
}

static uint32_t
clamp32(uint64_t v)
{
	return v >= IPC_UNKNOWN32 ? IPC_UNKNOWN32 - 1 : (uint32_t)v;
}

void
ceilings_read(const struct helper_session *s, struct ceilings_usage *ret)
{
	_cleanup_close_ int mem = -1, pids = -1;
	bool mem_v1 = false, pids_v1 = false;
	uint64_t v;

	*ret = (struct ceilings_usage){IPC_UNKNOWN64, IPC_UNKNOWN32, 0};
	if (cgroup_open_controller(s, CGROUP_MEMORY, &mem_v1, &mem) == 0) {
		if (get(mem, mem_v1 ? "memory.usage_in_bytes" : "memory.current", &v))
			ret->memory = v == IPC_UNKNOWN64 ? v - 1 : v;
		if (get_oom_kills(mem, mem_v1, &v))
			ret->oom_kills = clamp32(v);
	}
	if (cgroup_open_controller(s, CGROUP_PIDS, &pids_v1, &pids) == 0 &&
	    get(pids, "pids.current", &v))
		ret->tasks = clamp32(v);
}
