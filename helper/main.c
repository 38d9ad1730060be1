/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cnspawn-helper: installed setuid root, started by cnspawn with a
 * SOCK_SEQPACKET socket on fd 3. main() is the list of steps; each step
 * lives in its own file. Nothing has a side effect before the policy said
 * "permit" (STYLE.md §7).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "binds.h"
#include "caps.h"
#include "cgroup.h"
#include "child.h"
#include "clone.h"
#include "control.h"
#include "ipc.h"
#include "ceilings.h"
#include "ephemeral.h"
#include "exec.h"
#include "keeper.h"
#include "listroots.h"
#include "monitor.h"
#include "net.h"
#include "policy.h"
#include "request.h"
#include "resolv.h"
#include "reserve.h"
#include "rootfs.h"
#include "sanitize.h"
#include "sdiface.h"
#include "state.h"
#include "session.h"
#include "sysfilter.h"
#include "userns.h"
#include "util.h"

#define MAIN_MAX_GROUPS 256
#define MAIN_MAX_NSS_BUF (1024 * 1024) /* getpwuid_r/getgrgid_r buffer cap */

struct caller_ids {
	gid_t gid;
	gid_t groups[MAIN_MAX_GROUPS];
	size_t ngroups;
	char *names[MAIN_MAX_GROUPS + 2];
	char *home; /* the passwd entry's, for `bind ~`; NULL: none */
};

/*
 * Name lookups fail closed: an error is never "no name". A name left out
 * (NSS failing on the caller's rlimits, a group too big for the buffer)
 * would let the caller slip past a `deny NAME` or `deny :GROUP` rule that
 * comes after a permit matching them by number (last match wins).
 */
static int
group_name(gid_t g, char **ret)
{
	for (size_t size = 4096; size <= MAIN_MAX_NSS_BUF; size *= 2) {
		_cleanup_free_ char *buf = malloc(size);
		struct group gr, *grp = NULL;
		int r;

		if (buf == NULL)
			return -ENOMEM;
		r = getgrgid_r(g, &gr, buf, size, &grp);
		if (r == ERANGE)
			continue;
		if (r != 0)
			return -r;
		*ret = grp != NULL ? strdup(grp->gr_name) : NULL; /* NULL: the gid has no name */
		return grp != NULL && *ret == NULL ? -ENOMEM : 0;
	}
	return -ERANGE;
}

/* The caller's user name into ret (left as is when the uid has none; see group_name). */
static int
user_name(uid_t u, char *ret, size_t ret_size, bool *ret_found, char **ret_home)
{
	for (size_t size = 4096; size <= MAIN_MAX_NSS_BUF; size *= 2) {
		_cleanup_free_ char *buf = malloc(size);
		struct passwd pw, *pwp = NULL;
		int r;

		if (buf == NULL)
			return -ENOMEM;
		r = getpwuid_r(u, &pw, buf, size, &pwp);
		if (r == ERANGE)
			continue;
		if (r != 0)
			return -r;
		*ret_found = pwp != NULL;
		/* A cut name could equal another rule's user name. */
		if (pwp != NULL && strlcpy(ret, pw.pw_name, ret_size) >= ret_size)
			return -ENAMETOOLONG;
		/* `bind ~` is this entry's home, never $HOME (the policy checks it is canonical). */
		*ret_home = pwp != NULL ? strdup(pw.pw_dir) : NULL;
		return pwp != NULL && *ret_home == NULL ? -ENOMEM : 0;
	}
	return -ERANGE;
}

