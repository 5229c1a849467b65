/*
 * report_escape.c - making untrusted strings safe for each output format.
 *
 * Topics, payloads and reason text in a run come from the broker, so they can
 * hold any bytes. One strict UTF-8 scanner (util/utf8_escape.h) feeds the
 * escapers: XML (entities, U+FFFD for what XML 1.0 forbids), the console
 * (\xNN for control bytes, so a broker cannot drive the user's terminal) and
 * Markdown. JSON needs only invalid UTF-8 replaced (cJSON escapes the control
 * characters itself): utf8_escape_invalid(), shared with the baseline file.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8_escape.h"

static const char replacement[] = UTF8_ESCAPE_REPLACEMENT;

static void xml_write(FILE *out, const char *s, int attr)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_escape_next(p, &cp);
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
			if (cp == UTF8_ESCAPE_BAD || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
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

/* Console form of one scanned piece: its text in `buf`, returns its width. */
static size_t text_piece(const unsigned char *p, size_t n, uint32_t cp, char *buf, size_t cap)
{
	if (cp == '\t' || cp == '\n') {
		snprintf(buf, cap, "%s", cp == '\t' ? "\\t" : "\\n");
		return 2;
	}
	/* C0, DEL and C1 (some terminals read U+009B as CSI) are shown as bytes,
	 * as are broken sequences, byte by byte so nothing is lost. */
	if (cp == UTF8_ESCAPE_BAD || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
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
		size_t n = utf8_escape_next(p, &cp);
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
		size_t n = utf8_escape_next(p, &cp);
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
		size_t n = utf8_escape_next(p, &cp);
		char buf[16];
		size_t pw = 1;
		if (cp == UTF8_ESCAPE_BAD) {
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
