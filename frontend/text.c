/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stdint.h>

#include "text.h"

/*
 * Length of the valid UTF-8 sequence at p (1..4) and its code point, or 0:
 * no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
 */
static int
utf8_at(const unsigned char *p, uint32_t *ret)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*ret = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	/* A NUL ends the string before any continuation byte could be missed. */
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret = cp;
	return n;
}

static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

void
text_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', f);
	while (*p != '\0') {
		uint32_t cp = 0;
		int n = utf8_at(p, &cp);

		if (n == 0)
			fprintf(f, "\\udc%02x", *p);
		else if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (is_control(cp))
			fprintf(f, "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, (size_t)n, f);
		p += n == 0 ? 1 : n;
	}
	putc('"', f);
}

void
text_terminal(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		uint32_t cp = 0;
		int n = utf8_at(p, &cp);

		if (n == 0 || is_control(cp)) {
			/* Every byte of it: a C1 control is two bytes in UTF-8. */
			for (int i = 0; i < (n == 0 ? 1 : n); i++)
				fprintf(f, "\\x%02x", p[i]);
		} else if (cp == '\\') {
			fputs("\\\\", f);
		} else {
			fwrite(p, 1, (size_t)n, f);
		}
		p += n == 0 ? 1 : n;
	}
}
