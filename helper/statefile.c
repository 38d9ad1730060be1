/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The entries are root's own files in a root-only directory, and the
 * /proc text is the kernel's, but both decide who may stop what and how
 * many containers a user runs, so they are parsed as strictly as the
 * caller's bytes: one spelling for every value, nothing left over.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "policy.h"
#include "request.h"
#include "statefile.h"
#include "units.h"

#define SF_ADDR_MAX 64 /* "255.255.255.255/32" and room: an address value's longest */

enum sf_key {
	SF_NAME,
	SF_UID,
	SF_MONITOR_PID,
	SF_MONITOR_START,
	SF_INIT_PID,
	SF_ADDRESS,
	SF_BRIDGE,
	SF_VETH,
	SF_ROOT,
	SF_INIT,
	SF_GATEWAY,
	SF_RULE,
	SF_STARTED,
	SF_USERNS_FIRST,
	SF_USERNS_COUNT,
	SF_MEMORY,
	SF_PIDS,
	SF_CPUS_MILLI,
	SF_EPHEMERAL,
	SF_NKEYS
};

/* Key and, for numbers, the range (max 0: not a number). */
static const struct {
	const char *key;
	unsigned long long min, max;
} sf_keys[SF_NKEYS] = {
    [SF_NAME] = {"name", 0, 0},
    [SF_UID] = {"uid", 0, UINT32_MAX - 1}, /* (uid_t)-1 is nobody's */
    [SF_MONITOR_PID] = {"monitor_pid", 1, INT32_MAX},
    [SF_MONITOR_START] = {"monitor_start", 1, LLONG_MAX}, /* 0 was F5 (a misread field) */
    [SF_INIT_PID] = {"init_pid", 0, INT32_MAX},
    [SF_ADDRESS] = {"address", 0, 0},
    [SF_BRIDGE] = {"bridge", 0, 0},
    [SF_VETH] = {"veth", 0, 0},
    [SF_ROOT] = {"root", 0, 0},
    [SF_INIT] = {"init", 0, 0},
    [SF_GATEWAY] = {"gateway", 0, 0},
    [SF_RULE] = {"rule", 1, UINT32_MAX},
    [SF_STARTED] = {"started", 0, LLONG_MAX},
    [SF_USERNS_FIRST] = {"userns_first", 0, UINT32_MAX},
    [SF_USERNS_COUNT] = {"userns_count", 0, UINT32_MAX},
    /* 0 (not asked) or what policy_evaluate accepts (entry_check). */
    [SF_MEMORY] = {"memory", 0, UNITS_SIZE_MAX},
    [SF_PIDS] = {"pids", 0, POLICY_MAX_PIDS},
    [SF_CPUS_MILLI] = {"cpus_milli", 0, UNITS_CPUS_MAX},
    [SF_EPHEMERAL] = {"ephemeral", 0, 1},
};

/*
 * Decimal digits only, no leading zero, no overflow. (strtonum(3) would
 * also take leading blanks, '+' and "007": several spellings of a value.)
 * Stops at the first non-digit; *ret_end points there.
 */
static int
parse_digits(const char *s, const char *end, unsigned long long *ret, const char **ret_end)
{
	unsigned long long n = 0;
	const char *p = s;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - d) / 10)
			return -EINVAL;
		n = n * 10 + d;
	}
	if (p == s || (*s == '0' && p - s > 1))
		return -EINVAL;
	*ret = n;
	*ret_end = p;
	return 0;
}

int
statefile_parse_proc_stat(const char *buf, size_t len, char *ret_state,
    unsigned long long *ret_start)
{
	const char *end = buf + len, *p = memrchr(buf, ')', len);
	unsigned long long v;
	char state;

	/* "PID (COMM) S F4 F5 ...": comm is free text, but every field after it is a
	 * number or a letter, so the last ')' ends comm. */
	if (p == NULL || end - p < 4 || p[1] != ' ' || p[3] != ' ')
		return -EINVAL;
	state = p[2];
	p += 4; /* field 4 */
	for (unsigned field = 4; field < 22; field++) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (p == NULL)
			return -EINVAL;
		p++;
	}
	/* Field 22 must end inside the text: a cut read would give a smaller number. */
	if (parse_digits(p, end, &v, &p) < 0 || p == end || (*p != ' ' && *p != '\n'))
		return -EINVAL;
	*ret_state = state;
	*ret_start = v;
	return 0;
}

/* A string field: fits (NUL inside), and holds no control character (a newline
 * would forge an entry line, an escape would reach root's terminal). */
static bool
text_ok(const char *s, size_t size, bool empty_ok)
{
	size_t n = strnlen(s, size);

	if (n == size || (n == 0 && !empty_ok))
		return false;
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)s[i]))
			return false;
	return true;
}

