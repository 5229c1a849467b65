/*
 * report_escape.c - making untrusted strings safe for each output format.
 *
 * Topics, payloads and reason text in a run come from the broker, so they can
 * hold any bytes. One strict UTF-8 scanner (Unicode 15, table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF) feeds three
 * escapers: XML (entities, U+FFFD for what XML 1.0 forbids), JSON (U+FFFD for
 * invalid UTF-8; cJSON escapes the control characters itself) and the console
 * (\xNN for control bytes, so a broker cannot drive the user's terminal).
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"

#define BAD_CP UINT32_MAX
static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* One step of the scanner. Returns the bytes consumed (>= 1 unless *s is NUL).
 * On a valid sequence *cp is its code point; otherwise *cp is BAD_CP and the
 * bytes consumed are the maximal subpart (Unicode's "substitution of maximal
 * subparts"), so each broken sequence costs exactly one U+FFFD. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
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
		*cp = BAD_CP;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		unsigned c = s[i];
		if (c < lo || c > hi) {
			/* The NUL terminator fails this test too, so we never read past it. */
			*cp = BAD_CP;
			return i;
		}
		v = (v << 6) | (c & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return n;
}

static void xml_write(FILE *out, const char *s, int attr)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		switch (cp) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\r':
			fputs("&#13;", out);
			break;
		case '\t':
			fputs(attr ? "&#9;" : "\t", out);
			break;
		case '\n':
			fputs(attr ? "&#10;" : "\n", out);
			break;
		default:
			/* XML 1.0 Char excludes C0 controls and U+FFFE/U+FFFF; no entity
			 * can express them, so they are replaced. */
			if (cp == BAD_CP || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				fputs(replacement, out);
			else
				fwrite(p, 1, n, out);
			break;
		}
		p += n;
	}
}

void report_escape_xml(FILE *out, const char *s)
{
	xml_write(out, s, 0);
}

void report_escape_xml_attr(FILE *out, const char *s)
{
	xml_write(out, s, 1);
}

char *report_escape_utf8(const char *s)
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
		size_t n = utf8_next(p, &cp);
		if (cp == BAD_CP) {
			memcpy(w, replacement, 3);
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

/* Console form of one scanned piece: its text in `buf`, returns its width. */
static size_t text_piece(const unsigned char *p, size_t n, uint32_t cp, char *buf, size_t cap)
{
	if (cp == '\t' || cp == '\n') {
		snprintf(buf, cap, "%s", cp == '\t' ? "\\t" : "\\n");
		return 2;
	}
	/* C0, DEL and C1 (some terminals read U+009B as CSI) are shown as bytes,
	 * as are broken sequences, byte by byte so nothing is lost. */
	if (cp == BAD_CP || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
		size_t w = 0;
		for (size_t i = 0; i < n && w + 5 <= cap; i++)
			w += (size_t)snprintf(buf + w, cap - w, "\\x%02x", p[i]);
		return w;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 1;
}

size_t report_escape_text_width(const char *s)
{
	size_t w = 0;
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	char buf[24];
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		w += text_piece(p, n, cp, buf, sizeof buf);
		p += n;
	}
	return w;
}

size_t report_escape_text(FILE *out, const char *s, size_t max)
{
	if (!s)
		return 0;
	size_t total = report_escape_text_width(s);
	int cut = total > max;
	/* Room for the "..." that marks a cut, when there is room at all. */
	size_t limit = cut ? (max > 3 ? max - 3 : 0) : total;
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	char buf[24];
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		size_t pw = text_piece(p, n, cp, buf, sizeof buf);
		if (w + pw > limit)
			break;
		fputs(buf, out);
		w += pw;
		p += n;
	}
	if (cut) {
		size_t dots = max - w < 3 ? max - w : 3;
		fwrite("...", 1, dots, out);
		w += dots;
	}
	return w;
}

/* Markdown text: the ASCII punctuation that could start markup gets a
 * backslash, line breaks and other control bytes become a space or \xNN so
 * one value stays on one line (a list item, a table cell), and invalid UTF-8
 * becomes U+FFFD. '-', '.', '(' and ')' are left alone: ids are full of them
 * and they only mean something at the start of a line, where we never put
 * untrusted text. */
size_t report_escape_markdown(FILE *out, const char *s, size_t max)
{
	if (!s)
		return 0;
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);
		char buf[16];
		size_t pw = 1;
		if (cp == BAD_CP) {
			memcpy(buf, replacement, sizeof replacement);
		} else if (cp == '\n' || cp == '\r' || cp == '\t') {
			memcpy(buf, " ", 2);
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			pw = (size_t)snprintf(buf, sizeof buf, "\\\\x%02x", (unsigned)cp) - 1;
		} else if (cp < 0x80 && strchr("\\`*_{}[]<>#+|~&!", (int)cp)) {
			buf[0] = '\\';
			buf[1] = (char)cp;
			buf[2] = '\0';
		} else {
			memcpy(buf, p, n);
			buf[n] = '\0';
		}
		if (w + pw > max) {
			fputs("...", out);
			return w + 3;
		}
		fputs(buf, out);
		w += pw;
		p += n;
	}
	return w;
}
