/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The rules of the request contract that both programs apply: what a
 * machine name may be, where its monitor's control socket lives, and which
 * of the caller's environment variables may reach the container. The
 * frontend applies them for an early, clear message; the helper applies them
 * again (it never trusts the frontend), through this same code. Pure string
 * work, no I/O: unit-tested (tests/unit/test-ipc-names.c).
 */

#include <stddef.h>

/* Longest machine name. */
#define IPC_NAME_MAX 64
/* What a bad machine name breaks, for the one-line refusal "invalid " IPC_NAME_RULE. */
#define IPC_NAME_RULE                                                                              \
	"machine name (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric, not ending in .sock)"
/* Container NAME's monitor listens on CNSPAWN_STATE_DIR/NAME IPC_SOCK_SUFFIX. */
#define IPC_SOCK_SUFFIX ".sock"

/* Environment variables the caller may pass: presentation only, never behaviour. */
#define IPC_ENV_N 3
extern const char *const ipc_env_names[IPC_ENV_N]; /* TERM, COLORTERM, NO_COLOR */
/* Longest value of an allowed variable. */
#define IPC_ENV_VALUE_MAX 128

/*
 * 0 when name is a machine name: 1..IPC_NAME_MAX of [A-Za-z0-9_.-] (ASCII),
 * starting alphanumeric, not ending in IPC_SOCK_SUFFIX (a machine "x.sock"
 * would share the state dir's file name of container x's socket), else -EINVAL.
 */
int ipc_name_check(const char *name);
/*
 * The machine name of a start request: given, or when given is "" the last
 * component of root (an absolute path). Written to ret (size bytes) only
 * when it passes ipc_name_check(); else -EINVAL (-ENAMETOOLONG: ret too small).
 */
int ipc_name_of_start(const char *root, const char *given, char *ret, size_t size);
/* "NAME.sock", the socket's file name inside the state dir. -EINVAL for a bad name. */
int ipc_sock_name(const char *name, char *ret, size_t size);
/* CNSPAWN_STATE_DIR "/NAME.sock". -EINVAL for a bad name, -ENAMETOOLONG when it does not fit. */
int ipc_sock_path(const char *name, char *ret, size_t size);
/*
 * When file is "NAME.sock" with a non-empty NAME, write NAME to ret and
 * return 0; -EINVAL when file is no socket's name, -ENAMETOOLONG when NAME
 * does not fit in size bytes. NAME is not checked: see ipc_name_check().
 */
int ipc_sock_name_strip(const char *file, char *ret, size_t size);
/*
 * The index in ipc_env_names of entry "NAME=value" when NAME is allowed and
 * value is at most IPC_ENV_VALUE_MAX printable ASCII characters; else -EINVAL.
 */
int ipc_env_check(const char *entry);
