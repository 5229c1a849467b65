/* test_results.c - the result model's one set of writers (result/results.h):
 * checks and claims added, texts set within RESULTS_TEXT_MAX, the set-up
 * error recorded once, wire events copied with the rule a packet breaks,
 * and the verdict rules of results_aggregate: a failed MUST check is FAIL, a
 * failed SHOULD check WARN, only NOT APPLICABLE checks NOT APPLICABLE, a
 * case with no decided check or a set-up error INCONCLUSIVE. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result/results.h"
#include "util/alloc.h"
#include "tests/unit/suites.h"

static struct catalog cat;

static void setup(void)
{
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_uint_ge(cat.count, 8);
}

static void teardown(void)
{
	catalog_free(&cat);
}

START_TEST(names)
{
	static const char *const v[] = {"FAIL", "WARN", "PASS", "INCONCLUSIVE", "NOT APPLICABLE", "NOT SELECTED", "UNTESTED"};
	for (int i = 0; i < VERDICT_COUNT; i++)
		ck_assert_str_eq(results_verdict_name((enum verdict)i), v[i]);
	ck_assert_str_eq(results_verdict_name(VERDICT_COUNT), "?");
	static const char *const d[] = {"tx", "rx", "open", "closed", "hangup", "note"};
	for (int i = 0; i <= WIRE_NOTE; i++)
		ck_assert_str_eq(results_wire_dir_name((enum wire_dir)i), d[i]);
	static const char *const s[] = {"not run", "done", "failed", "skipped"};
	for (int i = 0; i <= STEP_SKIPPED; i++)
		ck_assert_str_eq(results_step_outcome_name((enum step_outcome)i), s[i]);
}
END_TEST

START_TEST(checks_and_claims)
{
	struct case_result c;
	memset(&c, 0, sizeof c);
	const struct catalog_clause *a = &cat.clauses[0], *b = &cat.clauses[1];
	struct check_result *k = results_add_check(&c, a);
	ck_assert_uint_eq(k->nclauses, 1);
	ck_assert_ptr_eq(k->clauses[0], a->id);
	ck_assert_int_eq(k->outcome, CHECK_PASS); /* zeroed */
	ck_assert_ptr_null(k->actual);
	results_add_check(&c, a);
	results_add_check(&c, b);
	k = results_add_check(&c, NULL);
	ck_assert_uint_eq(k->nclauses, 0);
	ck_assert_uint_eq(c.nchecks, 4);
	/* Each clause is claimed once, in the order first named. */
	ck_assert_uint_eq(c.nclaims, 2);
	ck_assert_ptr_eq(c.claims[0], a->id);
	ck_assert_ptr_eq(c.claims[1], b->id);

	const char *const cl[] = {a->id, b->id}, *const po[] = {cat.clauses[2].id};
	k = results_add_step_check(&c, cl, 2, po, 1, 1);
	ck_assert_uint_eq(k->nclauses, 2);
	ck_assert_ptr_eq(k->clauses[1], b->id);
	ck_assert_uint_eq(k->npolices, 1);
	ck_assert_ptr_eq(k->polices[0], cat.clauses[2].id);
	ck_assert_int_eq(k->should, 1);
	ck_assert_int_eq(k->outcome, CHECK_INCONCLUSIVE);
	/* A step's check adds no claims: the case's claims hold them already. */
	ck_assert_uint_eq(c.nclaims, 2);
	k = results_add_step_check(&c, cl, 0, NULL, 0, 0);
	ck_assert_uint_eq(k->nclauses, 0);
	ck_assert_uint_eq(k->npolices, 0);
	ck_assert_ptr_null(k->polices);
	results_case_free(&c);
	ck_assert_uint_eq(c.nchecks, 0);
	ck_assert_ptr_null(c.checks);
}
END_TEST

