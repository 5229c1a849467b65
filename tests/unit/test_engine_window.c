/* test_engine_window.c - an expectation's window: a packet inside it
 * passes, one after it fails with the window's length; --time-scale
 * stretches windows (not a "scaled": false one), the tolerance stretches
 * packet windows but not a quiet ("nothing") one. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

/* PINGREQ, then a PINGRESP expected in WITHIN ms (ms, scaled as the step says). */
#define PING_CASE(within, extra) \
	"{'id':'w','title':'t','clients':{'a':{}},'steps':[" \
	"{'client':'a','connect':true}," \
	"{'client':'a','send':{'type':'PINGREQ'}}," \
	"{'client':'a','expect':{'type':'PINGRESP'},'within_ms':" #within extra ",'checks':['MQTT-3.12.4-1']}]}"

/* The PINGRESP comes `ms` after the PINGREQ. */
#define LATE_PONG(name, ms) \
	static const struct fake_step name##_s[] = {FP_ACCEPT, FP_RECV(12), FP_WAIT(ms), FP_SEND(0xd0, 0x00), FP_END}; \
	static const struct fake_step *const name[] = {name##_s}

LATE_PONG(pong_20, 20);
LATE_PONG(pong_150, 150);
LATE_PONG(pong_300, 300);
/* Late by far more than any stall of a loaded machine; a run that fails by it ends at its window. */
LATE_PONG(pong_600, 600);

START_TEST(packet_inside_window)
{
	struct ef_run r;
	ef_run1(&r, PING_CASE(2000, ""), pong_20, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP (after ");
	ck_assert_int_eq(r.cut, 0);
	ef_free(&r);
}
END_TEST

START_TEST(packet_after_window)
{
	struct ef_run r;
	ef_run1(&r, PING_CASE(30, ""), pong_600, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_FAIL, "nothing matching arrived within the window");
	ck_assert_str_eq(c->clauses[0], "MQTT-3.12.4-1");
	double w = ef_window_ms(c);
	ck_assert_msg(w >= 30 && w < 600, "window %.0f ms", w);
	ef_free(&r);
}
END_TEST

START_TEST(time_scale_stretches_window)
{
	struct ef_run r;
	struct ef_opts o = {.time_scale = 40}; /* 30 ms become 1200 */
	ef_run1(&r, PING_CASE(30, ""), pong_150, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_free(&r);
}
END_TEST

START_TEST(unscaled_window_kept)
{
	struct ef_run r;
	struct ef_opts o = {.time_scale = 40};
	ef_run1(&r, PING_CASE(30, ",'scaled':false"), pong_600, 1, &o);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_FAIL, "nothing matching arrived");
	double w = ef_window_ms(c);
	ck_assert_msg(w >= 30 && w < 600, "window %.0f ms", w);
	ef_free(&r);
}
END_TEST

START_TEST(tolerance_stretches_window)
{
	struct ef_run r;
	struct ef_opts o = {.tolerance_ms = 1500};
	ef_run1(&r, PING_CASE(30, ""), pong_150, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_free(&r);
}
END_TEST

/* A quiet window: nothing expected for `within` ms after the PINGREQ. */
#define QUIET_CASE(within) \
	"{'id':'q','title':'t','clients':{'a':{}},'steps':[" \
	"{'client':'a','connect':true}," \
	"{'client':'a','send':{'type':'PINGREQ'}}," \
	"{'client':'a','expect':{'nothing':true},'within_ms':" #within ",'checks':['MQTT-3.12.4-1']}]}"

START_TEST(tolerance_not_on_quiet_window)
{
	struct ef_run r;
	struct ef_opts o = {.tolerance_ms = 5000};
	ef_run1(&r, QUIET_CASE(30), pong_600, 1, &o);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_PASS, "nothing arrived in ");
	double ms = -1;
	ck_assert(sscanf(strstr(c->actual, " in ") + 4, "%lf", &ms) == 1);
	ck_assert_msg(ms >= 30 && ms < 600, "quiet for %.0f ms", ms);
	ef_free(&r);
}
END_TEST

START_TEST(time_scale_stretches_quiet_window)
{
	struct ef_run r;
	struct ef_opts o = {.time_scale = 40}; /* 30 ms become 1200: the PINGRESP at 300 falls inside */
	ef_run1(&r, QUIET_CASE(30), pong_300, 1, &o);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_FAIL, "got PINGRESP");
	ef_free(&r);
}
END_TEST

Suite *engine_window_suite(void)
{
	Suite *s = suite_create("engine_window");
	TCase *tc = tcase_create("window");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, packet_inside_window);
	tcase_add_test(tc, packet_after_window);
	tcase_add_test(tc, time_scale_stretches_window);
	tcase_add_test(tc, unscaled_window_kept);
	tcase_add_test(tc, tolerance_stretches_window);
	tcase_add_test(tc, tolerance_not_on_quiet_window);
	tcase_add_test(tc, time_scale_stretches_quiet_window);
	suite_add_tcase(s, tc);
	return s;
}
