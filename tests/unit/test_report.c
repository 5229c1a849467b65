/*
 * test_report.c - the report writers (reports/) and verdict aggregation.
 *
 * One fixed run covers every verdict: a catalog of 8 clauses and 6 cases,
 * aggregated by results_aggregate(). Its broker-supplied strings are hostile
 * (markup, quotes, control bytes, an ANSI escape, invalid UTF-8, a topic
 * "a/</testcase>") because that is what a broken or malicious broker sends,
 * and every output format must stay well-formed anyway.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/json_util.h"
#include "util/utf8_escape.h"
#include "result/results.h"
#include "reports/report.h"
#include "tests/unit/suites.h"

#define HOSTILE "<&>\"' \x01\x1b[31m \xff\xfe a/</testcase>"
#define HOSTILE_CLEAN "<&>\"' \x01\x1b[31m \xEF\xBF\xBD\xEF\xBF\xBD a/</testcase>"
#define FFFD "\xEF\xBF\xBD"

static struct catalog cat;
static struct run_result run;

static const enum verdict want_clause[] = {VERDICT_FAIL,           VERDICT_PASS,         VERDICT_WARN,
					   VERDICT_INCONCLUSIVE,   VERDICT_NOT_APPLICABLE, VERDICT_NOT_SELECTED,
					   VERDICT_UNTESTED,       VERDICT_UNTESTED};

/* ---- building the fixture ---- */

static void add_clause(const char *id, const char *section, enum catalog_level level, const char *summary,
		       const char *untested)
{
	struct catalog_clause *c = &cat.clauses[cat.count++];
	c->id = alloc_strdup(id);
	c->section = alloc_strdup(section);
	c->keyword = alloc_strdup(level == CATALOG_SHOULD ? "SHOULD" : "MUST");
	c->level = level;
	c->binds = alloc_strdup("server");
	c->observable = alloc_strdup(untested ? "no" : "yes");
	c->summary = alloc_strdup(summary);
	c->untested_reason = untested ? alloc_strdup(untested) : NULL;
	c->version = MQTT_V311;
	cat.parts[0].count = cat.count;
}

static const char *cid(const char *id)
{
	const struct catalog_clause *c = catalog_find(&cat, MQTT_V311, id);
	ck_assert_ptr_nonnull(c);
	return c->id; /* interned, as the engine does */
}

static struct case_result *add_case(const char *id, const char *title, int selected)
{
	struct case_result *c = &run.cases[run.ncases++];
	c->id = alloc_strdup(id);
	c->title = alloc_strdup(title);
	c->file = alloc_strdup("cases/mqtt-3.1.1/t.json");
	c->protocol = MQTT_V311;
	c->selected = selected;
	c->nclients = 2;
	c->clients = alloc_bytes(2 * sizeof *c->clients);
	c->client_ids = alloc_bytes(2 * sizeof *c->client_ids);
	c->clients[0] = alloc_strdup("a");
	c->clients[1] = alloc_strdup("b\xff");
	c->client_ids[0] = alloc_strdup("ms1a");
	c->client_ids[1] = alloc_strdup("ms1b");
	c->duration_ms = 250;
	c->steps_total = 4;
	c->steps_run = selected ? 4 : 0;
	return c;
}

static void add_claim(struct case_result *c, const char *id)
{
	for (size_t i = 0; i < c->nclaims; i++)
		if (c->claims[i] == id)
			return;
	c->claims = alloc_resize(c->claims, (c->nclaims + 1) * sizeof *c->claims);
	c->claims[c->nclaims++] = id;
}

static void add_check(struct case_result *c, const char *clause, int should, enum check_outcome o,
		      const char *expected, const char *actual, double t_ms)
{
	c->checks = alloc_resize(c->checks, (c->nchecks + 1) * sizeof *c->checks);
	struct check_result *ch = &c->checks[c->nchecks++];
	char path[32];
	memset(ch, 0, sizeof *ch);
	ch->clauses = alloc_bytes(sizeof *ch->clauses);
	ch->clauses[0] = cid(clause);
	ch->nclauses = 1;
	ch->should = should;
	ch->outcome = o;
	ch->step = c->nchecks + 1;
	snprintf(path, sizeof path, "steps[%zu]", ch->step);
	ch->step_path = alloc_strdup(path);
	ch->expected = alloc_strdup(expected);
	ch->actual = alloc_strdup(actual);
	ch->t_ms = t_ms;
	add_claim(c, ch->clauses[0]);
}

