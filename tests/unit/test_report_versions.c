/*
 * test_report_versions.c - one run holding both catalogs: the shipped 3.1.1
 * catalog and a small 5.0 fixture (tests/unit/fixture-mqtt-5.0.json) that
 * shares the id MQTT-3.1.2-3 with it. A 3.1.1 case fails its MQTT-3.1.2-3, a
 * 5.0 case passes its own: the two clauses never mix, in the verdicts, the
 * JSON report (protocol fields), JUnit (a suite per version), the text and
 * Markdown headings, the baseline (keyed by version) and compare. Then
 * --only with bare and qualified ids, and explain of a bare id.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "reports/report.h"
#include "result/baseline.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "tests/unit/capture.h"
#include "tests/unit/suites.h"

#define FIXTURE_50 "tests/unit/fixture-mqtt-5.0.json"
#define SHARED "MQTT-3.1.2-3"

static struct catalog cat;
static struct run_result run;

static void load_both(struct catalog *c)
{
	struct err e;
	ck_assert_msg(catalog_load(c, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_msg(catalog_add(c, FIXTURE_50, MQTT_V5, &e) == 0, "%s", e.msg);
}

/* A case of version `v` with one check on SHARED, passed or failed. */
static void add_case(enum mqtt_version v, const char *id, enum check_outcome outcome)
{
	struct case_result *c = &run.cases[run.ncases++];
	memset(c, 0, sizeof *c);
	c->id = alloc_strdup(id);
	c->title = alloc_strdup(id);
	c->file = alloc_strdup(v == MQTT_V5 ? "cases/mqtt-5.0/x.json" : "cases/mqtt-3.1.1/x.json");
	c->protocol = v;
	c->selected = 1;
	c->steps_total = c->steps_run = 1;
	const struct catalog_clause *cl = catalog_find(&cat, v, SHARED);
	ck_assert_ptr_nonnull(cl);
	struct check_result *k = results_add_check(c, cl);
	results_set_outcome(k, outcome, 5);
	results_set_step(k, 0, "steps[0]");
	results_expect_clause(k, cl);
	results_set_actual(k, "%s", outcome == CHECK_FAIL ? "the broker answered" : "closed");
}

static void setup(void)
{
	load_both(&cat);
	memset(&run, 0, sizeof run);
	run.tool_version = alloc_strdup("0.1.0-test");
	run.spec = alloc_strdup("MQTT 3.1.1, MQTT 5.0");
	run.started_at = alloc_strdup("2024-05-01T12:00:00Z");
	run.cases = alloc_zeroed(2, sizeof *run.cases);
	add_case(MQTT_V311, "old-fails", CHECK_FAIL);
	add_case(MQTT_V5, "new-passes", CHECK_PASS);
	results_aggregate(&run, &cat, results_selected_versions(run.cases, run.ncases));
}

static void teardown(void)
{
	results_free(&run);
	catalog_free(&cat);
}

static const struct clause_result *clause_of(enum mqtt_version v, const char *id)
{
	for (size_t i = 0; i < run.nclauses; i++)
		if (run.clauses[i].clause->version == v && strcmp(run.clauses[i].clause->id, id) == 0)
			return &run.clauses[i];
	return NULL;
}

static char *render(int (*fn)(const struct run_result *, FILE *, struct err *))
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct err e;
	ck_assert_int_eq(fn(&run, f, &e), 0);
	fclose(f);
	return buf;
}

static int text_write(const struct run_result *r, FILE *f, struct err *e)
{
	return report_text_write(r, NULL, f, e);
}

