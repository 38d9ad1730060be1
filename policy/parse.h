/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The parsed policy: an array of rules (policy.h) in file order; internal to the library. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct policy {
	struct policy_rule *rules;
	size_t n_rules;
};

/* Is the rule for a group (":group" or ":#gid")? */
bool parse_who_is_group(const struct policy_rule *rule);

/* For the options parsed outside parse.c (mounts.c): report, add an item, single options. */
struct parse_state;
struct lex_token;
void parse_report(struct parse_state *st, int code, unsigned line, unsigned col, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));
int parse_add_item(struct parse_state *st, struct policy_items *it, const char *what,
    const struct lex_token *kw, const struct lex_token *arg);
bool parse_once(struct parse_state *st, const struct lex_token **seen, const struct lex_token *kw);