static void add_wire(struct case_result *c, double t, int client, enum wire_dir d, const uint8_t *bytes, size_t len,
		     const char *text, const char *violation)
{
	c->wire = alloc_resize(c->wire, (c->nwire + 1) * sizeof *c->wire);
	struct wire_event *ev = &c->wire[c->nwire++];
	memset(ev, 0, sizeof *ev);
	ev->t_ms = t;
	ev->client = client;
	ev->dir = d;
	if (bytes) {
		ev->bytes = alloc_bytes(len ? len : 1);
		memcpy(ev->bytes, bytes, len);
		ev->len = len;
	}
	ev->text = text ? alloc_strdup(text) : NULL;
	ev->violation = violation;
}

static void setup(void)
{
	memset(&cat, 0, sizeof cat);
	memset(&run, 0, sizeof run);
	cat.parts[0] = (struct catalog_part){MQTT_V311, alloc_strdup("MQTT 3.1.1"), 0, 0};
	cat.nparts = 1;
	cat.clauses = calloc(8, sizeof *cat.clauses);
	add_clause("MQTT-3.1.2-3", "3.1.2.3", CATALOG_MUST, "Reserved flag must be zero <or> drop", NULL);
	add_clause("MQTT-3.1.4-1", "3.1.4", CATALOG_MUST, "The server validates CONNECT", NULL);
	add_clause("MQTTSPEC-3.2.2-1", "3.2.2", CATALOG_SHOULD, "CONNACK flags should be sane", NULL);
	add_clause("MQTT-3.3.1-9", "3.3.1", CATALOG_MUST, "Retained message handling", NULL);
	add_clause("MQTT-3.3.1-12", "3.3.1", CATALOG_MUST, "QoS 2 delivery", NULL);
	add_clause("MQTT-3.8.4-1", "3.8.4", CATALOG_MUST, "SUBACK answers SUBSCRIBE", NULL);
	add_clause("MQTT-4.7.1-1", "4.7.1", CATALOG_MUST, "Wildcards in filters", "client-only <rule> & co");
	add_clause("MQTT-3.10.4-1", "3.10.4", CATALOG_MUST, "UNSUBSCRIBE removes the filter", NULL);

	run.tool_version = alloc_strdup("0.1.0-test");
	run.spec = alloc_strdup("MQTT 3.1.1");
	run.nbrokers = 1;
	run.brokers = alloc_bytes(sizeof *run.brokers);
	run.brokers[0] = alloc_strdup("mqtt://127.0.0.1:1883");
	run.started_at = alloc_strdup("2024-05-01T12:00:00Z");
	run.run_prefix = alloc_strdup("mqttspec/r1");
	run.time_scale = 1.5;
	run.duration_ms = 1234.5;
	run.cases = calloc(8, sizeof *run.cases);

	struct case_result *c = add_case("connect-reserved-flag", "Reserved <flag> & \"quoted\" 'x' \x01\xff", 1);
	uint8_t connect[] = {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x03, 0x00, 0x3C, 0x00, 0x02, 'x', '1'};
	uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
	uint8_t big[100];
	memset(big, 0xAB, sizeof big);
	add_wire(c, 0.0, 0, WIRE_OPEN, NULL, 0, "mqtt://127.0.0.1:1883", NULL);
	add_wire(c, 0.5, 0, WIRE_TX, connect, sizeof connect, "CONNECT client_id=x1 flags=0x03", NULL);
	add_wire(c, 1.0, 0, WIRE_RX, connack, sizeof connack, "CONNACK rc=0", cid("MQTT-3.1.2-3"));
	add_wire(c, 1.5, 1, WIRE_RX, big, sizeof big, "PUBLISH topic=a/</testcase> payload=" HOSTILE, NULL);
	add_wire(c, 2.0, 0, WIRE_NOTE, NULL, 0, HOSTILE, NULL);
	add_wire(c, 5.0, 0, WIRE_HANGUP, NULL, 0, "after check", NULL);
	add_check(c, "MQTT-3.1.2-3", 0, CHECK_FAIL, "the broker closes the connection", "CONNACK rc=0 " HOSTILE, 2.0);
	c->checks[0].note = alloc_strdup("note " HOSTILE);
	add_check(c, "MQTT-3.1.4-1", 0, CHECK_PASS, "closed", "closed", 2.5);

	c = add_case("connack-should", "SHOULD check", 1);
	add_check(c, "MQTTSPEC-3.2.2-1", 1, CHECK_FAIL, "flags 0", "flags \x01\xff\xfe", 1.0);

	c = add_case("publish-setup", "Set-up fails", 1);
	c->setup_error = alloc_strdup("steps[1]: connection refused <rc=5>");
	add_check(c, "MQTT-3.3.1-9", 0, CHECK_INCONCLUSIVE, "retained", "not reached", 0);

	c = add_case("qos2-na", "QoS 2 not granted", 1);
	add_check(c, "MQTT-3.3.1-12", 0, CHECK_NOT_APPLICABLE, "QoS 2", "broker granted QoS 1 <allowed>", 1.0);

	c = add_case("subscribe-unselected", "Left out", 0);
	add_claim(c, cid("MQTT-3.8.4-1"));

	c = add_case("ping", "Passing case", 1);
	add_check(c, "MQTT-3.1.2-3", 0, CHECK_PASS, "x", "x", 1.0);
	add_check(c, "MQTT-3.1.4-1", 0, CHECK_PASS, "x", "x", 1.0);

	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);
}

