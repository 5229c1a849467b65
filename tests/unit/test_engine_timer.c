/* test_engine_timer.c - broker timers (cases/README.md, "Timers"): a window
 * that ends at label + seconds + tolerance + slack (late edge), a wait until
 * label + seconds - tolerance - slack (early edge), seconds computed from a
 * variable, and the moments no run can judge: an early edge at or before its
 * label, a moment past --max-wait-ms (NOT APPLICABLE, the rest of the case
 * too), seconds that are not a number (a case error). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

/* PINGREQ (label p), then a step judged by a timer of SECONDS with EDGE, then
 * a last check that a NOT APPLICABLE timer must take along. */
#define TIMER_CASE(step) \
	"{'id':'t','title':'t','clients':{'a':{}},'vars':{'n':'1'},'steps':[" \
	"{'client':'a','connect':true}," \
	"{'client':'a','send':{'type':'PINGREQ'},'label':'p'}," step "," \
	"{'client':'a','expect':{'nothing':true},'within_ms':1,'checks':['MQTT-3.1.2-24']}]}"
#define LATE(seconds) \
	"{'client':'a','expect':{'type':'PINGRESP'},'from':'p','timer':{'seconds':" seconds ",'edge':'late'}," \
	"'checks':['MQTT-3.12.4-1']}"

/* The PINGRESP comes `ms` after the PINGREQ. */
#define LATE_PONG(name, ms) \
	static const struct fake_step name##_s[] = {FP_ACCEPT, FP_RECV(12), FP_WAIT(ms), FP_SEND(0xd0, 0x00), FP_END}; \
	static const struct fake_step *const name[] = {name##_s}

LATE_PONG(pong_20, 20);
LATE_PONG(pong_150, 150);
LATE_PONG(pong_300, 300);
LATE_PONG(pong_900, 900);

START_TEST(late_edge_holds_slack)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 400};
	ef_run1(&r, TIMER_CASE(LATE("0")), pong_150, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_free(&r);
}
END_TEST

/* Slack 100 ms, timer 0 s: the window ends 100 ms after the PINGREQ. */
START_TEST(late_edge_ends_window)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 100};
	ef_run1(&r, TIMER_CASE(LATE("0")), pong_900, 1, &o);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_FAIL, "(window: ");
	double ms = ef_window_ms(c);
	ck_assert_msg(ms >= 100 && ms < 900, "window %.0f ms", ms);
	ck_assert_msg(strstr(c->actual, "from p)") != NULL, "%s", c->actual);
	ef_free(&r);
}
END_TEST

/* Timer "{n}" = 1 s, slack 700: the wait ends 300 ms after the PINGREQ, so a
 * PINGRESP sent at 150 ms is there when the next step looks at once; the
 * step after the wait begins no sooner than 300 ms after it. */
/* When the step at `path` finished. */
static double step_done(const struct case_result *res, const char *path)
{
	for (size_t i = 0; i < res->nsteps; i++)
		if (strcmp(res->steps[i].path, path) == 0)
			return res->steps[i].t_ms;
	ck_abort_msg("no step %s", path);
	return -1;
}

START_TEST(early_edge_waits)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 700};
	ef_run1(&r,
		TIMER_CASE("{'wait_timer':{'seconds':'{n}','edge':'early'},'from':'p'},"
			   "{'client':'a','expect':{'type':'PINGRESP'},'within_ms':0,'checks':['MQTT-3.12.4-1']}"),
		pong_150, 1, &o);
	const struct check_result *c = ef_check(&r.res[0], "steps[3]");
	ef_assert(c, CHECK_PASS, "PINGRESP");
	double waited = step_done(&r.res[0], "steps[2]") - step_done(&r.res[0], "steps[1]");
	ck_assert_msg(waited >= 300 && waited < 1500, "the wait ended after %.0f ms", waited); /* 1700 if slack were added */
	ef_free(&r);
}
END_TEST

