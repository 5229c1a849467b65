/*
 * test_report_gate.c - the baseline gate (result/baseline.c) both ways, and
 * the properties of the new outputs that a golden file alone does not
 * state: the JSON validates against docs/report.schema.json, the JUnit file
 * is XML, the HTML is self-contained with failures first and no raw broker
 * markup, the Markdown escapes what would become markup.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/json_util.h"
#include "reports/report.h"
#include "tests/unit/suites.h"
#include "tests/unit/test_report_fixture.h"

static struct test_report_fixture fx;

static char *render(int (*fn)(const struct run_result *, FILE *, struct err *))
{
	char *buf = NULL;
	size_t len = 0;
	struct err e = {{0}};
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(&fx.run, f, &e), 0);
	fclose(f);
	return buf;
}

static char *render_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct err e = {{0}};
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_text_write(&fx.run, NULL, f, &e), 0);
	fclose(f);
	return buf;
}

/* Write text to a fresh temporary file; the caller unlinks `path`. */
static void to_temp(const char *text, char *path)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void with_baseline(void)
{
	test_report_fixture_build(&fx, 1);
}

static void teardown(void)
{
	test_report_fixture_free(&fx);
}

/* ---- the gate ---- */

START_TEST(gate_new_failure_exits_1)
{
	ck_assert_uint_eq(fx.run.regressions, 1);
	ck_assert_uint_eq(fx.run.known, 1);
	ck_assert_int_eq(baseline_exit_status(&fx.run), 1);
	ck_assert(fx.run.cases[0].checks[0].baselined);
	ck_assert(!fx.run.cases[6].checks[0].baselined);
	char *t = render_text();
	ck_assert_ptr_nonnull(strstr(t, "regression: 3.1.1:MQTT-3.10.4-1 in case unsubscribe-new-fail steps[2]"));
	ck_assert_ptr_nonnull(strstr(t, "RESULT: FAIL (1 regression(s): failures not in the baseline)"));
	ck_assert_ptr_nonnull(strstr(t, "FAIL  (known: in the baseline) case connect-reserved-flag"));
	free(t);
}
END_TEST

START_TEST(gate_known_failure_only_exits_0)
{
	fx.run.cases[6].checks[0].outcome = CHECK_PASS;
	results_aggregate(&fx.run, &fx.cat, RESULTS_ALL_VERSIONS);
	baseline_apply(&fx.bl, &fx.run);
	ck_assert_uint_eq(fx.run.regressions, 0);
	ck_assert_uint_eq(fx.run.known, 1);
	ck_assert_int_eq(results_exit_status(&fx.run), 1); /* the clause still FAILs */
	ck_assert_int_eq(baseline_exit_status(&fx.run), 0);
	char *t = render_text();
	ck_assert_ptr_nonnull(strstr(t, "RESULT: PASS (no regression; 1 known failure(s) in the baseline)"));
	free(t);
	char *md = render(report_markdown_write);
	ck_assert_ptr_nonnull(strstr(md, "### mqttspec: PASS (no regression, 1 known failure)"));
	free(md);
	char *xml = render(report_junit_write);
	ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"mqttspec\" tests=\"9\" failures=\"0\""));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"FAIL (known: in the baseline) connect-reserved-flag"));
	free(xml);
}
END_TEST

START_TEST(gate_fixed_entry_is_reported)
{
	ck_assert_uint_eq(fx.run.nfixed, 1);
	ck_assert_str_eq(fx.run.fixed[0].clause, "MQTT-3.1.4-1");
	ck_assert_str_eq(fx.run.fixed[0].case_id, "ping");
	char *t = render_text();
	ck_assert_ptr_nonnull(strstr(t, "fixed: 3.1.1:MQTT-3.1.4-1 in case ping now passes"));
	free(t);
	char *md = render(report_markdown_write);
	ck_assert_ptr_nonnull(strstr(md, "#### Fixed"));
	ck_assert_ptr_nonnull(strstr(md, "- **3.1.1:MQTT-3.1.4-1** in case ping"));
	free(md);
	char *js = render(report_json_write);
	cJSON *root = cJSON_Parse(js);
	cJSON *bl = cJSON_GetObjectItem(root, "baseline");
	ck_assert_int_eq(cJSON_GetObjectItem(bl, "regressions")->valueint, 1);
	cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(bl, "fixed"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(f0, "case")->valuestring, "ping");
	cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "cases"), 0), "checks"), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ch, "baselined")));
	cJSON_Delete(root);
	free(js);
}
END_TEST

START_TEST(gate_strict_counts_should_failures)
{
	fx.run.strict = 1;
	baseline_apply(&fx.bl, &fx.run);
	ck_assert_uint_eq(fx.run.regressions, 2);
}
END_TEST