static void teardown(void)
{
	results_free(&run);
	catalog_free(&cat);
}

/* ---- helpers ---- */

/* The fixture as text ('t'), JSON ('j') or JUnit ('x'). */
static int write_fmt(char fmt, const struct report_opts *o, FILE *f, struct err *e)
{
	if (fmt == 't')
		return report_text_write(&run, o, f, e);
	return fmt == 'j' ? report_json_write(&run, f, e) : report_junit_write(&run, f, e);
}

static char *capture(char fmt, const struct report_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	struct err e = {{0}};
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(write_fmt(fmt, o, f, &e), 0);
	fclose(f);
	return buf;
}

/* Strict UTF-8 (no overlongs, surrogates or values above U+10FFFF),
 * written independently of report_escape.c on purpose. */
static int valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s >> 5) == 6 ? 2 : (*s >> 4) == 14 ? 3 : (*s >> 3) == 30 ? 4 : 0;
		if (n == 0)
			return 0;
		uint32_t cp = n == 1 ? *s : *s & (0xFF >> (n + 1));
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		s += n;
	}
	return 1;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- aggregation ---- */

START_TEST(aggregate_fixture_every_verdict)
{
	ck_assert_uint_eq(run.nclauses, 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_msg(run.clauses[i].verdict == want_clause[i], "clause %zu: %s", i,
			      results_verdict_name(run.clauses[i].verdict));
	const enum verdict want_case[] = {VERDICT_FAIL,           VERDICT_WARN,         VERDICT_INCONCLUSIVE,
					  VERDICT_NOT_APPLICABLE, VERDICT_NOT_SELECTED, VERDICT_PASS};
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(run.cases[i].verdict, want_case[i]);
	ck_assert_uint_eq(run.counts[VERDICT_UNTESTED], 2);
	ck_assert_str_eq(run.clauses[6].reason, "client-only <rule> & co");
	ck_assert_ptr_nonnull(run.clauses[7].reason);
	ck_assert_str_eq(run.clauses[4].reason, "broker granted QoS 1 <allowed>");
}
END_TEST

/* Two cases check one clause; the clause takes the stronger verdict. */
enum kind { K_FAIL, K_WARN, K_PASS, K_INC, K_NA, K_UNSEL, K_NONE };
static const struct {
	enum kind a, b;
	enum verdict want;
} precedence[] = {
	{K_PASS, K_FAIL, VERDICT_FAIL},        {K_WARN, K_FAIL, VERDICT_FAIL},
	{K_PASS, K_WARN, VERDICT_WARN},        {K_INC, K_PASS, VERDICT_PASS},
	{K_NA, K_INC, VERDICT_INCONCLUSIVE},   {K_UNSEL, K_NA, VERDICT_NOT_APPLICABLE},
	{K_UNSEL, K_NONE, VERDICT_NOT_SELECTED}, {K_NONE, K_NONE, VERDICT_UNTESTED},
};

static void precedence_case(enum kind k)
{
	static const char *const names[] = {"f", "w", "p", "i", "n", "u", "x"};
	struct case_result *c = add_case(names[k], "t", k != K_UNSEL);
	const char *id = "MQTT-3.1.4-1";
	switch (k) {
	case K_FAIL:
	case K_WARN:
		add_check(c, id, k == K_WARN, CHECK_FAIL, "e", "a", 1);
		break;
	case K_PASS:
		add_check(c, id, 0, CHECK_PASS, "e", "a", 1);
		break;
	case K_INC:
		add_check(c, id, 0, CHECK_INCONCLUSIVE, "e", "a", 1);
		break;
	case K_NA:
		add_check(c, id, 0, CHECK_NOT_APPLICABLE, "e", "a", 1);
		break;
	case K_UNSEL:
		add_claim(c, cid(id));
		break;
	case K_NONE:
		break;
	}
}

START_TEST(aggregate_two_cases_stronger_verdict_wins)
{
	for (size_t i = 0; i < run.ncases; i++)
		results_case_free(&run.cases[i]);
	run.ncases = 0;
	precedence_case(precedence[_i].a);
	precedence_case(precedence[_i].b);
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);
	ck_assert_str_eq(results_verdict_name(run.clauses[1].verdict), results_verdict_name(precedence[_i].want));
}
END_TEST