START_TEST(setters_format_and_replace)
{
	struct case_result c;
	memset(&c, 0, sizeof c);
	struct check_result *k = results_add_check(&c, &cat.clauses[0]);
	results_set_step(k, 3, "steps[3]");
	results_set_step(k, 4, "steps[4].connect");
	ck_assert_uint_eq(k->step, 4);
	ck_assert_str_eq(k->step_path, "steps[4].connect");
	results_set_outcome(k, CHECK_FAIL, 12.5);
	ck_assert_int_eq(k->outcome, CHECK_FAIL);
	ck_assert(k->t_ms == 12.5);
	results_set_expected(k, "a %s within %d ms", "PUBACK", 500);
	ck_assert_str_eq(k->expected, "a PUBACK within 500 ms");
	results_expect_clause(k, &cat.clauses[0]);
	char want[600];
	snprintf(want, sizeof want, "the broker to follow %s: %s", cat.clauses[0].id, cat.clauses[0].summary);
	ck_assert_str_eq(k->expected, want);
	results_set_actual(k, "first");
	results_set_actual(k, "%s then %s", "nothing", "closed");
	ck_assert_str_eq(k->actual, "nothing then closed");
	results_set_note(k, "took %s", "QoS 1");
	ck_assert_str_eq(k->note, "took QoS 1");
	struct step_result s = {0};
	results_set_step_outcome(&s, STEP_SKIPPED, 7);
	ck_assert_int_eq(s.outcome, STEP_SKIPPED);
	ck_assert(s.t_ms == 7);
	results_case_free(&c);
}
END_TEST

/* A text longer than the bound is cut there (with the NUL), never overflows. */
START_TEST(texts_bounded)
{
	struct case_result c;
	memset(&c, 0, sizeof c);
	struct check_result *k = results_add_check(&c, NULL);
	char *big = alloc_bytes(5001);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	results_set_actual(k, "%s", big);
	ck_assert_uint_eq(strlen(k->actual), RESULTS_TEXT_MAX - 1);
	results_set_expected(k, "<%s>", big);
	ck_assert_uint_eq(strlen(k->expected), RESULTS_TEXT_MAX - 1);
	ck_assert_int_eq(k->expected[0], '<');
	results_set_note(k, "%s", big);
	ck_assert_uint_eq(strlen(k->note), RESULTS_TEXT_MAX - 1);
	ck_assert_int_eq(results_set_setup_error(&c, "%s", big), 1);
	ck_assert_uint_eq(strlen(c.setup_error), RESULTS_TEXT_MAX - 1);
	free(big);
	results_case_free(&c);
}
END_TEST

/* The first failure explains the rest: a second set-up error is dropped. */
START_TEST(setup_error_once)
{
	struct case_result c;
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(results_set_setup_error(&c, "steps[%d]: %s", 2, "connection refused"), 1);
	ck_assert_int_eq(results_set_setup_error(&c, "steps[3]: closed"), 0);
	ck_assert_str_eq(c.setup_error, "steps[2]: connection refused");
	results_case_free(&c);
	ck_assert_ptr_null(c.setup_error);
}
END_TEST

/* The run's set-up error (nothing ran) follows the same rule. */
START_TEST(run_setup_error_once)
{
	struct run_result run;
	memset(&run, 0, sizeof run);
	ck_assert_int_eq(results_set_run_setup_error(&run, "%s%s", "--baseline: ", "b.json: no such file"), 1);
	ck_assert_int_eq(results_set_run_setup_error(&run, "later"), 0);
	ck_assert_str_eq(run.setup_error, "--baseline: b.json: no such file");
	results_free(&run);
}
END_TEST

