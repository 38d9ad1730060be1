/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "policy.h"
#include "request.h"
#include "session.h"
#include "state.h"

/*
 * Under the state lock: refuse a machine name or root already running, the
 * caller's `max` for the deciding rule, an address in use; pick a free
 * address when none was asked; then write the entry (monitor = this
 * process) and record it in s. On refusal f->msg says why.
 * p and c are the policy and caller that gave decision d: the caller's
 * running containers are decided again by p to count them toward `max`.
 */
int reserve_container(struct helper_session *s, const struct policy *p,
    const struct policy_caller *c, const struct request_plan *plan, const struct policy_decision *d,
    struct state_entry *ret, struct fail *f);

/* Host veth name for a machine: "ve-NAME", or "ve-" + 6 chars + "-" + 5 hex of a hash. */
void reserve_veth_name(const char *machine, char *ret, size_t size);