/* A check policing a client rule counts toward its policing verdict, by the
 * same precedence, never toward its own: that stays UNTESTED. */
static void add_policing_check(const char *case_id, int selected, enum check_outcome o)
{
	struct case_result *c = add_case(case_id, "polices", selected);
	add_check(c, "MQTT-3.1.4-1", 0, o, "closed", "x", 1);
	c->checks[0].polices = alloc_bytes(sizeof *c->checks[0].polices);
	c->checks[0].polices[0] = cid("MQTT-4.7.1-1");
	c->checks[0].npolices = 1;
}

START_TEST(aggregate_policing_verdict_apart_from_own)
{
	for (size_t i = 0; i < run.ncases; i++)
		results_case_free(&run.cases[i]);
	run.ncases = 0;
	free(cat.clauses[6].binds);
	cat.clauses[6].binds = alloc_strdup("client");
	add_policing_check("p-pass", 1, CHECK_PASS);
	add_policing_check("p-unsel", 0, CHECK_INCONCLUSIVE);
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);
	const struct clause_result *cr = &run.clauses[6];
	ck_assert_int_eq(cr->verdict, VERDICT_UNTESTED);
	ck_assert_uint_eq(cr->npoliced_by, 2);
	ck_assert_int_eq(cr->policing_verdict, VERDICT_PASS);
	ck_assert_int_eq(run.clauses[1].verdict, VERDICT_PASS);
	ck_assert_uint_eq(run.clauses[1].npoliced_by, 0);

	add_policing_check("p-fail", 1, CHECK_FAIL);
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS); /* a new clause array: cr is stale */
	ck_assert_int_eq(run.clauses[6].verdict, VERDICT_UNTESTED);
	ck_assert_int_eq(run.clauses[6].policing_verdict, VERDICT_FAIL);
	char *t = results_policing_text(&run, &run.clauses[6]);
	ck_assert_str_eq(t, "FAIL (MQTT-3.1.4-1 in case p-pass; MQTT-3.1.4-1 in case p-unsel; MQTT-3.1.4-1 in case p-fail)");
	free(t);
	ck_assert_ptr_null(results_policing_text(&run, &run.clauses[1]));

	char *txt = capture('t', NULL), *json = capture('j', NULL), *xml = capture('x', NULL);
	ck_assert_ptr_nonnull(strstr(txt, "policed by the broker: FAIL (MQTT-3.1.4-1 in case p-pass"));
	cJSON *root = cJSON_Parse(json);
	ck_assert_ptr_nonnull(root);
	const cJSON *cls = cJSON_GetObjectItem(root, "clauses");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cls, 6), "verdict")->valuestring, "UNTESTED");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cls, 6), "policing_verdict")->valuestring, "FAIL");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(cls, 6), "policed_by")), 3);
	ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cls, 1), "policing_verdict"));
	cJSON_Delete(root);
	/* The client rule has no testcase of its own; its duty has one. */
	ck_assert_ptr_null(strstr(xml, "MQTT-4.7.1-1"));
	ck_assert_ptr_nonnull(strstr(xml, "MQTT-3.1.4-1"));
	free(txt);
	free(json);
	free(xml);
}
END_TEST

/* A set-up error: every writer says why, with no clause and no case. */
START_TEST(writers_say_setup_error)
{
	results_free(&run);
	memset(&run, 0, sizeof run);
	run.tool_version = alloc_strdup("0.1.0-test");
	run.spec = alloc_strdup("MQTT 3.1.1");
	run.setup_error = alloc_strdup("pre-flight: connect to mqtt://127.0.0.1:1: Connection refused <x>");
	char *txt = capture('j', NULL), *xml = capture('x', NULL);
	cJSON *root = cJSON_Parse(txt);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "setup_error")->valuestring, run.setup_error);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "clauses")), 0);
	cJSON_Delete(root);
	ck_assert_uint_eq(count(xml, "<testcase "), 1);
	ck_assert_ptr_nonnull(strstr(xml, "<error message=\"set-up error: pre-flight: connect to mqtt://127.0.0.1:1: Connection refused &lt;x&gt;\""));
	free(txt);
	free(xml);
}
END_TEST

/* ---- escaping ---- */

