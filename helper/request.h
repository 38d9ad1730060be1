/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Turn a decoded IPC_T_START into what the helper acts on. The frontend
 * checked nothing as far as the helper is concerned: every field is checked
 * again here (syntax), and by the policy (permission).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"
#include "policy.h"
#include "session.h"

#define REQUEST_MAX_ENV 8
#define REQUEST_DEFAULT_INIT "/sbin/init"

struct request_plan {
	const char *root;   /* borrowed from the message */
	const char *bridge; /* borrowed */
	const char *init;   /* borrowed, or REQUEST_DEFAULT_INIT */
	char machine[HELPER_NAME_MAX + 1];
	bool has_address;
	struct in_addr address;
	int prefix; /* -1: not given */
	bool has_gateway;
	struct in_addr gateway;
	char *envp[REQUEST_MAX_ENV + 1]; /* owned; NULL-terminated */
	char **argv;                     /* owned array, borrowed strings; argv[0] = init */
	uint16_t rows, cols;
	uint64_t memory; /* asked ceilings, checked against the rule by the policy; 0: not asked */
	uint32_t pids;
	uint32_t cpus_milli;
	/* issue 15: binds (strings borrowed from the message), -x, --resolv-conf=off, --hostname */
	struct policy_bind binds[POLICY_MAX_BINDS];
	size_t nbinds;
	bool ephemeral;
	bool no_resolv_conf;
	bool machine_given;                 /* -M: never replaced by a generated name */
	char hostname[HELPER_NAME_MAX + 1]; /* "": the machine name */
};

/*
 * Check and convert. On failure returns -EINVAL with "invalid FIELD (what
 * it may be)" in f->msg (the one-line refusal), or -ENOMEM.
 */
int request_plan_new(const struct ipc_start *s, struct request_plan *ret, struct fail *f);
void request_plan_done(struct request_plan *p);

/*
 * An ephemeral start without -M: the root's name and 8 random hex digits
 * ("bb-3f09a1c2"), so that several ephemeral containers of one root can run.
 */
int request_plan_ephemeral_name(struct request_plan *p);

/* What the policy is asked for this plan (pointers borrowed from p). */
struct policy_request request_plan_ask(const struct request_plan *p);
