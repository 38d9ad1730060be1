/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The evaluator: policy_evaluate, policy_check_count and
 * policy_rule_applies (declared in policy.h). Nothing else is exported.
 */

#include "policy.h"
