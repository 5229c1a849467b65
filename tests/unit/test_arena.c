/* test_arena.c - util/arena: allocations are aligned for any type, stay
 * valid until arena_free (however many blocks it takes), and a large one
 * gets a block of its own. */
#include <check.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "util/arena.h"

START_TEST(aligned)
{
	struct arena a = {0};
	for (size_t n = 1; n < 40; n++) {
		void *p = arena_alloc(&a, n);
		ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
	}
	arena_free(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(survive_new_blocks)
{
	struct arena a = {0};
	char *first = arena_strdup(&a, "first");
	/* Far more than one block: earlier strings must not move or be overwritten. */
	char *s[2000];
	for (int i = 0; i < 2000; i++) {
		s[i] = arena_alloc(&a, 64);
		memset(s[i], 'a' + i % 26, 63);
		s[i][63] = '\0';
	}
	char *big = arena_alloc(&a, 100000);
	memset(big, 'z', 100000);
	ck_assert_str_eq(first, "first");
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(s[i][0], 'a' + i % 26);
	arena_free(&a);
	arena_free(&a); /* twice is harmless */
}
END_TEST

START_TEST(strndup_cuts)
{
	struct arena a = {0};
	ck_assert_str_eq(arena_strndup(&a, "abcdef", 3), "abc");
	ck_assert_str_eq(arena_strndup(&a, "", 0), "");
	ck_assert_str_eq(arena_strdup(&a, "x y"), "x y");
	arena_free(&a);
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");
	tcase_add_test(tc, aligned);
	tcase_add_test(tc, survive_new_blocks);
	tcase_add_test(tc, strndup_cuts);
	suite_add_tcase(s, tc);
	return s;
}
