/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The administrator's policy: who may start which container.
 * Format: see packaging/man/cnspawn.policy.5 and DESIGN.md "Policy file".
 * This library does no I/O except on a path/fd it is given, never prints,
 * and returns -errno (STYLE.md §4). The setuid helper links it.
 *
 * This header's helper-facing API (the declarations in this block) is what
 * helper/ codes against: extend it, do not change it.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POLICY_MAX_FILE (256u * 1024u) /* bytes in the file */
#define POLICY_MAX_LINE 4096u          /* bytes in one logical line (after continuations) */
#define POLICY_MAX_TOKEN 1024u         /* bytes in one word */
#define POLICY_MAX_RULES 1024u         /* rules in the file */
#define POLICY_MAX_ITEMS 64u           /* roots, bridges or inits in one rule */
#define POLICY_MAX_MAX 4096u           /* largest `max N` */
#define POLICY_MSG_MAX 256u            /* bytes in one message, NUL included */
#define POLICY_DEFAULT_PIDS 4096u      /* tasks of a container whose rule sets no `pids` */
#define POLICY_MAX_PIDS 4194304u       /* largest `pids N` (the kernel's PID_MAX_LIMIT) */
#define POLICY_MAX_BINDS 16u           /* binds in one request */
#define POLICY_MAX_DNS 3u              /* `dns ADDR` in one rule (resolv.conf's MAXNS) */
#define POLICY_MAX_DOMAIN 253u         /* bytes in a `search DOMAIN` */

struct policy; /* opaque */

struct policy_error {
	unsigned line, col; /* 1-based; 0 when not about a position (e.g. file checks) */
	char msg[POLICY_MSG_MAX];
};

/* An IPv4 network: addr has no host bits set. */
struct policy_cidr {
	struct in_addr addr;
	uint8_t prefix; /* 0..32 */
};

/*
 * Strict dotted quad: four decimal parts 0..255, no leading zeros, no
 * spaces, nothing after. -EINVAL otherwise.
 */
int policy_addr_parse(const char *s, struct in_addr *ret);
/*
 * "A.B.C.D/P" with P in 0..32 (no leading zeros). If host_ok is false, host
 * bits must be zero. The address is returned as written (host bits kept).
 */
int policy_cidr_parse(const char *s, bool host_ok, struct policy_cidr *ret);
/* Is addr inside net? */
bool policy_cidr_contains(const struct policy_cidr *net, struct in_addr addr);

/*
 * Parse a whole policy text. Any error rejects the whole text: ret is set
 * only on success. On failure the first error is in *reterr_err (may be
 * NULL) and -EINVAL (syntax/semantics) or -E2BIG (a cap) is returned.
 */
int policy_parse(const char *text, size_t len, struct policy **ret,
    struct policy_error *reterr_err);

/*
 * Open path safely (O_NOFOLLOW, fstat: regular file, owned by root, not
 * writable by group/other; every parent directory up to / owned by root
 * and not writable by group/other) and parse it. -EPERM with a message
 * naming the offending path when ownership or modes are wrong.
 */
int policy_load(const char *path, struct policy **ret, struct policy_error *reterr_err);

void policy_free(struct policy *p);

/* Who asks: from the kernel (getresuid/getgroups) plus names resolved by the caller. */
struct policy_caller {
	uid_t uid;
	gid_t gid;           /* primary */
	const gid_t *groups; /* supplementary */
	size_t ngroups;
	const char *name; /* user name of uid, or NULL if it has none */
	const char *const
	    *group_names; /* names of gid and groups[], NULL-terminated; may be NULL */
	const char *home; /* home directory of uid in the passwd database (`bind ~`), or NULL */
};

/* A host directory asked to appear inside (--bind, --bind-ro). */
struct policy_bind {
	const char *src; /* host path, canonical */
	const char *dst; /* path inside the container, canonical, not / nor below /dev /proc /sys */
	bool ro;
};

