/* test_cli_auth.c - --auth FILE: a method and its data, as text or hex; a
 * malformed file is refused with the file, the JSON path and what is wrong. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_auth.h"
#include "tests/unit/suites.h"

static char path[64];

static int load(const char *text, struct cli_auth *a, struct err *e)
{
	snprintf(path, sizeof path, "/tmp/mqttspec-auth-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	int rc = cli_auth_load(path, a, e);
	unlink(path);
	return rc;
}

START_TEST(text_and_hex_data)
{
	struct cli_auth a;
	struct err e;
	ck_assert_int_eq(load("{\"method\": \"M\", \"data\": [\"hello\", \"\"]}", &a, &e), 0);
	ck_assert_str_eq(a.method, "M");
	ck_assert_uint_eq(a.ndata, 2);
	ck_assert_uint_eq(a.data[0].n, 5);
	ck_assert_int_eq(memcmp(a.data[0].p, "hello", 5), 0);
	ck_assert_uint_eq(a.data[1].n, 0);
	ck_assert_str_eq(a.first_hex, "68656c6c6f");
	cli_auth_free(&a);
	ck_assert_int_eq(load("{\"method\": \"M\", \"data_hex\": [\"00 ff10\"]}", &a, &e), 0);
	ck_assert_uint_eq(a.data[0].n, 3);
	ck_assert_int_eq(a.data[0].p[1], 0xff);
	ck_assert_str_eq(a.first_hex, "00ff10");
	cli_auth_free(&a);
}
END_TEST

START_TEST(malformed_files_are_refused)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"{\"data\": [\"x\"]}", "$.method: required field missing"},
		{"{\"method\": \"\", \"data\": [\"x\"]}", "$.method: expected the name"},
		{"{\"method\": \"M\"}", "$: give \"data\" (text) or \"data_hex\""},
		{"{\"method\": \"M\", \"data\": [\"x\"], \"data_hex\": [\"00\"]}", "$: give \"data\""},
		{"{\"method\": \"M\", \"data_hex\": [\"0g\"]}", "$.data_hex[0]: not hex"},
		{"{\"method\": \"M\", \"data_hex\": [\"abc\"]}", "$.data_hex[0]: not hex"},
		{"{\"method\": \"M\", \"data\": [7]}", "$.data[0]: expected a string"},
		{"{\"method\": \"M\", \"data\": []}", "$.data: expected a list of 1 to 16"},
		{"{\"method\": \"M\", \"data\": [\"x\"], \"round\": 1}", "$.round: unknown field"},
		{"[1]", "$: expected an object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cli_auth a;
		struct err e;
		ck_assert_int_eq(load(bad[i].text, &a, &e), -1);
		ck_assert_msg(strstr(e.msg, bad[i].msg) && strstr(e.msg, path), "%s: got \"%s\"", bad[i].text, e.msg);
		ck_assert_ptr_null(a.method);
	}
}
END_TEST

Suite *cli_auth_suite(void)
{
	Suite *s = suite_create("cli_auth");
	TCase *tc = tcase_create("cli_auth");
	tcase_add_test(tc, text_and_hex_data);
	tcase_add_test(tc, malformed_files_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