/* Identity from the kernel only; names are looked up for the caller's own ids. */
static void
identify_caller(struct caller_ids *ids, struct policy_caller *ret)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	bool named = false;
	int n, r;

	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0)
		helper_fail(-errno, "reading ids");
	helper_session.uid = ruid;
	(void)snprintf(helper_session.user, sizeof(helper_session.user), "#%u", (unsigned)ruid);
	if (euid != 0)
		helper_fail(0, "cnspawn-helper is not installed setuid root");
	n = getgroups(MAIN_MAX_GROUPS, ids->groups);
	if (n < 0)
		helper_fail(-errno, "reading groups");
	ids->ngroups = (size_t)n;
	ids->gid = rgid;
	r = user_name(ruid, helper_session.user, sizeof(helper_session.user), &named, &ids->home);
	if (r < 0)
		helper_fail(r, "looking up the name of uid %u", (unsigned)ruid);
	size_t k = 0;
	for (size_t i = 0; i <= ids->ngroups; i++) {
		gid_t g = i == 0 ? rgid : ids->groups[i - 1];
		r = group_name(g, &ids->names[k]);
		if (r < 0)
			helper_fail(r, "looking up the name of gid %u", (unsigned)g);
		if (ids->names[k] != NULL)
			k++;
	}
	*ret = (struct policy_caller){.uid = ruid,
	    .gid = rgid,
	    .groups = ids->groups,
	    .ngroups = ids->ngroups,
	    .name = named ? helper_session.user : NULL,
	    .group_names = (const char *const *)ids->names,
	    .home = ids->home};
}

/* Pipe mode's pipes (IPC_F_PIPES), until the clone gave them to init; else -1. */
static int start_pipes[IPC_PIPE_STREAMS] = {-1, -1, -1};

static void
read_request(struct ipc_msg *msg)
{
	const struct ipc_start *s = &msg->start;
	int r = ipc_recv(helper_session.sock, msg);

	if (r < 0)
		helper_fail(r, "reading the request");
	if (msg->type == IPC_T_EXEC || msg->type == IPC_T_ROOTS)
		return; /* exec.c and listroots.c say what they were asked */
	if (msg->type != IPC_T_START)
		helper_fail(-EPROTO, "expected a start, exec or roots request");
	/* Caller-chosen text: helper_log escapes it; truncation only shortens the log line.
	 * The asked name goes to the line's machine= key until one is reserved. */
	(void)strlcpy(helper_session.asked, s->machine, sizeof(helper_session.asked));
	(void)snprintf(helper_session.request, sizeof(helper_session.request),
	    "start root=%s bridge=%s address=%s gateway=%s init=%s memory=%llu pids=%u "
	    "cpus_milli=%u binds=%zu%s%s ephemeral=%d",
	    s->root, s->bridge, s->address, s->gateway, s->init, (unsigned long long)s->memory,
	    (unsigned)s->pids, (unsigned)s->cpus_milli, s->binds.n, s->binds.n > 0 ? " bind0=" : "",
	    s->binds.n > 0 ? s->binds.v[0].src : "", (s->flags & IPC_F_EPHEMERAL) != 0);
	if ((s->flags & IPC_F_PIPES) != 0)
		exec_receive_pipes(helper_session.sock, start_pipes);
}

/*
 * Load the policy and decide. The policy stays loaded (returned) until the
 * reservation: the caller's running containers are decided again by this
 * same text to count them toward `max` (reserve.c), never by a later one.
 */
static struct policy *
decide(const struct policy_caller *c, const struct request_plan *plan, struct policy_decision *d)
{
	struct policy *p = NULL;
	struct policy_error e = {0};
	struct policy_request rq = request_plan_ask(plan);
	int r;

	r = policy_load(CNSPAWN_POLICY_PATH, &p, &e);
	/* As `cnspawn-policy check` says it: FILE:LINE:COL for a rule; file
	 * checks name the offending path themselves. */
	if (r < 0 && e.msg[0] != '\0' && e.line > 0)
		helper_fail(0, "cannot use policy: %s:%u:%u: %s", CNSPAWN_POLICY_PATH, e.line,
		    e.col, e.msg);
	if (r < 0 && e.msg[0] != '\0')
		helper_fail(0, "cannot use policy: %s", e.msg);
	if (r < 0)
		helper_fail(r, "cannot use policy %s", CNSPAWN_POLICY_PATH);
	r = policy_evaluate(p, c, &rq, d);
	if (r < 0)
		helper_fail(r, "malformed request (root %s, init %s)", plan->root, plan->init);
	if (!d->permit)
		helper_fail(0, "%s", d->reason);
	return p;
}

/* After "permit": all ids root, so the caller can no longer signal, trace or kill us. */
static void
become_root(void)
{
	int r;

	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		helper_fail(-errno, "changing ids");
	r = caps_new_session_keyring();
	if (r < 0)
		helper_fail(r, "joining a new session keyring");
}