START_TEST(verdicts_never_mix)
{
	struct catalog_part const *p11 = catalog_part(&cat, MQTT_V311), *p5 = catalog_part(&cat, MQTT_V5);
	ck_assert_uint_eq(run.nversions, 2);
	ck_assert_int_eq(run.versions[0], MQTT_V311);
	ck_assert_int_eq(run.versions[1], MQTT_V5);
	ck_assert_uint_eq(run.nclauses, p11->count + p5->count);
	ck_assert_int_eq(clause_of(MQTT_V311, SHARED)->verdict, VERDICT_FAIL);
	ck_assert_int_eq(clause_of(MQTT_V5, SHARED)->verdict, VERDICT_PASS);
	ck_assert_uint_eq(clause_of(MQTT_V5, SHARED)->ncases, 1);
	ck_assert_str_eq(run.cases[clause_of(MQTT_V5, SHARED)->cases[0]].id, "new-passes");
	ck_assert_int_eq(clause_of(MQTT_V5, "MQTT-3.15.1-1")->verdict, VERDICT_UNTESTED);
	size_t c5[VERDICT_COUNT];
	results_version_counts(&run, MQTT_V5, c5);
	ck_assert_uint_eq(c5[VERDICT_PASS], 1);
	ck_assert_uint_eq(c5[VERDICT_FAIL], 0);
	ck_assert_uint_eq(c5[VERDICT_UNTESTED], 2);
	char q[CATALOG_QID_MAX];
	ck_assert_str_eq(results_clause_qid(clause_of(MQTT_V5, SHARED), q, sizeof q), "5.0:MQTT-3.1.2-3");
	/* A run that selected 3.1.1 cases only reports 3.1.1 only. */
	run.cases[1].selected = 0;
	results_aggregate(&run, &cat, results_selected_versions(run.cases, run.ncases));
	ck_assert_uint_eq(run.nversions, 1);
	ck_assert_uint_eq(run.nclauses, p11->count);
	ck_assert_ptr_null(clause_of(MQTT_V5, SHARED));
	ck_assert_int_eq(clause_of(MQTT_V311, SHARED)->verdict, VERDICT_FAIL);
}
END_TEST

START_TEST(json_has_protocol_fields)
{
	char *js = render(report_json_write);
	cJSON *root = cJSON_Parse(js);
	ck_assert_ptr_nonnull(root);
	const cJSON *pv = cJSON_GetObjectItem(root, "protocols");
	ck_assert_int_eq(cJSON_GetArraySize(pv), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(pv, 0)->valuestring, "3.1.1");
	ck_assert_str_eq(cJSON_GetArrayItem(pv, 1)->valuestring, "5.0");
	size_t seen = 0;
	const cJSON *cl;
	cJSON_ArrayForEach(cl, cJSON_GetObjectItem(root, "clauses"))
	{
		const char *p = cJSON_GetObjectItem(cl, "protocol")->valuestring;
		ck_assert(strcmp(p, "3.1.1") == 0 || strcmp(p, "5.0") == 0);
		if (strcmp(cJSON_GetObjectItem(cl, "id")->valuestring, SHARED) != 0)
			continue;
		seen++;
		ck_assert_str_eq(cJSON_GetObjectItem(cl, "verdict")->valuestring, strcmp(p, "5.0") == 0 ? "PASS" : "FAIL");
	}
	ck_assert_uint_eq(seen, 2);
	const cJSON *cases = cJSON_GetObjectItem(root, "cases");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cases, 0), "protocol")->valuestring, "3.1.1");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cases, 1), "protocol")->valuestring, "5.0");
	cJSON_Delete(root);
	free(js);
}
END_TEST

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

START_TEST(junit_suite_per_version)
{
	char *xml = render(report_junit_write);
	ck_assert_uint_eq(count(xml, "<testsuite "), 2);
	const char *a = strstr(xml, "<testsuite name=\"MQTT 3.1.1\""), *b = strstr(xml, "<testsuite name=\"MQTT 5.0\" tests=\"3\" failures=\"0\"");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b);
	/* Each suite holds its own version's testcases only. */
	const char *fail = strstr(xml, "<failure ");
	ck_assert_ptr_nonnull(fail);
	ck_assert(fail < b);
	ck_assert_uint_eq(count(b, "<testcase "), 3);
	ck_assert_ptr_nonnull(strstr(b, "classname=\"mqttspec 5.0 section 3.1\" name=\"MQTT-3.1.2-3 Test fixture"));
	ck_assert_ptr_nonnull(strstr(xml, "classname=\"mqttspec 3.1.1 section 3.1\" name=\"MQTT-3.1.2-3 "));
	free(xml);
}
END_TEST

