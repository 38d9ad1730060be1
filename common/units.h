/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Resource quantities as people write them, for the policy (`memory 512M`,
 * `cpus 0.5`) and the frontend (`--memory=512M`, `--cpus=0.5`): one parser
 * and one printer, so both sides agree on every spelling. Pure: no I/O.
 */

#include <stdint.h>

#define UNITS_SIZE_MIN (1ull << 20) /* 1M: less cannot run even a shell */
#define UNITS_SIZE_MAX (1ull << 50) /* 1024T */
#define UNITS_CPUS_MIN 10u          /* milli-CPUs: 0.01, the kernel's 1 ms per 100 ms */
#define UNITS_CPUS_MAX 1024000u     /* 1024 CPUs */
#define UNITS_BUF 24                /* bytes for either printed form, NUL included */

/*
 * "SIZE": decimal digits (no sign, no leading zero unless "0"), then at most
 * one suffix K, M, G or T (powers of 1024, either case). -EINVAL for any
 * other spelling, -ERANGE outside UNITS_SIZE_MIN..UNITS_SIZE_MAX.
 */
int units_parse_size(const char *s, uint64_t *ret);

/*
 * "CPUS": digits, optionally '.' and one or two digits ("2", "0.5", "1.25"),
 * in milli-CPUs. -EINVAL for other spellings, -ERANGE outside
 * UNITS_CPUS_MIN..UNITS_CPUS_MAX.
 */
int units_parse_cpus(const char *s, uint32_t *ret_milli);

/* The largest unit that is exact: 536870912 -> "512M", 1536M -> "1536M", 1000 -> "1000". */
void units_format_size(uint64_t bytes, char buf[UNITS_BUF]);

/* 500 -> "0.5", 2000 -> "2", 1250 -> "1.25", 1234 -> "1.234". */
void units_format_cpus(uint32_t milli, char buf[UNITS_BUF]);