START_TEST(gate_without_baseline_is_the_plain_status)
{
	test_report_fixture_free(&fx);
	test_report_fixture_build(&fx, 0);
	ck_assert_ptr_null(fx.run.baseline);
	ck_assert_int_eq(baseline_exit_status(&fx.run), results_exit_status(&fx.run));
	char *js = render(report_json_write);
	cJSON *root = cJSON_Parse(js);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(root, "baseline")));
	cJSON_Delete(root);
	free(js);
}
END_TEST

START_TEST(gate_written_baseline_round_trips)
{
	char *text = render(baseline_write);
	char path[] = "/tmp/mqttspec-baseline-XXXXXX";
	to_temp(text, path);
	struct baseline b;
	struct err e;
	ck_assert_msg(baseline_load(&b, path, &e) == 0, "%s", e.msg);
	unlink(path);
	ck_assert_uint_eq(b.n, 2); /* the two MUST failures; the SHOULD one does not gate */
	ck_assert_str_eq(b.entries[0].clause, "MQTT-3.1.2-3");
	ck_assert_str_eq(b.entries[0].case_id, "connect-reserved-flag");
	ck_assert_ptr_nonnull(strstr(b.entries[0].reason, "CONNACK <&>"));
	ck_assert_ptr_nonnull(strstr(text, "\"broker\":\t\"broker <b>&amp; \\\"x\\\"\""));
	baseline_apply(&b, &fx.run);
	ck_assert_uint_eq(fx.run.regressions, 0);
	ck_assert_int_eq(baseline_exit_status(&fx.run), 0);
	fx.run.baseline = NULL; /* b is freed before the fixture */
	fx.run.fixed = NULL;
	fx.run.nfixed = 0;
	baseline_free(&b);
	free(text);
}
END_TEST

static const struct {
	const char *text, *msg;
} bad_baselines[] = {
	{"{\"format\":\"other\",\"version\":1,\"entries\":[]}", "$.format: expected \"mqttspec-baseline\""},
	{"{\"format\":\"mqttspec-baseline\",\"version\":3,\"entries\":[]}", "$.version: this mqttspec reads versions 1 and 2"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":2,\"entries\":[{\"clause\":\"MQTT-1\",\"case\":\"y\"}]}",
	 "$.entries[0].clause: \"MQTT-1\": a version 2 baseline qualifies each id"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":2,\"entries\":[{\"clause\":\"4.0:MQTT-1\",\"case\":\"y\"}]}",
	 "$.entries[0].clause: \"4.0:MQTT-1\": expected VERSION:ID"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":1,\"entries\":[{\"clause\":\"5.0:MQTT-1\",\"case\":\"y\"}]}",
	 "$.entries[0].clause: \"5.0:MQTT-1\": a version 1 baseline has bare 3.1.1 ids"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":1,\"entries\":[{\"clause\":\"X\"}]}", "$.entries[0].case"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":1,\"entries\":[{\"clause\":\"X\",\"case\":\"y\",\"why\":1}]}",
	 "$.entries[0].why: unknown field"},
	{"{\"format\":\"mqttspec-baseline\",\"version\":1}", "$.entries: expected an array"},
	{"[1,", "JSON syntax error"},
};

START_TEST(gate_bad_baseline_files_are_refused)
{
	char path[] = "/tmp/mqttspec-baseline-XXXXXX";
	to_temp(bad_baselines[_i].text, path);
	struct baseline b;
	struct err e;
	ck_assert_int_eq(baseline_load(&b, path, &e), -1);
	unlink(path);
	ck_assert_msg(strstr(e.msg, bad_baselines[_i].msg) && strstr(e.msg, path), "%s", e.msg);
}
END_TEST

/* ---- formats ---- */

START_TEST(json_validates_against_the_schema)
{
	if (system("python3 -c 'import jsonschema' 2>/dev/null") != 0)
		return; /* Debian's python3-jsonschema is not installed: nothing to validate with */
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			test_report_fixture_free(&fx);
			test_report_fixture_build(&fx, 0);
		}
		char *js = render(report_json_write);
		char path[] = "/tmp/mqttspec-report-XXXXXX";
		to_temp(js, path);
		char cmd[512];
		snprintf(cmd, sizeof cmd,
			 "python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
			 "json.load(open(sys.argv[2])))' %s docs/report.schema.json",
			 path);
		int rc = system(cmd);
		unlink(path);
		free(js);
		ck_assert_msg(rc == 0, "the JSON report does not validate against docs/report.schema.json");
	}
}
END_TEST

START_TEST(junit_with_baseline_is_xml)
{
	char *xml = render(report_junit_write);
	ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"mqttspec\" tests=\"9\" failures=\"1\""));
	if (access("/usr/bin/xmllint", X_OK) == 0) {
		char path[] = "/tmp/mqttspec-junit-XXXXXX";
		to_temp(xml, path);
		char cmd[128];
		snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout %s", path);
		int rc = system(cmd);
		unlink(path);
		ck_assert_int_eq(rc, 0);
	}
	free(xml);
}
END_TEST