static const struct {
	const char *in, *xml, *utf8;
} escapes[] = {
	{"a<b&c>\"'", "a&lt;b&amp;c&gt;&quot;&apos;", "a<b&c>\"'"},
	{"x\x01y\tz\n\r", "x" FFFD "y\tz\n&#13;", "x\x01y\tz\n\r"},
	{"\xff\xfe", FFFD FFFD, FFFD FFFD},
	{"\xe2\x82(", FFFD "(", FFFD "("},                     /* truncated: one U+FFFD */
	{"\xed\xa0\x80", FFFD FFFD FFFD, FFFD FFFD FFFD},      /* surrogate */
	{"\xc0\xaf", FFFD FFFD, FFFD FFFD},                    /* overlong */
	{"\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD}, /* > U+10FFFF */
	{"\xef\xbf\xbe", FFFD, "\xef\xbf\xbe"},                /* U+FFFE: valid UTF-8, not XML */
	{"\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80"},
	{"", "", ""},
};

START_TEST(escape_table_xml_and_utf8)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_escape_xml(f, escapes[_i].in);
	fclose(f);
	ck_assert_str_eq(buf, escapes[_i].xml);
	free(buf);
	char *u = utf8_escape_invalid(escapes[_i].in);
	ck_assert_str_eq(u, escapes[_i].utf8);
	free(u);
}
END_TEST

START_TEST(escape_attr_and_text_forms)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_escape_xml_attr(f, "a\tb\nc");
	fputc('|', f);
	report_escape_xml(f, NULL);
	ck_assert_uint_eq(report_escape_text(f, "a\x1b[31mb\t\xff\xc2\x9b\xc3\xa9", SIZE_MAX), 25);
	fputc('|', f);
	ck_assert_uint_eq(report_escape_text(f, "abcdefghij", 6), 6);
	fputc('|', f);
	ck_assert_uint_eq(report_escape_text(f, "abcdefghij", 2), 2);
	fputc('|', f);
	ck_assert_uint_eq(report_escape_text(f, "abcdef", 6), 6);
	fclose(f);
	ck_assert_str_eq(buf, "a&#9;b&#10;c|a\\x1b[31mb\\t\\xff\\xc2\\x9b\xc3\xa9|abc...|..|abcdef");
	free(buf);
	ck_assert_uint_eq(report_escape_text_width("a\xff\t"), 7);
	ck_assert_uint_eq(report_escape_text_width(NULL), 0);
	char *u = utf8_escape_invalid(NULL);
	ck_assert_str_eq(u, "");
	free(u);
}
END_TEST

/* ---- JSON ---- */

START_TEST(json_parses_back_with_verdicts_and_clean_strings)
{
	char *text = capture('j', NULL);
	ck_assert(valid_utf8(text));
	cJSON *root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "format")->valuestring, "mqttspec-report");
	ck_assert_int_eq(cJSON_GetObjectItem(root, "format_version")->valueint, 1);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(root, "broker_name")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(root, "strict")));
	cJSON *clauses = cJSON_GetObjectItem(root, "clauses");
	ck_assert_int_eq(cJSON_GetArraySize(clauses), 8);
	for (int i = 0; i < 8; i++) {
		cJSON *cl = cJSON_GetArrayItem(clauses, i);
		ck_assert_str_eq(cJSON_GetObjectItem(cl, "verdict")->valuestring, results_verdict_name(want_clause[i]));
		ck_assert_str_eq(cJSON_GetObjectItem(cl, "id")->valuestring, cat.clauses[i].id);
	}
	cJSON *c0 = cJSON_GetArrayItem(clauses, 0);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(c0, "reason")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c0, "cases")), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(clauses, 6), "reason")->valuestring,
			 "client-only <rule> & co");
	cJSON *sum = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "summary"), "clauses");
	ck_assert_int_eq(cJSON_GetObjectItem(sum, "UNTESTED")->valueint, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(sum, "NOT APPLICABLE")->valueint, 1);

	cJSON *cases = cJSON_GetObjectItem(root, "cases");
	ck_assert_int_eq(cJSON_GetArraySize(cases), 6);
	cJSON *a = cJSON_GetArrayItem(cases, 0);
	ck_assert_str_eq(cJSON_GetObjectItem(a, "title")->valuestring, "Reserved <flag> & \"quoted\" 'x' \x01" FFFD);
	cJSON *cl1 = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "clients"), 1);
	ck_assert_str_eq(cJSON_GetObjectItem(cl1, "name")->valuestring, "b" FFFD);
	cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "checks"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(ch, "actual")->valuestring, "CONNACK rc=0 " HOSTILE_CLEAN);
	ck_assert_str_eq(cJSON_GetObjectItem(ch, "outcome")->valuestring, "fail");
	ck_assert_str_eq(cJSON_GetObjectItem(ch, "level")->valuestring, "MUST");
	cJSON *wire = cJSON_GetObjectItem(a, "wire");
	ck_assert_int_eq(cJSON_GetArraySize(wire), 6);
	cJSON *w0 = cJSON_GetArrayItem(wire, 0), *w1 = cJSON_GetArrayItem(wire, 1), *w2 = cJSON_GetArrayItem(wire, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(w0, "dir")->valuestring, "open");
	ck_assert_ptr_null(cJSON_GetObjectItem(w0, "hex"));
	ck_assert_ptr_null(cJSON_GetObjectItem(w0, "type"));
	ck_assert_ptr_null(cJSON_GetObjectItem(w0, "violation"));
	ck_assert_str_eq(cJSON_GetObjectItem(w1, "hex")->valuestring, "100e00044d5154540403003c00027831");
	ck_assert_str_eq(cJSON_GetObjectItem(w1, "type")->valuestring, "CONNECT");
	ck_assert_str_eq(cJSON_GetObjectItem(w2, "type")->valuestring, "CONNACK");
	ck_assert_str_eq(cJSON_GetObjectItem(w2, "violation")->valuestring, "MQTT-3.1.2-3");
	cJSON *w3 = cJSON_GetArrayItem(wire, 3);
	ck_assert_str_eq(cJSON_GetObjectItem(w3, "client")->valuestring, "b" FFFD);
	ck_assert_str_eq(cJSON_GetObjectItem(w3, "text")->valuestring,
			 "PUBLISH topic=a/</testcase> payload=" HOSTILE_CLEAN);
	ck_assert_uint_eq(strlen(cJSON_GetObjectItem(w3, "hex")->valuestring), 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(cases, 4), "selected")));
	cJSON_Delete(root);
	free(text);
}
END_TEST