static int
open_root(const struct request_plan *plan)
{
	int fd = -1, r = rootfs_open(plan->root, &fd);

	if (r == -ELOOP)
		helper_fail(0, "%s: a component is a symlink; name the real directory", plan->root);
	if (r < 0)
		helper_fail(r, "cannot open directory tree %s", plan->root);
	r = rootfs_check_init(fd, plan->init);
	if (r == -ENOENT)
		helper_fail(0, "init %s not found in directory tree %s", plan->init, plan->root);
	if (r < 0)
		helper_fail(r, "init %s in %s is not an executable file", plan->init, plan->root);
	r = net_bridge_check(plan->bridge);
	if (r == -ENOTTY)
		helper_fail(0, "%s is not a bridge", plan->bridge);
	if (r < 0)
		helper_fail(r, "bridge %s", plan->bridge);
	return fd;
}

/* container_uuid= for systemd (sdiface.h): the root's machine id, else random. */
static void
add_container_uuid(int root_fd, struct request_plan *plan)
{
	char uuid[SDIFACE_UUID_LEN + 1];
	int r = sdiface_env(root_fd, plan->envp, ELEMENTSOF(plan->envp), uuid);

	if (r < 0)
		helper_fail(r, "choosing the container's uuid");
}

/* userns rules: the namespace and its maps, from the rule only (userns.c). */
static void
prepare_userns(struct helper_session *s, const struct policy_grant *g, int root_fd,
    struct child_config *cfg)
{
	struct fail f = {0};
	int r;

	cfg->userns = true;
	cfg->userns_first = g->userns_first;
	cfg->userns_count = g->userns_count;
	r = userns_prepare(root_fd, cfg->root, g->userns_first, g->userns_count, &cfg->userns_fd,
	    &f);
	if (r < 0)
		helper_fail_at(r, &f, "creating the user namespace");
	/* systemd inside manages its own cgroup: hand it to container root. */
	r = cgroup_delegate(s, (uid_t)g->userns_first, (gid_t)g->userns_first);
	if (r < 0)
		helper_fail(r, "delegating the cgroup to container root");
}

/* What the container gets of the host beyond its root (issue 15): binds and resolv.conf. */
struct host_paths {
	int src[POLICY_MAX_BINDS];   /* the binds' SRC, opened as the caller */
	int trees[POLICY_MAX_BINDS]; /* their detached trees for the child */
	char resolv[RESOLV_MAX];     /* "": the root's own /etc/resolv.conf */
};

/* binds.h step 1: after the decision, as the caller, before become_root. */
static void
open_binds(const struct request_plan *plan, const struct policy_caller *c, struct host_paths *h)
{
	struct fail f = {0};
	int r = binds_open(plan->binds, plan->nbinds, c->uid, c->gid, c->groups, c->ngroups, h->src,
	    &f);

	if (r < 0)
		helper_fail_at(r, &f, "opening the host directories to bind");
}

/* binds.h step 2 (all-root): the detached trees the child mounts; again for each boot. */
static void
clone_binds(const struct request_plan *plan, const struct policy_caller *c,
    const struct policy_grant *g, struct host_paths *h)
{
	struct fail f = {0};
	int r = binds_clone(plan->binds, plan->nbinds, h->src, c->uid, c->gid,
	    g->privileged ? 0 : g->userns_first, h->trees, &f);

	if (r < 0)
		helper_fail_at(r, &f, "preparing the binds");
}

/* The binds' trees, the generated name of an ephemeral start, resolv.conf's text. */
static void
prepare_host_paths(struct request_plan *plan, const struct policy_caller *c,
    const struct policy_decision *d, struct host_paths *h)
{
	const struct policy_grant *g = &d->grant;
	int r;

	clone_binds(plan, c, g, h);
	r = g->ephemeral ? request_plan_ephemeral_name(plan) : 0;
	if (r < 0)
		helper_fail(r, "naming the ephemeral container");
	h->resolv[0] = '\0';
	r = g->ndns > 0 && !plan->no_resolv_conf
	    ? resolv_text(g, d->line, h->resolv, sizeof(h->resolv))
	    : 0;
	if (r < 0)
		helper_fail(r, "writing the container's resolv.conf");
}