/* What is asked. Paths must be absolute and canonical (the evaluator refuses others). */
struct policy_request {
	const char *root;
	const char *bridge;
	bool has_address;
	struct in_addr address;
	int prefix; /* -1: not given */
	bool has_gateway;
	struct in_addr gateway;
	const char *init; /* NULL means /sbin/init */
	/* Ceilings the user asks for (--memory, --pids, --cpus); 0: not asked. */
	uint64_t memory;                 /* bytes */
	uint32_t pids;                   /* tasks */
	uint32_t cpus_milli;             /* CPU bandwidth in 1/1000 CPUs */
	const struct policy_bind *binds; /* nbinds <= POLICY_MAX_BINDS */
	size_t nbinds;
	bool ephemeral; /* -x: run on an overlay over the read-only root */
};

/* What the deciding rule grants (valid when permit is true). */
struct policy_grant {
	bool has_range;
	struct policy_cidr range;
	bool has_gateway;
	struct in_addr gateway; /* the gateway to hand out: the request's or the rule's */
	unsigned max;           /* 0: no limit beyond the addresses of the range */
	bool privileged;
	uint32_t userns_first, userns_count; /* valid when !privileged */
	/*
	 * The ceilings the container gets: what was asked if anything, else the
	 * rule's. memory and cpus_milli 0: no ceiling; pids is never 0 (the
	 * rule's, else POLICY_DEFAULT_PIDS).
	 */
	uint64_t memory;
	uint32_t pids;
	uint32_t cpus_milli;
	bool ephemeral; /* asked for, or forced by `ephemeral-only` */
	/* The rule's `dns` servers and `search` domain ("" when none): the container's
	 * /etc/resolv.conf when ndns > 0. */
	uint8_t ndns;
	struct in_addr dns[POLICY_MAX_DNS];
	char search[POLICY_MAX_DOMAIN + 1];
	/* `cnspawn exec` under a privileged rule: the rule's `exec` option (issue 13). */
	bool exec;
};

struct policy_decision {
	bool permit;
	unsigned line;               /* deciding rule's line, 0 if no rule matched */
	char reason[POLICY_MSG_MAX]; /* one human line, also for permit */
	struct policy_grant grant;
};

/*
 * Syntax of one bind (the helper checks requests with it too): NULL when
 * fine, else why not (a constant). src and dst are canonical absolute paths;
 * dst is not "/" and neither is nor lies below /dev, /proc or /sys.
 */
const char *policy_bind_check(const char *src, const char *dst);

/*
 * Decide a request: the last rule that matches decides, no match denies.
 * A permit rule matches when WHO matches the caller and every asked thing
 * (root, bridge, address, gateway, init, no ceiling above the rule's, each
 * bind below one of its prefixes, ephemeral) is allowed by it; a deny rule
 * matches on WHO (and on its root, if it names one). When nothing matches,
 * the reason names the rule for this caller that came closest and why it
 * failed: the last one allowing the root asked for, else the last one
 * ("alice may not use bridge br1: rule at line 4 allows only br0").
 * Returns 0 whether permitted or not; -EINVAL for a malformed request.
 */
int policy_evaluate(const struct policy *p, const struct policy_caller *c,
    const struct policy_request *r, struct policy_decision *ret);

/*
 * Pick the lowest free address in the grant's range, never the network,
 * broadcast or gateway address, nor any in in_use[]. -EADDRNOTAVAIL when
 * the range is full, -EINVAL when the grant has no range.
 */
int policy_pick_address(const struct policy_grant *g, const struct in_addr *in_use, size_t n_in_use,
    struct in_addr *ret);

/*
 * Count limit: 0 when a caller running `current` containers under this grant
 * may start one more, -EUSERS otherwise.
 */
int policy_check_count(const struct policy_grant *g, unsigned current);

