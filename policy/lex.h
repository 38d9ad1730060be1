/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The policy lexer: turns the text into logical lines of words. Physical
 * lines are joined where a backslash is the last byte before the newline;
 * '#' at the start of a line, or at the start of a later word when not
 * followed by a digit, begins a comment up to the end of the physical line
 * (so "#1000" can name a uid). Every cap in policy.h is enforced here except
 * the file size and the rule count.
 */

#include <stddef.h>

#include "policy.h"

struct lex_token {
	const char *s; /* NUL-terminated, inside lex_line.buf */
	unsigned line, col;
};

struct lex_line {
	struct lex_token *tok;
	size_t n;
	char *buf;
};

struct lex {
	const char *text;
	size_t len, pos;
	unsigned line, col;
};

int lex_line_init(struct lex_line *l);
void lex_line_done(struct lex_line *l);
void lex_init(struct lex *lx, const char *text, size_t len);
/*
 * Next logical line holding at least one word: 1 with *l filled, 0 at the
 * end of the text, -EINVAL or -E2BIG with *err set; after an error the rest
 * of that logical line is skipped, so the caller can go on and report more.
 */
int lex_next(struct lex *lx, struct lex_line *l, struct policy_error *err);