START_TEST(text_and_markdown_headings_per_version)
{
	char *t = render(text_write);
	const char *h1 = strstr(t, "\nClauses of MQTT 3.1.1\n"), *h5 = strstr(t, "\nClauses of MQTT 5.0\n");
	ck_assert_ptr_nonnull(h1);
	ck_assert_ptr_nonnull(h5);
	ck_assert(h1 < h5);
	ck_assert_ptr_nonnull(strstr(h5, "\nMQTT-3.1.2-3 "));
	ck_assert_ptr_nonnull(strstr(t, "\nFailures in MQTT 3.1.1\n"));
	const char *f5 = strstr(t, "\nFailures in MQTT 5.0\n");
	ck_assert_ptr_nonnull(f5);
	ck_assert_ptr_eq(strstr(f5, "\n  none\n"), f5 + strlen("\nFailures in MQTT 5.0"));
	ck_assert_ptr_nonnull(strstr(t, "\n    3.1.1: 1 FAIL"));
	ck_assert_ptr_nonnull(strstr(t, "\n    5.0:   0 FAIL, 0 WARN, 1 PASS"));
	free(t);
	char *md = render(report_markdown_write);
	ck_assert_ptr_nonnull(strstr(md, "#### Failing clauses of MQTT 3.1.1\n\n- **MQTT-3.1.2-3**"));
	ck_assert_ptr_null(strstr(md, "Failing clauses of MQTT 5.0"));
	ck_assert_ptr_nonnull(strstr(md, "\n| 5.0 clauses | 0 | 0 | 1 |"));
	free(md);
	char *html = render(report_html_write);
	ck_assert_ptr_nonnull(strstr(html, "<h2>Every clause of MQTT 5.0, by section</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"c-5.0:MQTT-3.1.2-3\""));
	ck_assert_ptr_nonnull(strstr(html, "id=\"c-3.1.1:MQTT-3.1.2-3\""));
	ck_assert_ptr_nonnull(strstr(html, "<option value=\"5.0:3.1\">3.1 CONNECT</option>"));
	free(html);
}
END_TEST

static void to_file(const char *text, char *path)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Version 2 is written, qualified, and read back; the same id of the other
 * version never matches. */
START_TEST(baseline_v2_written_and_read)
{
	char *text = render(baseline_write);
	cJSON *root = cJSON_Parse(text);
	ck_assert_int_eq(cJSON_GetObjectItem(root, "version")->valueint, 2);
	const cJSON *en = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "entries"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(en, "clause")->valuestring, "3.1.1:MQTT-3.1.2-3");
	ck_assert_str_eq(cJSON_GetObjectItem(en, "case")->valuestring, "old-fails");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "entries")), 1);
	cJSON_Delete(root);
	char path[] = "/tmp/mqttspec-bl2-XXXXXX";
	to_file(text, path);
	free(text);
	struct baseline b;
	struct err e;
	ck_assert_msg(baseline_load(&b, path, &e) == 0, "%s", e.msg);
	unlink(path);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_int_eq(b.entries[0].version, MQTT_V311);
	ck_assert_str_eq(b.entries[0].clause, SHARED);
	baseline_apply(&b, &run);
	ck_assert(run.cases[0].checks[0].baselined);
	ck_assert_uint_eq(run.regressions, 0);
	ck_assert_uint_eq(run.known, 1);
	baseline_free(&b);

	/* The 5.0 namesake for the 3.1.1 case's id is another clause: a regression. */
	char other[] = "/tmp/mqttspec-bl2-XXXXXX";
	to_file("{\"format\":\"mqttspec-baseline\",\"version\":2,\"entries\":[{\"clause\":\"5.0:MQTT-3.1.2-3\","
		"\"case\":\"old-fails\"},{\"clause\":\"5.0:MQTT-3.1.2-3\",\"case\":\"new-passes\"}]}",
		other);
	ck_assert_msg(baseline_load(&b, other, &e) == 0, "%s", e.msg);
	unlink(other);
	ck_assert_int_eq(b.entries[0].version, MQTT_V5);
	baseline_apply(&b, &run);
	ck_assert(!run.cases[0].checks[0].baselined);
	ck_assert_uint_eq(run.regressions, 1);
	/* ... and the 5.0 entry of the passing 5.0 case is fixed, with its version. */
	ck_assert_uint_eq(run.nfixed, 1);
	ck_assert_int_eq(run.fixed[0].version, MQTT_V5);
	ck_assert_str_eq(run.fixed[0].case_id, "new-passes");
	char *t = render(text_write);
	ck_assert_ptr_nonnull(strstr(t, "  regression: 3.1.1:MQTT-3.1.2-3 in case old-fails steps[0]\n"));
	ck_assert_ptr_nonnull(strstr(t, "  fixed: 5.0:MQTT-3.1.2-3 in case new-passes now passes"));
	free(t);
	baseline_free(&b);
	run.baseline = NULL;
}
END_TEST

