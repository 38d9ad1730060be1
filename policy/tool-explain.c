/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "mounts.h"
#include "policy.h"
#include "tool-explain.h"
#include "tool-open.h"
#include "units.h"
#include "util.h"

#define EXPLAIN_MAX_GROUPS 65536

/* The user as the helper would see it: uid, primary gid, all groups and their names. */
struct explain_user {
	struct policy_caller c;
	char *name;
	char *home;
	gid_t *groups;
	char **names;
};

static void
user_free(struct explain_user *u)
{
	for (size_t i = 0; u->names != NULL && u->names[i] != NULL; i++)
		free(u->names[i]);
	free(u->names);
	free(u->groups);
	free(u->home);
	free(u->name);
}

static void
resolve_groups(struct explain_user *u)
{
	int n = 32;
	size_t k = 0;

	for (;;) {
		u->groups = reallocarray(u->groups, (size_t)n, sizeof(gid_t));
		if (u->groups == NULL)
			err(1, "out of memory");
		if (getgrouplist(u->name, u->c.gid, u->groups, &n) >= 0)
			break;
		if (n > EXPLAIN_MAX_GROUPS)
			errx(1, "%s: too many groups", u->name);
	}
	u->names = calloc((size_t)n + 2, sizeof(char *));
	if (u->names == NULL)
		err(1, "out of memory");
	for (int i = -1; i < n; i++) {
		struct group *gr = getgrgid(i < 0 ? u->c.gid : u->groups[i]);

		if (gr != NULL && (u->names[k++] = strdup(gr->gr_name)) == NULL)
			err(1, "out of memory");
	}
	u->c.groups = u->groups;
	u->c.ngroups = (size_t)n;
	u->c.group_names = (const char *const *)u->names;
}

/* USER is a name, or "#uid" (which may have no passwd entry: then it is in no group). */
static void
resolve_user(const char *arg, struct explain_user *u)
{
	struct passwd *pw;

	if (arg[0] == '#') {
		const char *errstr = NULL;
		long long id = strtonum(arg + 1, 0, 4294967294LL, &errstr);

		if (errstr != NULL || arg[1] < '0' || arg[1] > '9')
			errx(1, "%s: bad uid", arg);
		u->c.uid = (uid_t)id;
		pw = getpwuid(u->c.uid);
		if (pw == NULL) {
			u->c.gid = (gid_t)-1;
			return;
		}
	} else {
		pw = getpwnam(arg);
		if (pw == NULL)
			errx(1, "%s: no such user", arg);
		u->c.uid = pw->pw_uid;
	}
	u->c.gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	if (u->name == NULL)
		err(1, "out of memory");
	u->c.name = u->name;
	/* `bind ~` as the helper reads it: the passwd entry, never $HOME. */
	u->home = strdup(pw->pw_dir);
	if (u->home == NULL)
		err(1, "out of memory");
	u->c.home = u->home;
	resolve_groups(u);
}

static void
print_who(const struct policy_rule *r)
{
	switch (r->who) {
	case POLICY_WHO_USER:
		printf("as user %s", r->who_name);
		break;
	case POLICY_WHO_UID:
		printf("as uid %u", (unsigned)r->who_id);
		break;
	case POLICY_WHO_GROUP:
		printf("as a member of group %s", r->who_name);
		break;
	case POLICY_WHO_GID:
		printf("as a member of gid %u", (unsigned)r->who_id);
		break;
	default:
		break;
	}
}

static void
print_net(const struct policy_rule *r)
{
	char a[16];

	if (r->bridges.n == 0) {
		printf("    no network: no bridge is allowed\n");
		return;
	}
	printf("    bridge:");
	for (size_t i = 0; i < r->bridges.n; i++)
		printf("%s %s", i > 0 ? "," : "", r->bridges.v[i].s);
	printf("\n");
	if (!r->has_range) {
		printf("    but no address range, so no network\n");
		return;
	}
	printf("    addresses from %s/%u (not the network, broadcast or gateway address)\n",
	    cidr_addr_str(r->range.addr, a, sizeof(a)), r->range.prefix);
	if (r->has_gateway)
		printf("    gateway %s\n", cidr_addr_str(r->gateway, a, sizeof(a)));
	else
		printf("    any gateway inside the range, or none\n");
}

