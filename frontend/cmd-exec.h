/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn exec` and `cnspawn login` (issue 13); argv[0] is the subcommand. */
int cmd_exec_run(int argc, char **argv);
int cmd_exec_login(int argc, char **argv);
