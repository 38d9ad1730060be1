/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * cnspawn exec and cnspawn login (issue 13), in a fresh helper started for
 * this one request (the monitor's request table does not grow). In order:
 * the frontend's pipes (checked to be pipes), the request's syntax, the
 * running container's state entry, who may (owner or root; for exec the
 * current policy too), then joining (join.c), the user from the
 * container's own files, and the CMD process (execcmd.c), whose status
 * goes back as IPC_T_EXIT. Nothing has a side effect before the decision.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "caps.h"
#include "exec.h"
#include "execcmd.h"
#include "join.h"
#include "names.h"
#include "openat.h"
#include "passwd.h"
#include "pty.h"
#include "session.h"
#include "state.h"
#include "sysfilter.h"
#include "util.h"

#define EXEC_MAX_ENV (IPC_MAX_ARGS + 8)
#define EXEC_LOGIN_PATHS                                                                           \
	{                                                                                          \
		"/bin/login", "/usr/bin/login"                                                     \
	}

struct exec_plan {
	const struct ipc_exec *x;
	bool tty, login;
	int pipes[IPC_PIPE_STREAMS];
	struct passwd_user user;
	char *envp[EXEC_MAX_ENV + 1];
	char *login_argv[2];
	bool host_userfaultfd;
};

static void
describe(const struct ipc_exec *x)
{
	bool login = (x->flags & IPC_EXEC_F_LOGIN) != 0;

	/* Caller-chosen text: helper_log escapes it; a cut only shortens the log line.
	 * The asked name is the line's machine= key. */
	(void)strlcpy(helper_session.asked, x->machine, sizeof(helper_session.asked));
	(void)snprintf(helper_session.request, sizeof(helper_session.request),
	    "%s as=%s cwd=%s argv0=%s tty=%d", login ? "login" : "exec", x->user, x->cwd,
	    login ? "login" : x->argv.v[0], (x->flags & IPC_EXEC_F_TTY) != 0);
}

/*
 * One of the frontend's fresh pipe ends: an anonymous pipe (not a named
 * FIFO of the host, not a terminal: CVE-2017-5226, not a directory), the
 * read end for stdin and the write end for stdout and stderr.
 */
static int
check_pipe(int fd, uint8_t stream)
{
	struct stat st;
	struct statfs sf;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return -errno;
	if (!S_ISFIFO(st.st_mode) || sf.f_type != PIPEFS_MAGIC)
		return -EPROTO;
	return (fl & O_ACCMODE) == (stream == 0 ? O_RDONLY : O_WRONLY) ? 0 : -EPROTO;
}

void
exec_receive_pipes(int sock, int ret[IPC_PIPE_STREAMS])
{
	for (uint8_t i = 0; i < IPC_PIPE_STREAMS; i++) {
		struct ipc_msg m;
		int r = ipc_recv(sock, &m);

		if (r < 0)
			helper_fail(r, "reading the pipes");
		if (m.type != IPC_T_PIPE || m.pipe.stream != i) {
			ipc_msg_done(&m);
			helper_fail(-EPROTO, "expected pipe %u", (unsigned)i);
		}
		r = check_pipe(m.fd, i);
		if (r < 0) {
			ipc_msg_done(&m);
			helper_fail(r, "stdio %u is not a fresh pipe", (unsigned)i);
		}
		ret[i] = TAKE_FD(m.fd);
	}
}