/*
 * Notes on the helper-facing API above, as implemented:
 * - policy_load needs an absolute path; a symlink anywhere in it is -EPERM.
 * - policy_evaluate returns -EINVAL when root or init is not canonical
 *   (root "/" included), the bridge name is invalid, an address or gateway
 *   is given without a bridge, or prefix is outside -1..32 or given without
 *   an address, or a ceiling is one the frontend's flags cannot spell
 *   (memory outside UNITS_SIZE_MIN..UNITS_SIZE_MAX, pids above
 *   POLICY_MAX_PIDS, cpus_milli outside UNITS_CPUS_MIN..UNITS_CPUS_MAX or
 *   not a multiple of 10), more than POLICY_MAX_BINDS binds, or a bind
 *   whose src or dst is not canonical or whose dst is /dev, /proc, /sys or
 *   below them. When no rule matches, decision.line is the line
 *   of the last rule naming the caller that did not fit (the one the reason
 *   explains), or 0 when no rule names the caller.
 * - A request without a bridge asks for no network; with a bridge the rule
 *   must list it and have an address range.
 */

/*
 * ---- Additions for cnspawn-policy (not used by the helper) ----
 */

/* One error or warning, in file order. line 0: not about a position. */
struct policy_diag {
	unsigned line, col;
	bool warning;
	int code; /* for errors: -EINVAL or -E2BIG */
	char msg[POLICY_MSG_MAX];
};
typedef void policy_diag_fn(const struct policy_diag *d, void *userdata);

/*
 * Like policy_parse, but reports every error it can find (it goes on with
 * the next line after an error) and the warnings, each through fn (may be
 * NULL). Returns the first error's code, or 0 with *ret set.
 */
int policy_parse_all(const char *text, size_t len, struct policy **ret, policy_diag_fn *fn,
    void *userdata);

/*
 * The checked open behind policy_load: path must be absolute; every
 * component is opened with O_NOFOLLOW relative to its parent, and each
 * directory and the file must be owned by root and not group/other
 * writable; the file must be regular. Returns the fd in *ret_fd.
 */
int policy_open(const char *path, int *ret_fd, struct policy_error *reterr_err);
/* Read a whole policy from fd, at most POLICY_MAX_FILE bytes (-E2BIG beyond). */
int policy_read_fd(int fd, char **ret_text, size_t *ret_len);

/* One parsed rule, read-only for listing (explain, check); the library owns it. */
enum policy_who {
	POLICY_WHO_USER,  /* name */
	POLICY_WHO_UID,   /* #uid */
	POLICY_WHO_GROUP, /* :group */
	POLICY_WHO_GID,   /* :#gid */
};

struct policy_item {
	char *s;
	unsigned col;
};

struct policy_items {
	struct policy_item *v;
	size_t n;
};

struct policy_rule {
	unsigned line;
	bool deny;
	enum policy_who who;
	char *who_text;       /* as written: "alice", "#1000", ":wheel", ":#10" */
	const char *who_name; /* inside who_text: the user or group name */
	uint32_t who_id;      /* for #uid and :#gid */
	struct policy_items roots, bridges, inits;
	bool has_range;
	struct policy_cidr range;
	bool has_gateway;
	struct in_addr gateway;
	unsigned max; /* 0: no limit */
	bool privileged, has_userns;
	uint32_t userns_first, userns_count;
	uint64_t memory;     /* `memory SIZE` in bytes; 0: not set */
	uint32_t pids;       /* `pids N`; 0: not set (POLICY_DEFAULT_PIDS applies) */
	uint32_t cpus_milli; /* `cpus N` in 1/1000 CPUs; 0: not set */
	/* Host paths (policy/mounts.c): `bind PREFIX` read-write, `bind-ro PREFIX`
	 * read-only; PREFIX "~" is the caller's home (policy_caller.home). */
	struct policy_items binds, binds_ro;
	bool ephemeral, ephemeral_only;
	uint8_t ndns;
	struct in_addr dns[POLICY_MAX_DNS];
	char *search; /* `search DOMAIN`, or NULL */
	bool exec;    /* `exec`: cnspawn exec under privileged (userns: always) */
};

size_t policy_rule_count(const struct policy *p);
const struct policy_rule *policy_rule_at(const struct policy *p, size_t i);
/* Does the rule's WHO name this caller? */
bool policy_rule_applies(const struct policy_rule *rule, const struct policy_caller *c);
