/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The wire protocol between the frontend (cnspawn) and the setuid helper
 * (cnspawn-helper), over a SOCK_SEQPACKET socket: one message a packet.
 *
 * Framing (never a C struct on the wire): every message starts with
 *   u8 version (IPC_VERSION), u8 type (enum ipc_type), u16 reserved (0)
 * followed by the type's fields in a fixed order. Integers are little
 * endian. A string is u32 length (counting the terminating NUL, >= 1,
 * <= IPC_MAX_STR) then that many bytes, the last one NUL and no other NUL.
 * A string list is u32 count (<= IPC_MAX_ARGS) then that many strings.
 * Trailing bytes, an unknown version or type, a length past the end, or a
 * number of passed fds other than what the type expects are -EPROTO.
 * Packets larger than IPC_MAX_MSG are refused by both sides.
 *
 * Fields, in order:
 *   IPC_T_START    (frontend -> helper, no fd)
 *                  str root, str bridge, str address, str gateway,
 *                  str machine, str init, strlist argv, strlist env,
 *                  u16 rows, u16 cols, u32 flags, u32 kill_signal,
 *                  u64 memory, u32 pids, u32 cpus_milli (asked ceilings;
 *                  0: not asked), binds, str hostname ("": the machine name)
 *                  where binds is u32 count (<= IPC_MAX_BINDS) then per bind
 *                  str src, str dst, u8 ro (0 or 1)
 *   IPC_T_ERROR    (helper -> frontend, no fd)     str text
 *   IPC_T_CONSOLE  (helper -> frontend, one fd: the PTY master)
 *                  str machine, str address, u32 init_pid
 *   IPC_T_EXIT     (helper -> frontend, no fd)     u8 how, i32 code,
 *                  u32 oom_kills (processes the memory ceiling killed),
 *                  u8 crash_loop (0 or 1: init asked for a reboot too
 *                  often and the container was stopped instead; issue 16)
 *   IPC_T_BOOTED   (the monitor's keeper -> its control process only, no
 *                  fd; issue 16)  u32 init_pid: init was started again.
 *                  Never sent to or accepted from a frontend.
 *   IPC_T_EXEC     (frontend -> a fresh helper, no fd; issue 13)
 *                  str machine, str user, str cwd, str term, strlist argv,
 *                  strlist env, u16 rows, u16 cols, u32 flags
 *                  (IPC_EXEC_F_*). With IPC_EXEC_F_LOGIN: argv, env and
 *                  user empty, IPC_EXEC_F_TTY set; without it argv holds
 *                  at least CMD. Answered by IPC_T_CONSOLE (with
 *                  IPC_EXEC_F_TTY: the new PTY's master) or nothing, then
 *                  IPC_T_EXIT with CMD's status, or IPC_T_ERROR.
 *   IPC_T_PIPE     (frontend -> helper, one fd: a FIFO)  u8 stream (0, 1
 *                  or 2: CMD's or init's stdin, stdout, stderr). Exactly
 *                  three follow an IPC_T_EXEC without IPC_EXEC_F_TTY and an
 *                  IPC_T_START with IPC_F_PIPES, in the order 0, 1, 2.
 *   IPC_T_ROOTS    (frontend -> a fresh helper, no fd; issue 16)  (no fields):
 *                  cnspawn list --roots. Answered by IPC_T_ROOTS_REPLY or
 *                  IPC_T_ERROR.
 *   IPC_T_ROOTS_REPLY (helper -> frontend, no fd)  u8 truncated (0 or 1),
 *                  u32 count (<= IPC_MAX_ROOTS), per entry str path, u8 kind
 *                  (enum ipc_root_kind), u32 err; see struct ipc_roots.
 *
 * The monitor's control socket (CNSPAWN_STATE_DIR/NAME.sock, one request
 * type per packet; see helper/control.c for who may send what):
 *   IPC_T_ATTACH   (client -> monitor, no fd)      (no fields)
 *                  answered by IPC_T_OUTPUT packets (the replayed console
 *                  ring buffer) then IPC_T_CONSOLE with the master
 *   IPC_T_STOP     (client -> monitor, no fd)      u32 timeout (seconds,
 *                  <= IPC_MAX_STOP_TIMEOUT), u8 kill (0 or 1)
 *                  answered by IPC_T_EXIT once init is gone; also valid on
 *                  the starting frontend's socket (the escape sequence)
 *   IPC_T_STATUS   (client -> monitor, no fd)      (no fields)
 *   IPC_T_INFO     (monitor -> client, no fd)      str machine, u32 uid,
 *                  u32 init_pid, str address, str bridge, str root,
 *                  u64 started (unix time), u8 attached (0 or 1),
 *                  u64 memory, u64 memory_max, u32 tasks, u32 tasks_max,
 *                  u32 cpus_milli (use and ceilings; see struct ipc_info),
 *                  u32 monitor_pid, str veth, u32 rule, u32 userns_first,
 *                  u32 userns_count (0: a privileged container)
 *   IPC_T_OUTPUT   (monitor -> client, no fd)      bytes data: u32 length
 *                  (1..IPC_MAX_DATA) then that many bytes, any value
 *   IPC_T_DETACHED (monitor -> client, no fd)      (no fields): another
 *                  frontend attached; this one must let go of the master
 *   IPC_T_LOGS     (client -> monitor, no fd; issue 16)  u8 follow (0 or 1),
 *                  u8 tail (0 or 1), u32 lines (<= IPC_MAX_LOG_LINES, 0
 *                  unless tail). Answered by IPC_T_OUTPUT packets: what the
 *                  ring holds (with tail, only its last `lines` lines).
 *                  Without follow the monitor then closes the connection;
 *                  with it, console output follows as it comes, then
 *                  IPC_T_EXIT once init is gone. Never takes the console.
 *   IPC_T_TEE      (attached client -> monitor, no fd; issue 16)  u64 gap,
 *                  bytes data (as IPC_T_OUTPUT): a copy of what the
 *                  attached frontend read from the master, for the ring;
 *                  gap counts the bytes it read before data and could not
 *                  copy (its socket was full: the copy never waits)
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPC_VERSION 4      /* 2: ceilings (issue 14); 3: binds, hostname (15); 4: reboot (16) */
#define IPC_MAX_MSG 65536u /* bytes in one packet */
#define IPC_MAX_STR 4096u  /* bytes in one string, NUL included (PATH_MAX) */
#define IPC_MAX_ARGS 64u   /* entries in one string list */
#define IPC_HEADER_SIZE 4u
/*
 * Largest signal number a message may carry (SIGRTMAX on Linux): the bound
 * for IPC_T_START.kill_signal (0..64, else -EPROTO) and IPC_T_EXIT.code with
 * how == IPC_EXIT_SIGNAL (1..64). With IPC_EXIT_CODE, code is 0..255.
 */