/* -E NAME=VALUE: a shell variable name; the value is the caller's own business. */
static bool
env_entry_ok(const char *e)
{
	size_t n = strspn(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && e[n] == '=' && !(e[0] >= '0' && e[0] <= '9');
}

static void
check_request(const struct ipc_exec *x)
{
	if (ipc_name_check(x->machine) < 0)
		helper_fail(0, "invalid %s", IPC_NAME_RULE);
	if (x->user[0] != '\0' && passwd_user_check(x->user) < 0)
		helper_fail(0,
		    "invalid user name (1-64 printable characters, no ':' ',' or space)");
	if (x->cwd[0] != '\0' && x->cwd[0] != '/')
		helper_fail(0, "--cwd needs an absolute path inside the container");
	if (x->term[0] != '\0') {
		char t[IPC_MAX_STR];
		(void)snprintf(t, sizeof(t), "TERM=%s", x->term);
		if (ipc_env_check(t) != 0)
			helper_fail(0, "invalid TERM");
	}
	for (size_t i = 0; i < x->env.n; i++)
		if (!env_entry_ok(x->env.v[i]))
			helper_fail(0, "invalid -E '%.64s' (NAME=VALUE, NAME of A-Z a-z 0-9 _)",
			    x->env.v[i]);
	if (x->argv.n > 0 && x->argv.v[0][0] == '\0')
		helper_fail(0, "empty command");
}

static void
find_entry(const char *name, struct state_entry *ret)
{
	int r = state_find(name, ret);

	if (r == -ENOENT)
		helper_fail(0, "no container named %s is running", name);
	if (r < 0)
		helper_fail(r, "looking up %s", name);
}

/*
 * The owner or root, as for attach; exec also needs the policy as it is
 * now: the entry's request must still be permitted to its owner, and a
 * privileged rule must say exec (a rule whose only init is /sbin/init
 * would otherwise hand its user a host-root shell with no password).
 * Login asks the container's own login for a password: like attach.
 */
static void
authorize(const struct state_entry *e, const struct policy_caller *c, bool login)
{
	struct policy_request rq;
	struct policy_decision d;
	struct policy_error pe = {0};
	struct policy *p = NULL;
	int r;

	if (c->uid != 0 && c->uid != e->uid)
		helper_fail(0, "%s: permission denied", e->name);
	if (c->uid == 0 || login)
		return;
	r = policy_load(CNSPAWN_POLICY_PATH, &p, &pe);
	if (r < 0)
		helper_fail(r, "cannot use policy %s%s%s", CNSPAWN_POLICY_PATH,
		    pe.msg[0] != '\0' ? ": " : "", pe.msg);
	statefile_request(e, &rq);
	r = policy_evaluate(p, c, &rq, &d);
	policy_free(p);
	if (r < 0)
		helper_fail(r, "deciding exec into %s", e->name);
	if (!d.permit)
		helper_fail(0, "exec into %s refused: the policy no longer permits it: %s", e->name,
		    d.reason);
	if (!d.grant.exec)
		helper_fail(0,
		    "exec into %s is not allowed: the privileged rule at line %u has no exec "
		    "option (cnspawn login %s works)",
		    e->name, d.line, e->name);
}

/* A whole small file of the container, opened beneath its root with no symlink. */
static int
read_container_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int root = -1, fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t n = 0;
	int r;

	r = openat_safe(AT_FDCWD, "/", O_PATH | O_DIRECTORY, OPENAT_HOST, &root);
	if (r == 0)
		r = openat_safe(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, OPENAT_BENEATH, &fd);
	if (r < 0)
		return r;
	{
		struct stat st;
		if (fstat(fd, &st) < 0)
			return -errno;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
	}
	buf = malloc(PASSWD_MAX_FILE + 1);
	if (buf == NULL)
		return -ENOMEM;
	r = util_read_upto(fd, buf, PASSWD_MAX_FILE + 1, &n);
	if (r < 0)
		return r;
	if (n > PASSWD_MAX_FILE)
		return -E2BIG;
	*ret = TAKE_PTR(buf);
	*ret_len = n;
	return 0;
}

/* -u USER, or root, from the container's own /etc/passwd and /etc/group (after joining). */
static void
lookup_user(const char *user, struct passwd_user *ret)
{
	_cleanup_free_ char *pw = NULL, *gr = NULL;
	size_t pw_len = 0, gr_len = 0;
	int r = read_container_file("etc/passwd", &pw, &pw_len);

	if (user[0] == '\0') {
		/* Root: its own line for the home, when there is one with uid 0. */
		if (r < 0 || passwd_find(pw, pw_len, "root", ret) < 0 || ret->uid != 0)
			*ret = (struct passwd_user){.name = "root", .home = "/", .ngroups = 1};
	} else {
		if (r < 0)
			helper_fail(r, "reading the container's /etc/passwd");
		r = passwd_find(pw, pw_len, user, ret);
		if (r == -ENOENT)
			helper_fail(0, "no user %s in the container's /etc/passwd", user);
		if (r < 0)
			helper_fail(r, "looking up user %s", user);
	}
	if (read_container_file("etc/group", &gr, &gr_len) == 0)
		passwd_groups(gr, gr_len, ret);
}

