/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `cnspawn-policy explain [-f FILE] USER`: what USER may start, in plain words. */

int tool_explain_main(int argc, char **argv);
