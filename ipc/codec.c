/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec-roots.h"
#include "ipc.h"
#include "wire.h"

void
ipc_msg_init(struct ipc_msg *m, enum ipc_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->fd = -1;
}

static void
free_ptr(char **p)
{
	free(*p);
	*p = NULL;
}

static void
binds_done(struct ipc_binds *b)
{
	for (size_t i = 0; b->v != NULL && i < b->n; i++) {
		free(b->v[i].src);
		free(b->v[i].dst);
	}
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

void
ipc_msg_done(struct ipc_msg *m)
{
	switch (m->type) {
	case IPC_T_START:
		free_ptr(&m->start.root);
		free_ptr(&m->start.bridge);
		free_ptr(&m->start.address);
		free_ptr(&m->start.gateway);
		free_ptr(&m->start.machine);
		free_ptr(&m->start.init);
		ipc_strv_done(&m->start.argv);
		ipc_strv_done(&m->start.env);
		binds_done(&m->start.binds);
		free_ptr(&m->start.hostname);
		break;
	case IPC_T_ERROR:
		free_ptr(&m->error.text);
		break;
	case IPC_T_EXEC:
		free_ptr(&m->exec.machine);
		free_ptr(&m->exec.user);
		free_ptr(&m->exec.cwd);
		free_ptr(&m->exec.term);
		ipc_strv_done(&m->exec.argv);
		ipc_strv_done(&m->exec.env);
		break;
	case IPC_T_CONSOLE:
		free_ptr(&m->console.machine);
		free_ptr(&m->console.address);
		break;
	case IPC_T_INFO:
		free_ptr(&m->info.machine);
		free_ptr(&m->info.address);
		free_ptr(&m->info.bridge);
		free_ptr(&m->info.root);
		free_ptr(&m->info.veth);
		break;
	case IPC_T_OUTPUT:
		free(m->output.data);
		m->output.data = NULL;
		m->output.len = 0;
		break;
	case IPC_T_TEE:
		free(m->tee.data);
		m->tee.data = NULL;
		m->tee.len = 0;
		break;
	case IPC_T_ROOTS_REPLY:
		ipc_roots_done(&m->roots);
		break;
	case IPC_T_EXIT:
	case IPC_T_ATTACH:
	case IPC_T_STOP:
	case IPC_T_STATUS:
	case IPC_T_DETACHED:
	case IPC_T_PIPE:
	case IPC_T_LOGS:
	case IPC_T_ROOTS:
	case IPC_T_BOOTED:
		break;
	default:
		/* A zeroed message (type 0) owns nothing; its fd 0 is not ours to close. */
		return;
	}
	if (m->fd >= 0)
		(void)close(m->fd);
	m->fd = -1;
}

int
ipc_type_nfds(enum ipc_type type)
{
	switch (type) {
	case IPC_T_START:
	case IPC_T_ERROR:
	case IPC_T_EXIT:
	case IPC_T_ATTACH:
	case IPC_T_STOP:
	case IPC_T_STATUS:
	case IPC_T_INFO:
	case IPC_T_OUTPUT:
	case IPC_T_DETACHED:
	case IPC_T_EXEC:
	case IPC_T_LOGS:
	case IPC_T_TEE:
	case IPC_T_ROOTS:
	case IPC_T_ROOTS_REPLY:
	case IPC_T_BOOTED:
		return 0;
	case IPC_T_CONSOLE:
	case IPC_T_PIPE:
		return 1;
	default:
		return -EPROTO;
	}
}

static bool
exit_valid(uint8_t how, int32_t code)
{
	switch (how) {
	case IPC_EXIT_CODE:
		return code >= 0 && code <= 255;
	case IPC_EXIT_SIGNAL:
		return code >= 1 && code <= IPC_MAX_SIGNAL;
	default:
		return false;
	}
}

static void
encode_info(const struct ipc_info *i, struct ipc_wbuf *w)
{
	ipc_put_str(w, i->machine);
	ipc_put_u32(w, i->uid);
	ipc_put_u32(w, i->init_pid);
	ipc_put_str(w, i->address);
	ipc_put_str(w, i->bridge);
	ipc_put_str(w, i->root);
	ipc_put_u64(w, i->started);
	ipc_put_u8(w, i->attached);
	ipc_put_u64(w, i->memory);
	ipc_put_u64(w, i->memory_max);
	ipc_put_u32(w, i->tasks);
	ipc_put_u32(w, i->tasks_max);
	ipc_put_u32(w, i->cpus_milli);
	ipc_put_u32(w, i->monitor_pid);
	ipc_put_str(w, i->veth);
	ipc_put_u32(w, i->rule);
	ipc_put_u32(w, i->userns_first);
	ipc_put_u32(w, i->userns_count);
}

/*
 * The shape an exec request must have: a login names no command, user or
 * variable and always has a terminal; an exec names its command.
 */
static bool
exec_valid(const struct ipc_exec *x)
{
	if ((x->flags & ~IPC_EXEC_F_ALL) != 0)
		return false;
	if ((x->flags & IPC_EXEC_F_LOGIN) != 0)
		return (x->flags & IPC_EXEC_F_TTY) != 0 && x->argv.n == 0 && x->env.n == 0 &&
		    x->user != NULL && x->user[0] == '\0';
	return x->argv.n >= 1;
}

static int
encode_exec(const struct ipc_exec *x, struct ipc_wbuf *w)
{
	if (!exec_valid(x))
		return -EINVAL;
	ipc_put_str(w, x->machine);
	ipc_put_str(w, x->user);
	ipc_put_str(w, x->cwd);
	ipc_put_str(w, x->term);
	ipc_put_strv(w, &x->argv);
	ipc_put_strv(w, &x->env);
	ipc_put_u16(w, x->rows);
	ipc_put_u16(w, x->cols);
	ipc_put_u32(w, x->flags);
	return 0;
}

/* A logs request's shape: lines only with tail, and within the bound. */
static bool
logs_valid(const struct ipc_logs *l)
{
	return l->follow <= 1 && l->tail <= 1 && l->lines <= IPC_MAX_LOG_LINES &&
	    (l->tail == 1 || l->lines == 0);
}

/* The console types of issue 16; 1 when m is neither. */
static int
encode_logs(const struct ipc_msg *m, struct ipc_wbuf *w)
{
	switch (m->type) {
	case IPC_T_LOGS:
		if (!logs_valid(&m->logs))
			return -EINVAL;
		ipc_put_u8(w, m->logs.follow);
		ipc_put_u8(w, m->logs.tail);
		ipc_put_u32(w, m->logs.lines);
		return 0;
	case IPC_T_TEE:
		ipc_put_u64(w, m->tee.gap);
		ipc_put_data(w, m->tee.data, m->tee.len);
		return 0;
	default:
		return 1;
	}
}

/* The control types: monitor (issue 5), exec (issue 13), roots (issue 16); 1 when m is none. */
static int
encode_control(const struct ipc_msg *m, struct ipc_wbuf *w)
{
	switch (m->type) {
	case IPC_T_ATTACH:
	case IPC_T_STATUS:
	case IPC_T_DETACHED:
	case IPC_T_ROOTS:
		return 0;
	case IPC_T_ROOTS_REPLY:
		return ipc_roots_encode(&m->roots, w);
	case IPC_T_STOP:
		if (m->stop.timeout > IPC_MAX_STOP_TIMEOUT || m->stop.kill > 1)
			return -EINVAL;
		ipc_put_u32(w, m->stop.timeout);
		ipc_put_u8(w, m->stop.kill);
		return 0;
	case IPC_T_INFO:
		if (m->info.attached > 1)
			return -EINVAL;
		encode_info(&m->info, w);
		return 0;
	case IPC_T_OUTPUT:
		ipc_put_data(w, m->output.data, m->output.len);
		return 0;
	case IPC_T_EXEC:
		return encode_exec(&m->exec, w);
	case IPC_T_PIPE:
		if (m->pipe.stream >= IPC_PIPE_STREAMS)
			return -EINVAL;
		ipc_put_u8(w, m->pipe.stream);
		return 0;
	default:
		return encode_logs(m, w);
	}
}

static void
encode_binds(const struct ipc_binds *b, struct ipc_wbuf *w)
{
	if (b->n > IPC_MAX_BINDS || (b->n > 0 && b->v == NULL)) {
		w->err = w->err < 0 ? w->err : (b->n > IPC_MAX_BINDS ? -E2BIG : -EINVAL);
		return;
	}
	ipc_put_u32(w, (uint32_t)b->n);
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].ro > 1 && w->err == 0)
			w->err = -EINVAL;
		ipc_put_str(w, b->v[i].src);
		ipc_put_str(w, b->v[i].dst);
		ipc_put_u8(w, b->v[i].ro);
	}
}