/* Timer 1 s with slack 1000: nothing can be seen before it ends. */
START_TEST(early_edge_within_allowance_not_applicable)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 1000};
	ef_run1(&r,
		TIMER_CASE("{'client':'a','expect':{'nothing':true},'from':'p','timer':{'seconds':1,'edge':'early'},"
			   "'checks':['MQTT-3.12.4-1']}"),
		pong_20, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_NOT_APPLICABLE, "within the timer allowance");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_NOT_APPLICABLE, "within the timer allowance");
	ef_free(&r);
}
END_TEST

START_TEST(past_max_wait_not_applicable)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 100, .max_wait_ms = 1000};
	ef_run1(&r, TIMER_CASE(LATE("'{n} * 2'")), pong_20, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_NOT_APPLICABLE, "beyond --max-wait-ms 1000");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_NOT_APPLICABLE, "2 s timer puts this step 2100 ms after p");
	ef_free(&r);
}
END_TEST

START_TEST(seconds_not_a_number_case_error)
{
	struct ef_run r;
	ef_run1(&r, TIMER_CASE(LATE("'{n}x'")), pong_20, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_INCONCLUSIVE, NULL);
	ck_assert_msg(r.res[0].setup_error && strstr(r.res[0].setup_error, "case error: steps[2].timer"),
		      "%s", r.res[0].setup_error ? r.res[0].setup_error : "(none)");
	ef_free(&r);
}
END_TEST

/* The moment passed while a wait ran; the PINGRESP came after it: not in the window. */
START_TEST(arrival_after_moment_not_counted)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 100};
	ef_run1(&r, TIMER_CASE("{'wait_ms':600}," LATE("0")), pong_300, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_FAIL, "nothing matching arrived");
	ef_free(&r);
}
END_TEST

/* A MUST with the longer bound takes the PINGRESP (peek); the SHOULD step
 * after it, begun past its own moment, does not count what came later. */
START_TEST(should_after_must_judged_by_arrival)
{
	struct ef_run r;
	struct ef_opts o = {.slack_ms = 100};
	ef_run1(&r,
		TIMER_CASE("{'client':'a','expect':{'type':'PINGRESP'},'from':'p','timer':{'seconds':2,'edge':'late'},"
			   "'peek':true,'checks':['MQTT-3.1.2-3']},"
			   "{'client':'a','expect':{'type':'PINGRESP'},'from':'p','timer':{'seconds':0,'edge':'late'},"
			   "'level':'SHOULD','checks':['MQTT-3.12.4-1']}"),
		pong_300, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_FAIL, "nothing matching arrived");
	ef_free(&r);
}
END_TEST

/* wait_ms as a template: "{n} * 300" waits 300 ms. */
START_TEST(wait_ms_template)
{
	struct ef_run r;
	ef_run1(&r,
		TIMER_CASE("{'wait_ms':'{n} * 300'},"
			   "{'client':'a','expect':{'type':'PINGRESP'},'within_ms':0,'checks':['MQTT-3.12.4-1']}"),
		pong_150, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PINGRESP");
	double waited = step_done(&r.res[0], "steps[2]") - step_done(&r.res[0], "steps[1]");
	ck_assert_msg(waited >= 300 && waited < 1500, "the wait ended after %.0f ms", waited);
	ef_free(&r);
}
END_TEST

Suite *engine_timer_suite(void)
{
	Suite *s = suite_create("engine_timer");
	TCase *tc = tcase_create("timer");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, late_edge_holds_slack);
	tcase_add_test(tc, late_edge_ends_window);
	tcase_add_test(tc, early_edge_waits);
	tcase_add_test(tc, early_edge_within_allowance_not_applicable);
	tcase_add_test(tc, past_max_wait_not_applicable);
	tcase_add_test(tc, seconds_not_a_number_case_error);
	tcase_add_test(tc, arrival_after_moment_not_counted);
	tcase_add_test(tc, should_after_must_judged_by_arrival);
	tcase_add_test(tc, wait_ms_template);
	suite_add_tcase(s, tc);
	return s;
}