START_TEST(wire_events)
{
	struct case_result c;
	memset(&c, 0, sizeof c);
	c.protocol = MQTT_V311;
	static const uint8_t good[] = {0x90, 0x03, 0x00, 0x01, 0x01}, bad[] = {0x90, 0x03, 0x00, 0x01, 0x03};
	struct wire_event *w = results_add_wire(&c, 1.5, 0, WIRE_RX, good, sizeof good, "SUBACK", NULL);
	ck_assert(w->t_ms == 1.5);
	ck_assert_uint_eq(w->len, 5);
	ck_assert_ptr_ne(w->bytes, good);
	ck_assert_mem_eq(w->bytes, good, 5);
	ck_assert_str_eq(w->text, "SUBACK");
	ck_assert_ptr_null(w->rule_msg);
	/* A received packet that breaks a rule carries the checker's words. */
	w = results_add_wire(&c, 2, 1, WIRE_RX, bad, sizeof bad, NULL, "MQTT-3.9.3-2");
	ck_assert_str_eq(w->text, "");
	ck_assert_str_eq(w->violation, "MQTT-3.9.3-2");
	ck_assert_ptr_nonnull(w->rule_msg);
	ck_assert_msg(strstr(w->rule_msg, "0x03 is reserved"), "%s", w->rule_msg);
	/* The same bytes sent by a client are judged as a client's: SUBACK is the server's. */
	w = results_add_wire(&c, 3, 1, WIRE_TX, good, sizeof good, "SUBACK", NULL);
	ck_assert_ptr_nonnull(w->rule_msg);
	/* Notes and bytes that do not decode carry no rule. */
	w = results_add_wire(&c, 4, 0, WIRE_NOTE, bad, sizeof bad, "a note", NULL);
	ck_assert_ptr_null(w->rule_msg);
	w = results_add_wire(&c, 5, 0, WIRE_RX, bad, 3, "cut", NULL);
	ck_assert_ptr_null(w->rule_msg);
	w = results_add_wire(&c, 6, 0, WIRE_CLOSED, NULL, 0, "closed", NULL);
	ck_assert_ptr_null(w->bytes);
	ck_assert_uint_eq(w->len, 0);
	/* The trace grows past its first block; earlier events are kept. */
	for (int i = 0; i < 70; i++)
		results_add_wire(&c, 10 + i, 0, WIRE_NOTE, NULL, 0, "n", NULL);
	ck_assert_uint_eq(c.nwire, 76);
	ck_assert_str_eq(c.wire[0].text, "SUBACK");
	ck_assert(c.wire[75].t_ms == 79);
	results_case_free(&c);
	ck_assert_uint_eq(c.nwire, 0);
}
END_TEST

/* ---- aggregation ---- */

static struct run_result run;

static struct case_result *new_case(const char *id, int selected)
{
	run.cases = alloc_resize(run.cases, (run.ncases + 1) * sizeof *run.cases);
	struct case_result *c = &run.cases[run.ncases++];
	memset(c, 0, sizeof *c);
	c->id = alloc_strdup(id);
	c->protocol = MQTT_V311;
	c->selected = selected;
	return c;
}

static void check(struct case_result *c, size_t clause, int should, enum check_outcome o, const char *actual)
{
	struct check_result *k = results_add_check(c, &cat.clauses[clause]);
	k->should = should;
	results_set_outcome(k, o, 1);
	if (actual)
		results_set_actual(k, "%s", actual);
}

/* A case left out by --only has no checks, only the clauses it claims. */
static void claim(struct case_result *c, size_t clause)
{
	c->claims = alloc_array(c->claims, c->nclaims + 1, sizeof *c->claims);
	c->claims[c->nclaims++] = cat.clauses[clause].id;
}