/* ---- JUnit ---- */

START_TEST(junit_counts_and_no_raw_markup)
{
	char *xml = capture('x', NULL);
	ck_assert(valid_utf8(xml));
	for (const unsigned char *p = (const unsigned char *)xml; *p; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n' || *p == '\t', "control byte 0x%02x", *p);
	ck_assert_ptr_nonnull(
		strstr(xml, "<testsuites name=\"mqttspec\" tests=\"8\" failures=\"1\" errors=\"1\" skipped=\"4\""));
	ck_assert_uint_eq(count(xml, "<testcase "), 8);
	ck_assert_uint_eq(count(xml, "</testcase>"), 7); /* the PASS testcase is empty */
	ck_assert_uint_eq(count(xml, "<failure "), 1);
	ck_assert_uint_eq(count(xml, "<error "), 1);
	ck_assert_uint_eq(count(xml, "<skipped "), 4);
	ck_assert_uint_eq(count(xml, "<system-out>"), 1);
	ck_assert_ptr_null(strstr(xml, "a/</testcase>"));
	ck_assert_ptr_nonnull(strstr(xml, "a/&lt;/testcase&gt;"));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"NOT APPLICABLE: broker granted QoS 1 &lt;allowed&gt;\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"UNTESTED: client-only &lt;rule&gt; &amp; co\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "classname=\"mqttspec 3.1.1 section 3.1\" name=\"MQTT-3.1.2-3 Reserved flag"));
	ck_assert_ptr_nonnull(strstr(xml, "connection refused &lt;rc=5&gt;"));
	/* Sections in numeric order: 3.10 after 3.8, not after 3.1. */
	const char *order[] = {"section 3.1\"", "section 3.2\"", "section 3.3\"", "section 3.8\"", "section 3.10\"",
			       "section 4.7\""};
	const char *prev = xml;
	for (size_t i = 0; i < 6; i++) {
		const char *p = strstr(xml, order[i]);
		ck_assert_msg(p && p > prev, "%s out of order", order[i]);
		prev = p;
	}
	/* One suite per version: this run has 3.1.1 only. */
	ck_assert_uint_eq(count(xml, "<testsuite "), 1);
	ck_assert_ptr_nonnull(strstr(xml, "<testsuite name=\"MQTT 3.1.1\" tests=\"8\" failures=\"1\" errors=\"1\" skipped=\"4\""));

	if (access("/usr/bin/xmllint", X_OK) == 0) {
		char path[] = "/tmp/mqttspec-junit-XXXXXX";
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
		close(fd);
		char cmd[128];
		snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout %s", path);
		int rc = system(cmd);
		unlink(path);
		ck_assert_int_eq(rc, 0);
	}
	free(xml);
}
END_TEST