static int
encode_body(const struct ipc_msg *m, struct ipc_wbuf *w)
{
	const struct ipc_start *s = &m->start;
	int r;

	switch (m->type) {
	case IPC_T_START:
		if ((s->flags & ~IPC_F_ALL_FLAGS) != 0 || s->kill_signal > IPC_MAX_SIGNAL)
			return -EINVAL;
		ipc_put_str(w, s->root);
		ipc_put_str(w, s->bridge);
		ipc_put_str(w, s->address);
		ipc_put_str(w, s->gateway);
		ipc_put_str(w, s->machine);
		ipc_put_str(w, s->init);
		ipc_put_strv(w, &s->argv);
		ipc_put_strv(w, &s->env);
		ipc_put_u16(w, s->rows);
		ipc_put_u16(w, s->cols);
		ipc_put_u32(w, s->flags);
		ipc_put_u32(w, s->kill_signal);
		ipc_put_u64(w, s->memory);
		ipc_put_u32(w, s->pids);
		ipc_put_u32(w, s->cpus_milli);
		encode_binds(&s->binds, w);
		ipc_put_str(w, s->hostname);
		return 0;
	case IPC_T_ERROR:
		ipc_put_str(w, m->error.text);
		return 0;
	case IPC_T_CONSOLE:
		ipc_put_str(w, m->console.machine);
		ipc_put_str(w, m->console.address);
		ipc_put_u32(w, m->console.init_pid);
		return 0;
	case IPC_T_EXIT:
		if (!exit_valid(m->exit.how, m->exit.code))
			return -EINVAL;
		ipc_put_u8(w, m->exit.how);
		ipc_put_i32(w, m->exit.code);
		ipc_put_u32(w, m->exit.oom_kills);
		ipc_put_u8(w, m->exit.crash_loop);
		return m->exit.crash_loop <= 1 ? 0 : -EINVAL;
	case IPC_T_BOOTED:
		ipc_put_u32(w, m->booted.init_pid);
		return m->booted.init_pid > 0 && m->booted.init_pid <= INT32_MAX ? 0 : -EINVAL;
	default:
		r = encode_control(m, w);
		return r == 1 ? -EINVAL : r;
	}
}

