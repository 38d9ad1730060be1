/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The escape sequence: the escape key pressed ESCAPE_PRESSES times within
 * ESCAPE_WINDOW_MS leaves. Nothing the user types is swallowed otherwise:
 * pending escape keys are held back only while the sequence may still
 * complete, and handed on as soon as another key comes or the window ends.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ESCAPE_PRESSES 3
#define ESCAPE_WINDOW_MS 1000
#define ESCAPE_DEFAULT_KEY 0x1d /* Ctrl-] */
/* The escape key then this key, within ESCAPE_WINDOW_MS: detach, leaving the container running. */
#define ESCAPE_DETACH_KEY 'd'

enum escape_action {
	ESCAPE_NONE,
	ESCAPE_LEAVE,  /* the key ESCAPE_PRESSES times: stop the container and leave */
	ESCAPE_DETACH, /* the key then ESCAPE_DETACH_KEY: leave it running */
};
/* At most this many held-back keys come out of one call besides the input itself. */
#define ESCAPE_MAX_PENDING (ESCAPE_PRESSES - 1)

struct escape {
	bool enabled;
	uint8_t key;
	unsigned pending;          /* escape keys held back */
	struct timespec first;     /* when the first of them was pressed */
	enum escape_action action; /* what the completed sequence asked for */
	bool no_detach;            /* ESCAPE_DETACH_KEY is just a key (cnspawn exec) */
};

/* "^]" or "^X" (X a letter or one of @[\]^_); -EINVAL otherwise, and for ^J/^M (Enter). */
int escape_parse_key(const char *s, uint8_t *ret_key);
/* "Ctrl-]" style name of key for messages; buf of at least 8 bytes. */
const char *escape_key_name(uint8_t key, char *buf, size_t size);
void escape_init(struct escape *e, bool enabled, uint8_t key);
/*
 * Feed n input bytes typed at now. Bytes to send on are written to out,
 * which must hold n + ESCAPE_MAX_PENDING; *ret_len is their count. Returns
 * true when a sequence completed (e->action says which); the bytes after
 * it are dropped. The escape key followed by anything but itself or
 * ESCAPE_DETACH_KEY hands both on.
 */
bool escape_feed(struct escape *e, const uint8_t *in, size_t n, const struct timespec *now,
    uint8_t *out, size_t *ret_len);
/* Hand on held-back keys whose window has ended; returns how many were written to out. */
size_t escape_expire(struct escape *e, const struct timespec *now, uint8_t *out);
/* Milliseconds until held-back keys expire (rounded up), or -1 when none are held. */
int escape_timeout_ms(const struct escape *e, const struct timespec *now);