START_TEST(html_is_self_contained_failures_first_and_escaped)
{
	char *h = render(report_html_write);
	for (const unsigned char *p = (const unsigned char *)h; *p; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n' || *p == '\t', "control byte 0x%02x", *p);
	/* Nothing to fetch: no external script, style, font or image. */
	ck_assert_ptr_null(strstr(h, "src="));
	ck_assert_ptr_null(strstr(h, "<link"));
	ck_assert_ptr_null(strstr(h, "@import"));
	ck_assert_ptr_null(strstr(h, "url("));
	ck_assert_ptr_null(strstr(h, "http://w"));
	/* Broker text is never markup. */
	ck_assert_ptr_null(strstr(h, "a/</testcase>"));
	ck_assert_ptr_null(strstr(h, "<b>&amp;"));
	ck_assert_ptr_null(strstr(h, "\x1b"));
	ck_assert_ptr_nonnull(strstr(h, "broker &lt;b&gt;&amp;amp; &quot;x&quot;"));
	ck_assert_ptr_nonnull(strstr(h, "\xEF\xBF\xBD"));
	/* Failures first: the failures section, holding a FAIL clause, comes before the section list. */
	const char *fails = strstr(h, "<section id=\"failures\">"), *all = strstr(h, "<section id=\"clauses\">");
	const char *first = strstr(h, "<div class=\"clause\" data-verdict=\"");
	ck_assert(fails && all && first && fails < first && first < all);
	ck_assert_ptr_nonnull(strstr(first, "data-verdict=\"FAIL\""));
	ck_assert(strstr(first, "data-verdict=\"FAIL\"") == first + strlen("<div class=\"clause\" "));
	/* The wire trace: a received packet that broke a rule, decoded fields, the failed check marked. */
	ck_assert_ptr_nonnull(strstr(h, "<tr class=\"rx viol\">"));
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"vbadge\">breaks MQTT-3.1.2-3</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<td>topic name</td><td>&quot;a/&lt;b&gt;&amp;&quot; (length 6)</td>"));
	ck_assert_ptr_nonnull(strstr(h, "<tr class=\"wmark\">"));
	ck_assert_ptr_nonnull(strstr(h, "&#x2717; the failing check"));
	ck_assert_ptr_nonnull(strstr(h, "known: in the baseline"));
	free(h);
}
END_TEST

START_TEST(markdown_escapes_markup)
{
	char *md = render(report_markdown_write);
	ck_assert_ptr_null(strstr(md, "|*x*|"));
	ck_assert_ptr_nonnull(strstr(md, "\\|\\*x\\*\\| \\`"));
	ck_assert_ptr_nonnull(strstr(md, "\\<\\&\\>"));
	ck_assert_ptr_null(strstr(md, "\x1b"));
	ck_assert_ptr_nonnull(strstr(md, "#### Regressions"));
	ck_assert_ptr_nonnull(strstr(md, "- **3.1.1:MQTT-3.10.4-1** in case unsubscribe-new-fail"));
	free(md);
}
END_TEST

START_TEST(new_writers_report_write_errors)
{
	int (*fns[])(const struct run_result *, FILE *, struct err *) = {report_html_write, report_markdown_write,
									  baseline_write};
	for (size_t i = 0; i < 3; i++) {
		FILE *f = fopen("/dev/full", "w");
		if (!f)
			return;
		struct err e = {{0}};
		ck_assert_int_eq(fns[i](&fx.run, f, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "write error"));
		fclose(f);
	}
}
END_TEST

Suite *report_gate_suite(void)
{
	Suite *s = suite_create("report_gate");
	TCase *tc = tcase_create("gate");
	tcase_add_checked_fixture(tc, with_baseline, teardown);
	tcase_add_test(tc, gate_new_failure_exits_1);
	tcase_add_test(tc, gate_known_failure_only_exits_0);
	tcase_add_test(tc, gate_fixed_entry_is_reported);
	tcase_add_test(tc, gate_strict_counts_should_failures);
	tcase_add_test(tc, gate_without_baseline_is_the_plain_status);
	tcase_add_test(tc, gate_written_baseline_round_trips);
	tcase_add_loop_test(tc, gate_bad_baseline_files_are_refused, 0,
			    (int)(sizeof bad_baselines / sizeof bad_baselines[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_add_checked_fixture(tc, with_baseline, teardown);
	tcase_add_test(tc, json_validates_against_the_schema);
	tcase_add_test(tc, junit_with_baseline_is_xml);
	tcase_add_test(tc, html_is_self_contained_failures_first_and_escaped);
	tcase_add_test(tc, markdown_escapes_markup);
	tcase_add_test(tc, new_writers_report_write_errors);
	suite_add_tcase(s, tc);
	return s;
}
