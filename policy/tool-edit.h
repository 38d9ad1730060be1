/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `cnspawn-policy edit [FILE]`: the visudo of cnspawn. Lock (an flock on
 * the policy's directory: no lock file), copy to a private temp file, run
 * $VISUAL/$EDITOR/vi, re-check, install atomically.
 */

int tool_edit_main(int argc, char **argv);