int
ipc_encode(const struct ipc_msg *m, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct ipc_wbuf w;
	int r;

	/* Never produce what the peer must refuse: the same limit applies on both sides. */
	if (size > IPC_MAX_MSG)
		size = IPC_MAX_MSG;
	ipc_wbuf_init(&w, buf, size);
	ipc_put_u8(&w, IPC_VERSION);
	ipc_put_u8(&w, (uint8_t)m->type);
	ipc_put_u16(&w, 0);
	r = encode_body(m, &w);
	if (r < 0)
		return r;
	if (w.err < 0)
		return w.err;
	*ret_len = w.len;
	return 0;
}

/* On failure *ret is left empty (what was decoded is freed). */
static int
decode_binds(struct ipc_rbuf *r, struct ipc_binds *ret)
{
	struct ipc_binds b = {0};
	uint32_t n;
	int k;

	if ((k = ipc_get_u32(r, &n)) < 0)
		return k;
	/* Bounded before allocating, and by what is left: each bind takes at least 11 bytes. */
	if (n > IPC_MAX_BINDS || (size_t)n * 11 > ipc_rbuf_left(r))
		return -EPROTO;
	b.v = calloc((size_t)n + 1, sizeof(*b.v));
	if (b.v == NULL)
		return -ENOMEM;
	for (b.n = 0; b.n < n; b.n++) {
		struct ipc_bind *e = &b.v[b.n];

		if ((k = ipc_get_str(r, &e->src)) < 0 || (k = ipc_get_str(r, &e->dst)) < 0 ||
		    (k = ipc_get_u8(r, &e->ro)) < 0 || (k = e->ro <= 1 ? 0 : -EPROTO) < 0) {
			b.n++; /* free the partial entry too */
			binds_done(&b);
			return k;
		}
	}
	*ret = b;
	return 0;
}