/*
 * What a boot needs, kept by the keeper for a reboot (issue 16): the
 * request as decided, the root opened once, the host paths, and what the
 * previous boot handed over (child.h).
 */
struct boot {
	const struct request_plan *plan;
	const struct policy_caller *caller;
	const struct policy_grant *g;
	struct state_entry *e;
	int root_fd;
	struct host_paths *h;
	struct child_keep keep;
};

/* A boot handed over its devpts: it replaces the previous one (which that boot attached). */
static void
boot_keep(struct boot *b, struct child_keep *got)
{
	(void)util_safe_close(b->keep.devpts);
	b->keep.devpts = got->devpts;
}

/* The set-up phase: cgroup, user namespace, then the clone (clone.c). */
static int
set_up(struct helper_session *s, struct boot *b)
{
	const struct request_plan *plan = b->plan;
	const struct policy_grant *g = b->g;
	const struct state_entry *e = b->e;
	struct host_paths *h = b->h;
	struct child_config cfg = {.root_fd = b->root_fd,
	    .root = plan->root,
	    .sync_fd = -1,
	    .hostname = plan->hostname[0] != '\0' ? plan->hostname : e->name,
	    .init = plan->init,
	    .argv = plan->argv,
	    .envp = plan->envp,
	    .address = e->address,
	    .prefix = e->prefix,
	    .has_gateway = g->has_gateway,
	    .gateway = g->gateway,
	    .rows = plan->rows,
	    .cols = plan->cols,
	    .cgroup_layout = (int)cgroup_detect(),
	    .host_userfaultfd = sysfilter_host_userfaultfd(),
	    .binds = plan->binds,
	    .nbinds = plan->nbinds,
	    .bind_trees = h->trees,
	    .ephemeral = g->ephemeral,
	    .ephemeral_size = g->memory != 0 ? g->memory : EPHEMERAL_DEFAULT_SIZE,
	    .resolv = h->resolv[0] != '\0' ? h->resolv : NULL,
	    .stdio = {start_pipes[0], start_pipes[1], start_pipes[2]},
	    .keep = b->keep};
	struct child_keep got = {.devpts = -1};
	struct fail f = {0};
	int master = -1, r;

	r = cgroup_create(s, (enum cgroup_layout)cfg.cgroup_layout, e->name);
	if (r < 0)
		helper_fail(r, "creating the cgroup for %s", e->name);
	/* Before the clone: init is born into its ceilings (cgroup_enter before "G"). */
	r = ceilings_apply(s, e->name,
	    &(struct ceilings){.memory = g->memory, .pids = g->pids, .cpus_milli = g->cpus_milli},
	    &f);
	if (r < 0)
		helper_fail_at(r, &f, "applying the container's ceilings");
	f = (struct fail){0};
	cfg.userns_fd = -1;
	if (!g->privileged)
		prepare_userns(s, g, b->root_fd, &cfg);
	r = clone_container(s, &cfg, e->veth, plan->bridge, &master, &got, &f);
	(void)util_safe_close(cfg.userns_fd);
	boot_keep(b, &got);
	/* The child has its copies: the monitor keeps no fd of the caller's. */
	binds_close(h->trees, plan->nbinds);
	for (size_t i = 0; i < IPC_PIPE_STREAMS; i++)
		start_pipes[i] = util_safe_close(start_pipes[i]);
	if (r < 0)
		helper_fail_at(r, &f, "starting the container");
	return master;
}

/*
 * The state entry names init, once it exec'd (the start's, or a reboot's).
 * Under the state lock, as every write of an entry: a start's load must
 * never see an entry renamed over while it reads the directory (readdir
 * may then skip the name, and that load would free the container's name,
 * address and root, lift its owner's max and sweep its control socket).
 */
static void
record_init(struct state_entry *e)
{
	_cleanup_close_ int dir_fd = -1;
	int r;

	e->init_pid = helper_session.init_pid;
	r = state_open_dir(&dir_fd);
	if (r == 0)
		r = state_lock(dir_fd);
	if (r == 0)
		r = state_write(dir_fd, e);
	if (r < 0)
		helper_fail(r, "recording the container");
}

