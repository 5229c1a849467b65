/* test_engine_limits.c - what bounds the engine keeps whatever the broker
 * does, and a run that ends early: a flood past the inbox limit and a packet
 * announced past the size limit are verdicts (the connection dropped, the
 * check failed, the trace capped), not a crash or unbounded memory; a run
 * cut short by its deadline or a stop still gives every case a result, the
 * unfinished ones INCONCLUSIVE and saying why. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"
#include "util/alloc.h"

#define PUBACK_CASE_IN(ms) \
	"{'id':'l','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true}," \
	"{'client':'a','expect':{'type':'PUBACK','packet_id':1},'within_ms':" #ms ",'checks':['MQTT-3.12.4-1']}]}"
#define PUBACK_CASE PUBACK_CASE_IN(3000)

static const struct wire_event *find_wire(const struct case_result *res, enum wire_dir d, const char *text)
{
	for (size_t i = 0; i < res->nwire; i++)
		if (res->wire[i].dir == d && res->wire[i].text && strstr(res->wire[i].text, text))
			return &res->wire[i];
	return NULL;
}

/* More PINGRESPs than a client keeps (20000; all running cases together keep 15000). */
START_TEST(flood_past_inbox_limit)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_FLOOD(20100, 0xd0, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r, PUBACK_CASE, scripts, 1, NULL);
	ck_assert_int_eq(r.cut, 0);
	const struct check_result *c = ef_check(&r.res[0], "steps[1]");
	/* Failed by the drop, not by the window running out. */
	ef_assert(c, CHECK_FAIL, "the connection was dropped");
	ck_assert_ptr_null(strstr(c->actual, "(window:"));
	/* The trace stops at its cap, with a note saying so. */
	ck_assert_uint_eq(r.res[0].nwire, 1001);
	ck_assert_int_eq(r.res[0].wire[1000].dir, WIRE_NOTE);
	ck_assert_ptr_nonnull(strstr(r.res[0].wire[1000].text, "wire trace truncated"));
	ef_free(&r);
}
END_TEST

/* Two cases at once, each flooded below the per-client limit but past what
 * all running cases keep together (15000): one of them is cut off. */
START_TEST(flood_past_run_limit)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_FLOOD(10100, 0xd0, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s, s};
	const char *const texts[] = {PUBACK_CASE_IN(1000), PUBACK_CASE_IN(1000)};
	struct ef_opts o = {.jobs = 2};
	ef_run(&r, texts, 2, scripts, 2, &o);
	size_t dropped = 0;
	for (size_t i = 0; i < 2; i++) {
		const struct check_result *c = ef_check(&r.res[i], "steps[1]");
		ef_assert(c, CHECK_FAIL, NULL);
		dropped += strstr(c->actual, "the connection was dropped") != NULL;
	}
	ck_assert_uint_ge(dropped, 1);
	ef_free(&r);
}
END_TEST

/* A PUBLISH announcing 256 MiB: not buffered, the connection dropped at once. */
START_TEST(packet_past_size_limit)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_SEND(0x30, 0xff, 0xff, 0xff, 0x7f, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r, PUBACK_CASE, scripts, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[1]");
	ef_assert(c, CHECK_FAIL, "the connection was dropped");
	ck_assert_ptr_null(strstr(c->actual, "(window:"));
	ck_assert_ptr_nonnull(find_wire(&r.res[0], WIRE_HANGUP, "over mqttspec's 1048576-byte limit; connection dropped"));
	ef_free(&r);
}
END_TEST

#define SLOW_CASE \
	"{'id':'slow','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},{'client':'a','wait_ms':5000}," \
	"{'client':'a','expect':{'nothing':true},'within_ms':30,'checks':['MQTT-3.12.4-1']}]}"
#define QUICK_CASE \
	"{'id':'quick','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true}," \
	"{'client':'a','expect':{'nothing':true},'within_ms':30,'checks':['MQTT-3.12.4-1']}]}"

/* Aggregate the run as `mqttspec run` does and return the case verdicts. */
static void verdicts(struct ef_run *r, enum verdict *out)
{
	struct run_result run;
	memset(&run, 0, sizeof run);
	run.incomplete = r->cut;
	run.ncases = r->n;
	run.cases = alloc_zeroed(r->n, sizeof *run.cases);
	memcpy(run.cases, r->res, r->n * sizeof *run.cases);
	memset(r->res, 0, sizeof r->res); /* the run owns them now */
	results_aggregate(&run, &ef_cat, RESULTS_ALL_VERSIONS);
	for (size_t i = 0; i < run.ncases; i++)
		out[i] = run.cases[i].verdict;
	results_free(&run);
}

START_TEST(deadline_cuts_run)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_END};
	const struct fake_step *const scripts[] = {s, s};
	const char *const texts[] = {QUICK_CASE, SLOW_CASE};
	struct ef_opts o = {.deadline_ms = 150};
	ef_run(&r, texts, 2, scripts, 2, &o);
	ck_assert_int_eq(r.cut, 1);
	/* The longest case starts first; the deadline ends it in its wait. */
	const struct case_result *slow = &r.res[1], *quick = &r.res[0];
	ck_assert_str_eq(slow->setup_error, "not finished: the run was cut short");
	ef_assert(ef_check(slow, "steps[2]"), CHECK_INCONCLUSIVE, "not finished: the run was cut short");
	ck_assert_uint_lt(slow->steps_run, slow->steps_total);
	/* The other never started, and says so. */
	ck_assert_int_eq(quick->selected, 1);
	ck_assert_str_eq(quick->setup_error, "not run: the run was cut short");
	ef_assert(ef_check(quick, "steps[1]"), CHECK_INCONCLUSIVE, NULL);
	enum verdict v[2];
	verdicts(&r, v);
	ck_assert_int_eq(v[0], VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(v[1], VERDICT_INCONCLUSIVE);
	ef_free(&r);
}
END_TEST

START_TEST(stop_before_start)
{
	struct ef_run r;
	volatile sig_atomic_t stop = 1;
	struct ef_opts o = {.stop = &stop};
	const char *const texts[] = {QUICK_CASE, SLOW_CASE};
	ef_run(&r, texts, 2, NULL, 0, &o);
	ck_assert_int_eq(r.cut, 1);
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 0);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(r.res[i].setup_error, "not run: the run was cut short");
		ck_assert_uint_eq(r.res[i].nchecks, 1);
		ck_assert_int_eq(r.res[i].checks[0].outcome, CHECK_INCONCLUSIVE);
	}
	ef_free(&r);
}
END_TEST

Suite *engine_limits_suite(void)
{
	Suite *s = suite_create("engine_limits");
	TCase *tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, flood_past_inbox_limit);
	tcase_add_test(tc, flood_past_run_limit);
	tcase_add_test(tc, packet_past_size_limit);
	tcase_add_test(tc, deadline_cuts_run);
	tcase_add_test(tc, stop_before_start);
	suite_add_tcase(s, tc);
	return s;
}
