/*
 * utf8_escape.c - the strict UTF-8 scanner every output escaper shares (the
 * report writers and the baseline file), and the one escape the result layer
 * needs itself: invalid UTF-8 replaced by U+FFFD.
 */
#include "util/utf8_escape.h"

#include <string.h>

#include "util/alloc.h"

/* Unicode's "substitution of maximal subparts": the bytes consumed by a broken
 * sequence are the longest prefix that could still have become valid. */
size_t utf8_escape_next(const unsigned char *s, uint32_t *cp)
{
	unsigned b = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF;
	uint32_t v;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
		v = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		v = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		v = b & 0x07;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*cp = UTF8_ESCAPE_BAD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		unsigned c = s[i];
		if (c < lo || c > hi) {
			/* The NUL terminator fails this test too, so we never read past it. */
			*cp = UTF8_ESCAPE_BAD;
			return i;
		}
		v = (v << 6) | (c & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return n;
}

char *utf8_escape_invalid(const char *s)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	/* Worst case: every byte is its own broken sequence, 1 byte -> 3. */
	char *buf = alloc_bytes(3 * len + 1);
	char *w = buf;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_escape_next(p, &cp);
		if (cp == UTF8_ESCAPE_BAD) {
			memcpy(w, UTF8_ESCAPE_REPLACEMENT, 3);
			w += 3;
		} else {
			memcpy(w, p, n);
			w += n;
		}
		p += n;
	}
	*w = '\0';
	return buf;
}
