/* test_json_util.c - util/json_util: strict typed getters that name the
 * JSON path in every error, syntax errors as line and column, integers only
 * where a double holds them exactly, and whole files read (or refused). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/suites.h"
#include "util/json_util.h"

static cJSON *parse(const char *text)
{
	struct err e;
	cJSON *j = json_util_parse(text, &e);
	ck_assert_msg(j != NULL, "%s", e.msg);
	return j;
}

START_TEST(syntax_error_position)
{
	struct err e;
	ck_assert_ptr_null(json_util_parse("{\n  \"a\": 1,\n  \"b\" 2\n}", &e));
	ck_assert_str_eq(e.msg, "line 3, column 7: JSON syntax error");
	/* Trailing bytes after the value are an error too. */
	ck_assert_ptr_null(json_util_parse("{} x", &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "JSON syntax error"));
}
END_TEST

START_TEST(typed_getters)
{
	cJSON *j = parse("{\"s\":\"x\",\"i\":7,\"b\":true,\"f\":1.5,\"n\":null}");
	struct err e;
	const char *s = NULL;
	long i = 0;
	int b = 0;
	ck_assert_int_eq(json_util_str(j, "s", "$", 1, &s, &e), 0);
	ck_assert_str_eq(s, "x");
	ck_assert_int_eq(json_util_str(j, "none", "$", 0, &s, &e), 1);
	ck_assert_int_eq(json_util_str(j, "none", "$", 1, &s, &e), -1);
	ck_assert_str_eq(e.msg, "$.none: required field missing");
	ck_assert_int_eq(json_util_str(j, "i", "steps[1]", 1, &s, &e), -1);
	ck_assert_str_eq(e.msg, "steps[1].i: expected a string");
	ck_assert_int_eq(json_util_int(j, "i", "$", 1, 0, 10, &i, &e), 0);
	ck_assert_int_eq(i, 7);
	ck_assert_int_eq(json_util_int(j, "i", "$", 1, 0, 5, &i, &e), -1);
	ck_assert_str_eq(e.msg, "$.i: 7 is out of range 0..5");
	ck_assert_int_eq(json_util_int(j, "f", "$", 1, 0, 5, &i, &e), -1);
	ck_assert_str_eq(e.msg, "$.f: expected an integer");
	ck_assert_int_eq(json_util_bool(j, "b", "$", 1, &b, &e), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(json_util_bool(j, "n", "$", 1, &b, &e), -1);
	ck_assert_str_eq(e.msg, "$.n: expected true or false");
	ck_assert_int_eq(json_util_bool(j, "none", "$", 0, &b, &e), 1);
	cJSON_Delete(j);
}
END_TEST

START_TEST(longs_exact_only)
{
	cJSON *j = parse("[9007199254740992, 9007199254740994, 1e300, -3, 0.5, \"1\"]");
	long x = 0;
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 0), &x), 0);
	ck_assert_int_eq(x, 9007199254740992L);
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 1), &x), -1);
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 2), &x), -1);
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 3), &x), 0);
	ck_assert_int_eq(x, -3);
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 4), &x), -1);
	ck_assert_int_eq(json_util_long(cJSON_GetArrayItem(j, 5), &x), -1);
	cJSON_Delete(j);
}
END_TEST

START_TEST(known_keys)
{
	static const char *const keys[] = {"id", "title", NULL};
	cJSON *j = parse("{\"id\":1,\"title\":2}");
	struct err e;
	ck_assert_int_eq(json_util_known_keys(j, "$", keys, &e), 0);
	cJSON_AddNumberToObject(j, "titel", 3);
	ck_assert_int_eq(json_util_known_keys(j, "$.clients.a", keys, &e), -1);
	ck_assert_str_eq(e.msg, "$.clients.a.titel: unknown field");
	cJSON_Delete(j);
}
END_TEST

static void write_tmp(char *path, const void *b, size_t n)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, n), (long)n);
	close(fd);
}

START_TEST(files)
{
	char path[] = "/tmp/mqttspec-json-util-XXXXXX";
	write_tmp(path, "{\"a\":\n[1,]}", 11);
	struct err e;
	size_t n = 0;
	char *text = json_util_read_file(path, &n, &e);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(n, 11);
	free(text);
	ck_assert_ptr_null(json_util_parse_file(path, &e));
	char want[200];
	snprintf(want, sizeof want, "%s: line 2, column", path);
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s", e.msg);
	unlink(path);

	char nul[] = "/tmp/mqttspec-json-util-XXXXXX";
	write_tmp(nul, "{}\0{}", 5);
	ck_assert_ptr_null(json_util_parse_file(nul, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, ": NUL byte in file"));
	unlink(nul);

	ck_assert_ptr_null(json_util_read_file("/nonexistent/mqttspec.json", &n, &e));
	ck_assert_str_eq(e.msg, "/nonexistent/mqttspec.json: No such file or directory");
}
END_TEST

Suite *json_util_suite(void)
{
	Suite *s = suite_create("json_util");
	TCase *tc = tcase_create("json_util");
	tcase_add_test(tc, syntax_error_position);
	tcase_add_test(tc, typed_getters);
	tcase_add_test(tc, longs_exact_only);
	tcase_add_test(tc, known_keys);
	tcase_add_test(tc, files);
	suite_add_tcase(s, tc);
	return s;
}
