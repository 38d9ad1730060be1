/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * IPv4 address maths for the policy. The public parsers live in policy.h
 * (policy_addr_parse, policy_cidr_parse, policy_cidr_contains,
 * policy_pick_address); these are the host-order helpers behind them.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/* Netmask of a prefix in host byte order (prefix 0 gives 0). */
uint32_t cidr_mask(uint8_t prefix);
/* First (network) and last (broadcast) address of net, host byte order. */
uint32_t cidr_first(const struct policy_cidr *net);
uint32_t cidr_last(const struct policy_cidr *net);
/* Is addr the network or broadcast address of net? */
bool cidr_is_edge(const struct policy_cidr *net, struct in_addr addr);
/* Format "A.B.C.D" into buf (at least 16 bytes). */
const char *cidr_addr_str(struct in_addr addr, char *buf, size_t len);
