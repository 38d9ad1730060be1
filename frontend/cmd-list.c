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
#include "cmd-roots.h"
#include "info.h"
#include "names.h"
#include "report.h"
#include "text.h"
#include "util.h"

/* More sockets than this in the state dir is not a real host: stop there. */
#define LIST_MAX 4096

struct list_item {
	struct ipc_info info; /* owned strings */
};

static int
query(const char *name, struct list_item *ret)
{
	return info_query(name, &ret->info);
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
print_table(const struct list_item *v, size_t n)
{
	printf("%-16s %-10s %-8s %-18s %-8s %-8s %-12s %-10s %s\n", "NAME", "OWNER", "PID",
	    "ADDRESS", "BRIDGE", "UPTIME", "MEMORY", "TASKS", "ROOT");
	for (size_t i = 0; i < n; i++) {
		const struct ipc_info *f = &v[i].info;
		char owner[64], up[32], mem[56], tasks[40];

		info_owner_name(f, owner, sizeof(owner));
		info_uptime(f, up, sizeof(up));
		info_memory(f, mem, sizeof(mem));
		info_tasks(f, tasks, sizeof(tasks));
		printf("%-16s %-10s %-8u %-18s %-8s %-8s %-12s %-10s ", f->machine, owner,
		    (unsigned)f->init_pid, f->address, f->bridge, up, mem, tasks);
		/* Any byte but NUL and C0 may be in a root path: nothing raw reaches the terminal. */
		text_terminal(stdout, f->root);
		putchar('\n');
	}
}

static void
print_json(const struct list_item *v, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		printf("%s\n  ", i == 0 ? "" : ",");
		info_json(&v[i].info);
	}
	printf("%s]\n", n > 0 ? "\n" : "");
}

static int
parse_list(int argc, char **argv, bool *ret_json, bool *ret_roots)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	    {"roots", no_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'j') {
			*ret_json = true;
		} else if (c == 'R') {
			*ret_roots = true;
		} else if (c == 'h') {
			printf("Usage: cnspawn list [--json]\n"
			       "       cnspawn list --roots\n\n"
			       "Your running containers (root: all). One name a line when stdout\n"
			       "is not a terminal. --roots: the roots the policy lets you start,\n"
			       "one a line (a DIR/* pattern, then the directories it matches).\n");
			exit(0);
		} else {
			return report_fail("list: unknown option (see cnspawn list --help)");
		}
	}
	if (optind != argc)
		return report_fail("list takes no arguments");
	if (*ret_json && *ret_roots)
		return report_fail("list: --roots has no --json form");
	return 0;
}

int
cmd_list_run(int argc, char **argv)
{
	_cleanup_free_ struct list_item *v = NULL;
	bool json = false, roots = false;
	size_t n = 0;
	int k;

	if ((k = parse_list(argc, argv, &json, &roots)) != 0)
		return k;
	if (roots)
		return cmd_roots_run();
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
