/* test_utf8_escape.c - the strict UTF-8 scanner (Unicode table 3-7) and the
 * U+FFFD replacement: each maximal subpart of a broken sequence costs exactly
 * one replacement, and the scanner never reads past the NUL. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8_escape.h"
#include "tests/unit/suites.h"

static const struct {
	const char *in;
	size_t n;       /* bytes the first step consumes */
	uint32_t cp;    /* its code point, or UTF8_ESCAPE_BAD */
} steps[] = {
	{"A", 1, 'A'},
	{"\x7f", 1, 0x7f},
	{"\xc2\x80", 2, 0x80},
	{"\xdf\xbf", 2, 0x7ff},
	{"\xe0\xa0\x80", 3, 0x800},
	{"\xed\x9f\xbf", 3, 0xd7ff},
	{"\xef\xbf\xbf", 3, 0xffff},
	{"\xf0\x90\x80\x80", 4, 0x10000},
	{"\xf4\x8f\xbf\xbf", 4, 0x10ffff},
	/* Never a lead byte: one byte each. */
	{"\x80", 1, UTF8_ESCAPE_BAD},
	{"\xc0\xaf", 1, UTF8_ESCAPE_BAD},
	{"\xc1\xbf", 1, UTF8_ESCAPE_BAD},
	{"\xf5\x80\x80\x80", 1, UTF8_ESCAPE_BAD},
	{"\xff", 1, UTF8_ESCAPE_BAD},
	/* Overlong, surrogate, above U+10FFFF: the lead byte alone is the subpart. */
	{"\xe0\x9f\xbf", 1, UTF8_ESCAPE_BAD},
	{"\xed\xa0\x80", 1, UTF8_ESCAPE_BAD},
	{"\xf0\x8f\xbf\xbf", 1, UTF8_ESCAPE_BAD},
	{"\xf4\x90\x80\x80", 1, UTF8_ESCAPE_BAD},
	/* Cut short: what could still have become valid is consumed, no more. */
	{"\xe2\x82", 2, UTF8_ESCAPE_BAD},
	{"\xf0\x9f\x98", 3, UTF8_ESCAPE_BAD},
	{"\xe2\x82" "A", 2, UTF8_ESCAPE_BAD},
};

START_TEST(next_one_step)
{
	uint32_t cp = 0;
	size_t n = utf8_escape_next((const unsigned char *)steps[_i].in, &cp);
	ck_assert_uint_eq(n, steps[_i].n);
	ck_assert_uint_eq(cp, steps[_i].cp);
}
END_TEST

static const struct {
	const char *in, *out;
} replaced[] = {
	{"plain/topic", "plain/topic"},
	{"caf\xc3\xa9", "caf\xc3\xa9"},
	{"a\xffz", "a" UTF8_ESCAPE_REPLACEMENT "z"},
	/* A truncated 3-byte sequence is one replacement, not two. */
	{"\xe2\x82z", UTF8_ESCAPE_REPLACEMENT "z"},
	/* A surrogate (CESU-8) is three: the lead byte, then two lone continuations. */
	{"\xed\xa0\x80", UTF8_ESCAPE_REPLACEMENT UTF8_ESCAPE_REPLACEMENT UTF8_ESCAPE_REPLACEMENT},
	{"\xc0\x80", UTF8_ESCAPE_REPLACEMENT UTF8_ESCAPE_REPLACEMENT},
	{"", ""},
};

START_TEST(invalid_replaced)
{
	char *s = utf8_escape_invalid(replaced[_i].in);
	ck_assert_str_eq(s, replaced[_i].out);
	free(s);
}
END_TEST

START_TEST(invalid_worst_case_and_null)
{
	/* Every byte broken: the output is three times as long, and fits. */
	char in[201];
	memset(in, 0xff, 200);
	in[200] = '\0';
	char *s = utf8_escape_invalid(in);
	ck_assert_uint_eq(strlen(s), 600);
	for (size_t i = 0; i < 600; i += 3)
		ck_assert_mem_eq(s + i, UTF8_ESCAPE_REPLACEMENT, 3);
	free(s);
	s = utf8_escape_invalid(NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

Suite *utf8_escape_suite(void)
{
	Suite *s = suite_create("utf8_escape");
	TCase *tc = tcase_create("utf8_escape");
	tcase_add_loop_test(tc, next_one_step, 0, (int)(sizeof steps / sizeof steps[0]));
	tcase_add_loop_test(tc, invalid_replaced, 0, (int)(sizeof replaced / sizeof replaced[0]));
	tcase_add_test(tc, invalid_worst_case_and_null);
	suite_add_tcase(s, tc);
	return s;
}