static int
decode_start(struct ipc_rbuf *r, struct ipc_start *s)
{
	int k;

	if ((k = ipc_get_str(r, &s->root)) < 0 || (k = ipc_get_str(r, &s->bridge)) < 0 ||
	    (k = ipc_get_str(r, &s->address)) < 0 || (k = ipc_get_str(r, &s->gateway)) < 0 ||
	    (k = ipc_get_str(r, &s->machine)) < 0 || (k = ipc_get_str(r, &s->init)) < 0 ||
	    (k = ipc_get_strv(r, &s->argv)) < 0 || (k = ipc_get_strv(r, &s->env)) < 0 ||
	    (k = ipc_get_u16(r, &s->rows)) < 0 || (k = ipc_get_u16(r, &s->cols)) < 0 ||
	    (k = ipc_get_u32(r, &s->flags)) < 0 || (k = ipc_get_u32(r, &s->kill_signal)) < 0 ||
	    (k = ipc_get_u64(r, &s->memory)) < 0 || (k = ipc_get_u32(r, &s->pids)) < 0 ||
	    (k = ipc_get_u32(r, &s->cpus_milli)) < 0 || (k = decode_binds(r, &s->binds)) < 0 ||
	    (k = ipc_get_str(r, &s->hostname)) < 0)
		return k;
	if ((s->flags & ~IPC_F_ALL_FLAGS) != 0 || s->kill_signal > IPC_MAX_SIGNAL)
		return -EPROTO;
	return 0;
}

static int
decode_info(struct ipc_rbuf *r, struct ipc_info *i)
{
	int k;

	if ((k = ipc_get_str(r, &i->machine)) < 0 || (k = ipc_get_u32(r, &i->uid)) < 0 ||
	    (k = ipc_get_u32(r, &i->init_pid)) < 0 || (k = ipc_get_str(r, &i->address)) < 0 ||
	    (k = ipc_get_str(r, &i->bridge)) < 0 || (k = ipc_get_str(r, &i->root)) < 0 ||
	    (k = ipc_get_u64(r, &i->started)) < 0 || (k = ipc_get_u8(r, &i->attached)) < 0 ||
	    (k = ipc_get_u64(r, &i->memory)) < 0 || (k = ipc_get_u64(r, &i->memory_max)) < 0 ||
	    (k = ipc_get_u32(r, &i->tasks)) < 0 || (k = ipc_get_u32(r, &i->tasks_max)) < 0 ||
	    (k = ipc_get_u32(r, &i->cpus_milli)) < 0 || (k = ipc_get_u32(r, &i->monitor_pid)) < 0 ||
	    (k = ipc_get_str(r, &i->veth)) < 0 || (k = ipc_get_u32(r, &i->rule)) < 0 ||
	    (k = ipc_get_u32(r, &i->userns_first)) < 0 ||
	    (k = ipc_get_u32(r, &i->userns_count)) < 0)
		return k;
	return i->attached <= 1 ? 0 : -EPROTO;
}

static int
decode_exec(struct ipc_rbuf *r, struct ipc_exec *x)
{
	int k;

	if ((k = ipc_get_str(r, &x->machine)) < 0 || (k = ipc_get_str(r, &x->user)) < 0 ||
	    (k = ipc_get_str(r, &x->cwd)) < 0 || (k = ipc_get_str(r, &x->term)) < 0 ||
	    (k = ipc_get_strv(r, &x->argv)) < 0 || (k = ipc_get_strv(r, &x->env)) < 0 ||
	    (k = ipc_get_u16(r, &x->rows)) < 0 || (k = ipc_get_u16(r, &x->cols)) < 0 ||
	    (k = ipc_get_u32(r, &x->flags)) < 0)
		return k;
	return exec_valid(x) ? 0 : -EPROTO;
}

/* The console types of issue 16; 1 when m is neither. */
static int
decode_logs(struct ipc_rbuf *r, struct ipc_msg *m)
{
	int k;

	switch (m->type) {
	case IPC_T_LOGS:
		if ((k = ipc_get_u8(r, &m->logs.follow)) < 0 ||
		    (k = ipc_get_u8(r, &m->logs.tail)) < 0 ||
		    (k = ipc_get_u32(r, &m->logs.lines)) < 0)
			return k;
		return logs_valid(&m->logs) ? 0 : -EPROTO;
	case IPC_T_TEE:
		if ((k = ipc_get_u64(r, &m->tee.gap)) < 0)
			return k;
		return ipc_get_data(r, &m->tee.data, &m->tee.len);
	default:
		return 1;
	}
}

