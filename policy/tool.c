/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "tool-check.h"
#include "tool-edit.h"
#include "tool-explain.h"
#include "tool.h"
#include "version.h"

/*
 * cnspawn-policy: the administrator's tool for the policy file. It is not
 * setuid and takes nothing on trust; check and explain need no privilege
 * (except to read the file), edit needs root.
 */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cnspawn-policy check [--no-owner-check] [--follow-symlinks] [FILE]\n"
	    "       cnspawn-policy explain [-f FILE [--follow-symlinks]] USER\n"
	    "       cnspawn-policy edit [FILE]\n"
	    "       cnspawn-policy --help | --version\n"
	    "The default FILE is %s.\n",
	    CNSPAWN_POLICY_PATH);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cnspawn-policy (cnspawn) %s\n%s", CNSPAWN_VERSION, VERSION_NOTICE);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return tool_check_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return tool_explain_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "edit") == 0)
		return tool_edit_main(argc - 1, argv + 1);
	fprintf(stderr, "cnspawn-policy: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
