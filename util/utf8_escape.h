/*
 * utf8_escape.h - strict UTF-8 scanning (Unicode 15, table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF) for code that writes strings
 * which may hold any bytes (topics, payloads and reason text come from the
 * broker).
 */
#ifndef UTF8_ESCAPE_H
#define UTF8_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

/* The code point utf8_escape_next() gives for a broken sequence. */
#define UTF8_ESCAPE_BAD UINT32_MAX
/* U+FFFD, what a broken sequence becomes, in UTF-8. */
#define UTF8_ESCAPE_REPLACEMENT "\xEF\xBF\xBD"

/* One step of the scanner over NUL-terminated `s`. Returns the bytes consumed
 * (>= 1 unless *s is NUL). On a valid sequence *cp is its code point;
 * otherwise *cp is UTF8_ESCAPE_BAD and the bytes consumed are the maximal
 * subpart, so each broken sequence costs exactly one U+FFFD. */
size_t utf8_escape_next(const unsigned char *s, uint32_t *cp);

/* A malloc'd copy of `s` (never NULL; NULL gives "") with each maximal
 * invalid UTF-8 subsequence replaced by U+FFFD, as cJSON passes invalid UTF-8
 * through untouched. Surrogates and overlong forms count as invalid. */
char *utf8_escape_invalid(const char *s);

#endif
