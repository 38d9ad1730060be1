/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Joining a running container (cnspawn exec and login, issue 13): the one
 * place that turns a fresh helper into a process with exactly init's
 * restrictions. DESIGN.md: "Anything that joins a running container gets
 * exactly init's restrictions (namespaces, cgroup, bounding set, syscall
 * filter, fresh keyring) and is not dumpable until it has exec'd."
 *
 * What it trusts: the state entry (root-owned, read by state_find), which
 * names the container's init and pins its monitor by pid and start time;
 * and the kernel's /proc of the host for that init. Everything about init
 * (its namespaces, cgroups, root, bounding set) is taken from init itself,
 * never from the request, so that exec cannot be a way around a limit init
 * has, now or added later.
 */

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>

#include "caps.h"
#include "cgroup.h"
#include "join.h"
#include "state.h"
#include "util.h"

#define JOIN_PROC_MAX 16384 /* bytes of /proc/PID/status or /proc/PID/cgroup */

void
join_done(struct join_target *t)
{
	t->pidfd = util_safe_close(t->pidfd);
	t->root_fd = util_safe_close(t->root_fd);
	free(t->cgroups);
	t->cgroups = NULL;
}

static int
read_proc(pid_t pid, const char *file, char **ret)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = malloc(JOIN_PROC_MAX + 1);
	size_t n = 0;
	int r;

	if (buf == NULL)
		return -ENOMEM;
	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = util_read_upto(fd, buf, JOIN_PROC_MAX, &n);
	if (r < 0)
		return r;
	if (n == JOIN_PROC_MAX)
		return -E2BIG;
	buf[n] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

/* The value after "\nKEY:\t" in a /proc/PID/status text. */
static const char *
status_field(const char *text, const char *key)
{
	char pat[32];
	const char *p;

	(void)snprintf(pat, sizeof(pat), "\n%s:\t", key);
	p = strstr(text, pat);
	return p != NULL ? p + strlen(pat) : NULL;
}

/* PPid and CapBnd of init's status text. */
static int
parse_status(const char *text, pid_t *ret_ppid, uint64_t *ret_capbnd)
{
	const char *pp = status_field(text, "PPid"), *cb = status_field(text, "CapBnd");
	char num[24];
	const char *errstr = NULL;
	size_t k;

	if (pp == NULL || cb == NULL)
		return -EPROTO;
	k = strspn(pp, "0123456789");
	if (k == 0 || k >= sizeof(num))
		return -EPROTO;
	memcpy(num, pp, k);
	num[k] = '\0';
	*ret_ppid = (pid_t)strtonum(num, 0, INT32_MAX, &errstr);
	if (errstr != NULL || strspn(cb, "0123456789abcdef") != 16)
		return -EPROTO;
	*ret_capbnd = 0;
	for (int i = 0; i < 16; i++) {
		char c = cb[i];
		*ret_capbnd = (*ret_capbnd << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return 0;
}

/* Is init in a user namespace other than ours (a userns container)? */
static int
other_userns(pid_t pid, bool *ret)
{
	char path[64];
	struct stat a, b;

	(void)snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat(path, &a) < 0 || stat("/proc/self/ns/user", &b) < 0)
		return -errno;
	*ret = a.st_dev != b.st_dev || a.st_ino != b.st_ino;
	return 0;
}

/*
 * Read what joining needs from init's /proc entries while the pidfd pins
 * it. The pid in the entry could have been reused; a pidfd alone would pin
 * whatever process had it. So: open the pidfd first, then read /proc/PID,
 * whose PPid must be the entry's monitor (which clones init and nothing
 * else, and is still the very process: same start time), then check that
 * the pidfd's process is still alive. Alive at the end means it held the
 * pid all along, so everything read in between was its own.
 */
static int
read_init(const struct state_entry *e, struct join_target *t, struct fail *f)
{
	_cleanup_free_ char *status = NULL;
	unsigned long long start;
	char path[64];
	pid_t ppid;
	int r;

	r = read_proc(e->init_pid, "status", &status);
	if (r == 0)
		r = parse_status(status, &ppid, &t->capbnd);
	if (r < 0)
		return fail_say(f, r, "reading init's status: %s", strerror(-r));
	if (ppid != e->monitor_pid || state_proc_start(e->monitor_pid, &start) < 0 ||
	    start != e->monitor_start)
		return fail_say(f, -ESRCH, "%s is stopping", e->name);
	r = read_proc(e->init_pid, "cgroup", &t->cgroups);
	if (r < 0)
		return fail_say(f, r, "reading init's cgroups: %s", strerror(-r));
	r = other_userns(e->init_pid, &t->userns);
	if (r < 0)
		return fail_say(f, r, "looking at init's user namespace: %s", strerror(-r));
	/* The kernel's link to init's root, opened (not followed by a path walk)
	 * as host root for the init just verified; used only for fchdir. */
	(void)snprintf(path, sizeof(path), "/proc/%d/root", (int)e->init_pid);
	t->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->root_fd < 0)
		return fail_say(f, -errno, "opening init's root: %s", strerror(errno));
	return 0;
}

