/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The start options of issue 15: --bind, --bind-ro, -x/--ephemeral, --resolv-conf, --hostname. */

#include <getopt.h>

#include "cmd-start.h"

enum {
	OPT_MOUNTS_FIRST = 0x200,
	OPT_BIND = OPT_MOUNTS_FIRST,
	OPT_BIND_RO,
	OPT_RESOLV_CONF,
	OPT_HOSTNAME,
};

/* getopt_long entries (-x is also a short option). */
#define OPT_MOUNTS_LONG_OPTIONS                                                                    \
	{"bind", required_argument, NULL, OPT_BIND},                                               \
	    {"bind-ro", required_argument, NULL, OPT_BIND_RO},                                     \
	    {"ephemeral", no_argument, NULL, 'x'},                                                 \
	    {"resolv-conf", required_argument, NULL, OPT_RESOLV_CONF},                             \
	{                                                                                          \
		"hostname", required_argument, NULL, OPT_HOSTNAME                                  \
	}

#define OPT_MOUNTS_USAGE                                                                           \
	"      --bind=SRC[:DST]          bind host directory SRC (read-write) at DST\n"            \
	"      --bind-ro=SRC[:DST]       the same, read-only\n"                                    \
	"  -x, --ephemeral               run on a throw-away overlay over the root\n"              \
	"      --resolv-conf=off         keep the root's own /etc/resolv.conf\n"                   \
	"      --hostname=NAME           host name inside (default: the machine name)\n"

/* 1 when c is not one of these options, 0 when taken, else EXIT_CNSPAWN (reported). */
int opt_mounts_parse(struct start_options *o, int c, char *arg);