/* What parse and format both require of an entry. */
static int
entry_check(const struct state_entry *e)
{
	if (strnlen(e->name, sizeof(e->name)) == sizeof(e->name) || ipc_name_check(e->name) < 0)
		return -EINVAL;
	if (!text_ok(e->bridge, sizeof(e->bridge), false) ||
	    !text_ok(e->veth, sizeof(e->veth), false) ||
	    !text_ok(e->root, sizeof(e->root), false) || e->root[0] != '/' ||
	    !text_ok(e->init, sizeof(e->init), false) || e->init[0] != '/')
		return -EINVAL;
	if (e->uid == (uid_t)-1 || e->monitor_pid <= 0 || e->monitor_start == 0 ||
	    e->init_pid < 0 || e->prefix > 32 || e->rule == 0 || e->started < 0)
		return -EINVAL;
	/* As userns_prepare() requires of a range; privileged is 0 0. */
	if (e->userns_count == 0 && e->userns_first != 0)
		return -EINVAL;
	if (e->userns_count > 0 &&
	    (e->userns_first == 0 || (uint64_t)e->userns_first + e->userns_count > UINT32_MAX))
		return -EINVAL;
	/* As check_request (policy/eval.c) takes them: else no rule would decide it again. */
	if ((e->memory != 0 && (e->memory < UNITS_SIZE_MIN || e->memory > UNITS_SIZE_MAX)) ||
	    e->pids > POLICY_MAX_PIDS ||
	    (e->cpus_milli != 0 &&
	        (e->cpus_milli < UNITS_CPUS_MIN || e->cpus_milli > UNITS_CPUS_MAX ||
	            e->cpus_milli % 10 != 0)))
		return -EINVAL;
	return 0;
}

int
statefile_format(const struct state_entry *e, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN] = "";
	int n;

	if (entry_check(e) < 0 || inet_ntop(AF_INET, &e->address, addr, sizeof(addr)) == NULL ||
	    (e->has_gateway && inet_ntop(AF_INET, &e->gateway, gw, sizeof(gw)) == NULL))
		return -EINVAL;
	n = snprintf(buf, size,
	    "name=%s\nuid=%u\nmonitor_pid=%d\nmonitor_start=%llu\ninit_pid=%d\naddress=%s/%u\n"
	    "bridge=%s\nveth=%s\nroot=%s\ninit=%s\ngateway=%s\nrule=%u\nstarted=%lld\n"
	    "userns_first=%u\nuserns_count=%u\nmemory=%llu\npids=%u\ncpus_milli=%u\nephemeral=%d\n",
	    e->name, (unsigned)e->uid, (int)e->monitor_pid, e->monitor_start, (int)e->init_pid,
	    addr, (unsigned)e->prefix, e->bridge, e->veth, e->root, e->init, gw, e->rule,
	    e->started, (unsigned)e->userns_first, (unsigned)e->userns_count,
	    (unsigned long long)e->memory, (unsigned)e->pids, (unsigned)e->cpus_milli,
	    e->ephemeral ? 1 : 0);
	if (n < 0 || (size_t)n >= size)
		return -E2BIG;
	return n;
}