START_TEST(aggregate_verdict_rules)
{
	memset(&run, 0, sizeof run);
	struct case_result *c;
	c = new_case("must-fails", 1);
	check(c, 0, 0, CHECK_PASS, NULL);
	check(c, 0, 0, CHECK_FAIL, "no PUBACK");
	c = new_case("should-fails", 1);
	check(c, 1, 1, CHECK_FAIL, "late");
	check(c, 1, 0, CHECK_PASS, NULL);
	c = new_case("not-applicable", 1);
	check(c, 2, 0, CHECK_NOT_APPLICABLE, "the broker grants QoS 1");
	c = new_case("inconclusive", 1);
	check(c, 3, 0, CHECK_INCONCLUSIVE, "never reached");
	c = new_case("setup-failed", 1);
	check(c, 4, 0, CHECK_PASS, NULL);
	results_set_setup_error(c, "steps[1]: refused");
	c = new_case("left-out", 0);
	claim(c, 5);
	c = new_case("no-checks", 1);
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);

	static const enum verdict cases[] = {VERDICT_FAIL,         VERDICT_WARN,         VERDICT_NOT_APPLICABLE,
					     VERDICT_INCONCLUSIVE, VERDICT_INCONCLUSIVE, VERDICT_NOT_SELECTED,
					     VERDICT_INCONCLUSIVE};
	for (size_t i = 0; i < run.ncases; i++)
		ck_assert_msg(run.cases[i].verdict == cases[i], "%s: %s", run.cases[i].id,
			      results_verdict_name(run.cases[i].verdict));
	/* The clause of a set-up failure passed its own check: PASS. */
	static const enum verdict clauses[] = {VERDICT_FAIL,         VERDICT_WARN, VERDICT_NOT_APPLICABLE,
					       VERDICT_INCONCLUSIVE, VERDICT_PASS, VERDICT_NOT_SELECTED};
	for (size_t k = 0; k < 6; k++)
		ck_assert_msg(run.clauses[k].verdict == clauses[k], "%s: %s", run.clauses[k].clause->id,
			      results_verdict_name(run.clauses[k].verdict));
	ck_assert_str_eq(run.clauses[2].reason, "the broker grants QoS 1");
	ck_assert_str_eq(run.clauses[5].reason, "its cases were left out by --only");
	ck_assert_ptr_null(run.clauses[0].reason);
	ck_assert_uint_eq(run.clauses[0].ncases, 1);
	ck_assert_uint_eq(run.clauses[0].cases[0], 0);
	/* Every other clause: UNTESTED, with the catalog's reason or the default. */
	size_t untested = 0;
	for (size_t k = 6; k < cat.count; k++) {
		ck_assert_int_eq(run.clauses[k].verdict, VERDICT_UNTESTED);
		const char *why = cat.clauses[k].untested_reason ? cat.clauses[k].untested_reason : "no case checks it yet";
		ck_assert_str_eq(run.clauses[k].reason, why);
		untested++;
	}
	ck_assert_uint_eq(run.counts[VERDICT_UNTESTED], untested);
	ck_assert_uint_eq(run.counts[VERDICT_FAIL], 1);
	ck_assert_uint_eq(run.case_counts[VERDICT_INCONCLUSIVE], 3);
	ck_assert_int_eq(results_exit_status(&run), 1);

	/* Without the MUST failure, a WARN fails only a strict run. */
	run.cases[0].checks[1].outcome = CHECK_PASS;
	results_aggregate(&run, &cat, RESULTS_ALL_VERSIONS);
	ck_assert_int_eq(run.clauses[0].verdict, VERDICT_PASS);
	ck_assert_int_eq(results_exit_status(&run), 0);
	run.strict = 1;
	ck_assert_int_eq(results_exit_status(&run), 1);
	results_free(&run);
	ck_assert_ptr_null(run.cases);
}
END_TEST

Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tcase_create("results");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names);
	tcase_add_test(tc, checks_and_claims);
	tcase_add_test(tc, setters_format_and_replace);
	tcase_add_test(tc, texts_bounded);
	tcase_add_test(tc, setup_error_once);
	tcase_add_test(tc, run_setup_error_once);
	tcase_add_test(tc, wire_events);
	tcase_add_test(tc, aggregate_verdict_rules);
	suite_add_tcase(s, tc);
	return s;
}
