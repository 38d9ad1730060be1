/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the helper's own texts (helper/statefile.c): a state
 * entry file and a /proc/PID/stat line. Both are parsed by the setuid
 * helper under the state lock. An entry that parses must format to a text
 * that parses to the same entry and formats to the very same bytes (one
 * spelling per value, so a written entry is always read back as written).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_roundtrip(const struct state_entry *e)
{
	static char a[STATEFILE_MAX], b[STATEFILE_MAX];
	static struct state_entry again;
	int n = statefile_format(e, a, sizeof(a)), k;

	if (n < 0 || statefile_parse(a, (size_t)n, &again) < 0)
		abort();
	k = statefile_format(&again, b, sizeof(b));
	if (k != n || memcmp(a, b, (size_t)n) != 0)
		abort();
	if (again.monitor_start == 0 || again.monitor_pid <= 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state_entry e;
	unsigned long long start;
	char state;

	if (statefile_parse((const char *)data, size, &e) == 0)
		check_roundtrip(&e);
	(void)statefile_parse_proc_stat((const char *)data, size, &state, &start);
	return 0;
}
