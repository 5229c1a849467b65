/* test_base36.c - the digits of run prefixes and case numbers: v % 36 in
 * [0-9a-z] or [0-9A-Z], every one a character a client id may hold. */
#include <check.h>
#include <ctype.h>

#include "util/base36.h"
#include "tests/unit/suites.h"

START_TEST(digits_in_order_both_cases)
{
	static const char lower[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static const char upper[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (unsigned long v = 0; v < 36; v++) {
		ck_assert_int_eq(base36_digit(v, 0), lower[v]);
		ck_assert_int_eq(base36_digit(v, 1), upper[v]);
	}
}
END_TEST

START_TEST(value_taken_modulo_36)
{
	ck_assert_int_eq(base36_digit(36, 0), '0');
	ck_assert_int_eq(base36_digit(37, 1), '1');
	ck_assert_int_eq(base36_digit(36 * 36 + 35, 0), 'z');
	/* The largest value still gives a digit: ULONG_MAX % 36 is 15 on 64 bits, 3 on 32. */
	char d = base36_digit(~0UL, 1);
	ck_assert_int_eq(d, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[~0UL % 36]);
	ck_assert(isalnum((unsigned char)d));
}
END_TEST

/* The engine numbers case k with three upper-case digits: k / 1296, k / 36, k. */
START_TEST(three_digit_case_number)
{
	unsigned long k = 1296 * 2 + 36 * 11 + 35;
	char num[4] = {base36_digit(k / 1296, 1), base36_digit(k / 36, 1), base36_digit(k, 1), 0};
	ck_assert_str_eq(num, "2BZ");
}
END_TEST

Suite *base36_suite(void)
{
	Suite *s = suite_create("base36");
	TCase *tc = tcase_create("base36");
	tcase_add_test(tc, digits_in_order_both_cases);
	tcase_add_test(tc, value_taken_modulo_36);
	tcase_add_test(tc, three_digit_case_number);
	suite_add_tcase(s, tc);
	return s;
}
