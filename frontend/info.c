/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "info.h"
#include "text.h"
#include "units.h"
#include "util.h"

int
info_query(const char *name, struct ipc_info *ret)
{
	_cleanup_close_ int fd = -1;
	struct ipc_msg req, m;
	int k;

	if (cmd_attach_connect(name, &fd) < 0)
		return -ENOENT; /* gone, or a stale socket of a dead monitor */
	ipc_msg_init(&req, IPC_T_STATUS);
	k = cmd_attach_request(fd, &req, &m);
	if (k < 0)
		return k;
	if (m.type != IPC_T_INFO) {
		ipc_msg_done(&m); /* "permission denied": not ours to see */
		return -EPERM;
	}
	*ret = m.info;
	return 0;
}

void
info_owner_name(const struct ipc_info *i, char *buf, size_t size)
{
	struct passwd *pw = getpwuid((uid_t)i->uid);

	if (pw != NULL && snprintf(buf, size, "%s", pw->pw_name) < (int)size)
		return;
	(void)snprintf(buf, size, "%u", (unsigned)i->uid);
}

static long long
uptime_of(const struct ipc_info *i)
{
	long long up = (long long)time(NULL) - (long long)i->started;

	return up < 0 ? 0 : up;
}

void
info_uptime(const struct ipc_info *i, char *buf, size_t size)
{
	long long s = uptime_of(i);

	if (s >= 86400)
		(void)snprintf(buf, size, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		(void)snprintf(buf, size, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		(void)snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
	else
		(void)snprintf(buf, size, "%llds", s);
}

/* Bytes for people: "512K", "21.4M", "2G"; "-" when unknown. */
static void
format_bytes(uint64_t b, char *buf, size_t size)
{
	static const char units[] = "KMGTP";
	double v = (double)b;
	int k = -1;

	if (b == IPC_UNKNOWN64) {
		(void)snprintf(buf, size, "-");
		return;
	}
	while (v >= 1024 && k < 4) {
		v /= 1024;
		k++;
	}
	if (k < 0)
		(void)snprintf(buf, size, "%lluB", (unsigned long long)b);
	else if (v < 10 && v != (double)(uint64_t)v)
		(void)snprintf(buf, size, "%.1f%c", v, units[k]);
	else
		(void)snprintf(buf, size, "%.0f%c", v, units[k]);
}

void
info_memory(const struct ipc_info *i, char *buf, size_t size)
{
	char used[24], max[24];

	format_bytes(i->memory, used, sizeof(used));
	if (i->memory_max == 0) {
		(void)snprintf(buf, size, "%s", used);
		return;
	}
	format_bytes(i->memory_max, max, sizeof(max));
	(void)snprintf(buf, size, "%s/%s", used, max);
}

void
info_tasks(const struct ipc_info *i, char *buf, size_t size)
{
	char used[24] = "-";

	if (i->tasks != IPC_UNKNOWN32)
		(void)snprintf(used, sizeof(used), "%u", (unsigned)i->tasks);
	if (i->tasks_max == 0)
		(void)snprintf(buf, size, "%s", used);
	else
		(void)snprintf(buf, size, "%s/%u", used, (unsigned)i->tasks_max);
}

void
info_mode(const struct ipc_info *i, char *buf, size_t size)
{
	if (i->userns_count == 0)
		(void)snprintf(buf, size, "privileged");
	else
		(void)snprintf(buf, size, "userns %u:%u", (unsigned)i->userns_first,
		    (unsigned)i->userns_count);
}

static void
json_key_str(const char *key, const char *v)
{
	printf(", \"%s\": ", key);
	text_json_string(stdout, v);
}

/* A number, or null when unknown (unknown true) or without a ceiling. */
static void
json_key_num(const char *key, uint64_t v, bool null)
{
	if (null)
		printf(", \"%s\": null", key);
	else
		printf(", \"%s\": %llu", key, (unsigned long long)v);
}

static void
json_use(const struct ipc_info *f)
{
	char cpus[UNITS_BUF];

	json_key_num("memory", f->memory, f->memory == IPC_UNKNOWN64);
	json_key_num("memory_max", f->memory_max, f->memory_max == 0);
	json_key_num("tasks", f->tasks, f->tasks == IPC_UNKNOWN32);
	json_key_num("tasks_max", f->tasks_max, f->tasks_max == 0);
	units_format_cpus(f->cpus_milli, cpus);
	printf(", \"cpus\": %s", f->cpus_milli == 0 ? "null" : cpus);
}

void
info_json(const struct ipc_info *f)
{
	char owner[64];

	info_owner_name(f, owner, sizeof(owner));
	printf("{\"name\": ");
	text_json_string(stdout, f->machine);
	json_key_str("owner", owner);
	printf(", \"uid\": %u, \"pid\": %u, \"monitor_pid\": %u", (unsigned)f->uid,
	    (unsigned)f->init_pid, (unsigned)f->monitor_pid);
	json_key_str("address", f->address);
	json_key_str("bridge", f->bridge);
	json_key_str("veth", f->veth);
	json_key_str("root", f->root);
	json_key_str("mode", f->userns_count == 0 ? "privileged" : "userns");
	json_key_num("userns_first", f->userns_first, f->userns_count == 0);
	json_key_num("userns_count", f->userns_count, f->userns_count == 0);
	printf(", \"rule\": %u, \"started\": %llu, \"uptime\": %lld, \"attached\": %s",
	    (unsigned)f->rule, (unsigned long long)f->started, uptime_of(f),
	    f->attached ? "true" : "false");
	json_use(f);
	putchar('}');
}
