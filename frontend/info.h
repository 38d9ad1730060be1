/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * One running container as its monitor describes it (IPC_T_INFO), for
 * `cnspawn list` and `cnspawn status`: the same JSON object (same field
 * names) and the same formatting of use and ceilings for both.
 */

#include <stddef.h>

#include "ipc.h"

/* The owner's user name, else the uid in decimal. */
void info_owner_name(const struct ipc_info *i, char *buf, size_t size);
/* Seconds since the start ("3m07s", "2h05m", "4d03h"). */
void info_uptime(const struct ipc_info *i, char *buf, size_t size);
/* Memory in use, "/ceiling" when there is one ("21.4M/512M"; "-" unknown). */
void info_memory(const struct ipc_info *i, char *buf, size_t size);
/* Tasks in use/ceiling ("3/4096"). */
void info_tasks(const struct ipc_info *i, char *buf, size_t size);
/* "privileged" or "userns 200000:65536". */
void info_mode(const struct ipc_info *i, char *buf, size_t size);
/* The JSON object of one container, on stdout, no newline. */
void info_json(const struct ipc_info *i);
/* Fetch NAME's info from its monitor: 0, -ENOENT not running, -EPERM not ours. */
int info_query(const char *name, struct ipc_info *ret);
