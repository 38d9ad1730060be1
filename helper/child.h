/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The container's first process, between clone() and exec of init.
 * Contract between the host side (clone.c, which clones) and the child side
 * (child.c, dev.c, mount.c, pty.c, caps.c).
 *
 * clone.c clones with CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|
 * CLONE_NEWPID|CLONE_NEWCGROUP|SIGCHLD and calls child_run() in the child,
 * which never returns. The sync socket (SOCK_SEQPACKET, CLOEXEC) carries:
 *
 *   child  -> parent  "P" with one fd: a detached clone of the container's
 *                     devpts instance, kept by the parent for a reboot.
 *   child  -> parent  "M" with one fd (SCM_RIGHTS): the console PTY master,
 *                     allocated from the container's own devpts instance;
 *                     on a reboot (keep.console_index >= 0) with no fd: the
 *                     console is the kept PTY, whose master the parent has.
 *   parent -> child   "G": the veth's container end (eth0) now exists in the
 *                     child's network namespace, and the child is in its
 *                     cgroup2 cgroup (cgroup_enter()); go on.
 *   child  -> parent  "E<text>": setup failed; text is one human line (no
 *                     newline, < 512 bytes). The child then _exit(127)s.
 *   EOF on the parent's side after "M" and "G" with no "E": the child has
 *                     exec'd init (the socket is CLOEXEC).
 *
 * If the parent closes its end before "G", the child _exit(127)s silently.
 *
 * Order in the child: make every mount private (MS_REC|MS_PRIVATE on /),
 * bind the root onto itself, build /dev on tmpfs under it, mount devpts,
 * allocate the PTY (master via pts/ptmx, slave via TIOCGPTPEER), bind the
 * slave onto /dev/console, mount /proc and /sys (read-only; /proc/sys,
 * /proc/sysrq-trigger, /proc/irq, /proc/bus read-only), send "M" (between
 * those: the ephemeral overlay over the bound root, right after binding it;
 * resolv.conf, then the binds, after /proc and /sys), set up its cgroups
 * (cgroup_setup_child) and pivot_root and detach the old root, wait for
 * "G", configure the network (net_setup_container), set the hostname,
 * enter the user namespace, drop the bounding set (caps.c), make
 * the console (in pipe mode: the frontend's pipes; /dev/console stays the
 * PTY) init's stdin/stdout/stderr in a new session (no controlling
 * terminal, as the kernel starts init, so its getty or shell can take it),
 * close every other fd, load the syscall filter (sysfilter.c), exec init
 * with envp. The cgroups and pivot_root come before "G" only when
 * cgroup_placed(): they then run while the host creates the veth (at 200
 * containers pivot_root alone takes 0.5 ms: it walks every task on the
 * host). When the host must move the child into its cgroup2 cgroup (a
 * kernel without CLONE_INTO_CGROUP), they wait for "G", as the cgroup
 * namespace must be rooted where the child ends up.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/*
 * What one boot hands to the next (reboot in place, issue 16); -1: none,
 * as before the first boot. The fds are detached mounts only the helper
 * holds, never reachable from a host path.
 */
struct child_keep {
	int devpts;        /* a detached clone of the container's devpts instance */
	int console_index; /* the console's number in that devpts (TIOCGPTN of its master) */
};

struct child_config {
	int root_fd;      /* O_PATH|O_DIRECTORY fd of the container root, opened with no symlink */
	const char *root; /* its canonical path (what root_fd was opened from) */
	int sync_fd;      /* the child's end of the sync socket */
	const char *hostname;
	const char *init;  /* absolute path inside the root, canonical, checked executable */
	char *const *argv; /* argv for init, argv[0] == init, NULL-terminated */
	char *const *envp; /* clean environment, NULL-terminated */
	struct in_addr address;
	uint8_t prefix;
	bool has_gateway;
	struct in_addr gateway;
	uint16_t rows, cols;   /* initial console size; 0 0 = leave the default */
	int cgroup_layout;     /* enum cgroup_layout: what to mount at /sys/fs/cgroup (cgroup.h) */
	bool born_in_cgroup;   /* set by clone.c in the child: cloned with CLONE_INTO_CGROUP */
	bool host_userfaultfd; /* sysfilter_host_userfaultfd(), read by the helper at start */
	/* Pipe mode (IPC_F_PIPES): the frontend's fresh pipes, checked by exec.c, become
	 * init's stdin, stdout and stderr instead of the console; -1: the console. */
	int stdio[3];
	/* userns rules (userns.c): container root is host userns_first */
	bool userns;
	int userns_fd; /* /proc/PID/ns/user, maps written; used only when userns */
	uint32_t userns_first, userns_count;
	/* issue 15: binds (binds.h; bind_trees[i] the detached tree for binds[i]),
	 * the ephemeral overlay (ephemeral.h), resolv.conf's text (NULL: the root's own) */
	const struct policy_bind *binds;
	size_t nbinds;
	const int *bind_trees;
	bool ephemeral;
	uint64_t ephemeral_size;
	const char *resolv;
	struct child_keep keep; /* a reboot: the previous boot's devpts and console */
};

/* Every signal back to its default and none blocked: what survives execve must not be ours.
 * Also for a process that joins the container (exec.c). */
void child_reset_signals(void);

/* Runs in the cloned child; never returns (exec of init, or _exit(127)). */
_Noreturn void child_run(const struct child_config *cfg);

/* Sync message tags. */
#define CHILD_MSG_DEVPTS 'P'
#define CHILD_MSG_MASTER 'M'
#define CHILD_MSG_GO 'G'
#define CHILD_MSG_ERROR 'E'
#define CHILD_MSG_MAX 512
