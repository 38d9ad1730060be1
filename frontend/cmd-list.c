/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd-attach.h"
#include "cmd-list.h"
#include "names.h"
#include "report.h"
#include "units.h"
#include "util.h"

/* More sockets than this in the state dir is not a real host: stop there. */
#define LIST_MAX 4096

struct list_item {
	struct ipc_info info; /* owned strings */
};

static int
query(const char *name, struct list_item *ret)
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
	ret->info = m.info;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct list_item *)a)->info.machine,
	    ((const struct list_item *)b)->info.machine);
}

/* Ask every NAME.sock in the state dir; *ret is allocated, sorted by name. */
static int
collect(struct list_item **ret, size_t *ret_n)
{
	_cleanup_free_ struct list_item *v = calloc(LIST_MAX, sizeof(*v));
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if (v == NULL)
		return -ENOMEM;
	d = opendir(CNSPAWN_STATE_DIR);
	if (d == NULL && errno != ENOENT)
		return -errno;
	while (d != NULL && n < LIST_MAX && (de = readdir(d)) != NULL) {
		char name[IPC_NAME_MAX + 1];

		if (ipc_sock_name_strip(de->d_name, name, sizeof(name)) == 0 &&
		    ipc_name_check(name) == 0 && query(name, &v[n]) == 0)
			n++;
	}
	if (d != NULL)
		(void)closedir(d);
	qsort(v, n, sizeof(*v), by_name);
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

static void
owner_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && snprintf(buf, size, "%s", pw->pw_name) < (int)size)
		return;
	(void)snprintf(buf, size, "%u", (unsigned)uid);
}

static long long
uptime_of(const struct ipc_info *i)
{
	long long up = (long long)time(NULL) - (long long)i->started;

	return up < 0 ? 0 : up;
}

static void
format_uptime(long long s, char *buf, size_t size)
{
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

/* "USED/MAX", "USED" without a ceiling. */
static void
format_memory(const struct ipc_info *i, char *buf, size_t size)
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

static void
format_tasks(const struct ipc_info *i, char *buf, size_t size)
{
	char used[24] = "-";

	if (i->tasks != IPC_UNKNOWN32)
		(void)snprintf(used, sizeof(used), "%u", (unsigned)i->tasks);
	if (i->tasks_max == 0)
		(void)snprintf(buf, size, "%s", used);
	else
		(void)snprintf(buf, size, "%s/%u", used, (unsigned)i->tasks_max);
}

static void
print_table(const struct list_item *v, size_t n)
{
	printf("%-16s %-10s %-8s %-18s %-8s %-8s %-12s %-10s %s\n", "NAME", "OWNER", "PID",
	    "ADDRESS", "BRIDGE", "UPTIME", "MEMORY", "TASKS", "ROOT");
	for (size_t i = 0; i < n; i++) {
		char owner[64], up[32], mem[56], tasks[40];

		owner_name((uid_t)v[i].info.uid, owner, sizeof(owner));
		format_uptime(uptime_of(&v[i].info), up, sizeof(up));
		format_memory(&v[i].info, mem, sizeof(mem));
		format_tasks(&v[i].info, tasks, sizeof(tasks));
		printf("%-16s %-10s %-8u %-18s %-8s %-8s %-12s %-10s %s\n", v[i].info.machine,
		    owner, (unsigned)v[i].info.init_pid, v[i].info.address, v[i].info.bridge, up,
		    mem, tasks, v[i].info.root);
	}
}

static void
json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* Use and ceilings: numbers, null when unknown or unlimited. */
static void
json_num(const char *key, uint64_t v, bool null)
{
	if (null)
		printf(", \"%s\": null", key);
	else
		printf(", \"%s\": %llu", key, (unsigned long long)v);
}

static void
print_json_use(const struct ipc_info *f)
{
	char cpus[UNITS_BUF];

	json_num("memory", f->memory, f->memory == IPC_UNKNOWN64);
	json_num("memory_max", f->memory_max, f->memory_max == 0);
	json_num("tasks", f->tasks, f->tasks == IPC_UNKNOWN32);
	json_num("tasks_max", f->tasks_max, f->tasks_max == 0);
	units_format_cpus(f->cpus_milli, cpus);
	printf(", \"cpus\": %s", f->cpus_milli == 0 ? "null" : cpus);
}

static void
print_json(const struct list_item *v, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		const struct ipc_info *f = &v[i].info;
		char owner[64];

		owner_name((uid_t)f->uid, owner, sizeof(owner));
		printf("%s\n  {\"name\": ", i == 0 ? "" : ",");
		json_str(f->machine);
		printf(", \"owner\": ");
		json_str(owner);
		printf(", \"uid\": %u, \"pid\": %u, \"address\": ", (unsigned)f->uid,
		    (unsigned)f->init_pid);
		json_str(f->address);
		printf(", \"bridge\": ");
		json_str(f->bridge);
		printf(", \"root\": ");
		json_str(f->root);
		printf(", \"started\": %llu, \"uptime\": %lld, \"attached\": %s",
		    (unsigned long long)f->started, uptime_of(f), f->attached ? "true" : "false");
		print_json_use(f);
		putchar('}');
	}
	printf("%s]\n", n > 0 ? "\n" : "");
}

static int
parse_list(int argc, char **argv, bool *ret_json)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'j') {
			*ret_json = true;
		} else if (c == 'h') {
			printf("Usage: cnspawn list [--json]\n\nYour running containers "
			       "(root: all). One name a line when stdout is not a terminal.\n");
			exit(0);
		} else {
			return report_fail("list: unknown option (see cnspawn list --help)");
		}
	}
	if (optind != argc)
		return report_fail("list takes no arguments");
	return 0;
}

int
cmd_list_run(int argc, char **argv)
{
	_cleanup_free_ struct list_item *v = NULL;
	bool json = false;
	size_t n = 0;
	int k;

	if ((k = parse_list(argc, argv, &json)) != 0)
		return k;
	if ((k = collect(&v, &n)) < 0)
		return report_fail("reading %s: %s", CNSPAWN_STATE_DIR, strerror(-k));
	if (json)
		print_json(v, n);
	else if (isatty(STDOUT_FILENO))
		print_table(v, n);
	else
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].info.machine);
	for (size_t i = 0; i < n; i++) {
		struct ipc_msg m = {.type = IPC_T_INFO, .info = v[i].info, .fd = -1};
		ipc_msg_done(&m);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_CNSPAWN;
}
