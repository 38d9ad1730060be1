/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* A logical line of MAX_LINE bytes holds at most this many words. */
#define LEX_MAX_TOKENS (POLICY_MAX_LINE / 2u + 2u)
#define LEX_BUF (POLICY_MAX_LINE + LEX_MAX_TOKENS + 1u)

int
lex_line_init(struct lex_line *l)
{
	l->n = 0;
	l->tok = calloc(LEX_MAX_TOKENS, sizeof(*l->tok));
	l->buf = malloc(LEX_BUF);
	if (l->tok == NULL || l->buf == NULL) {
		lex_line_done(l);
		return -ENOMEM;
	}
	return 0;
}

void
lex_line_done(struct lex_line *l)
{
	free(l->tok);
	free(l->buf);
	l->tok = NULL;
	l->buf = NULL;
}

void
lex_init(struct lex *lx, const char *text, size_t len)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
	lx->col = 1;
}

static void
advance(struct lex *lx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lx->text[lx->pos] == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
		lx->pos++;
	}
}

/* Skip to the end of the logical line, honouring continuations. */
static void
skip_line(struct lex *lx)
{
	while (lx->pos < lx->len) {
		char ch = lx->text[lx->pos];

		if (ch == '\\' && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '\n') {
			advance(lx, 2);
			continue;
		}
		advance(lx, 1);
		if (ch == '\n')
			return;
	}
}

static int lex_fail(struct lex *lx, int r, unsigned line, unsigned col, struct policy_error *err,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
lex_fail(struct lex *lx, int r, unsigned line, unsigned col, struct policy_error *err,
    const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->line = line;
		err->col = col;
		va_start(ap, fmt);
		(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	skip_line(lx);
	return r;
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* The state of one logical line being built. */
struct lex_state {
	size_t bufpos, linelen, toklen;
	bool in_token, in_comment;
};

static void
end_token(struct lex_line *l, struct lex_state *s)
{
	if (s->in_token) {
		l->buf[s->bufpos++] = '\0';
		l->n++;
		s->in_token = false;
	}
}

/* Handle one ordinary byte: start or extend a word, or start a comment. */
static int
lex_byte(struct lex *lx, struct lex_line *l, struct lex_state *s, struct policy_error *err)
{
	char ch = lx->text[lx->pos];
	struct lex_token *t;

	if (!s->in_token && ch == '#' &&
	    (l->n == 0 || lx->pos + 1 >= lx->len || !is_digit(lx->text[lx->pos + 1]))) {
		s->in_comment = true;
		advance(lx, 1);
		return 0;
	}
	if (!s->in_token) {
		/* A continuation ends a word but is not counted in the line cap, so cap words too. */
		if (l->n >= LEX_MAX_TOKENS)
			return lex_fail(lx, -E2BIG, lx->line, lx->col, err,
			    "more than %u words in one line", LEX_MAX_TOKENS);
		t = &l->tok[l->n];
		t->s = l->buf + s->bufpos;
		t->line = lx->line;
		t->col = lx->col;
		s->in_token = true;
		s->toklen = 0;
	}
	if (++s->toklen > POLICY_MAX_TOKEN) {
		t = &l->tok[l->n];
		return lex_fail(lx, -E2BIG, t->line, t->col, err, "word longer than %u bytes",
		    POLICY_MAX_TOKEN);
	}
	l->buf[s->bufpos++] = ch;
	advance(lx, 1);
	return 0;
}

int
lex_next(struct lex *lx, struct lex_line *l, struct policy_error *err)
{
	struct lex_state s = {0};
	int r;

	l->n = 0;
	while (lx->pos < lx->len) {
		unsigned char ch = (unsigned char)lx->text[lx->pos];

		if (ch == '\n') {
			end_token(l, &s);
			advance(lx, 1);
			if (l->n > 0)
				return 1;
			s = (struct lex_state){0};
			continue;
		}
		if (ch == '\0')
			return lex_fail(lx, -EINVAL, lx->line, lx->col, err, "NUL byte");
		if (s.in_comment) {
			advance(lx, 1);
			continue;
		}
		if (ch == '\\') {
			if (lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '\n') {
				end_token(l, &s);
				advance(lx, 2);
				continue;
			}
			return lex_fail(lx, -EINVAL, lx->line, lx->col, err,
			    lx->pos + 1 == lx->len
			        ? "backslash at end of file"
			        : "a backslash is allowed only at the end of a line");
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return lex_fail(lx, -EINVAL, lx->line, lx->col, err,
			    "control character 0x%02x", ch);
		if (++s.linelen > POLICY_MAX_LINE)
			return lex_fail(lx, -E2BIG, lx->line, lx->col, err,
			    "line longer than %u bytes", POLICY_MAX_LINE);
		if (ch == ' ' || ch == '\t') {
			end_token(l, &s);
			advance(lx, 1);
			continue;
		}
		r = lex_byte(lx, l, &s, err);
		if (r < 0)
			return r;
	}
	end_token(l, &s);
	return l->n > 0 ? 1 : 0;
}
