/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* cnspawn-policy's main(): dispatches to tool-check, tool-explain and tool-edit. */