/* Every ceiling: pids always (the rule's or the default), memory and cpus when set. */
static void
print_limits(const struct policy_rule *r)
{
	char buf[UNITS_BUF];

	printf("    ceilings per container: ");
	if (r->memory != 0) {
		units_format_size(r->memory, buf);
		printf("memory %s, ", buf);
	}
	if (r->pids != 0)
		printf("pids %u", r->pids);
	else
		printf("pids %u (default)", POLICY_DEFAULT_PIDS);
	if (r->cpus_milli != 0) {
		units_format_cpus(r->cpus_milli, buf);
		printf(", cpus %s", buf);
	}
	printf("\n");
}

/* Exactly which host directories the user can bring in (policy/mounts.c decides the same way). */
static void
print_bind_prefixes(const struct policy_items *it, const char *how, const struct policy_caller *c)
{
	for (size_t i = 0; i < it->n; i++) {
		const char *d = mounts_prefix_dir(it->v[i].s, c);

		if (strcmp(it->v[i].s, "~") != 0)
			printf("      %s: %s and every directory below it\n", how, d);
		else if (d != NULL)
			printf("      %s: %s and every directory below it (bind ~: the home "
			       "directory "
			       "in the passwd database)\n",
			    how, d);
		else
			printf("      %s: nothing (bind ~, but the passwd database gives no "
			       "canonical "
			       "home directory)\n",
			    how);
	}
}

static void
print_mounts(const struct policy_rule *r, const struct policy_caller *c)
{
	char a[16];

	if (r->binds.n + r->binds_ro.n == 0)
		printf("    host directories: none may be bound\n");
	else {
		printf("    host directories it may bind (--bind, --bind-ro; each only if the user "
		       "can open it, through no symlink; nosuid, nodev):\n");
		print_bind_prefixes(&r->binds, "read-write or read-only", c);
		print_bind_prefixes(&r->binds_ro, "read-only", c);
	}
	if (r->ephemeral_only)
		printf("    ephemeral only: every container runs on a throw-away overlay over the "
		       "read-only root\n");
	else if (r->ephemeral)
		printf(
		    "    ephemeral allowed (-x): a throw-away overlay over the read-only root\n");
	if (r->ndns == 0)
		return;
	printf("    /etc/resolv.conf (read-only, over the root's own): nameserver");
	for (size_t i = 0; i < r->ndns; i++)
		printf("%s %s", i > 0 ? "," : "", cidr_addr_str(r->dns[i], a, sizeof(a)));
	if (r->search != NULL)
		printf("; search %s", r->search);
	printf("\n");
}

static void
print_permit(const struct policy_rule *r, const struct policy_caller *c)
{
	for (size_t i = 0; i < r->roots.n; i++) {
		const char *s = r->roots.v[i].s;
		size_t n = strlen(s);

		if (n >= 2 && strcmp(s + n - 2, "/*") == 0)
			printf("    root: any directory directly inside %.*s\n",
			    (int)(n > 2 ? n - 2 : 1), s);
		else
			printf("    root: %s\n", s);
	}
	print_net(r);
	if (r->max > 0)
		printf("    at most %u at once under this rule\n", r->max);
	else
		printf("    no limit on how many at once (beyond free addresses)\n");
	print_limits(r);
	print_mounts(r, c);
	printf("    init:");
	for (size_t i = 0; i < r->inits.n; i++)
		printf("%s %s", i > 0 ? "," : "", r->inits.v[i].s);
	printf("%s\n", r->inits.n == 0 ? " /sbin/init" : "");
	if (r->privileged)
		printf("    container root is REAL root on the host (privileged)\n");
	else
		printf("    container root is host uid %u..%u (user namespace)\n", r->userns_first,
		    (unsigned)(r->userns_first + (r->userns_count - 1)));
	if (r->privileged && !r->exec)
		printf(
		    "    cnspawn exec: not allowed (privileged without exec); cnspawn login is\n");
	else
		printf("    cnspawn exec and login: allowed%s\n",
		    r->privileged ? " (exec)" : " (userns)");
}