/* ---- text ---- */

START_TEST(text_shows_failure_details_and_result)
{
	char *t = capture('t', NULL);
	ck_assert(valid_utf8(t));
	ck_assert_ptr_null(strchr(t, '\x1b')); /* no colour asked, and the broker's ESC is escaped */
	ck_assert_ptr_null(strchr(t, '\x01'));
	ck_assert_ptr_nonnull(strstr(t, "mqttspec 0.1.0-test"));
	ck_assert_ptr_nonnull(strstr(t, "mqtt://127.0.0.1:1883"));
	ck_assert_ptr_nonnull(strstr(t, "run prefix:  mqttspec/r1"));
	ck_assert_ptr_null(strstr(t, "INCOMPLETE"));
	ck_assert_ptr_nonnull(strstr(t, "MQTT-3.1.2-3"));
	ck_assert_ptr_nonnull(strstr(t, "expected: the broker closes the connection"));
	ck_assert_ptr_nonnull(strstr(t, "got:      CONNACK rc=0 <&>\"' \\x01\\x1b[31m \\xff\\xfe a/</testcase>"));
	ck_assert_ptr_nonnull(strstr(t, "note:     note <&>"));
	ck_assert_ptr_nonnull(strstr(t, "UNTESTED        Wildcards in filters \xE2\x80\x94 client-only <rule> & co"));
	ck_assert_ptr_nonnull(strstr(t, "<-- breaks MQTT-3.1.2-3"));
	ck_assert_ptr_nonnull(strstr(t, "client_id=x1"));
	ck_assert_ptr_nonnull(strstr(t, "+1.500ms  b\\xff  rx      PUBLISH")); /* names are escaped, not cut */
	ck_assert_ptr_nonnull(strstr(t, "[100e00044d5154540403003c00027831]"));
	ck_assert_ptr_nonnull(strstr(t, "abababab...]")); /* 100 bytes cut to 64 */
	ck_assert_ptr_null(strstr(t, "after check"));      /* after the check was decided */
	ck_assert_ptr_nonnull(strstr(t, "WARN  case connack-should"));
	ck_assert_ptr_nonnull(strstr(t, "publish-setup: steps[1]: connection refused <rc=5>"));
	ck_assert_ptr_nonnull(strstr(t, "1 FAIL, 1 WARN, 1 PASS, 1 INCONCLUSIVE, 1 NOT APPLICABLE, 1 NOT SELECTED, "
					"2 UNTESTED (8 in all)"));
	ck_assert_ptr_nonnull(strstr(t, "\nRESULT: FAIL (1 clauses fail)\n"));
	free(t);
}
END_TEST

START_TEST(text_wire_tail_color_and_truncation)
{
	free(cat.clauses[1].summary);
	cat.clauses[1].summary = alloc_bytes(301);
	memset(cat.clauses[1].summary, 'x', 300);
	cat.clauses[1].summary[300] = '\0';
	struct report_opts o = {1, 0, 2};
	char *t = capture('t', &o);
	ck_assert_ptr_nonnull(strstr(t, "\033[31mFAIL\033[0m"));
	ck_assert_ptr_nonnull(strstr(t, "wire (last 2 of 5 events up to +2.000ms)"));
	ck_assert_ptr_null(strstr(t, "client_id=x1"));
	const char *line = strstr(t, "\nMQTT-3.1.4-1 ");
	ck_assert_ptr_nonnull(line);
	size_t cols = 0;
	for (const char *p = line + 1; *p && *p != '\n'; p++)
		if (*p == '\033')
			p = strchr(p, 'm'); /* colour codes take no columns */
		else
			cols += ((unsigned char)*p & 0xC0) != 0x80;
	ck_assert_uint_eq(cols, 110);
	free(t);
	o.verbose = 1;
	t = capture('t', &o);
	ck_assert_ptr_nonnull(strstr(t, cat.clauses[1].summary));
	free(t);
}
END_TEST

START_TEST(text_result_follows_strict_and_incomplete)
{
	run.strict = 1;
	run.incomplete = 1;
	char *t = capture('t', NULL);
	ck_assert_ptr_nonnull(strstr(t, "*** INCOMPLETE"));
	ck_assert_ptr_nonnull(strstr(t, "RESULT: FAIL (2 clauses fail)"));
	free(t);
	run.cases[0].checks[0].outcome = CHECK_PASS;
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);
	t = capture('t', NULL);
	ck_assert_ptr_nonnull(strstr(t, "RESULT: FAIL (1 clauses fail)"));
	free(t);
	run.strict = 0;
	t = capture('t', NULL);
	ck_assert_ptr_nonnull(strstr(t, "\nRESULT: PASS\n"));
	free(t);
}
END_TEST