#define IPC_MAX_SIGNAL 64

enum ipc_type {
	IPC_T_START = 1,
	IPC_T_ERROR = 2,
	IPC_T_CONSOLE = 3,
	IPC_T_EXIT = 4,
	IPC_T_ATTACH = 5,
	IPC_T_STOP = 6,
	IPC_T_STATUS = 7,
	IPC_T_INFO = 8,
	IPC_T_OUTPUT = 9,
	IPC_T_DETACHED = 10,
	IPC_T_EXEC = 11,
	IPC_T_PIPE = 12,
	IPC_T_LOGS = 13,
	IPC_T_ROOTS = 14, /* 13 and 15: issue 16's logs */
	IPC_T_TEE = 15,
	IPC_T_ROOTS_REPLY = 16,
	IPC_T_BOOTED = 17,
};

#define IPC_MAX_DATA 32768u         /* bytes in one IPC_T_OUTPUT */
#define IPC_MAX_STOP_TIMEOUT 86400u /* seconds */
/* IPC_T_LOGS.lines: no ring holds more lines than bytes (IPC_RING_MAX_SIZE). */
#define IPC_MAX_LOG_LINES (16u * 1024u * 1024u)

/* Request flags (IPC_T_START.flags). Unknown bits are -EPROTO. */
#define IPC_F_QUIET 0x1u
/* The frontend's end of the start socket closing stops the container (pipe mode). */
#define IPC_F_STOP_ON_EXIT 0x2u
/* -x: run on an overlay over the read-only root (the policy must allow it). */
#define IPC_F_EPHEMERAL 0x4u
/* --resolv-conf=off: leave the root's /etc/resolv.conf alone even if the rule has dns. */
#define IPC_F_NO_RESOLV_CONF 0x8u
/* Pipe mode: three IPC_T_PIPE follow; they become init's stdin, stdout and stderr. */
#define IPC_F_PIPES 0x10u
/* --no-reboot: init's reboot ends the container (exit 129) instead of restarting it. */
#define IPC_F_NO_REBOOT 0x20u
#define IPC_F_ALL_FLAGS                                                                            \
	(IPC_F_QUIET | IPC_F_STOP_ON_EXIT | IPC_F_EPHEMERAL | IPC_F_NO_RESOLV_CONF | IPC_F_PIPES | \
	    IPC_F_NO_REBOOT)
