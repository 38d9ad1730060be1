/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the request decoder both programs run on peer bytes.
 * Input: first byte = number of passed fds (mod 3), the rest = one packet.
 * A packet that decodes must re-encode to the very same bytes (the format
 * has exactly one encoding), and must be released without a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[IPC_MAX_MSG];
	struct ipc_msg m;
	size_t nfds, len = 0;

	if (size < 1)
		return 0;
	nfds = data[0] % 3;
	if (ipc_decode(data + 1, size - 1, nfds, &m) < 0)
		return 0;
	if (ipc_encode(&m, out, sizeof(out), &len) < 0 || len != size - 1 ||
	    memcmp(out, data + 1, len) != 0)
		abort();
	ipc_msg_done(&m);
	return 0;
}
