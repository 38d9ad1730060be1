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
