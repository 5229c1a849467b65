/* test_engine_capture.c - captures and gates: a value captured from one
 * packet is used by a later step (the broker's packet id sent back in the
 * PUBACK), and a gate on a captured grant runs or skips a check. */
#include <check.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

#define QUIET_IF(gate, clause) \
	"{'client':'a','expect':{'nothing':true},'within_ms':30,'when':" gate ",'checks':['" clause "']}"

static const char *const capture_case =
	"{'id':'cap','title':'t','clients':{'a':{}},'steps':["
	"{'client':'a','connect':true},"
	"{'client':'a','send':{'type':'SUBSCRIBE','packet_id':7,'topics':[{'filter':'{topic}/x','qos':2}]}},"
	"{'client':'a','expect':{'type':'SUBACK','packet_id':7,'return_codes':[{'capture':'g'}]},'within_ms':2000},"
	"{'client':'a','expect':{'type':'PUBLISH','topic':'{topic}/x','packet_id':{'capture':'p','not':0}},"
	"'within_ms':2000,'checks':['MQTT-3.3.2-3']},"
	"{'client':'a','send':{'type':'PUBACK','packet_id':'{p}'}}," QUIET_IF("{'g':2}", "MQTT-3.8.4-6") ","
	QUIET_IF("{'g':[0,1]}", "MQTT-3.8.4-6") "," QUIET_IF("{'p':4660}", "MQTT-3.12.4-1") "]}";

/* The SUBACK grants QoS 1 (of the 2 asked); then a QoS 1 PUBLISH with id 0x1234. */
static void run_capture(struct ef_run *r)
{
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "cap", "x", 1, 0x1234);
	const struct fake_step s[] = {FP_ACCEPT,
				      FP_RECV(8),
				      FP_SEND_ID(0x90, 0x03, 0x00, 0x00, 0x01),
				      {.op = FAKE_SEND, .bytes = pub, .n = n},
				      FP_RECV(4),
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(r, capture_case, scripts, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r->peer));
}

START_TEST(captured_packet_id_sent_back)
{
	struct ef_run r;
	run_capture(&r);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PUBLISH");
	/* CONNECT, SUBSCRIBE, then the PUBACK built from {p}. */
	ck_assert_uint_ge(fake_peer_nreceived(r.peer, 0), 3);
	const struct fake_rx *ack = fake_peer_received(r.peer, 0, 2);
	ck_assert_int_eq(ack->type, 4);
	ck_assert_int_eq(ack->has_packet_id, 1);
	ck_assert_uint_eq(ack->packet_id, 0x1234);
	ck_assert_uint_eq(fake_peer_received(r.peer, 0, 1)->packet_id, 7);
	ef_free(&r);
}
END_TEST

START_TEST(gate_on_capture)
{
	struct ef_run r;
	run_capture(&r);
	ef_assert(ef_check(&r.res[0], "steps[5]"), CHECK_NOT_APPLICABLE, "not applicable: g = 1, this check needs 2");
	ck_assert_int_eq(ef_step(&r.res[0], "steps[5]")->outcome, STEP_SKIPPED);
	ef_assert(ef_check(&r.res[0], "steps[6]"), CHECK_PASS, "nothing arrived");
	ef_assert(ef_check(&r.res[0], "steps[7]"), CHECK_PASS, "nothing arrived");
	/* The broker broke nothing: the case has its own four checks and no finding. */
	ck_assert_uint_eq(r.res[0].nchecks, 4);
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 0);
	ef_free(&r);
}
END_TEST

/* Gates of bounds on the captured grant (1): below, within, above. */
static const char *const bounds_case =
	"{'id':'cap','title':'t','clients':{'a':{}},'steps':["
	"{'client':'a','connect':true},"
	"{'client':'a','send':{'type':'SUBSCRIBE','packet_id':7,'topics':[{'filter':'{topic}/x','qos':2}]}},"
	"{'client':'a','expect':{'type':'SUBACK','packet_id':7,'return_codes':[{'capture':'g'}]},'within_ms':2000},"
	QUIET_IF("{'g':{'min':2}}", "MQTT-3.8.4-6") "," QUIET_IF("{'g':{'min':0,'max':1}}", "MQTT-3.8.4-6") ","
	QUIET_IF("{'g':{'max':0}}", "MQTT-3.8.4-6") "]}";

START_TEST(gate_bounds)
{
	struct ef_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x03, 0x00, 0x00, 0x01), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r, bounds_case, scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_NOT_APPLICABLE, "g = 1, this check needs at least 2");
	ef_assert(ef_check(&r.res[0], "steps[4]"), CHECK_PASS, "nothing arrived");
	ef_assert(ef_check(&r.res[0], "steps[5]"), CHECK_NOT_APPLICABLE, "g = 1, this check needs at most 0");
	ef_free(&r);
}
END_TEST

/* A capture with "not": a PUBLISH whose id is the excluded value does not match. */
START_TEST(capture_not_refuses)
{
	struct ef_run r;
	uint8_t pub[128];
	size_t n = ef_publish(pub, sizeof pub, "cap", "x", 0, 0);
	const struct fake_step s[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x03, 0x00, 0x00, 0x00),
				      {.op = FAKE_SEND, .bytes = pub, .n = n}, FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(&r,
		"{'id':'cap','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},"
		"{'client':'a','subscribe':{'topics':[{'filter':'{topic}/x','qos':0}]}},"
		"{'client':'a','expect':{'type':'PUBLISH','topic':'{topic}/x','qos':{'capture':'q','not':0}},"
		"'within_ms':50,'checks':['MQTT-3.3.2-3']}]}",
		scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_FAIL, "got PUBLISH");
	ef_free(&r);
}
END_TEST

Suite *engine_capture_suite(void)
{
	Suite *s = suite_create("engine_capture");
	TCase *tc = tcase_create("capture");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, captured_packet_id_sent_back);
	tcase_add_test(tc, gate_on_capture);
	tcase_add_test(tc, gate_bounds);
	tcase_add_test(tc, capture_not_refuses);
	suite_add_tcase(s, tc);
	return s;
}