/* ---- write errors ---- */

START_TEST(writers_report_write_errors)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return; /* no /dev/full here: nothing to provoke the error with */
	fclose(f);
	for (size_t i = 0; i < 3; i++) {
		struct err e = {{0}};
		f = fopen("/dev/full", "w");
		ck_assert_int_eq(write_fmt("tjx"[i], NULL, f, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "write error"));
		fclose(f);
	}
}
END_TEST

/* Writers group clauses by the first two numbers of their section, in spec
 * order ("3.10" after "3.9"), keeping the items' order inside a group; a
 * NULL section leaves its item out. */
START_TEST(query_sections_group_in_spec_order)
{
	const char *secs[] = {"3.1.2", "3.10.4", "3.9", NULL, "3.1.3.1", "5", "1.5.3"};
	struct results_sections g;
	results_sections_group(&g, secs, 7);
	ck_assert_uint_eq(g.n, 5);
	const char *want[] = {"1.5", "3.1", "3.9", "3.10", "5"};
	for (size_t k = 0; k < 5; k++)
		ck_assert_str_eq(g.names[k], want[k]);
	ck_assert_uint_eq(g.group_of[0], 1);
	ck_assert_uint_eq(g.group_of[1], 3);
	ck_assert_uint_eq(g.group_of[3], SIZE_MAX);
	ck_assert_uint_eq(g.norder, 6);
	const size_t order[] = {6, 0, 4, 2, 1, 5};
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(g.order[i], order[i]);
	results_sections_free(&g);
	ck_assert_uint_eq(results_section_group_len("3.1.2.3"), 3);
	ck_assert_uint_eq(results_section_group_len("5"), 1);
}
END_TEST

/* A FAIL is known to the baseline only when every failed MUST check naming
 * the clause is baselined; a SHOULD failure or another clause's does not count. */
START_TEST(query_known_fail_and_check_names)
{
	const char *ids[] = {"MQTT-1", "MQTT-2"};
	struct check_result ch[3];
	memset(ch, 0, sizeof ch);
	for (size_t i = 0; i < 3; i++) {
		ch[i].clauses = ids;
		ch[i].nclauses = i == 2 ? 1 : 2;
		ch[i].outcome = CHECK_FAIL;
	}
	ch[0].baselined = 1;
	ch[1].should = 1;
	ch[2].clauses = ids + 1;
	ck_assert(results_check_names(&ch[0], "MQTT-2"));
	ck_assert(!results_check_names(&ch[2], "MQTT-1"));
	ck_assert(!results_check_names(&ch[0], NULL));
	struct catalog_clause cl = {.id = (char *)"MQTT-2"};
	struct case_result c = {.checks = ch, .nchecks = 3};
	size_t idx = 0;
	struct clause_result cr = {.clause = &cl, .verdict = VERDICT_FAIL, .cases = &idx, .ncases = 1};
	struct run_result run = {.cases = &c, .ncases = 1};
	ck_assert(!results_known_fail(&run, &cr)); /* no baseline */
	run.baseline = "b.json";
	ck_assert(!results_known_fail(&run, &cr)); /* ch[2] fails MQTT-2, not baselined */
	ch[2].baselined = 1;
	ck_assert(results_known_fail(&run, &cr));
	cr.verdict = VERDICT_WARN;
	ck_assert(!results_known_fail(&run, &cr));
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("aggregate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, aggregate_fixture_every_verdict);
	tcase_add_loop_test(tc, aggregate_two_cases_stronger_verdict_wins, 0,
			    (int)(sizeof precedence / sizeof precedence[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, escape_table_xml_and_utf8, 0, (int)(sizeof escapes / sizeof escapes[0]));
	tcase_add_test(tc, escape_attr_and_text_forms);
	suite_add_tcase(s, tc);

	tc = tcase_create("queries");
	tcase_add_test(tc, query_sections_group_in_spec_order);
	tcase_add_test(tc, query_known_fail_and_check_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("writers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, json_parses_back_with_verdicts_and_clean_strings);
	tcase_add_test(tc, junit_counts_and_no_raw_markup);
	tcase_add_test(tc, text_shows_failure_details_and_result);
	tcase_add_test(tc, text_wire_tail_color_and_truncation);
	tcase_add_test(tc, text_result_follows_strict_and_incomplete);
	tcase_add_test(tc, writers_report_write_errors);
	tcase_add_test(tc, aggregate_policing_verdict_apart_from_own);
	tcase_add_test(tc, writers_say_setup_error);
	suite_add_tcase(s, tc);
	return s;
}
