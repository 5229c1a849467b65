/*
 * test_report_golden.c - every writer's whole output for one fixed run
 * (tests/test_report_fixture.c), compared byte for byte with
 * tests/golden/report.{txt,json,xml,md,html} (with a baseline applied) and
 * tests/golden/plain.{txt,md} (without one).
 *
 * A change to a writer shows up as a diff of a golden file, which a
 * reviewer reads like any other diff. To regenerate the files after an
 * intended change, from the top of the tree:
 *     MQTTSPEC_UPDATE_GOLDEN=1 build/run-tests
 * then read `git diff tests/golden`. On a mismatch the actual output is left
 * in /tmp/mqttspec-golden-<name> for `diff`.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_util.h"
#include "reports/report.h"
#include "tests/unit/suites.h"
#include "tests/unit/test_report_fixture.h"

static const struct {
	const char *name;
	int with_baseline;
	char fmt; /* t text, j JSON, x JUnit, m Markdown, h HTML */
} goldens[] = {
	{"report.txt", 1, 't'}, {"report.json", 1, 'j'}, {"report.xml", 1, 'x'}, {"report.md", 1, 'm'},
	{"report.html", 1, 'h'}, {"plain.txt", 0, 't'},  {"plain.md", 0, 'm'},
};

static char *render(const struct run_result *run, char fmt)
{
	char *buf = NULL;
	size_t len = 0;
	struct err e = {{0}};
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	int rc = -1;
	switch (fmt) {
	case 't':
		rc = report_text_write(run, NULL, f, &e);
		break;
	case 'j':
		rc = report_json_write(run, f, &e);
		break;
	case 'x':
		rc = report_junit_write(run, f, &e);
		break;
	case 'm':
		rc = report_markdown_write(run, f, &e);
		break;
	case 'h':
		rc = report_html_write(run, f, &e);
		break;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	fclose(f);
	return buf;
}

static void write_all(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(golden_writer_output_matches_file)
{
	struct test_report_fixture fx;
	test_report_fixture_build(&fx, goldens[_i].with_baseline);
	char *got = render(&fx.run, goldens[_i].fmt);
	char path[256];
	snprintf(path, sizeof path, "tests/golden/%s", goldens[_i].name);
	const char *update = getenv("MQTTSPEC_UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0) {
		write_all(path, got);
	} else {
		struct err e;
		size_t n;
		char *want = json_util_read_file(path, &n, &e);
		ck_assert_msg(want != NULL, "%s (regenerate with MQTTSPEC_UPDATE_GOLDEN=1)", e.msg);
		if (strcmp(want, got) != 0) {
			size_t line = 1;
			const char *a = want, *b = got;
			for (; *a && *a == *b; a++, b++)
				line += *a == '\n';
			char tmp[300];
			snprintf(tmp, sizeof tmp, "/tmp/mqttspec-golden-%s", goldens[_i].name);
			write_all(tmp, got);
			free(want);
			ck_abort_msg("%s differs from the output at line %zu: diff %s %s", path, line, path, tmp);
		}
		free(want);
	}
	free(got);
	test_report_fixture_free(&fx);
}
END_TEST

Suite *report_golden_suite(void)
{
	Suite *s = suite_create("report_golden");
	TCase *tc = tcase_create("golden");
	tcase_add_loop_test(tc, golden_writer_output_matches_file, 0, (int)(sizeof goldens / sizeof goldens[0]));
	suite_add_tcase(s, tc);
	return s;
}
