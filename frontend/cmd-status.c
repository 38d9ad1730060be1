/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd-status.h"
#include "info.h"
#include "names.h"
#include "report.h"
#include "text.h"
#include "units.h"

static int
parse_status(int argc, char **argv, bool *ret_json)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'j') {
			*ret_json = true;
		} else if (c == 'h') {
			printf("Usage: cnspawn status [--json] NAME\n\nOne running container "
			       "of yours (root: any) in detail.\n");
			exit(0);
		} else {
			return report_fail("status: unknown option (see cnspawn status --help)");
		}
	}
	if (optind != argc - 1)
		return report_fail("status needs exactly one machine name");
	return 0;
}

static void
print_started(const struct ipc_info *i)
{
	char when[64] = "?", up[32];
	time_t t = (time_t)i->started;
	struct tm tm;

	if (localtime_r(&t, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", &tm);
	info_uptime(i, up, sizeof(up));
	printf("  Started: %s (up %s)\n", when, up);
}

static void
print_status(const struct ipc_info *i)
{
	char owner[64], mode[48], mem[56], tasks[40], cpus[UNITS_BUF] = "no ceiling";

	info_owner_name(i, owner, sizeof(owner));
	info_mode(i, mode, sizeof(mode));
	info_memory(i, mem, sizeof(mem));
	info_tasks(i, tasks, sizeof(tasks));
	if (i->cpus_milli != 0)
		units_format_cpus(i->cpus_milli, cpus);
	printf("     Name: %s\n    Owner: %s (uid %u)\n     Rule: line %u\n", i->machine, owner,
	    (unsigned)i->uid, (unsigned)i->rule);
	printf("     Init: pid %u (monitor pid %u)\n", (unsigned)i->init_pid,
	    (unsigned)i->monitor_pid);
	printf("  Address: %s on %s (veth %s)\n     Root: ", i->address, i->bridge, i->veth);
	text_terminal(stdout, i->root);
	printf("\n     Mode: %s\n", mode);
	print_started(i);
	printf(" Attached: %s\n   Memory: %s\n    Tasks: %s\n     CPUs: %s\n",
	    i->attached ? "yes" : "no", mem, tasks, cpus);
}

int
cmd_status_run(int argc, char **argv)
{
	struct ipc_info info = {0};
	bool json = false;
	const char *name;
	int k;

	if ((k = parse_status(argc, argv, &json)) != 0)
		return k;
	name = argv[optind];
	if (ipc_name_check(name) < 0)
		return report_fail("invalid machine name '%s'", name);
	k = info_query(name, &info);
	if (k == -ENOENT)
		return report_fail("no container named %s is running", name);
	if (k == -EPERM)
		return report_fail("%s: permission denied", name);
	if (k < 0)
		return report_fail("%s: %s", name, strerror(-k));
	if (json) {
		info_json(&info);
		putchar('\n');
	} else {
		print_status(&info);
	}
	{
		struct ipc_msg m = {.type = IPC_T_INFO, .info = info, .fd = -1};
		ipc_msg_done(&m);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_CNSPAWN;
}
