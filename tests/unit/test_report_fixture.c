/* test_report_fixture.c - the fixed run of the golden tests. See the header. */
#include "tests/unit/test_report_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"

#define HOSTILE TEST_REPORT_FIXTURE_HOSTILE

static void add_clause(struct catalog *cat, const char *id, const char *section, enum catalog_level level,
		       const char *summary, const char *untested)
{
	struct catalog_clause *c = &cat->clauses[cat->count++];
	c->id = alloc_strdup(id);
	c->section = alloc_strdup(section);
	c->keyword = alloc_strdup(level == CATALOG_SHOULD ? "SHOULD" : "MUST");
	c->level = level;
	c->binds = alloc_strdup("server");
	c->observable = alloc_strdup(untested ? "no" : "yes");
	c->summary = alloc_strdup(summary);
	c->untested_reason = untested ? alloc_strdup(untested) : NULL;
	c->version = MQTT_V311;
	cat->parts[0].count = cat->count;
	c->own = strncmp(id, "MQTTSPEC-", 9) == 0;
}

static const char *cid(const struct catalog *cat, const char *id)
{
	const struct catalog_clause *c = catalog_find(cat, MQTT_V311, id);
	ck_assert_ptr_nonnull(c);
	return c->id;
}

static struct case_result *add_case(struct run_result *run, const char *id, const char *title, int selected)
{
	struct case_result *c = &run->cases[run->ncases++];
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
	c->client_ids[0] = alloc_strdup("msr1a");
	c->client_ids[1] = alloc_strdup("msr1b");
	c->duration_ms = 250;
	c->steps_total = 3;
	c->steps_run = selected ? 3 : 0;
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

static void add_step(struct case_result *c, const char *path, const char *kind, const char *detail, int client,
		     enum step_outcome o, double t)
{
	c->steps = alloc_resize(c->steps, (c->nsteps + 1) * sizeof *c->steps);
	struct step_result *s = &c->steps[c->nsteps++];
	s->path = alloc_strdup(path);
	s->kind = kind;
	s->detail = alloc_strdup(detail);
	s->client = client;
	s->outcome = o;
	s->t_ms = t;
}

/* The usual three steps: open, send, expect (the checked one, index 2). */
static void three_steps(struct case_result *c, const char *sent, const char *expected, enum step_outcome last)
{
	add_step(c, "steps[0]", "open", "", 0, STEP_DONE, 0.25);
	add_step(c, "steps[1]", "send", sent, 0, STEP_DONE, 0.5);
	add_step(c, "steps[2]", "expect", expected, 0, last, 2.0);
}

static void add_check(const struct catalog *cat, struct case_result *c, const char *clause, int should,
		      enum check_outcome o, const char *expected, const char *actual, double t_ms)
{
	c->checks = alloc_resize(c->checks, (c->nchecks + 1) * sizeof *c->checks);
	struct check_result *ch = &c->checks[c->nchecks++];
	memset(ch, 0, sizeof *ch);
	ch->clauses = alloc_bytes(sizeof *ch->clauses);
	ch->clauses[0] = cid(cat, clause);
	ch->nclauses = 1;
	ch->should = should;
	ch->outcome = o;
	ch->step = 2;
	ch->step_path = alloc_strdup("steps[2]");
	ch->expected = alloc_strdup(expected);
	ch->actual = alloc_strdup(actual);
	ch->t_ms = t_ms;
	add_claim(c, ch->clauses[0]);
}

static void add_wire(struct case_result *c, double t, int client, enum wire_dir d, const uint8_t *bytes, size_t len,
		     const char *text, const char *violation)
{
	results_add_wire(c, t, client, d, bytes, len, text, violation);
}

static void build_catalog(struct catalog *cat)
{
	memset(cat, 0, sizeof *cat);
	cat->parts[0] = (struct catalog_part){MQTT_V311, alloc_strdup("MQTT 3.1.1"), 0, 0};
	cat->nparts = 1;
	cat->clauses = calloc(10, sizeof *cat->clauses);
	add_clause(cat, "MQTT-3.1.2-3", "3.1.2.3", CATALOG_MUST, "Reserved flag must be zero <or> drop", NULL);
	add_clause(cat, "MQTT-3.1.4-1", "3.1.4", CATALOG_MUST, "The server validates CONNECT", NULL);
	add_clause(cat, "MQTTSPEC-3.2.2-1", "3.2.2", CATALOG_SHOULD, "CONNACK flags should be sane", NULL);
	add_clause(cat, "MQTT-3.3.1-9", "3.3.1", CATALOG_MUST, "Retained message handling", NULL);
	add_clause(cat, "MQTT-3.3.1-12", "3.3.1", CATALOG_MUST, "QoS 2 delivery", NULL);
	add_clause(cat, "MQTT-3.8.4-1", "3.8.4", CATALOG_MUST, "SUBACK answers SUBSCRIBE", NULL);
	add_clause(cat, "MQTT-4.7.1-1", "4.7.1", CATALOG_MUST, "Wildcards in filters", "client-only <rule> & co");
	add_clause(cat, "MQTT-3.10.4-1", "3.10.4", CATALOG_MUST, "UNSUBSCRIBE removes the filter", NULL);
	/* A client rule and the broker duty that polices it. */
	add_clause(cat, "MQTT-3.8.3-3", "3.8.3", CATALOG_MUST, "A SUBSCRIBE carries a filter",
		   "Binds the client; policed under MQTT-4.8.0-1");
	free(cat->clauses[cat->count - 1].binds);
	cat->clauses[cat->count - 1].binds = alloc_strdup("client");
	add_clause(cat, "MQTT-4.8.0-1", "4.8", CATALOG_MUST, "A protocol violation closes the connection", NULL);
}

void test_report_fixture_build(struct test_report_fixture *f, int with_baseline)
{
	struct catalog *cat = &f->cat;
	struct run_result *run = &f->run;
	memset(f, 0, sizeof *f);
	build_catalog(cat);
	run->tool_version = alloc_strdup("0.1.0-test");
	run->spec = alloc_strdup("MQTT 3.1.1");
	run->nbrokers = 1;
	run->brokers = alloc_bytes(sizeof *run->brokers);
	run->brokers[0] = alloc_strdup("mqtt://127.0.0.1:1883");
	run->broker_name = alloc_strdup("broker <b>&amp; \"x\"");
	run->started_at = alloc_strdup("2024-05-01T12:00:00Z");
	run->run_prefix = alloc_strdup("r1");
	run->time_scale = 1.5;
	run->tolerance_ms = 500;
	run->slack_ms = 1000;
	run->period_ms = 2000;
	run->max_wait_ms = 15000;
	run->duration_ms = 1234.5;
	run->cases = calloc(10, sizeof *run->cases);

	struct case_result *c = add_case(run, "connect-reserved-flag", "Reserved <flag> & \"quoted\" 'x' \x01\xff", 1);
	/* CONNECT flags=0x03 id "x1"; CONNACK; PUBLISH QoS 0 topic "a/<b>&" payload "\xff<x>" */
	static const uint8_t connect[] = {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x03, 0x00, 0x3C,
					  0x00, 0x02, 'x', '1'};
	static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
	static const uint8_t publish[] = {0x30, 0x0C, 0x00, 0x06, 'a', '/', '<', 'b', '>', '&', 0xFF, '<', 'x', '>'};
	three_steps(c, "{\"type\":\"CONNECT\",\"connect_flags\":3}", "the connection closed by the broker", STEP_FAILED);
	add_wire(c, 0.0, 0, WIRE_OPEN, NULL, 0, "mqtt://127.0.0.1:1883", NULL);
	add_wire(c, 0.5, 0, WIRE_TX, connect, sizeof connect, "CONNECT level=4 flags=0x03 ka=60 id=\"x1\"", NULL);
	add_wire(c, 1.0, 0, WIRE_RX, connack, sizeof connack, "CONNACK sp=0 rc=0x00", NULL);
	add_wire(c, 1.5, 1, WIRE_RX, publish, sizeof publish, "PUBLISH topic=a/<b>& payload=" HOSTILE,
		 cid(cat, "MQTT-3.1.2-3"));
	add_wire(c, 1.75, 0, WIRE_NOTE, NULL, 0, HOSTILE, NULL);
	add_wire(c, 5.0, 0, WIRE_HANGUP, NULL, 0, "closed by mqttspec", NULL);
	add_check(cat, c, "MQTT-3.1.2-3", 0, CHECK_FAIL, "the connection closed by the broker", "CONNACK " HOSTILE, 2.0);
	c->checks[0].note = alloc_strdup("note " HOSTILE);

	c = add_case(run, "connack-should", "SHOULD check", 1);
	three_steps(c, "{\"type\":\"CONNECT\"}", "CONNACK{ack_flags=0}", STEP_FAILED);
	add_check(cat, c, "MQTTSPEC-3.2.2-1", 1, CHECK_FAIL, "flags 0", "flags \x01\xff\xfe", 1.0);

	c = add_case(run, "publish-setup", "Set-up fails", 1);
	three_steps(c, "{\"type\":\"CONNECT\"}", "CONNACK{return_code=0}", STEP_NOT_RUN);
	c->steps[1].outcome = STEP_FAILED;
	c->setup_error = alloc_strdup("steps[1]: connection refused <rc=5>");
	add_check(cat, c, "MQTT-3.3.1-9", 0, CHECK_INCONCLUSIVE, "retained", "not reached", 0);

	c = add_case(run, "qos2-na", "QoS 2 not granted", 1);
	three_steps(c, "{\"type\":\"SUBSCRIBE\"}", "PUBLISH{qos=2}", STEP_SKIPPED);
	add_check(cat, c, "MQTT-3.3.1-12", 0, CHECK_NOT_APPLICABLE, "QoS 2", "broker granted QoS 1 <allowed>", 1.0);

	c = add_case(run, "subscribe-unselected", "Left out", 0);
	add_claim(c, cid(cat, "MQTT-3.8.4-1"));

	c = add_case(run, "ping", "Passing case", 1);
	three_steps(c, "{\"type\":\"PINGREQ\"}", "PINGRESP", STEP_DONE);
	add_check(cat, c, "MQTT-3.1.2-3", 0, CHECK_PASS, "x", "x", 1.0);
	add_check(cat, c, "MQTT-3.1.4-1", 0, CHECK_PASS, "x", "x", 1.0);

	c = add_case(run, "unsubscribe-new-fail", "A new failure", 1);
	three_steps(c, "{\"type\":\"UNSUBSCRIBE\"}", "UNSUBACK", STEP_FAILED);
	add_check(cat, c, "MQTT-3.10.4-1", 0, CHECK_FAIL, "UNSUBACK", "nothing within 3000 ms", 3000.0);

	c = add_case(run, "subscribe-empty-closes", "An empty SUBSCRIBE is closed", 1);
	three_steps(c, "{\"type\":\"SUBSCRIBE\",\"topics\":[]}", "the connection closed by the broker", STEP_DONE);
	add_check(cat, c, "MQTT-4.8.0-1", 0, CHECK_PASS, "the connection closed by the broker", "closed", 1.0);
	c->checks[0].polices = alloc_bytes(sizeof *c->checks[0].polices);
	c->checks[0].polices[0] = cid(cat, "MQTT-3.8.3-3");
	c->checks[0].npolices = 1;

	results_aggregate(run, cat, RESULTS_ALL_VERSIONS);
	if (with_baseline) {
		struct err e;
		int rc = baseline_load(&f->bl, "tests/golden/baseline.json", &e);
		ck_assert_msg(rc == 0, "%s", e.msg);
		baseline_apply(&f->bl, run);
	}
}

void test_report_fixture_free(struct test_report_fixture *f)
{
	results_free(&f->run);
	baseline_free(&f->bl);
	catalog_free(&f->cat);
}
