/* test_report_compare.c - several JSON reports side by side: one row per
 * clause, the rows that differ first, a clause one run lacks shown as "-",
 * the HTML page escaped, and files that are not reports refused by name. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/report.h"
#include "tests/unit/suites.h"

static char files[3][64];

static void write_report(int i, const char *name, const char *clauses)
{
	snprintf(files[i], sizeof files[i], "/tmp/mqttspec-cmp-%d-XXXXXX", i);
	int fd = mkstemp(files[i]);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "{\"format\": \"mqttspec-report\", \"format_version\": 1, %s \"brokers\": [\"mqtt://h%d\"], "
		   "\"started_at\": \"2024-01-0%dT00:00:00Z\", \"clauses\": [%s]}",
		name, i, i + 1, clauses);
	fclose(f);
}

#define CL(id, v) "{\"id\": \"" id "\", \"section\": \"3.1\", \"summary\": \"s <" id ">\", \"verdict\": \"" v "\"}"

static void setup(void)
{
	write_report(0, "\"broker_name\": \"A & co\",", CL("MQTT-1", "PASS") "," CL("MQTT-2", "FAIL") "," CL("MQTT-3", "PASS"));
	write_report(1, "", CL("MQTT-1", "PASS") "," CL("MQTT-2", "PASS") "," CL("MQTT-3", "PASS") "," CL("MQTT-4", "WARN"));
	write_report(2, "", CL("MQTT-1", "PASS") "," CL("MQTT-2", "FAIL") "," CL("MQTT-3", "PASS"));
}

static void teardown(void)
{
	for (int i = 0; i < 3; i++)
		unlink(files[i]);
}

static char *render(const struct report_compare *c, int html)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct err e;
	ck_assert_int_eq(html ? report_compare_html(c, f, &e) : report_compare_text(c, f, &e), 0);
	fclose(f);
	return buf;
}

START_TEST(text_differences_first)
{
	const char *const two[] = {files[0], files[1]};
	struct err e;
	struct report_compare *c = report_compare_load(two, 2, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	ck_assert_uint_eq(report_compare_ndiff(c), 2);
	char *t = render(c, 0);
	char want[200];
	snprintf(want, sizeof want, "[1] A & co (2024-01-01T00:00:00Z)  %s\n", files[0]);
	ck_assert_ptr_eq(strstr(t, want), t);
	snprintf(want, sizeof want, "[2] mqtt://h1 (2024-01-02T00:00:00Z)  %s\n", files[1]);
	ck_assert_ptr_nonnull(strstr(t, want));
	const char *r2 = strstr(t, "MQTT-2             3.1       FAIL            PASS"),
		   *r4 = strstr(t, "MQTT-4             3.1       -               WARN"),
		   *same = strstr(t, "-- the same in every run --\n"),
		   *r1 = strstr(t, "MQTT-1             3.1       PASS            PASS");
	ck_assert(r2 && r4 && same && r1);
	ck_assert(r2 < r4 && r4 < same && same < r1);
	ck_assert_ptr_nonnull(strstr(t, "\n2 of 4 clauses differ between the runs\n"));
	free(t);
	report_compare_free(c);
}
END_TEST

START_TEST(identical_runs)
{
	const char *const same[] = {files[0], files[2]};
	struct err e;
	struct report_compare *c = report_compare_load(same, 2, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(report_compare_ndiff(c), 0);
	char *t = render(c, 0);
	/* Nothing differs: no separator line. */
	ck_assert_ptr_null(strstr(t, "-- the same in every run --"));
	ck_assert_ptr_nonnull(strstr(t, "0 of 3 clauses differ between the runs"));
	free(t);
	report_compare_free(c);
}
END_TEST

START_TEST(html_escaped_and_marked)
{
	const char *const three[] = {files[0], files[1], files[2]};
	struct err e;
	struct report_compare *c = report_compare_load(three, 3, &e);
	ck_assert_ptr_nonnull(c);
	char *h = render(c, 1);
	ck_assert_ptr_eq(strstr(h, "<!DOCTYPE html>\n"), h);
	ck_assert_ptr_nonnull(strstr(h, "<li>A &amp; co (2024-01-01T00:00:00Z) <span class=\"dim\">"));
	ck_assert_ptr_nonnull(strstr(h, "<th>[3]</th>"));
	ck_assert_ptr_nonnull(strstr(h, "<tr class=\"diff\"><td class=\"cid\">3.1.1:MQTT-2</td><td>3.1</td><td>s &lt;MQTT-2&gt;</td>"
					"<td><span class=\"vd FAIL\">FAIL</span></td><td><span class=\"vd PASS\">PASS</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<td><span class=\"vd UNTESTED\">-</span></td><td><span class=\"vd WARN\">WARN</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<tr><td class=\"cid\">3.1.1:MQTT-1</td>"));
	ck_assert_ptr_null(strstr(h, "<MQTT-"));
	ck_assert_ptr_nonnull(strstr(h, "<p>2 of 4 clauses differ between the runs; they come first.</p>"));
	ck_assert_str_eq(h + strlen(h) - 16, "</body>\n</html>\n");
	free(h);
	report_compare_free(c);
}
END_TEST

START_TEST(refused_files)
{
	char bad[] = "/tmp/mqttspec-cmp-bad-XXXXXX";
	int fd = mkstemp(bad);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"format\": \"mqttspec-report\", \"format_version\": 2}", 50), 50);
	close(fd);
	const char *const two[] = {files[0], bad};
	struct err e;
	ck_assert_ptr_null(report_compare_load(two, 2, &e));
	char want[200];
	snprintf(want, sizeof want, "%s: not an mqttspec JSON report of format_version 1 (mqttspec run --json)", bad);
	ck_assert_str_eq(e.msg, want);
	const char *const missing[] = {"/nonexistent.json"};
	ck_assert_ptr_null(report_compare_load(missing, 1, &e));
	ck_assert_str_eq(e.msg, "/nonexistent.json: No such file or directory");
	const char *many[REPORT_COMPARE_MAX_RUNS + 1];
	for (size_t i = 0; i <= REPORT_COMPARE_MAX_RUNS; i++)
		many[i] = files[0];
	ck_assert_ptr_null(report_compare_load(many, REPORT_COMPARE_MAX_RUNS + 1, &e));
	ck_assert_str_eq(e.msg, "at most 16 reports, got 17");
	unlink(bad);
	/* A write error is reported. */
	struct report_compare *c = report_compare_load(two, 1, &e);
	ck_assert_ptr_nonnull(c);
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		ck_assert_int_eq(report_compare_text(c, full, &e), -1);
		ck_assert_str_eq(e.msg, "write error");
		fclose(full);
	}
	report_compare_free(c);
}
END_TEST

Suite *report_compare_suite(void)
{
	Suite *s = suite_create("report_compare");
	TCase *tc = tcase_create("report_compare");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, text_differences_first);
	tcase_add_test(tc, identical_runs);
	tcase_add_test(tc, html_escaped_and_marked);
	tcase_add_test(tc, refused_files);
	suite_add_tcase(s, tc);
	return s;
}