/* A version 1 file (bare ids) is 3.1.1's. */
START_TEST(baseline_v1_read_as_311)
{
	struct baseline b;
	struct err e;
	ck_assert_msg(baseline_load(&b, "tests/golden/baseline.json", &e) == 0, "%s", e.msg);
	ck_assert_uint_gt(b.n, 0);
	for (size_t i = 0; i < b.n; i++) {
		ck_assert_int_eq(b.entries[i].version, MQTT_V311);
		ck_assert_ptr_null(strchr(b.entries[i].clause, ':'));
	}
	baseline_free(&b);
}
END_TEST

START_TEST(compare_keys_on_version)
{
	char *js = render(report_json_write);
	char path[] = "/tmp/mqttspec-cmpv-XXXXXX";
	to_file(js, path);
	free(js);
	const char *files[] = {path, path};
	struct err e;
	struct report_compare *c = report_compare_load(files, 2, &e);
	ck_assert_ptr_nonnull(c);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_int_eq(report_compare_text(c, f, &e), 0);
	fclose(f);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(buf, "\n3.1.1:MQTT-3.1.2-3 "));
	ck_assert_ptr_nonnull(strstr(buf, "\n5.0:MQTT-3.1.2-3 "));
	char want[64];
	snprintf(want, sizeof want, "0 of %zu clauses differ", run.nclauses);
	ck_assert_ptr_nonnull(strstr(buf, want));
	free(buf);
	report_compare_free(c);
}
END_TEST

/* A case of each version claiming SHARED (section 3.1.2.3 in both). */
static void two_specs(struct case_spec *cs)
{
	static const char *claims[] = {SHARED};
	memset(cs, 0, 2 * sizeof *cs);
	cs[0].id = "old";
	cs[0].protocol = MQTT_V311;
	cs[1].id = "new";
	cs[1].protocol = MQTT_V5;
	for (int i = 0; i < 2; i++) {
		cs[i].claims = claims;
		cs[i].nclaims = 1;
	}
}

static int selected(const char *only, int version, const struct case_spec *cs)
{
	char *sel[] = {(char *)only};
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.only = only ? sel : NULL;
	o.nonly = only ? 1 : 0;
	return cli_selects(&o, version, &cs[0], &cat) | cli_selects(&o, version, &cs[1], &cat) << 1;
}

START_TEST(only_bare_and_qualified)
{
	struct case_spec cs[2];
	two_specs(cs);
	ck_assert_int_eq(selected(SHARED, -1, cs), 3);            /* bare: both versions */
	ck_assert_int_eq(selected("5.0:" SHARED, -1, cs), 2);     /* the 5.0 case only */
	ck_assert_int_eq(selected("3.1.1:" SHARED, -1, cs), 1);   /* the 3.1.1 case only */
	ck_assert_int_eq(selected("MQTT-3.1.*", -1, cs), 3);      /* a glob, bare */
	ck_assert_int_eq(selected("5.0:MQTT-3.1.*", -1, cs), 2);  /* a glob, qualified */
	ck_assert_int_eq(selected("5.0:3.1.2", -1, cs), 2);       /* a section of 5.0 */
	ck_assert_int_eq(selected("3.1.2", -1, cs), 3);
	ck_assert_int_eq(selected("3.1.1:new", -1, cs), 0);       /* a case id, of another version */
	ck_assert_int_eq(selected("5.0:new", -1, cs), 2);
	ck_assert_int_eq(selected(SHARED, MQTT_V311, cs), 1);     /* --protocol 3.1.1 */
	ck_assert_int_eq(selected(NULL, MQTT_V5, cs), 2);         /* --protocol 5.0 alone */
	ck_assert_int_eq(selected("5.0:" SHARED, MQTT_V311, cs), 0);
}
END_TEST

