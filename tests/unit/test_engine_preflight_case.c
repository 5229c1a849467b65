/* test_engine_preflight_case.c - the built-in case "preflight" the report
 * shows: a step per endpoint checked on MQTT-3.2.0-1 and on any rule its
 * answer broke, the probe's step with its finding, the trace of each. Built
 * from what engine_preflight and profile_probe saw, no connection. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_preflight.h"
#include "engine/sync_client.h"
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

static void answered(struct engine_preflight *pf, const char *url, const char *id, double t_ms)
{
	memset(pf, 0, sizeof *pf);
	pf->url = url;
	pf->version = MQTT_V311;
	pf->answer = ENGINE_PF_ACCEPTED;
	snprintf(pf->client_id, sizeof pf->client_id, "%s", id);
	static const uint8_t connect[] = {0x10, 0x0e, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 2, 'i', 'd'};
	memcpy(pf->tx, connect, sizeof connect);
	pf->txn = sizeof connect;
	snprintf(pf->tx_text, sizeof pf->tx_text, "CONNECT id");
	static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
	memcpy(pf->rx, connack, sizeof connack);
	pf->rxn = sizeof connack;
	snprintf(pf->rx_text, sizeof pf->rx_text, "CONNACK rc=0");
	pf->first_is_connack = 1;
	pf->t_ms = t_ms;
}

static const struct check_result *check_of(const struct case_result *c, const char *path, const char *clause)
{
	for (size_t i = 0; i < c->nchecks; i++)
		if (strcmp(c->checks[i].step_path, path) == 0 && strcmp(c->checks[i].clauses[0], clause) == 0)
			return &c->checks[i];
	return NULL;
}

START_TEST(two_endpoints_and_a_probe_finding)
{
	struct engine_preflight pf[2];
	answered(&pf[0], "mqtt://a:1883", "Mst0e0s0pre", 3);
	answered(&pf[1], "ws://b/mqtt", "Mst0e0s0pre", 8);
	/* The second answered with reserved acknowledge flags. */
	pf[1].rx[2] = 0x02;
	pf[1].clause = "MQTT-3.2.2-1";
	snprintf(pf[1].what, sizeof pf[1].what, "reserved flags set");
	struct sync_client_finding f = {.clause = "MQTT-3.9.3-2", .raw = {0x90, 0x03, 0, 1, 3}, .rawn = 5};
	snprintf(f.what, sizeof f.what, "SUBACK code[0]: 0x03 is reserved");
	const char *notes[] = {"probe: max_qos 2", "probe: wildcards yes"};
	struct case_result c;
	engine_preflight_case(pf, 2, &f, &cat, notes, 2, &c);

	ck_assert_str_eq(c.id, "preflight");
	ck_assert_str_eq(c.file, "(built in)");
	ck_assert_int_eq(c.selected, 1);
	ck_assert(c.duration_ms == 8);
	ck_assert_uint_eq(c.nclients, 2);
	ck_assert_str_eq(c.clients[1], "pre1");
	ck_assert_str_eq(c.client_ids[0], "Mst0e0s0pre");
	ck_assert_uint_eq(c.nsteps, 3);
	ck_assert_uint_eq(c.steps_total, 3);
	ck_assert_uint_eq(c.steps_run, 3);
	ck_assert_str_eq(c.steps[0].path, "preflight[0]");
	ck_assert_str_eq(c.steps[0].kind, "connect");
	ck_assert_str_eq(c.steps[0].detail, "CONNECT to mqtt://a:1883, expect a CONNACK");
	ck_assert_int_eq(c.steps[0].outcome, STEP_DONE);
	ck_assert_int_eq(c.steps[1].outcome, STEP_FAILED);
	ck_assert(c.steps[1].t_ms == 8);
	ck_assert_str_eq(c.steps[2].path, "probe");
	ck_assert_int_eq(c.steps[2].outcome, STEP_FAILED);

	ck_assert_uint_eq(c.nchecks, 4);
	const struct check_result *k = check_of(&c, "preflight[0]", "MQTT-3.2.0-1");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->outcome, CHECK_PASS);
	ck_assert_str_eq(k->expected, "a CONNACK as the first packet");
	ck_assert_str_eq(k->actual, "CONNACK rc=0 (after 3 ms)");
	k = check_of(&c, "preflight[1]", "MQTT-3.2.0-1");
	ck_assert_int_eq(k->outcome, CHECK_PASS);
	k = check_of(&c, "preflight[1]", "MQTT-3.2.2-1");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->outcome, CHECK_FAIL);
	ck_assert_str_eq(k->actual, "CONNACK rc=0: reserved flags set");
	ck_assert_ptr_eq(strstr(k->expected, "the broker to follow MQTT-3.2.2-1: "), k->expected);
	k = check_of(&c, "probe", "MQTT-3.9.3-2");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->outcome, CHECK_FAIL);
	ck_assert_str_eq(k->actual, "SUBACK code[0]: 0x03 is reserved");
	/* Every clause checked is claimed. */
	ck_assert_uint_eq(c.nclaims, 3);

	/* The trace: open, CONNECT, answer per endpoint; the notes; the probe's packet. */
	ck_assert_uint_eq(c.nwire, 9);
	static const enum wire_dir dirs[] = {WIRE_OPEN, WIRE_TX, WIRE_RX, WIRE_OPEN, WIRE_TX,
					     WIRE_RX,   WIRE_NOTE, WIRE_NOTE, WIRE_RX};
	for (size_t i = 0; i < 9; i++)
		ck_assert_int_eq(c.wire[i].dir, dirs[i]);
	ck_assert_str_eq(c.wire[3].text, "ws://b/mqtt");
	ck_assert_int_eq(c.wire[4].client, 1);
	ck_assert_uint_eq(c.wire[4].len, pf[1].txn);
	ck_assert_ptr_null(c.wire[2].violation);
	ck_assert_str_eq(c.wire[5].violation, "MQTT-3.2.2-1");
	ck_assert_str_eq(c.wire[7].text, "probe: wildcards yes");
	ck_assert_str_eq(c.wire[8].violation, "MQTT-3.9.3-2");
	ck_assert_mem_eq(c.wire[8].bytes, f.raw, 5);
	results_case_free(&c);
}
END_TEST