/*
 * A reboot is decided again, by the policy as it is now, for the same
 * request and caller: a rule revoked or narrowed since the start ends the
 * container instead, with the refusal as its line. The start's grant stays
 * (its ceilings, binds, address): a rule that now grants the root another
 * mode (privileged, a userns range, ephemeral) ends it too.
 */
static void
decide_reboot(const struct boot *b)
{
	struct policy_decision d;
	const struct policy_grant *g = &d.grant;

	policy_free(decide(b->caller, b->plan, &d));
	if (g->privileged != b->g->privileged || g->ephemeral != b->g->ephemeral ||
	    (!g->privileged &&
	        (g->userns_first != b->g->userns_first || g->userns_count != b->g->userns_count)))
		helper_fail(0,
		    "the policy now grants %s another mode (rule at line %u): not rebooted",
		    b->e->name, d.line);
}

/* The keeper's reboot (keeper.h): the same container again, in fresh namespaces. */
static void
reboot_boot(void *arg)
{
	struct boot *b = arg;

	decide_reboot(b);
	clone_binds(b->plan, b->caller, b->g, b->h);
	(void)set_up(&helper_session, b);
	record_init(b->e);
}

static void
announce(struct state_entry *e, int master)
{
	char addr[INET_ADDRSTRLEN + 4];
	struct ipc_msg m;
	int r;

	record_init(e);
	(void)snprintf(addr, sizeof(addr), "%s/%u", inet_ntoa(e->address), (unsigned)e->prefix);
	ipc_msg_init(&m, IPC_T_CONSOLE);
	m.console.machine = e->name;
	m.console.address = addr;
	m.console.init_pid = (uint32_t)e->init_pid;
	m.fd = master;
	r = ipc_send(helper_session.sock, &m);
	/* The monitor keeps its copy of the master: it drains and re-hands the console. */
	if (r < 0)
		helper_fail(r, "sending the console");
	helper_log(LOG_NOTICE, "start",
	    "root=%s bridge=%s address=%s init_pid=%d rule=%u memory_max=%llu pids_max=%u "
	    "cpus_milli=%u",
	    e->root, e->bridge, addr, (int)e->init_pid, e->rule,
	    (unsigned long long)helper_session.memory_max, (unsigned)helper_session.pids_max,
	    (unsigned)helper_session.cpus_milli);
}

/* What `cnspawn stop` sends init: the start's --kill-signal, else the default. */
static int
stop_signal(const struct ipc_start *s)
{
	return s->kill_signal != 0 ? (int)s->kill_signal : CONTROL_DEFAULT_STOP_SIGNAL;
}

/* The control process (keeper.h): serve the control socket until the keeper says the end. */
static _Noreturn void
monitor(const struct state_entry *e, int master, int listen_fd, const struct ipc_start *s,
    int keeper)
{
	static struct control c; /* holds the 128 KiB console ring */
	char addr[INET_ADDRSTRLEN + 4];
	_cleanup_free_ char *error = NULL;
	struct ipc_exit x = {0};
	int r;

	(void)snprintf(addr, sizeof(addr), "%s/%u", inet_ntoa(e->address), (unsigned)e->prefix);
	c = (struct control){.keeper = keeper,
	    .init_pid = e->init_pid,
	    .owner = e->uid,
	    .kill_signal = stop_signal(s),
	    .stop_on_exit = (s->flags & IPC_F_STOP_ON_EXIT) != 0,
	    .session_relays = (s->flags & IPC_F_PIPES) == 0,
	    .name = e->name,
	    .address = addr,
	    .bridge = e->bridge,
	    .root = e->root,
	    .veth = e->veth,
	    .started = e->started,
	    .monitor_pid = e->monitor_pid,
	    .rule = e->rule,
	    .userns_first = e->userns_first,
	    .userns_count = e->userns_count};
	r = control_init(&c, helper_session.sock, listen_fd, master);
	if (r == 0)
		r = monitor_run(&c, &x, &error);
	if (r < 0)
		helper_fail(r, "the container's monitor stopped");
	control_finish(&c, &x, error);
	exit(0);
}

