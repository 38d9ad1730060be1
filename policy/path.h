/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Syntax checks shared by the parser and the evaluator: paths and names. */

#include <stdbool.h>

/*
 * Absolute and canonical: starts with '/', no empty, "." or ".." component,
 * no trailing '/', not "/" itself. With glob_ok, the last component may be
 * exactly "*" (and "*" is refused anywhere else); without it '*' is an
 * ordinary character, except
 * that a component that is exactly "*" is refused. Returns NULL when fine, else why not (a constant).
 */
const char *path_check(const char *p, bool glob_ok);
/* Does request path req (canonical) fit policy path pat (canonical, maybe ending in slash-star)? */
bool path_matches(const char *pat, const char *req);
/*
 * Can a container of a root fitting pattern a hold (or sit inside) the tree
 * of a root fitting pattern b? Both canonical, maybe ending in slash-star.
 * True when their directories (star dropped) are equal or one lies below
 * the other: the trees nest or coincide.
 */
bool path_trees_overlap(const char *a, const char *b);
/* (Bridge names: util_ifname_ok() in common/util.h, the rule every part applies.) */
/* User or group name: 1..32 of [A-Za-z0-9_.-], not starting with '-', optional final '$'. */
bool path_name_ok(const char *s);