#define IPC_MAX_BINDS 16u /* binds in one IPC_T_START (POLICY_MAX_BINDS) */

/* IPC_T_EXEC.flags. Unknown bits are -EPROTO. */
#define IPC_EXEC_F_TTY 0x1u   /* a new PTY of the container, its master to the frontend */
#define IPC_EXEC_F_LOGIN 0x2u /* the container's own login program on that PTY */
#define IPC_EXEC_F_ALL (IPC_EXEC_F_TTY | IPC_EXEC_F_LOGIN)
#define IPC_PIPE_STREAMS 3u /* stdin, stdout, stderr */

/* IPC_T_EXIT.crash_loop: this many reboots asked within this many seconds stop the container. */
#define IPC_CRASH_LOOP_REBOOTS 10u
#define IPC_CRASH_LOOP_SECONDS 10u

/* IPC_T_EXIT.how */
enum ipc_exit_how {
	IPC_EXIT_CODE = 0,   /* init exited; code is its exit status 0..255 */
	IPC_EXIT_SIGNAL = 1, /* init was killed; code is the signal number 1..64 */
};

struct ipc_strv {
	char **v; /* n entries, each NUL-terminated; v[n] == NULL */
	size_t n;
};

/* --bind=SRC[:DST] (ro 0) and --bind-ro=SRC[:DST] (ro 1); both paths absolute. */
struct ipc_bind {
	char *src, *dst;
	uint8_t ro;
};

struct ipc_binds {
	struct ipc_bind *v; /* n entries */
	size_t n;
};

/*
 * Empty strings mean "not given": address "" lets the helper pick one from
 * the policy's range, gateway "" takes the policy's, machine "" derives the
 * name from the root, init "" means /sbin/init. env holds only NAME=value
 * entries that pass ipc_env_check() (ipc/names.h: TERM, COLORTERM, NO_COLOR),
 * which the helper applies again.
 */
struct ipc_start {
	char *root;
	char *bridge;
	char *address; /* "A.B.C.D/P", "A.B.C.D" or "" */
	char *gateway;
	char *machine;
	char *init;
	struct ipc_strv argv; /* arguments after init's own name */
	struct ipc_strv env;
	uint16_t rows, cols;
	uint32_t flags;
	uint32_t kill_signal; /* 0: default */
	uint64_t memory;      /* bytes; 0: not asked (the helper checks the range) */
	uint32_t pids;
	uint32_t cpus_milli;
	struct ipc_binds binds;
	char *hostname; /* "": the machine name */
};