/* A first packet other than CONNACK: one FAIL of MQTT-3.2.0-1, not two. */
START_TEST(first_packet_not_connack)
{
	struct engine_preflight pf;
	answered(&pf, "mqtt://a:1883", "Mspre", 2);
	pf.rx[0] = 0xd0;
	pf.rx[1] = 0x00;
	pf.rxn = 2;
	pf.first_is_connack = 0;
	pf.clause = "MQTT-3.2.0-1";
	snprintf(pf.rx_text, sizeof pf.rx_text, "PINGRESP");
	struct case_result c;
	engine_preflight_case(&pf, 1, NULL, &cat, NULL, 0, &c);
	ck_assert_uint_eq(c.nchecks, 1);
	ck_assert_int_eq(c.checks[0].outcome, CHECK_FAIL);
	ck_assert_str_eq(c.checks[0].actual, "PINGRESP (after 2 ms)");
	ck_assert_int_eq(c.steps[0].outcome, STEP_FAILED);
	/* A probe with nothing to say: its step is done, with no check. */
	ck_assert_int_eq(c.steps[1].outcome, STEP_DONE);
	ck_assert_uint_eq(c.nwire, 3);
	results_case_free(&c);
}
END_TEST

/* A clause the catalog does not know makes no check (the step still fails). */
START_TEST(unknown_clause_no_check)
{
	struct engine_preflight pf;
	answered(&pf, "mqtt://a:1883", "Mspre", 1);
	pf.clause = "MQTT-9.9.9-9";
	snprintf(pf.what, sizeof pf.what, "?");
	struct sync_client_finding f = {.clause = "MQTT-9.9.9-8"};
	struct case_result c;
	engine_preflight_case(&pf, 1, &f, &cat, NULL, 0, &c);
	ck_assert_uint_eq(c.nchecks, 1);
	ck_assert_str_eq(c.checks[0].clauses[0], "MQTT-3.2.0-1");
	ck_assert_int_eq(c.steps[0].outcome, STEP_FAILED);
	ck_assert_int_eq(c.steps[1].outcome, STEP_FAILED);
	results_case_free(&c);
}
END_TEST

START_TEST(no_endpoints)
{
	struct case_result c;
	engine_preflight_case(NULL, 0, NULL, &cat, NULL, 0, &c);
	ck_assert_uint_eq(c.nclients, 0);
	ck_assert_uint_eq(c.nsteps, 1);
	ck_assert_str_eq(c.steps[0].path, "probe");
	ck_assert_uint_eq(c.nchecks, 0);
	results_case_free(&c);
}
END_TEST

Suite *engine_preflight_case_suite(void)
{
	Suite *s = suite_create("engine_preflight_case");
	TCase *tc = tcase_create("preflight_case");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, two_endpoints_and_a_probe_finding);
	tcase_add_test(tc, first_packet_not_connack);
	tcase_add_test(tc, unknown_clause_no_check);
	tcase_add_test(tc, no_endpoints);
	suite_add_tcase(s, tc);
	return s;
}
