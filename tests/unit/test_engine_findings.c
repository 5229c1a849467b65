/* test_engine_findings.c - what the engine finds on every packet, whatever
 * the case is about: a monitor's invariant broken (the first packet not a
 * CONNACK, a PUBLISH outside the subscriptions or above the grant) and a
 * packet the strict decoder refuses are FAILs of their clause in the case,
 * next to the step's own check. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

#define MONITOR "found by a monitor (an invariant checked on every packet)"
#define DECODER "found by the strict decoder on a received packet"

START_TEST(first_packet_not_connack)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0xd0, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r,
		"{'id':'f','title':'t','clients':{'a':{}},'steps':[{'client':'a','open':true},"
		"{'client':'a','send':{'type':'CONNECT'}},"
		"{'client':'a','expect':{'type':'PINGRESP'},'within_ms':2000,'checks':['MQTT-3.12.4-1']}]}",
		scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	const struct check_result *f = ef_finding(&r.res[0], "MQTT-3.2.0-1");
	ef_assert(f, CHECK_FAIL, "the first packet on the connection is PINGRESP, not CONNACK");
	ck_assert_str_eq(f->note, MONITOR);
	ck_assert_str_eq(f->step_path, "steps[2]");
	ef_free(&r);
}
END_TEST

/* Subscribe to {topic}/x at `qos` (granted as asked), then receive `pub`. */
static void run_delivery(struct ef_run *r, int qos, const uint8_t *pub, size_t n, int times)
{
	const struct fake_step s[] = {FP_ACCEPT,
				      FP_RECV(8),
				      FP_SEND_ID(0x90, 0x03, 0x00, 0x00, (uint8_t)qos),
				      {.op = FAKE_FLOOD, .bytes = pub, .n = n, .count = (size_t)times},
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	char text[600];
	snprintf(text, sizeof text,
		 "{'id':'f','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},"
		 "{'client':'a','subscribe':{'topics':[{'filter':'{topic}/x','qos':%d}]}},"
		 "{'client':'a','expect':{'type':'PUBLISH'},'within_ms':2000,'checks':['MQTT-3.3.1-9']},"
		 "{'client':'a','wait_ms':50}]}",
		 qos);
	ef_run1(r, text, scripts, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r->peer));
}

START_TEST(publish_outside_subscriptions)
{
	struct ef_run r;
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "f", "y", 0, 0);
	/* Twice: a monitor charges a clause once per case, on the first packet. */
	run_delivery(&r, 0, pub, n, 2);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PUBLISH");
	const struct check_result *f = ef_finding(&r.res[0], "MQTT-3.3.2-3");
	ef_assert(f, CHECK_FAIL, "matches none of the client's subscriptions");
	ck_assert_str_eq(f->note, MONITOR);
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 1);
	ef_free(&r);
}
END_TEST

START_TEST(publish_above_grant)
{
	struct ef_run r;
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "f", "x", 1, 3);
	run_delivery(&r, 0, pub, n, 1);
	const struct check_result *f = ef_finding(&r.res[0], "MQTT-3.8.4-6");
	ef_assert(f, CHECK_FAIL, "at QoS 1; the matching subscriptions grant at most QoS 0");
	ck_assert_str_eq(f->note, MONITOR);
	ef_free(&r);
}
END_TEST

START_TEST(publish_within_grant_is_clean)
{
	struct ef_run r;
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "f", "x", 1, 3);
	run_delivery(&r, 1, pub, n, 1);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PUBLISH");
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 0);
	ef_free(&r);
}
END_TEST

START_TEST(publish_qos1_packet_id_0)
{
	struct ef_run r;
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "f", "x", 1, 0);
	run_delivery(&r, 1, pub, n, 1);
	const struct check_result *f = ef_finding(&r.res[0], "MQTT-2.3.1-1");
	ef_assert(f, CHECK_FAIL, "PUBLISH: QoS 1 with packet id 0");
	ck_assert_str_eq(f->note, DECODER);
	/* The packet is still a PUBLISH: the step expecting one takes it. */
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, NULL);
	/* One bad packet is charged once: no monitor finding on top. */
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 1);
	ef_free(&r);
}
END_TEST

/* A PINGRESP with a byte of body does not decode: the connection is dropped. */
START_TEST(malformed_packet_drops)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_RECV(12), FP_SEND(0xd0, 0x01, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r,
		"{'id':'f','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},"
		"{'client':'a','send':{'type':'PINGREQ'}},"
		"{'client':'a','expect':{'closed':true},'within_ms':2000,'checks':['MQTT-4.8.0-1']}]}",
		scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_FAIL, "it sent bytes that are not a valid packet");
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 1);
	const struct check_result *f = &r.res[0].checks[r.res[0].nchecks - 1];
	ef_assert(f, CHECK_FAIL, "PINGRESP");
	ck_assert_str_eq(f->note, DECODER);
	ef_free(&r);
}
END_TEST

/* After we dropped the connection on a malformed packet, a `nothing` step
 * has seen nothing of the broker: not a PASS (the decoder's FAIL stands). */
START_TEST(nothing_after_a_drop_is_not_a_pass)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_RECV(12), FP_SEND(0xd0, 0x01, 0x00), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r,
		"{'id':'f','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},"
		"{'client':'a','send':{'type':'PINGREQ'}},{'client':'a','wait_ms':200},"
		"{'client':'a','expect':{'nothing':true},'within_ms':200,'checks':['MQTT-4.8.0-1']}]}",
		scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_INCONCLUSIVE, NULL);
	ck_assert_msg(strstr(r.res[0].setup_error, "mqttspec had dropped the connection"), "%s", r.res[0].setup_error);
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 1);
	ef_free(&r);
}
END_TEST

Suite *engine_findings_suite(void)
{
	Suite *s = suite_create("engine_findings");
	TCase *tc = tcase_create("findings");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, first_packet_not_connack);
	tcase_add_test(tc, publish_outside_subscriptions);
	tcase_add_test(tc, publish_above_grant);
	tcase_add_test(tc, publish_within_grant_is_clean);
	tcase_add_test(tc, publish_qos1_packet_id_0);
	tcase_add_test(tc, malformed_packet_drops);
	tcase_add_test(tc, nothing_after_a_drop_is_not_a_pass);
	suite_add_tcase(s, tc);
	return s;
}
