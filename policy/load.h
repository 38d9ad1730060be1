/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Loading the policy from disk: policy_load, policy_open and
 * policy_read_fd (declared in policy.h).
 */

#include "policy.h"
