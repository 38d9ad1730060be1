/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the helper's own texts (helper/statefile.c): a state
 * entry file and a /proc/PID/stat line. Both are parsed by the setuid
 * helper under the state lock. An entry that parses must format to a text
 * that parses to the same entry and formats to the very same bytes (one
 * spelling per value, so a written entry is always read back as written).
 * The input is also read as a slot record (helper/slots.h): a text found
 * there lies inside the record, and writing it again gives the same record.
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

static void
check_slot(const uint8_t *data, size_t size)
{
	static char rec[STATEFILE_SLOT_SIZE], again[STATEFILE_SLOT_SIZE];
	char name[HELPER_NAME_MAX + 1];
	unsigned long long ino;
	const char *text;
	size_t len;

	memcpy(rec, data, size < sizeof(rec) ? size : sizeof(rec));
	if (size < sizeof(rec))
		memset(rec + size, 0, sizeof(rec) - size);
	if (statefile_slot_parse(rec, name, &ino, &text, &len) < 0)
		return;
	if (text < rec || text + len >= rec + sizeof(rec) || memchr(text, '\0', len) != NULL)
		abort();
	if (statefile_slot_format(again, name, ino, text, len) < 0 ||
	    memcmp(again, rec, (size_t)(text - rec) + len) != 0)
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
	check_slot(data, size);
	return 0;
}
