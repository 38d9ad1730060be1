/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What every cnspawn program prints after its "NAME VERSION" line for
 * --version: the copyright and licence lines of the GNU coding standards
 * (section 4.8.1, --version), one copy for cnspawn and cnspawn-policy.
 */
#define VERSION_NOTICE                                                                             \
	"Copyright (C) 2026 the cnspawn authors\n"                                                 \
	"License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"        \
	"This is free software: you are free to change and redistribute it.\n"                     \
	"There is NO WARRANTY, to the extent permitted by law.\n"
