/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Which roots the policy lets one caller start, for `cnspawn list --roots`
 * (issue 16). Only rules that apply to the caller are looked at, so what is
 * reported never says anything about another user's rules. Roots only:
 * bridges, addresses and ceilings are a start's business, and a root listed
 * here may still be refused for those. Pure; no I/O.
 */

#include <stdbool.h>

#include "policy.h"

typedef int policy_root_fn(const char *pattern, void *userdata);

/*
 * Call fn, in file order, with each root pattern as written of each permit
 * rule for c that no later deny rule for c takes away wholly: a deny
 * without root takes everything before it; a deny naming a root takes a
 * plain root it matches, and a DIR/ * (no space) only when it names that very
 * pattern (it may take some of its directories: see policy_root_visible).
 * A pattern named by several rules comes once per rule. Stops at fn's
 * first negative result and returns it; else 0. -EINVAL for NULL arguments.
 */
int policy_roots_each(const struct policy *p, const struct policy_caller *c, policy_root_fn *fn,
    void *userdata);

/*
 * May c start the root path (canonical, no glob) as far as roots go? The
 * last rule for c that names it decides: a permit with a root matching it
 * (true), or a deny without root or with a root matching it (false); none
 * of them: false.
 */
bool policy_root_visible(const struct policy *p, const struct policy_caller *c, const char *path);