/* A cases folder with both catalogs: the shipped 3.1.1 one, the 5.0 fixture. */
static void two_catalog_dir(char *dir)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char p[256], cwd[200], target[300];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(p, sizeof p, "%s/clauses", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/clauses/mqtt-3.1.1.json", dir);
	snprintf(target, sizeof target, "%s/cases/clauses/mqtt-3.1.1.json", cwd);
	ck_assert_int_eq(symlink(target, p), 0);
	snprintf(p, sizeof p, "%s/clauses/mqtt-5.0.json", dir);
	snprintf(target, sizeof target, "%s/" FIXTURE_50, cwd);
	ck_assert_int_eq(symlink(target, p), 0);
	snprintf(p, sizeof p, "%s/mqtt-3.1.1", dir);
	snprintf(target, sizeof target, "%s/cases/mqtt-3.1.1", cwd);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void remove_dir(const char *dir)
{
	char p[256];
	const char *const names[] = {"clauses/mqtt-3.1.1.json", "clauses/mqtt-5.0.json", "clauses", "mqtt-3.1.1"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		ck_assert_int_eq(i == 2 ? rmdir(p) : unlink(p), 0);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}

static char *explain(const char *dir, const char *protocol, const char *id, int *rc)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.cases_dir = dir;
	o.protocol = protocol;
	capture_begin();
	*rc = cli_explain(&o, id);
	return capture_end();
}

START_TEST(explain_bare_id_shows_both_versions)
{
	char dir[] = "/tmp/mqttspec-two-XXXXXX";
	two_catalog_dir(dir);
	int rc;
	char *out = explain(dir, NULL, SHARED, &rc);
	ck_assert_int_eq(rc, 0);
	const char *a = strstr(out, "3.1.1:MQTT-3.1.2-3  MUST, section 3.1.2.3 of MQTT 3.1.1\n");
	const char *b = strstr(out, "5.0:MQTT-3.1.2-3  MUST, section 3.1.2.3 of MQTT 5.0\n");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b);
	/* The 3.1.1 cases test the 3.1.1 clause; no 5.0 case does. */
	ck_assert_ptr_nonnull(strstr(a, "Tested by "));
	ck_assert_ptr_nonnull(strstr(b, "No case tests it"));
	free(out);
	out = explain(dir, "5.0", SHARED, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(strstr(out, "3.1.1:MQTT-3.1.2-3"));
	ck_assert_ptr_nonnull(strstr(out, "5.0:MQTT-3.1.2-3  MUST"));
	free(out);
	out = explain(dir, NULL, "3.1.1:" SHARED, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(strstr(out, "5.0:MQTT-3.1.2-3"));
	free(out);
	out = explain(dir, "3.1.1", "5.0:" SHARED, &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "qualified with 5.0, but --protocol says 3.1.1"));
	free(out);
	out = explain(dir, NULL, "5.0:MQTT-3.1.2-33", &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "no clause \"MQTT-3.1.2-33\" in the 5.0 catalog"));
	ck_assert_ptr_nonnull(strstr(out, "did you mean: 5.0:MQTT-3.1.2-3"));
	ck_assert_ptr_null(strstr(out, "3.1.1:"));
	free(out);
	remove_dir(dir);
}
END_TEST

Suite *report_versions_suite(void)
{
	Suite *s = suite_create("report_versions");
	TCase *tc = tcase_create("report_versions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, verdicts_never_mix);
	tcase_add_test(tc, json_has_protocol_fields);
	tcase_add_test(tc, junit_suite_per_version);
	tcase_add_test(tc, text_and_markdown_headings_per_version);
	tcase_add_test(tc, baseline_v2_written_and_read);
	tcase_add_test(tc, baseline_v1_read_as_311);
	tcase_add_test(tc, compare_keys_on_version);
	tcase_add_test(tc, only_bare_and_qualified);
	tcase_add_test(tc, explain_bare_id_shows_both_versions);
	suite_add_tcase(s, tc);
	return s;
}
