/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The parsed policy: an array of rules in file order. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum policy_who {
	POLICY_WHO_USER,  /* name */
	POLICY_WHO_UID,   /* #uid */
	POLICY_WHO_GROUP, /* :group */
	POLICY_WHO_GID,   /* :#gid */
};

struct policy_item {
	char *s;
	unsigned col;
};

struct policy_items {
	struct policy_item *v;
	size_t n;
};

struct policy_rule {
	unsigned line;
	bool deny;
	enum policy_who who;
	char *who_text;       /* as written: "alice", "#1000", ":wheel", ":#10" */
	const char *who_name; /* inside who_text: the user or group name */
	uint32_t who_id;      /* for #uid and :#gid */
	struct policy_items roots, bridges, inits;
	bool has_range;
	struct policy_cidr range;
	bool has_gateway;
	struct in_addr gateway;
	unsigned max; /* 0: no limit */
	bool privileged, has_userns;
	uint32_t userns_first, userns_count;
};

struct policy {
	struct policy_rule *rules;
	size_t n_rules;
};

/* Is the rule for a group (":group" or ":#gid")? */
bool parse_who_is_group(const struct policy_rule *rule);
