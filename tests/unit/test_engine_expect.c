/* test_engine_expect.c - the forms of an expectation as the engine runs
 * them: any_of (the alternative taken is named), unordered and ordered,
 * closed (the close alone), nothing (silence passes, a packet fails). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

#define HEAD "{'id':'x','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},"
#define PING "{'client':'a','send':{'type':'PINGREQ'}},"
#define EXPECT(e, within) "{'client':'a','expect':" e ",'within_ms':" #within ",'checks':['MQTT-3.12.4-1']}]}"

static const struct fake_step pong_s[] = {FP_ACCEPT, FP_RECV(12), FP_SEND(0xd0, 0x00), FP_END};
static const struct fake_step *const pong[] = {pong_s};
static const struct fake_step hang_s[] = {FP_ACCEPT, FP_RECV(12), FP_CLOSE};
static const struct fake_step *const hang[] = {hang_s};
static const struct fake_step puback_s[] = {FP_ACCEPT, FP_RECV(12), FP_SEND(0x40, 0x02, 0x00, 0x09), FP_END};
static const struct fake_step *const puback[] = {puback_s};
static const struct fake_step silent_s[] = {FP_ACCEPT, FP_END};
static const struct fake_step *const silent[] = {silent_s};

#define ANY_OF "{'any_of':[{'expect':{'type':'PINGRESP'}},{'expect':{'closed':true},'because':'MQTT-4.8.0-1'}]}"

START_TEST(any_of_first)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT(ANY_OF, 2000), pong, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_PASS, "PINGRESP");
	ck_assert_str_eq(c->note, "the broker took alternative 1");
	ef_free(&r);
}
END_TEST

START_TEST(any_of_second_with_because)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT(ANY_OF, 2000), hang, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_PASS, NULL);
	ck_assert_str_eq(c->note, "the broker took alternative 2: MQTT-4.8.0-1");
	ef_free(&r);
}
END_TEST

START_TEST(any_of_none)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT(ANY_OF, 30), puback, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_FAIL, "no permitted answer matched: alternative 1: ");
	ck_assert_ptr_nonnull(strstr(c->actual, "| alternative 2: expected the broker to close the connection"));
	ef_free(&r);
}
END_TEST

/* PUBACK 2 before PUBACK 1. */
static const struct fake_step acks_s[] = {FP_ACCEPT, FP_SEND(0x40, 0x02, 0x00, 0x02, 0x40, 0x02, 0x00, 0x01), FP_END};
static const struct fake_step *const acks[] = {acks_s};
#define ACK(n) "{'type':'PUBACK','packet_id':" #n "}"

START_TEST(unordered_any_order)
{
	struct ef_run r;
	ef_run1(&r, HEAD EXPECT("{'unordered':[" ACK(1) "," ACK(2) "]}", 2000), acks, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[1]"), CHECK_PASS, "PUBACK");
	ef_free(&r);
}
END_TEST

START_TEST(unordered_needs_all)
{
	struct ef_run r;
	ef_run1(&r, HEAD EXPECT("{'unordered':[" ACK(1) "," ACK(3) "]}", 30), acks, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[1]"), CHECK_FAIL, "expected {\"type\":\"PUBACK\",\"packet_id\":3}");
	ef_free(&r);
}
END_TEST

START_TEST(ordered_keeps_order)
{
	struct ef_run r;
	ef_run1(&r, HEAD EXPECT("{'ordered':[" ACK(1) "," ACK(2) "]}", 30), acks, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[1]"), CHECK_FAIL, "item 2 of 2 in order: ");
	ef_free(&r);
}
END_TEST

START_TEST(closed_after_step_began)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT("{'closed':true}", 2000), hang, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "ms after the step began");
	ef_free(&r);
}
END_TEST

/* A CONNACK then the close: closed judges the close alone, not what came before. */
static const struct fake_step ack_close_s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x00, 0xd0, 0x00), FP_CLOSE};
static const struct fake_step *const ack_close[] = {ack_close_s};

START_TEST(closed_alone)
{
	struct ef_run r;
	ef_run1(&r,
		"{'id':'c','title':'t','clients':{'a':{}},'steps':[{'client':'a','open':true},"
		"{'client':'a','send':{'type':'CONNECT'}},{'client':'a','wait_ms':50}," EXPECT("{'closed':true}", 2000),
		ack_close, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "ms before the step began");
	ef_free(&r);
}
END_TEST

START_TEST(closed_not)
{
	struct ef_run r;
	ef_run1(&r, HEAD EXPECT("{'closed':true}", 30), silent, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[1]"), CHECK_FAIL, "it was still open when the window ended");
	ef_free(&r);
}
END_TEST

START_TEST(nothing_silence)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT("{'nothing':true}", 30), silent, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "nothing arrived in ");
	ef_free(&r);
}
END_TEST

START_TEST(nothing_packet)
{
	struct ef_run r;
	ef_run1(&r, HEAD PING EXPECT("{'nothing':true}", 2000), pong, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_FAIL, "expected no packet; got PINGRESP");
	ef_free(&r);
}
END_TEST

START_TEST(nothing_like_pattern)
{
	struct ef_run r;
	/* Only a packet like the pattern breaks it: the PINGRESP does not. */
	ef_run1(&r, HEAD PING EXPECT("{'nothing':{'type':'PUBACK'}}", 100), pong, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "nothing arrived in ");
	ef_free(&r);
	ef_run1(&r, HEAD PING EXPECT("{'nothing':{'type':'PUBACK'}}", 2000), puback, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_FAIL, "got PUBACK");
	ef_free(&r);
}
END_TEST

START_TEST(nothing_ends_with_close)
{
	struct ef_run r;
	/* Nothing more can come once the broker closed: the window need not run out. */
	ef_run1(&r, HEAD PING EXPECT("{'nothing':true}", 5000), hang, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_PASS, "nothing arrived in ");
	double ms = -1;
	ck_assert(sscanf(strstr(c->actual, " in ") + 4, "%lf", &ms) == 1);
	ck_assert_msg(ms < 2500, "quiet for %.0f ms of a 5000 ms window", ms);
	ef_free(&r);
}
END_TEST

Suite *engine_expect_suite(void)
{
	Suite *s = suite_create("engine_expect");
	TCase *tc = tcase_create("expect");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, any_of_first);
	tcase_add_test(tc, any_of_second_with_because);
	tcase_add_test(tc, any_of_none);
	tcase_add_test(tc, unordered_any_order);
	tcase_add_test(tc, unordered_needs_all);
	tcase_add_test(tc, ordered_keeps_order);
	tcase_add_test(tc, closed_after_step_began);
	tcase_add_test(tc, closed_alone);
	tcase_add_test(tc, closed_not);
	tcase_add_test(tc, nothing_silence);
	tcase_add_test(tc, nothing_packet);
	tcase_add_test(tc, nothing_like_pattern);
	tcase_add_test(tc, nothing_ends_with_close);
	suite_add_tcase(s, tc);
	return s;
}
