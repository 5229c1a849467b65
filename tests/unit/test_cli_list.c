/* test_cli_list.c - mqttspec list clauses|cases [--coverage], output
 * captured: a row per clause or case and the count, the coverage table whose
 * totals add up, and the usage errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tests/unit/capture.h"
#include "tests/unit/suites.h"

static struct catalog cat;

static void setup(void)
{
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
	catalog_free(&cat);
}

static char *list_v(const char *what, int coverage, const char *cases_dir, const char *protocol, int *rc)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.protocol = protocol;
	o.cases_dir = cases_dir;
	o.coverage = coverage;
	capture_begin();
	*rc = cli_list(&o, what);
	return capture_end();
}

/* 3.1.1 only: the tree may hold the 5.0 catalog too. */
static char *list(const char *what, int coverage, const char *cases_dir, int *rc)
{
	return list_v(what, coverage, cases_dir, "3.1.1", rc);
}

START_TEST(clauses)
{
	int rc;
	char *out = list("clauses", 0, "cases", &rc);
	ck_assert_int_eq(rc, 0);
	const struct catalog_clause *c = &cat.clauses[0];
	char first[600];
	snprintf(first, sizeof first, "%-18s %-9s %-6s %-8s %-6s %s\n", c->id, c->section, catalog_level_name(c->level),
		 c->binds, c->observable, c->summary);
	char head[64];
	snprintf(head, sizeof head, "MQTT 3.1.1 (%zu clauses)\n", cat.count);
	ck_assert_ptr_eq(strstr(out, head), out);
	ck_assert_ptr_eq(strstr(out, first), out + strlen(head));
	size_t lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, cat.count + 2);
	char last[32];
	snprintf(last, sizeof last, "\n%zu clauses\n", cat.count);
	ck_assert_str_eq(out + strlen(out) - strlen(last), last);
	free(out);
}
END_TEST

START_TEST(cases)
{
	int rc;
	char *out = list("cases", 0, "cases", &rc);
	ck_assert_int_eq(rc, 0);
	/* A known case: its id, the clauses it claims, its title under it. */
	const char *row = strstr(out, "\nconnect-bad-credentials ");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, " 3.1.1: MQTT-3.1."));
	ck_assert_ptr_nonnull(strstr(row, "\n    "));
	size_t n = 0;
	const char *end = strrchr(out, '\n');
	ck_assert_ptr_nonnull(end);
	const char *lastline = out;
	for (const char *p = out; p < end; p++)
		if (*p == '\n')
			lastline = p + 1;
	ck_assert_int_eq(sscanf(lastline, "%zu cases", &n), 1);
	ck_assert_uint_gt(n, 50);
	free(out);
}
END_TEST

START_TEST(coverage_totals)
{
	int rc;
	char *out = list("clauses", 1, "cases", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(strstr(out, "MQTT 3.1.1\nsection   tested  untested  client-only    all\n"), out);
	const char *t = strstr(out, "\ntotal ");
	ck_assert_ptr_nonnull(t);
	size_t tested, untested, client, all;
	ck_assert_int_eq(sscanf(t + 1, "total %zu %zu %zu %zu", &tested, &untested, &client, &all), 4);
	ck_assert_uint_eq(all, cat.count);
	ck_assert_uint_eq(tested + untested + client, all);
	ck_assert_uint_gt(tested, 0);
	/* The section rows add up to the total. */
	size_t sum = 0;
	const char *rows = strchr(out, '\n') + 1;
	for (const char *line = strchr(rows, '\n') + 1; line < t + 1; line = strchr(line, '\n') + 1) {
		char sec[16];
		size_t a, b, c, d;
		ck_assert_int_eq(sscanf(line, "%15s %zu %zu %zu %zu", sec, &a, &b, &c, &d), 5);
		ck_assert_uint_eq(a + b + c, d);
		sum += d;
	}
	ck_assert_uint_eq(sum, all);
	/* Then the untested clauses, then the client-only ones, one line each. */
	const char *u = strstr(out, "\nuntested:\n"), *co = strstr(out, "\nclient-only:\n");
	ck_assert(u && co && u < co);
	size_t lines = 0;
	for (const char *p = u + 11; p <= co; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, untested);
	free(out);
}
END_TEST

START_TEST(usage_errors)
{
	int rc;
	char *out = list("clause", 0, "cases", &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(out, "mqttspec: list: expected \"clauses\" or \"cases\", got \"clause\"\n"
			      "(mqttspec --help shows the options)\n");
	free(out);
	out = list("cases", 1, "cases", &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "mqttspec: --coverage goes with list clauses\n"));
	free(out);
	out = list_v("clauses", 0, "cases", "4.0", &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "--protocol: expected 3.1.1, 5.0 or all, got \"4.0\""));
	free(out);
	out = list("clauses", 0, "/nonexistent", &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_eq(strstr(out, "mqttspec: /nonexistent/clauses/mqtt-3.1.1.json"), out);
	free(out);
}
END_TEST

Suite *cli_list_suite(void)
{
	Suite *s = suite_create("cli_list");
	TCase *tc = tcase_create("cli_list");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, clauses);
	tcase_add_test(tc, cases);
	tcase_add_test(tc, coverage_totals);
	tcase_add_test(tc, usage_errors);
	suite_add_tcase(s, tc);
	return s;
}
