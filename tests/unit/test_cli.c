/* test_cli.c - what the commands share (cli/cli.c): where the cases are
 * (MQTTSPEC_CASES, else the in-tree cases/ beside the binary), loading the
 * catalog and the built-in suite or --cases folders (ids unique across
 * them), and the usage error's words and status. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <check.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/json_util.h"
#include "tests/unit/capture.h"
#include "tests/unit/suites.h"

#define A_CASE "cases/mqtt-3.1.1/3.1-connect/connect-bad-credentials.json"

START_TEST(parse_finds_the_cases)
{
	char *argv[] = {"mqttspec", "list", NULL};
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	unsetenv("MQTTSPEC_CASES");
	optind = 0;
	ck_assert_int_eq(cli_parse(2, argv, &o), 1);
	/* run-tests is build/run-tests: its cases are the tree's. */
	char want[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("cases", want));
	ck_assert_str_eq(o.cases_dir, want);
	ck_assert_int_eq(o.jobs, 32);
	setenv("MQTTSPEC_CASES", "/somewhere/cases", 1);
	optind = 0;
	ck_assert_int_eq(cli_parse(2, argv, &o), 1);
	ck_assert_str_eq(o.cases_dir, "/somewhere/cases");
	unsetenv("MQTTSPEC_CASES");
}
END_TEST

START_TEST(load_catalog_and_builtin_suite)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.cases_dir = "cases";
	struct catalog cat;
	struct case_set set;
	struct err e;
	ck_assert_msg(cli_load_err(&o, &cat, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_gt(cat.count, 100);
	ck_assert_str_eq(catalog_part(&cat, MQTT_V311)->spec, "MQTT 3.1.1");
	catalog_free(&cat);
	ck_assert_msg(cli_load_err(&o, &cat, &set, &e) == 0, "%s", e.msg);
	ck_assert_uint_gt(set.n, 50);
	case_set_free(&set);
	catalog_free(&cat);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	struct err e;
	size_t n;
	char *text = json_util_read_file(from, &n, &e);
	ck_assert_msg(text != NULL, "%s", e.msg);
	FILE *f = fopen(to, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	fclose(f);
	free(text);
}

START_TEST(load_user_folders)
{
	char d1[] = "/tmp/mqttspec-cli-a-XXXXXX", d2[] = "/tmp/mqttspec-cli-b-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(d1));
	ck_assert_ptr_nonnull(mkdtemp(d2));
	char f1[64], f2[64];
	snprintf(f1, sizeof f1, "%s/x.json", d1);
	snprintf(f2, sizeof f2, "%s/y.json", d2);
	copy_file(A_CASE, f1);
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.cases_dir = "cases";
	char *one[] = {d1};
	o.user_cases = one;
	o.nuser_cases = 1;
	struct catalog cat;
	struct case_set set;
	struct err e;
	/* --cases replaces the built-in suite; the catalog stays the tool's. */
	ck_assert_msg(cli_load_err(&o, &cat, &set, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.cases[0].id, "connect-bad-credentials");
	ck_assert_uint_gt(cat.count, 100);
	case_set_free(&set);
	catalog_free(&cat);
	/* The same id in two folders names both files. */
	copy_file(A_CASE, f2);
	char *two[] = {d1, d2};
	o.user_cases = two;
	o.nuser_cases = 2;
	ck_assert_int_eq(cli_load_err(&o, &cat, &set, &e), -1);
	char want[300];
	snprintf(want, sizeof want, "%s: $.id: \"connect-bad-credentials\" is also the id of %s", f2, f1);
	ck_assert_str_eq(e.msg, want);
	unlink(f1);
	unlink(f2);
	rmdir(d1);
	rmdir(d2);
}
END_TEST

START_TEST(load_errors_printed)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.cases_dir = "/nonexistent";
	struct catalog cat;
	capture_begin();
	int rc = cli_load(&o, &cat, NULL);
	char *out = capture_end();
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(out, "mqttspec: /nonexistent/clauses/mqtt-3.1.1.json: ") == out, "%s", out);
	free(out);
	/* A --cases folder that does not exist. */
	o.cases_dir = "cases";
	char *missing[] = {"/nonexistent-cases"};
	o.user_cases = missing;
	o.nuser_cases = 1;
	struct case_set set;
	struct err e;
	ck_assert_int_eq(cli_load_err(&o, &cat, &set, &e), -1);
	ck_assert_msg(strstr(e.msg, "/nonexistent-cases"), "%s", e.msg);
}
END_TEST

START_TEST(usage_error)
{
	capture_begin();
	int rc = cli_usage_error("list: expected \"clauses\" or \"cases\", got \"%s\"", "x");
	char *out = capture_end();
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(out, "mqttspec: list: expected \"clauses\" or \"cases\", got \"x\"\n(mqttspec --help shows the options)\n");
	free(out);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_add_test(tc, parse_finds_the_cases);
	tcase_add_test(tc, load_catalog_and_builtin_suite);
	tcase_add_test(tc, load_user_folders);
	tcase_add_test(tc, load_errors_printed);
	tcase_add_test(tc, usage_error);
	suite_add_tcase(s, tc);
	return s;
}
