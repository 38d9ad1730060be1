/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Text that came from elsewhere (a root path, a container's name as the
 * helper reports it) on its way to a terminal or into JSON. A root path may
 * hold any byte but NUL and the C0 controls (helper/request.c): raw C1
 * controls and invalid UTF-8 must reach neither a terminal (U+009B is CSI
 * to many terminals) nor a JSON document (which must be valid UTF-8).
 */

#include <stdio.h>

/*
 * A JSON string, quotes included: `"` and `\` escaped, C0, DEL and C1
 * controls as \u00XX, each byte that is not part of valid UTF-8 as \uDCXX
 * (Python's "surrogateescape": reversible, never confused with a real
 * character).
 */
void text_json_string(FILE *f, const char *s);

/*
 * For a terminal: valid printable UTF-8 as is; `\` as `\\`; each C0, DEL or
 * C1 control and each byte of invalid UTF-8 as \xNN.
 */
void text_terminal(FILE *f, const char *s);
