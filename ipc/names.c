/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "util.h"

const char *const ipc_env_names[IPC_ENV_N] = {"TERM", "COLORTERM", "NO_COLOR"};

static bool
ends_with_suffix(const char *s, size_t n)
{
	size_t k = sizeof(IPC_SOCK_SUFFIX) - 1;

	return n >= k && memcmp(s + n - k, IPC_SOCK_SUFFIX, k) == 0;
}

int
ipc_name_check(const char *name)
{
	size_t n = strnlen(name, IPC_NAME_MAX + 1);

	if (n == 0 || n > IPC_NAME_MAX || strchr("_.-", name[0]) != NULL)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!util_portable_char(name[i]))
			return -EINVAL;
	if (ends_with_suffix(name, n))
		return -EINVAL;
	return 0;
}

int
ipc_name_of_start(const char *root, const char *given, char *ret, size_t size)
{
	const char *base = given;

	if (base[0] == '\0') {
		base = strrchr(root, '/');
		if (base == NULL)
			return -EINVAL;
		base++;
	}
	if (ipc_name_check(base) < 0)
		return -EINVAL;
	if (strlcpy(ret, base, size) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int
sock_build(const char *dir, const char *name, char *ret, size_t size)
{
	int n;

	if (ipc_name_check(name) < 0)
		return -EINVAL;
	n = snprintf(ret, size, "%s%s%s", dir, name, IPC_SOCK_SUFFIX);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
ipc_sock_name(const char *name, char *ret, size_t size)
{
	return sock_build("", name, ret, size);
}

int
ipc_sock_path(const char *name, char *ret, size_t size)
{
	return sock_build(CNSPAWN_STATE_DIR "/", name, ret, size);
}

int
ipc_sock_name_strip(const char *file, char *ret, size_t size)
{
	size_t n = strlen(file), k = sizeof(IPC_SOCK_SUFFIX) - 1;

	if (n <= k || !ends_with_suffix(file, n))
		return -EINVAL;
	if (n - k >= size)
		return -ENAMETOOLONG;
	memcpy(ret, file, n - k);
	ret[n - k] = '\0';
	return 0;
}

static bool
env_value_ok(const char *v)
{
	size_t n = strnlen(v, IPC_ENV_VALUE_MAX + 1);

	if (n > IPC_ENV_VALUE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] < ' ' || v[i] > '~')
			return false;
	return true;
}

int
ipc_env_check(const char *entry)
{
	const char *eq = strchr(entry, '=');

	if (eq == NULL || !env_value_ok(eq + 1))
		return -EINVAL;
	for (size_t k = 0; k < IPC_ENV_N; k++)
		if (strlen(ipc_env_names[k]) == (size_t)(eq - entry) &&
		    strncmp(entry, ipc_env_names[k], (size_t)(eq - entry)) == 0)
			return (int)k;
	return -EINVAL;
}