/* The control types; 1 when m is not one of them. Partial strings are freed by the caller. */
static int
decode_control(struct ipc_rbuf *r, struct ipc_msg *m)
{
	int k;

	switch (m->type) {
	case IPC_T_ATTACH:
	case IPC_T_STATUS:
	case IPC_T_DETACHED:
	case IPC_T_ROOTS:
		return 0;
	case IPC_T_ROOTS_REPLY:
		return ipc_roots_decode(r, &m->roots);
	case IPC_T_STOP:
		if ((k = ipc_get_u32(r, &m->stop.timeout)) < 0 ||
		    (k = ipc_get_u8(r, &m->stop.kill)) < 0)
			return k;
		return m->stop.timeout <= IPC_MAX_STOP_TIMEOUT && m->stop.kill <= 1 ? 0 : -EPROTO;
	case IPC_T_INFO:
		return decode_info(r, &m->info);
	case IPC_T_OUTPUT:
		return ipc_get_data(r, &m->output.data, &m->output.len);
	case IPC_T_EXEC:
		return decode_exec(r, &m->exec);
	case IPC_T_PIPE:
		if ((k = ipc_get_u8(r, &m->pipe.stream)) < 0)
			return k;
		return m->pipe.stream < IPC_PIPE_STREAMS ? 0 : -EPROTO;
	default:
		return decode_logs(r, m);
	}
}

static int
decode_body(struct ipc_rbuf *r, struct ipc_msg *m)
{
	int k;

	switch (m->type) {
	case IPC_T_START:
		return decode_start(r, &m->start);
	case IPC_T_ERROR:
		return ipc_get_str(r, &m->error.text);
	case IPC_T_CONSOLE:
		if ((k = ipc_get_str(r, &m->console.machine)) < 0 ||
		    (k = ipc_get_str(r, &m->console.address)) < 0)
			return k;
		return ipc_get_u32(r, &m->console.init_pid);
	case IPC_T_EXIT:
		if ((k = ipc_get_u8(r, &m->exit.how)) < 0 ||
		    (k = ipc_get_i32(r, &m->exit.code)) < 0 ||
		    (k = ipc_get_u32(r, &m->exit.oom_kills)) < 0 ||
		    (k = ipc_get_u8(r, &m->exit.crash_loop)) < 0)
			return k;
		return exit_valid(m->exit.how, m->exit.code) && m->exit.crash_loop <= 1 ? 0
		                                                                        : -EPROTO;
	case IPC_T_BOOTED:
		if ((k = ipc_get_u32(r, &m->booted.init_pid)) < 0)
			return k;
		return m->booted.init_pid > 0 && m->booted.init_pid <= INT32_MAX ? 0 : -EPROTO;
	default:
		k = decode_control(r, m);
		return k == 1 ? -EPROTO : k;
	}
}

static int
decode_header(struct ipc_rbuf *r, size_t nfds, enum ipc_type *ret_type)
{
	uint8_t version, type;
	uint16_t reserved;
	int nexp;

	if (ipc_get_u8(r, &version) < 0 || ipc_get_u8(r, &type) < 0 ||
	    ipc_get_u16(r, &reserved) < 0)
		return -EPROTO;
	if (version != IPC_VERSION || reserved != 0)
		return -EPROTO;
	nexp = ipc_type_nfds((enum ipc_type)type);
	if (nexp < 0 || (size_t)nexp != nfds)
		return -EPROTO;
	*ret_type = (enum ipc_type)type;
	return 0;
}

int
ipc_decode(const uint8_t *buf, size_t len, size_t nfds, struct ipc_msg *ret)
{
	struct ipc_rbuf r;
	struct ipc_msg m;
	enum ipc_type type;
	int k;

	if (buf == NULL || len > IPC_MAX_MSG)
		return -EPROTO;
	ipc_rbuf_init(&r, buf, len);
	k = decode_header(&r, nfds, &type);
	if (k < 0)
		return k;
	/* Decode into a local so that a failure half way leaves ret untouched. */
	ipc_msg_init(&m, type);
	k = decode_body(&r, &m);
	if (k == 0 && ipc_rbuf_left(&r) != 0)
		k = -EPROTO;
	if (k < 0) {
		ipc_msg_done(&m);
		return k;
	}
	*ret = m;
	return 0;
}
