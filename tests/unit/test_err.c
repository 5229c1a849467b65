/* test_err.c - util/err: messages are set and prefixed with where, -1 is
 * returned for `return err_set(...)`, and an overlong message keeps its head
 * (the location) when it must be cut. */
#include <check.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "util/err.h"

START_TEST(set_and_prefix)
{
	struct err e;
	ck_assert_int_eq(err_set(&e, "%s: expected %d", "qos", 2), -1);
	ck_assert_str_eq(e.msg, "qos: expected 2");
	ck_assert_int_eq(err_prefix(&e, "steps[%d]", 3), -1);
	ck_assert_int_eq(err_prefix(&e, "%s", "x.json"), -1);
	ck_assert_str_eq(e.msg, "x.json: steps[3]: qos: expected 2");
}
END_TEST

START_TEST(null_err)
{
	ck_assert_int_eq(err_set(NULL, "ignored"), -1);
	ck_assert_int_eq(err_prefix(NULL, "ignored"), -1);
}
END_TEST

START_TEST(long_messages_keep_head)
{
	struct err e;
	char tail[1000];
	memset(tail, 't', sizeof tail - 1);
	tail[sizeof tail - 1] = '\0';
	err_set(&e, "%s", tail);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	err_prefix(&e, "%s", "cases/where.json");
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	ck_assert_int_eq(strncmp(e.msg, "cases/where.json: ttt", 21), 0);
	/* A head longer than the message itself is cut, still terminated. */
	char head[700];
	memset(head, 'h', sizeof head - 1);
	head[sizeof head - 1] = '\0';
	err_prefix(&e, "%s", head);
	ck_assert_uint_le(strlen(e.msg), sizeof e.msg - 1);
	ck_assert_int_eq(e.msg[0], 'h');
}
END_TEST

Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("err");
	tcase_add_test(tc, set_and_prefix);
	tcase_add_test(tc, null_err);
	tcase_add_test(tc, long_messages_keep_head);
	suite_add_tcase(s, tc);
	return s;
}