/* NAME=VALUE from a ("NAME=" or a whole entry) and b. */
static void
env_add(struct exec_plan *p, size_t *n, const char *a, const char *b)
{
	char *s = NULL;
	size_t k = strcspn(a, "=");

	if (asprintf(&s, "%s%s", a, b) < 0)
		helper_fail(-ENOMEM, "building the environment");
	/* -E replaces what came before it under the same name. */
	for (size_t i = 0; i < *n; i++)
		if (strncmp(p->envp[i], s, k + 1) == 0) {
			free(p->envp[i]);
			p->envp[i] = s;
			return;
		}
	p->envp[(*n)++] = s;
}

/* A clean environment: PATH, HOME, USER, LOGNAME, container, TERM with a terminal, then -E. */
static void
build_env(struct exec_plan *p)
{
	size_t n = 0;

	env_add(p, &n, "PATH=", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env_add(p, &n, "HOME=", p->user.home);
	env_add(p, &n, "USER=", p->user.name);
	env_add(p, &n, "LOGNAME=", p->user.name);
	env_add(p, &n, "container=", "cnspawn");
	if (p->tty && p->x->term[0] != '\0')
		env_add(p, &n, "TERM=", p->x->term);
	for (size_t i = 0; i < p->x->env.n && !p->login; i++)
		env_add(p, &n, p->x->env.v[i], "");
	p->envp[n] = NULL;
}

/* A new PTY of the container's own devpts instance (its /dev/pts, never a host terminal). */
static int
open_pty(const struct ipc_exec *x, int *ret_slave)
{
	_cleanup_close_ int root = -1, pts = -1;
	struct statfs sf;
	int master = -1, r;

	r = openat_safe(AT_FDCWD, "/", O_PATH | O_DIRECTORY, OPENAT_HOST, &root);
	if (r == 0)
		r = openat_safe(root, "dev/pts", O_PATH | O_DIRECTORY, OPENAT_BENEATH, &pts);
	if (r < 0)
		helper_fail(r, "opening the container's /dev/pts");
	if (fstatfs(pts, &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC)
		helper_fail(0, "the container's /dev/pts is not a devpts file system");
	r = pty_open_in_devpts(pts, x->rows, x->cols, &master, ret_slave);
	if (r < 0)
		helper_fail(r, "allocating a PTY in the container");
	return master;
}

/* The login program of the container, as machinectl login runs it on a new PTY. */
static char *const *
login_argv(struct exec_plan *p)
{
	static const char *const paths[] = EXEC_LOGIN_PATHS;
	_cleanup_close_ int root = -1;

	if (openat_safe(AT_FDCWD, "/", O_PATH | O_DIRECTORY, OPENAT_HOST, &root) < 0)
		helper_fail(-errno, "opening the container root");
	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		if (faccessat(root, paths[i] + 1, X_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
		    faccessat(root, paths[i] + 1, X_OK, 0) == 0) {
			p->login_argv[0] = (char *)(uintptr_t)paths[i];
			p->login_argv[1] = NULL;
			return p->login_argv;
		}
	helper_fail(0, "the container has no login program (/bin/login)");
}

static void
send_exit(int status)
{
	struct ipc_exit x = {0};

	if (WIFEXITED(status)) {
		x.how = IPC_EXIT_CODE;
		x.code = WEXITSTATUS(status);
	} else {
		x.how = IPC_EXIT_SIGNAL;
		x.code = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	}
	(void)ipc_send_exit(helper_session.sock, &x);
}

/*
 * Until CMD ends: its status to the frontend. The frontend leaving (its
 * socket closed, or IPC_T_STOP from the escape keys) hangs up CMD's
 * session, as a terminal's hangup would; then we go too.
 */
static _Noreturn void
wait_cmd(pid_t pid)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int status = 0;

	for (;;) {
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
		    {.fd = helper_session.sock, .events = POLLIN}};

		if (poll(p, 2, pidfd < 0 ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			send_exit(status);
			exit(0);
		}
		if (p[1].revents != 0) {
			struct ipc_msg m;
			if (ipc_recv(helper_session.sock, &m) == 0)
				ipc_msg_done(&m);
			(void)kill(-pid, SIGHUP);
			helper_log(LOG_NOTICE, "hangup", "reason=frontend-left pid=%d", (int)pid);
			exit(0);
		}
	}
	(void)kill(-pid, SIGKILL);
	exit(1);
}

/* The setup error the CMD process sent before _exit, or nothing once it exec'd. */
static void
await_exec(pid_t pid, int sync_fd)
{
	char msg[512];
	ssize_t n;

	do
		n = read(sync_fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	(void)close(sync_fd);
	if (n <= 0)
		return;
	msg[n] = '\0';
	(void)waitpid(pid, NULL, 0);
	helper_fail(0, "%s", msg);
}

static pid_t
spawn(struct exec_plan *p, int slave)
{
	struct execcmd c = {.tty = p->tty,
	    .user = &p->user,
	    .cwd = p->x->cwd[0] != '\0' ? p->x->cwd : NULL,
	    .argv = p->login ? login_argv(p) : p->x->argv.v,
	    .envp = p->envp,
	    .host_userfaultfd = p->host_userfaultfd};
	int sync[2];
	pid_t pid;
	int r;

	for (int i = 0; i < 3; i++)
		c.stdio[i] = p->tty ? slave : p->pipes[i];
	if (pipe2(sync, O_CLOEXEC) < 0)
		helper_fail(-errno, "creating a pipe");
	c.sync_fd = sync[1];
	r = execcmd_spawn(&c, &pid);
	(void)close(sync[1]);
	if (r < 0)
		helper_fail(r, "forking");
	/* Only CMD holds its stdio now: its end of file is the frontend's. */
	if (p->tty)
		(void)close(slave);
	for (int i = 0; i < 3 && !p->tty; i++)
		(void)close(p->pipes[i]);
	await_exec(pid, sync[0]);
	return pid;
}

static void
send_console(const struct ipc_exec *x, int master, pid_t pid)
{
	struct ipc_msg m;
	int r;

	ipc_msg_init(&m, IPC_T_CONSOLE);
	m.console.machine = x->machine;
	m.console.address = (char *)(uintptr_t) "";
	m.console.init_pid = (uint32_t)pid;
	m.fd = master;
	r = ipc_send(helper_session.sock, &m);
	(void)close(master);
	if (r < 0) {
		(void)kill(-pid, SIGHUP);
		helper_fail(r, "sending the PTY");
	}
}

static void
join(const struct state_entry *e)
{
	struct join_target t;
	struct fail f = {0};
	int r = join_pin_init(e, &t, &f);

	if (r < 0)
		helper_fail_at(r, &f, "finding init");
	r = join_enter(&t, &f);
	join_done(&t);
	if (r < 0)
		helper_fail_at(r, &f, "joining the container");
}

_Noreturn void
exec_run(struct ipc_msg *m, const struct policy_caller *c)
{
	struct exec_plan p = {.x = &m->exec,
	    .tty = (m->exec.flags & IPC_EXEC_F_TTY) != 0,
	    .login = (m->exec.flags & IPC_EXEC_F_LOGIN) != 0,
	    .pipes = {-1, -1, -1}};
	struct state_entry e;
	int master = -1, slave = -1;
	pid_t pid;

	describe(p.x);
	if (!p.tty)
		exec_receive_pipes(helper_session.sock, p.pipes);
	check_request(p.x);
	find_entry(p.x->machine, &e);
	authorize(&e, c, p.login);
	if (caps_become_root() < 0)
		helper_fail(-errno, "changing ids");
	/* From the host's /proc, before joining (sysfilter.h). */
	p.host_userfaultfd = sysfilter_host_userfaultfd();
	helper_log(LOG_NOTICE, p.login ? "login" : "exec", "request=%s", helper_session.request);
	join(&e);
	lookup_user(p.x->user, &p.user);
	build_env(&p);
	if (p.tty)
		master = open_pty(p.x, &slave);
	pid = spawn(&p, slave);
	if (p.tty)
		send_console(p.x, master, pid);
	wait_cmd(pid);
}