int
join_pin_init(const struct state_entry *e, struct join_target *ret, struct fail *f)
{
	struct join_target t = {.pidfd = -1, .root_fd = -1};
	int r;

	t.pidfd = (int)syscall(SYS_pidfd_open, e->init_pid, 0);
	if (t.pidfd < 0)
		return fail_say(f, -ESRCH, "%s is stopping", e->name);
	r = read_init(e, &t, f);
	if (r == 0 && syscall(SYS_pidfd_send_signal, t.pidfd, 0, NULL, 0) < 0)
		r = fail_say(f, -ESRCH, "%s is stopping", e->name);
	if (r < 0) {
		join_done(&t);
		return r;
	}
	*ret = t;
	return 0;
}

/*
 * Keep only the capabilities in mask (init's bounding set) in every set:
 * bounding, effective, permitted, inheritable; clear ambient. The same
 * set init has, read from init, not recomputed: a container started by an
 * older helper keeps its own.
 */
static int
limit_caps(uint64_t mask)
{
	const capng_type_t all = CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
	    CAPNG_BOUNDING_SET | CAPNG_AMBIENT;

	capng_setpid(getpid());
	if (capng_get_caps_process() < 0)
		return -EIO;
	for (unsigned int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if ((cap >= 64 || !(mask & (UINT64_C(1) << cap))) &&
		    capng_update(CAPNG_DROP, all, cap) < 0)
			return -EINVAL;
	capng_clear(CAPNG_SELECT_AMBIENT);
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
		return -EPERM;
	return 0;
}

/*
 * setns order: as host root (all capabilities in the initial user
 * namespace, so also over every namespace a userns container's user
 * namespace owns) join mount, UTS, IPC, network, PID and cgroup in one
 * call; only then the user namespace, after which we hold capabilities
 * inside it only (joining it first would lose the right to join the
 * network and PID namespaces, which the host's user namespace owns). The
 * cgroups are entered before any of it: they are looked up in the host's
 * mounts. Then chroot to init's own root, via the fd read while pinned.
 */
int
join_enter(struct join_target *t, struct fail *f)
{
	const int ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
	    CLONE_NEWCGROUP;
	int r;

	r = cgroup_join_like(t->cgroups, f);
	if (r < 0)
		return r;
	f->step = "joining the container's namespaces";
	if (setns(t->pidfd, ns) < 0)
		return -errno;
	f->step = "joining the container's user namespace";
	if (t->userns && setns(t->pidfd, CLONE_NEWUSER) < 0)
		return -errno;
	f->step = "becoming container root";
	if (t->userns && (r = caps_become_root()) < 0)
		return r;
	f->step = "changing to init's root";
	if (fchdir(t->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	t->root_fd = util_safe_close(t->root_fd);
	/* After the last id change (which resets it): nobody inside may trace us or read
	 * /proc/PID/exe of the child before it has exec'd (runc CVE-2019-5736). */
	f->step = "PR_SET_DUMPABLE";
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	/* After the user namespace: the keyring is container root's, as init's is. */
	f->step = "joining a new session keyring";
	if ((r = caps_new_session_keyring()) < 0)
		return r;
	f->step = "limiting capabilities to init's bounding set";
	return limit_caps(t->capbnd);
}