static int
set_number(struct state_entry *e, enum sf_key k, unsigned long long n)
{
	switch (k) {
	case SF_UID:
		e->uid = (uid_t)n;
		break;
	case SF_MONITOR_PID:
		e->monitor_pid = (pid_t)n;
		break;
	case SF_MONITOR_START:
		e->monitor_start = n;
		break;
	case SF_INIT_PID:
		e->init_pid = (pid_t)n;
		break;
	case SF_RULE:
		e->rule = (unsigned)n;
		break;
	case SF_STARTED:
		e->started = (long long)n;
		break;
	case SF_USERNS_FIRST:
		e->userns_first = (uint32_t)n;
		break;
	case SF_USERNS_COUNT:
		e->userns_count = (uint32_t)n;
		break;
	case SF_MEMORY:
		e->memory = (uint64_t)n;
		break;
	case SF_PIDS:
		e->pids = (uint32_t)n;
		break;
	case SF_CPUS_MILLI:
		e->cpus_milli = (uint32_t)n;
		break;
	case SF_EPHEMERAL:
		e->ephemeral = n == 1;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* v: len bytes, no NUL among them (statefile_parse checked). */
static int
copy_text(char *dst, size_t size, const char *v, size_t len)
{
	if (len >= size)
		return -EINVAL;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/* The value v of key k: len bytes, not NUL-terminated (the line goes on after it). */
static int
set_value(struct state_entry *e, enum sf_key k, const char *v, size_t len)
{
	char a[SF_ADDR_MAX]; /* an address, NUL-terminated for the policy's parser */
	struct policy_cidr c;
	unsigned long long n;
	const char *end;

	switch (k) {
	case SF_NAME:
		return copy_text(e->name, sizeof(e->name), v, len);
	case SF_BRIDGE:
		return copy_text(e->bridge, sizeof(e->bridge), v, len);
	case SF_VETH:
		return copy_text(e->veth, sizeof(e->veth), v, len);
	case SF_ROOT:
		return copy_text(e->root, sizeof(e->root), v, len);
	case SF_INIT:
		return copy_text(e->init, sizeof(e->init), v, len);
	case SF_GATEWAY: /* "" when none was asked */
		e->has_gateway = len > 0;
		if (!e->has_gateway)
			return 0;
		return copy_text(a, sizeof(a), v, len) < 0 ? -EINVAL
		                                           : policy_addr_parse(a, &e->gateway);
	case SF_ADDRESS:
		if (copy_text(a, sizeof(a), v, len) < 0 || policy_cidr_parse(a, true, &c) < 0)
			return -EINVAL;
		e->address = c.addr;
		e->prefix = c.prefix;
		return 0;
	default:
		if (parse_digits(v, v + len, &n, &end) < 0 || end != v + len ||
		    n < sf_keys[k].min || n > sf_keys[k].max)
			return -EINVAL;
		return set_number(e, k, n);
	}
}

static bool
key_is(int k, const char *key, size_t len)
{
	return strncmp(sf_keys[k].key, key, len) == 0 && sf_keys[k].key[len] == '\0';
}

/* Key k's index; first tried is hint, the one statefile_format writes next. */
static int
find_key(const char *key, size_t len, int hint)
{
	if (hint >= 0 && hint < SF_NKEYS && key_is(hint, key, len))
		return hint;
	for (int k = 0; k < SF_NKEYS; k++)
		if (key_is(k, key, len))
			return k;
	return -EINVAL;
}

/*
 * One "key=value" line (without its '\n'); seen[] catches a key given twice,
 * *hint is the key expected next (find_key).
 * The value is parsed where it lies: a copy of every line into a PATH_MAX
 * buffer, zeroed first (-ftrivial-auto-var-init), cost 80 KiB of memset an
 * entry, and a start reads every entry (issue 12).
 */
static int
parse_line(struct state_entry *e, const char *line, size_t len, bool *seen, int *hint)
{
	const char *eq = memchr(line, '=', len);
	size_t vlen;
	int k;

	if (eq == NULL)
		return -EINVAL;
	k = find_key(line, (size_t)(eq - line), *hint);
	vlen = len - (size_t)(eq - line) - 1;
	if (k < 0 || seen[k] || vlen >= PATH_MAX)
		return -EINVAL;
	seen[k] = true;
	*hint = k + 1;
	return set_value(e, (enum sf_key)k, eq + 1, vlen);
}

/* Into *ret itself: a copy through a zeroed local cost two more passes over
 * its two PATH_MAX fields, and a start parses every running entry (issue 12). */
int
statefile_parse(const char *buf, size_t len, struct state_entry *ret)
{
	bool seen[SF_NKEYS] = {false};
	const char *p = buf, *end = buf + len;
	int hint = 0;

	memset(ret, 0, sizeof(*ret));
	if (len > STATEFILE_MAX)
		return -E2BIG;
	if (memchr(buf, '\0', len) != NULL)
		return -EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || parse_line(ret, p, (size_t)(nl - p), seen, &hint) < 0)
			return -EINVAL;
		p = nl + 1;
	}
	for (int k = 0; k < SF_NKEYS; k++)
		if (!seen[k])
			return -EINVAL;
	return entry_check(ret) < 0 ? -EINVAL : 0;
}

void
statefile_request(const struct state_entry *e, struct policy_request *ret)
{
	*ret = (struct policy_request){.root = e->root,
	    .bridge = e->bridge,
	    .has_address = true,
	    .address = e->address,
	    .prefix = e->prefix,
	    .has_gateway = e->has_gateway,
	    .gateway = e->gateway,
	    .init = e->init,
	    .memory = e->memory,
	    .pids = e->pids,
	    .cpus_milli = e->cpus_milli,
	    .ephemeral = e->ephemeral};
}

int
statefile_slot_format(char *rec, const char *name, unsigned long long ino, const char *text,
    size_t len)
{
	int n;

	memset(rec, 0, STATEFILE_SLOT_SIZE);
	if (ipc_name_check(name) < 0)
		return -EINVAL;
	n = snprintf(rec, STATEFILE_SLOT_SIZE, "%s %llu\n", name, ino);
	/* One NUL at least after the text: a reader finds its end inside the record. */
	if (n < 0 || (size_t)n + len >= STATEFILE_SLOT_SIZE) {
		memset(rec, 0, STATEFILE_SLOT_SIZE);
		return -E2BIG;
	}
	memcpy(rec + n, text, len);
	return 0;
}

int
statefile_slot_parse(const char *rec, char *ret_name, unsigned long long *ret_ino,
    const char **ret_text, size_t *ret_len)
{
	const char *end = rec + STATEFILE_SLOT_SIZE;
	const char *sp = memchr(rec, ' ', HELPER_NAME_MAX + 1), *p, *nul;
	unsigned long long ino;

	if (sp == NULL || sp == rec)
		return -EINVAL;
	memcpy(ret_name, rec, (size_t)(sp - rec));
	ret_name[sp - rec] = '\0';
	if (strlen(ret_name) != (size_t)(sp - rec) || ipc_name_check(ret_name) < 0)
		return -EINVAL;
	if (parse_digits(sp + 1, end, &ino, &p) < 0 || p == end || *p != '\n')
		return -EINVAL;
	nul = memchr(p + 1, '\0', (size_t)(end - (p + 1)));
	if (nul == NULL)
		return -EINVAL;
	*ret_ino = ino;
	*ret_text = p + 1;
	*ret_len = (size_t)(nul - (p + 1));
	return 0;
}
