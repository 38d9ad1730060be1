/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* cnspawn list --roots in a fresh helper (listroots.c, issue 16). */

#include "policy.h"

/*
 * Answer one IPC_T_ROOTS from caller (identified from the kernel) with an
 * IPC_T_ROOTS_REPLY, or refuse with one line. Never returns.
 */
_Noreturn void listroots_run(const struct policy_caller *caller);
