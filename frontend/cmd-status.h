/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn status [--json] NAME`: one running container in detail. */

int cmd_status_run(int argc, char **argv);
