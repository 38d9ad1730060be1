/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The options that shape what the container sees of the host (issue 15):
 * `bind PREFIX`, `bind-ro PREFIX` (host directories at or below PREFIX; "~"
 * is the caller's home), `ephemeral`, `ephemeral-only`, `dns ADDR` and
 * `search DOMAIN`; their parsing, and their part of a decision. Kept apart
 * from parse.c and eval.c so that both stay about the rule's other options.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lex.h"
#include "policy.h"

struct parse_state; /* parse.c */

/* Where each single option was seen, for duplicates. */
struct mounts_seen {
	const struct lex_token *ephemeral, *ephemeral_only, *search;
};

/* Words after keyword kw when it is one of these options, else -1. */
int mounts_arity(const char *kw);
/* Parse one of these options (a[0] the keyword): 1 when kw is not one, 0, or -errno (reported). */
int mounts_option(struct parse_state *st, struct policy_rule *r, struct mounts_seen *seen,
    const struct lex_token *a);
void mounts_rule_done(struct policy_rule *r);

/* The request's binds are well formed (policy_bind_check, a bound count): 0 or -EINVAL. */
int mounts_check_request(const struct policy_request *r);
/*
 * Does the rule allow the request's binds and ephemeral? If not, why (one
 * line, "WHO may not ...") is written into why. Fills the grant's ephemeral,
 * dns and search.
 */
bool mounts_fit(const struct policy_rule *rule, const struct policy_caller *c,
    const struct policy_request *r, const char *who, char *why, size_t why_size,
    struct policy_grant *g);
/*
 * The directory a bind prefix names for this caller: PREFIX itself, or for
 * "~" the caller's home when it is canonical (else NULL: matches nothing).
 */
const char *mounts_prefix_dir(const char *prefix, const struct policy_caller *c);