/*
 * Run CMD in a running container (cnspawn exec) or a login on a new PTY of
 * it (cnspawn login). Empty strings: user "" is container root, cwd "" is
 * the user's home (else /), term "" sets no TERM. env holds NAME=value
 * entries (-E), checked by the helper again.
 */
struct ipc_exec {
	char *machine;
	char *user;
	char *cwd;
	char *term;
	struct ipc_strv argv; /* CMD [ARGS...] */
	struct ipc_strv env;
	uint16_t rows, cols;
	uint32_t flags; /* IPC_EXEC_F_* */
};

struct ipc_pipe {
	uint8_t stream; /* 0..IPC_PIPE_STREAMS-1 */
};

/*
 * The roots the policy lets the caller start (cnspawn list --roots), in
 * policy order: each pattern as written, a glob followed by the existing
 * directories it matches as listed by the caller. Strictly: every path is
 * absolute, a GLOB ends in slash-star and nothing else does, a MATCH
 * follows a GLOB or a MATCH, err is 0 but for a GLOB (1..IPC_MAX_ERRNO: the
 * caller could not list its directory).
 */
enum ipc_root_kind {
	IPC_ROOT_PLAIN = 0, /* a root without glob */
	IPC_ROOT_GLOB = 1,  /* DIR/ *, as written (no space) */
	IPC_ROOT_MATCH = 2, /* DIR/NAME, a directory the preceding GLOB matches */
};
#define IPC_MAX_ROOTS 1024u /* entries in one IPC_T_ROOTS_REPLY */
#define IPC_MAX_ERRNO 4095u
/* Wire bytes of the reply's fixed part, and of one entry whose path has len bytes. */
#define IPC_ROOTS_FIXED_SIZE (IPC_HEADER_SIZE + 5u)
#define IPC_ROOT_WIRE_SIZE(len) ((len) + 10u)

struct ipc_root {
	char *path;
	uint8_t kind; /* enum ipc_root_kind */
	uint32_t err; /* positive errno of listing a GLOB's directory, else 0 */
};

struct ipc_roots {
	uint8_t truncated;  /* 1: more than fit in one message; the list is cut */
	struct ipc_root *v; /* n entries */
	size_t n;
};

struct ipc_error {
	char *text;
};

struct ipc_console {
	char *machine;
	char *address; /* "A.B.C.D/P" */
	uint32_t init_pid;
};

struct ipc_exit {
	uint8_t how; /* enum ipc_exit_how */
	int32_t code;
	uint32_t oom_kills; /* processes killed at the memory ceiling */
	uint8_t crash_loop; /* 1: stopped instead of a reboot (too many, too fast) */
};

struct ipc_booted {
	uint32_t init_pid; /* host pid of the new init */
};

struct ipc_stop {
	uint32_t timeout; /* seconds before SIGKILL */
	uint8_t kill;     /* 1: SIGKILL now */
};

struct ipc_info {
	char *machine;
	uint32_t uid;
	uint32_t init_pid;
	char *address;
	char *bridge;
	char *root;
	uint64_t started; /* unix time */
	uint8_t attached; /* 0 or 1 */
	/* IPC_UNKNOWN (all bits set): cannot be read; *_max and cpus_milli 0: no ceiling. */
	uint64_t memory, memory_max; /* bytes in use (page cache counted), ceiling */
	uint32_t tasks, tasks_max;
	uint32_t cpus_milli;
	uint32_t monitor_pid;
	char *veth;    /* host end of the container's veth */
	uint32_t rule; /* line of the rule that allowed the start (when it started) */
	uint32_t userns_first, userns_count; /* count 0: privileged */
};
#define IPC_UNKNOWN32 UINT32_MAX
#define IPC_UNKNOWN64 UINT64_MAX

struct ipc_output {
	uint8_t *data; /* len bytes, any value */
	size_t len;    /* 1..IPC_MAX_DATA */
};