/* The last deny without a root after rule i: it overrides every earlier permit. */
static const struct policy_rule *
later_full_deny(const struct policy *p, size_t i, const struct policy_caller *c)
{
	const struct policy_rule *found = NULL;

	for (size_t j = i + 1; j < policy_rule_count(p); j++) {
		const struct policy_rule *o = policy_rule_at(p, j);

		if (o->deny && o->roots.n == 0 && policy_rule_applies(o, c))
			found = o;
	}
	return found;
}

static void
explain(const struct policy *p, const char *shown, const struct explain_user *u)
{
	unsigned n = 0, useful = 0;

	printf("Rules that name %s (uid %u), in file order; the last rule that matches a "
	       "request decides:\n",
	    shown, (unsigned)u->c.uid);
	for (size_t i = 0; i < policy_rule_count(p); i++) {
		const struct policy_rule *r = policy_rule_at(p, i);
		const struct policy_rule *d;

		if (!policy_rule_applies(r, &u->c))
			continue;
		n++;
		printf("line %u: %s (", r->line, r->deny ? "deny" : "permit");
		print_who(r);
		printf(")\n");
		if (r->deny) {
			for (size_t j = 0; j < r->roots.n; j++)
				printf("    refuses root %s\n", r->roots.v[j].s);
			if (r->roots.n == 0)
				printf("    refuses everything; only a later permit rule can allow "
				       "something\n");
			continue;
		}
		print_permit(r, &u->c);
		d = later_full_deny(p, i, &u->c);
		if (d != NULL)
			printf("    (never decides: the deny rule at line %u comes later)\n",
			    d->line);
		else
			useful++;
	}
	if (n == 0)
		printf("no rule names %s\n", shown);
	if (useful == 0)
		printf("%s may start nothing\n", shown);
}

/* -f FILE: only a regular file, through no symlink unless follow (see tool-check.c). */
static void
read_explicit(const char *file, bool follow, char **ret_text, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	char msg[128];
	struct stat st;
	int r;

	r = tool_open_regular(AT_FDCWD, file, follow, &fd, &st, msg, sizeof(msg));
	if (r < 0)
		errx(1, "%s: %s%s", file, msg,
		    r == -ELOOP && !follow ? " (--follow-symlinks reads it anyway)" : "");
	r = policy_read_fd(fd, ret_text, ret_len);
	if (r < 0)
		errc(1, -r, "%s", file);
}

static int
load_policy(const char *file, bool follow, struct policy **ret)
{
	struct policy_error e;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (file == NULL) {
		/* The installed policy: exactly what the helper would load. */
		r = policy_load(CNSPAWN_POLICY_PATH, ret, &e);
		if (r < 0 && e.line > 0)
			warnx("%s:%u:%u: %s", CNSPAWN_POLICY_PATH, e.line, e.col, e.msg);
		else if (r < 0)
			warnx("%s", e.msg[0] != '\0' ? e.msg : strerror(-r));
		return r;
	}
	read_explicit(file, follow, &text, &len);
	r = policy_parse(text, len, ret, &e);
	if (r < 0 && e.line > 0)
		warnx("%s:%u:%u: error: %s (run cnspawn-policy check)", file, e.line, e.col, e.msg);
	else if (r < 0)
		warnx("%s: error: %s", file, e.msg);
	return r;
}

#define EXPLAIN_USAGE "usage: cnspawn-policy explain [-f FILE [--follow-symlinks]] USER\n"

int
tool_explain_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"follow-symlinks", no_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	struct explain_user u = {0};
	struct policy *p = NULL;
	const char *file = NULL;
	bool follow = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (ch != 'f' && ch != 'L') {
			fputs(EXPLAIN_USAGE, stderr);
			return 2;
		}
		if (ch == 'f')
			file = optarg;
		else
			follow = true;
	}
	if (argc - optind != 1) {
		fputs(EXPLAIN_USAGE, stderr);
		return 2;
	}
	resolve_user(argv[optind], &u);
	if (load_policy(file, follow, &p) < 0) {
		user_free(&u);
		return 1;
	}
	explain(p, argv[optind], &u);
	policy_free(p);
	user_free(&u);
	return 0;
}
