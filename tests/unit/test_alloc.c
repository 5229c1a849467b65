/* test_alloc.c - util/alloc: allocation never returns NULL; a size that
 * cannot be had (n * size overflowing) ends the process, never a short buffer. */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "util/alloc.h"

START_TEST(zero_sizes_give_memory)
{
	/* malloc(0) may return NULL; callers must never see it. */
	void *a = alloc_bytes(0), *b = alloc_zeroed(0, 8), *c = alloc_resize(NULL, 0), *d = alloc_array(NULL, 0, 4);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(d);
	free(a);
	free(b);
	free(c);
	free(d);
}
END_TEST

START_TEST(zeroed_and_resized)
{
	unsigned char *p = alloc_zeroed(100, 3);
	for (size_t i = 0; i < 300; i++)
		ck_assert_uint_eq(p[i], 0);
	memset(p, 7, 300);
	p = alloc_array(p, 1000, 3);
	for (size_t i = 0; i < 300; i++)
		ck_assert_uint_eq(p[i], 7);
	free(p);
}
END_TEST

START_TEST(strdup_copies)
{
	const char *s = "mqttspec";
	char *d = alloc_strdup(s);
	ck_assert_ptr_ne(d, s);
	ck_assert_str_eq(d, s);
	free(d);
	d = alloc_strdup("");
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

START_TEST(array_overflow_aborts)
{
	/* The message is expected: keep the test output clean (this runs in a forked child). */
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	alloc_array(NULL, SIZE_MAX / 2 + 1, 2);
}
END_TEST

Suite *alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("alloc");
	tcase_add_test(tc, zero_sizes_give_memory);
	tcase_add_test(tc, zeroed_and_resized);
	tcase_add_test(tc, strdup_copies);
	tcase_add_test_raise_signal(tc, array_overflow_aborts, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
