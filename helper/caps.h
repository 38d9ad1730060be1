/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Identity and capabilities of the container's init (privileged mode:
 * container root is host root, minus what systemd-nspawn also takes away).
 * Returns 0 or -errno.
 */

/*
 * setresgid(0,0,0), setgroups(0, NULL), setresuid(0,0,0): the helper's real
 * ids are the invoking user's; init must be fully root so that user cannot
 * signal or ptrace it.
 */
int caps_become_root(void);

/* Join a new anonymous session keyring (KEYCTL_JOIN_SESSION_KEYRING): nothing
 * of the caller's session keyring stays reachable. The monitor and init each
 * call it once. */
int caps_new_session_keyring(void);

/*
 * Keep only systemd-nspawn's default set (CHOWN DAC_OVERRIDE
 * DAC_READ_SEARCH FOWNER FSETID IPC_OWNER KILL LEASE LINUX_IMMUTABLE MKNOD
 * NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW SETFCAP SETGID SETPCAP
 * SETUID SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_NICE SYS_PTRACE SYS_RESOURCE
 * SYS_TTY_CONFIG AUDIT_WRITE AUDIT_CONTROL) in the bounding, effective,
 * permitted and inheritable sets; clear the ambient set.
 */
int caps_drop_bounding(void);