/*
 * After the start was announced: fork the control process, which becomes
 * the owner with no capability (monitor.h) and serves the frontends, while
 * this process stays init's parent and privileged, as the keeper (keeper.h).
 */
static _Noreturn void
split_monitor(struct boot *b, int master, int listen_fd, const struct ipc_start *s)
{
	struct keeper k = {.ctl = -1,
	    .kill_signal = stop_signal(s),
	    .may_reboot = (s->flags & (IPC_F_NO_REBOOT | IPC_F_PIPES)) == 0,
	    .reboot = reboot_boot,
	    .arg = b};
	int r;

	/* The console of every boot is this PTY: its number in the kept devpts. */
	if (ioctl(master, TIOCGPTN, &b->keep.console_index) < 0)
		helper_fail(-errno, "reading the console's number");
	r = keeper_fork(&k);
	if (r < 0)
		helper_fail(r, "starting the container's monitor");
	if (r == 0) {
		/* Nothing of the keeper's: the root, the caller's bind sources, the kept
		 * devpts, and the state entry it holds open (writable) and locked. */
		state_drop_lock();
		(void)close(b->root_fd);
		binds_close(b->h->src, b->plan->nbinds);
		(void)util_safe_close(b->keep.devpts);
		r = monitor_drop_privileges(b->e->uid, b->caller->gid, k.keeper_pid);
		if (r < 0)
			helper_fail(r, "dropping privileges");
		monitor(b->e, master, listen_fd, s, k.ctl);
	}
	/* Nothing a frontend can reach: the control process has those. */
	(void)close(master);
	(void)close(listen_fd);
	(void)close(helper_session.sock);
	helper_session.sock = k.ctl; /* helper_fail's line goes to the control process */
	keeper_run(&k);
}

int
main(void)
{
	struct ipc_msg msg = {.fd = -1};
	struct caller_ids ids = {0};
	struct policy_caller caller;
	struct request_plan plan;
	struct policy_decision d;
	struct policy *pol;
	struct state_entry e;
	struct fail f = {0};
	static struct host_paths hp;
	static struct boot b;
	int r, root_fd, master, listen_fd;

	r = sanitize_process();
	if (r < 0) {
		/* No session: stderr is the only way to tell the caller. */
		(void)dprintf(2, "cnspawn-helper: %s; it is started by cnspawn\n", strerror(-r));
		return 1;
	}
	openlog("cnspawn-helper", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	helper_session.sock = SANITIZE_IPC_FD;
	identify_caller(&ids, &caller);
	read_request(&msg);
	if (msg.type == IPC_T_EXEC)
		exec_run(&msg, &caller);
	if (msg.type == IPC_T_ROOTS)
		listroots_run(&caller);
	r = request_plan_new(&msg.start, &plan, &f);
	if (r < 0)
		helper_fail_at(r, &f, "reading the request");
	pol = decide(&caller, &plan, &d);
	open_binds(&plan, &caller, &hp);
	become_root();
	root_fd = open_root(&plan);
	prepare_host_paths(&plan, &caller, &d, &hp);
	add_container_uuid(root_fd, &plan);
	r = reserve_container(&helper_session, pol, &caller, &plan, &d, &e, &f);
	policy_free(pol);
	/* ids stays: a reboot decides the same caller again (decide_reboot). */
	if (r < 0)
		helper_fail_at(r, &f, "reserving the container");
	b = (struct boot){.plan = &plan,
	    .caller = &caller,
	    .g = &d.grant,
	    .e = &e,
	    .root_fd = root_fd,
	    .h = &hp,
	    .keep = {.devpts = -1, .console_index = -1}};
	master = set_up(&helper_session, &b);
	listen_fd = control_listen(e.name);
	if (listen_fd < 0)
		helper_fail(listen_fd, "creating the control socket for %s", e.name);
	announce(&e, master);
	r = sanitize_detach_stdio();
	if (r < 0)
		helper_fail(r, "closing the caller's stdin, stdout and stderr");
	split_monitor(&b, master, listen_fd, &msg.start);
}