struct ipc_logs {
	uint8_t follow; /* 1: go on with new output until init is gone */
	uint8_t tail;   /* 1: only the last `lines` lines of what is held */
	uint32_t lines;
};

struct ipc_tee {
	uint64_t gap;  /* bytes read before data that could not be copied */
	uint8_t *data; /* len bytes, any value */
	size_t len;    /* 1..IPC_MAX_DATA */
};

struct ipc_msg {
	enum ipc_type type;
	union {
		struct ipc_start start;
		struct ipc_error error;
		struct ipc_console console;
		struct ipc_exit exit;
		struct ipc_stop stop;
		struct ipc_info info;
		struct ipc_output output;
		struct ipc_exec exec;
		struct ipc_pipe pipe;
		struct ipc_logs logs;
		struct ipc_tee tee;
		struct ipc_roots roots;
		struct ipc_booted booted;
	};
	int fd; /* the passed fd for IPC_T_CONSOLE and IPC_T_PIPE, else -1 */
};

/* Zero a message and set fd to -1. */
void ipc_msg_init(struct ipc_msg *m, enum ipc_type type);
/* Free every string the message owns and close its fd; accepts a zeroed message. */
void ipc_msg_done(struct ipc_msg *m);
/* How many fds a message of this type carries (0 or 1); -EPROTO for an unknown type. */
int ipc_type_nfds(enum ipc_type type);

/*
 * Encode m into buf (size bytes). -E2BIG when it does not fit or a field
 * breaks a limit, -EINVAL for a NULL string or a bad field value.
 */
int ipc_encode(const struct ipc_msg *m, uint8_t *buf, size_t size, size_t *ret_len);
/*
 * Strictly decode len bytes that arrived with nfds passed fds. On success
 * ret is filled (strings allocated; ret->fd is -1, the caller sets it) and
 * must be released with ipc_msg_done(). On failure ret is untouched and
 * nothing is allocated: -EPROTO for any malformed input, -ENOMEM.
 */
int ipc_decode(const uint8_t *buf, size_t len, size_t nfds, struct ipc_msg *ret);

/*
 * One SOCK_SEQPACKET packet with at most one fd (fd < 0: none), the raw
 * layer below ipc_send (the helper's sync socket with its child uses it
 * directly). 0 or -errno; -EIO if the packet went out short.
 */
int ipc_packet_send(int sock, const void *buf, size_t len, int fd);
/*
 * Receive one packet of at most size bytes (MSG_CMSG_CLOEXEC) and at most
 * max_fds (<= 16) passed fds into fds[]. A truncated packet or control
 * message, a control message other than SCM_RIGHTS, or more than max_fds
 * fds closes every fd that came and returns -EPROTO. 0 bytes is a valid
 * (EOF) result here.
 */
int ipc_packet_recv(int sock, void *buf, size_t size, int *fds, size_t max_fds, size_t *ret_nfds,
    size_t *ret_len);

/* Encode and send one message; passes m->fd with SCM_RIGHTS when the type carries one. */
int ipc_send(int sock, const struct ipc_msg *m);
/* ipc_send that never waits (MSG_DONTWAIT): -EAGAIN when the socket is full; no fd. */
int ipc_send_nowait(int sock, const struct ipc_msg *m);
/*
 * Receive and decode one message (MSG_CMSG_CLOEXEC). Any fd beyond what
 * the type expects, a truncated packet or control message, or a decode
 * error closes every received fd and returns -EPROTO. 0 bytes (peer closed)
 * is -ECONNRESET.
 */
int ipc_recv(int sock, struct ipc_msg *ret);

/*
 * Convenience senders used by the helper. ipc_send_error cuts a text longer
 * than IPC_MAX_STR - 1 bytes instead of failing, so an error always goes out.
 */
int ipc_send_error(int sock, const char *text);
int ipc_send_exit(int sock, const struct ipc_exit *x);
