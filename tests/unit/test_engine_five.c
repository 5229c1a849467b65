/* test_engine_five.c - a 5.0 case end to end against the fake peer: its
 * CONNECT speaks level 5 with the properties the case gives, the connect
 * macro takes a 5.0 CONNACK, and the publish macro records the PUBACK's
 * reason code: 0x10 lets the case go on; a refusal (0x80 or more) makes the
 * checks after it NOT APPLICABLE, never FAILed. The checks name clauses of
 * a small 5.0 fixture catalog. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

static void setup5(void)
{
	struct err e;
	ck_assert_msg(catalog_load(&ef_cat, "tests/unit/fixtures/mqtt-5.0-mini.json", MQTT_V5, &e) == 0, "%s", e.msg);
}

static const char *const five_case =
	"{'id':'five','title':'t','protocol':'5.0','clients':{'a':{}},'steps':["
	"{'client':'a','connect':{'properties':[{'session_expiry_interval':30}]}},"
	"{'client':'a','publish':{'topic':'{topic}/x','qos':1,'payload':'m'}},"
	"{'client':'a','send':{'type':'PINGREQ'}},"
	"{'client':'a','expect':{'type':'PINGRESP'},'checks':['MQTT-3.12.4-1']}]}";

/* The broker's CONNACK (5.0: flags, code, Property Length 0), then a PUBACK
 * with reason code `rc` (Remaining Length 3, no properties). */
static void run_five(struct ef_run *r, uint8_t rc)
{
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
				      FP_RECV(3),
				      {.op = FAKE_SEND_ID, .bytes = (const uint8_t[]){0x40, 0x03, 0, 0, rc}, .n = 5},
				      FP_RECV(12),
				      FP_SEND(0xd0, 0x00),
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(r, five_case, scripts, 1, NULL);
}

START_TEST(a_50_connect_speaks_level_5_with_its_properties)
{
	struct ef_run r;
	run_five(&r, 0x00);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	const struct fake_rx *c = fake_peer_received(r.peer, 0, 0);
	ck_assert_int_eq(c->type, 1);
	ck_assert_uint_ge(c->n, 18);
	ck_assert_int_eq(c->bytes[8], 5);     /* Protocol Level */
	ck_assert_int_eq(c->bytes[12], 5);    /* Property Length: one Four Byte Integer property */
	ck_assert_int_eq(c->bytes[13], 0x11); /* Session Expiry Interval */
	ck_assert_int_eq(c->bytes[17], 30);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PINGRESP");
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 0);
	ef_free(&r);
}
END_TEST

START_TEST(a_puback_0x10_is_recorded_and_the_case_goes_on)
{
	struct ef_run r;
	run_five(&r, 0x10);
	const struct check_result *duty = ef_check(&r.res[0], "steps[1].publish");
	ef_assert(duty, CHECK_PASS, "PUBACK");
	ck_assert_msg(duty->note && strstr(duty->note, "0x10 (No matching subscribers): recorded"), "%s",
		      duty->note ? duty->note : "(no note)");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PINGRESP");
	ef_free(&r);
}
END_TEST

START_TEST(a_refused_publish_makes_later_checks_not_applicable)
{
	struct ef_run r;
	run_five(&r, 0x97);
	/* The duty (an answer of the right type) held; the code is the broker's choice. */
	const struct check_result *duty = ef_check(&r.res[0], "steps[1].publish");
	ef_assert(duty, CHECK_PASS, "PUBACK");
	ck_assert_msg(duty->note && strstr(duty->note, "0x97 (Quota exceeded)"), "%s", duty->note ? duty->note : "(no note)");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_NOT_APPLICABLE, "the broker refused the message of steps[1]");
	ck_assert_ptr_null(r.res[0].setup_error);
	ef_free(&r);
}
END_TEST

/* A QoS 2 PUBREC of 0x80 or more ends the flow there: no PUBREL follows
 * (the message was refused), and the checks after it are NOT APPLICABLE. */
START_TEST(a_refused_qos2_publish_sends_no_pubrel)
{
	static const char *const q2 =
		"{'id':'q2','title':'t','protocol':'5.0','clients':{'a':{}},'steps':["
		"{'client':'a','connect':true},"
		"{'client':'a','publish':{'topic':'{topic}/x','qos':2,'payload':'m'}},"
		"{'client':'a','send':{'type':'PINGREQ'}},"
		"{'client':'a','expect':{'type':'PINGRESP'},'checks':['MQTT-3.12.4-1']}]}";
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
				      FP_RECV(3),
				      {.op = FAKE_SEND_ID, .bytes = (const uint8_t[]){0x50, 0x03, 0, 0, 0x97}, .n = 5},
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	struct ef_run r;
	ef_run1(&r, q2, scripts, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_NOT_APPLICABLE, "PUBREC reason code 0x97 (Quota exceeded)");
	/* CONNECT, PUBLISH, then at most the tidy-up DISCONNECT (if the peer read
	 * it before it stopped): no PUBREL, no PINGREQ. */
	ck_assert_uint_ge(fake_peer_nreceived(r.peer, 0), 2);
	for (size_t i = 2; i < fake_peer_nreceived(r.peer, 0); i++)
		ck_assert_int_eq(fake_peer_received(r.peer, 0, i)->type, MQTT_DISCONNECT);
	ef_free(&r);
}
END_TEST

/* A client with auto_ack answers a 5.0 QoS 1 delivery with a PUBACK in the
 * short form (Remaining Length 2: code 0x00, no properties), and a QoS 2 one
 * with a short PUBREC and then a short PUBCOMP for the PUBREL (which the
 * client reads by itself: the wait lets it come before the PINGREQ). */
START_TEST(auto_ack_answers_in_50_short_forms)
{
	static const char *const acking =
		"{'id':'acking','title':'t','protocol':'5.0','clients':{'a':{'auto_ack':true}},'steps':["
		"{'client':'a','connect':true},"
		"{'client':'a','expect':{'type':'PUBLISH','qos':1,'payload':'m'},'checks':['MQTT-3.12.4-1']},"
		"{'client':'a','expect':{'type':'PUBLISH','qos':2,'payload':'n'}},{'wait_ms':200},"
		"{'client':'a','send':{'type':'PINGREQ'}},{'client':'a','expect':{'type':'PINGRESP'}}]}";
	/* PUBLISH QoS 1 "t" id 5, Property Length 0, payload "m"; QoS 2 id 6 "n"; PUBREL 6. */
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
				      FP_SEND(0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 0x00, 'm'),
				      FP_RECV(4),
				      FP_SEND(0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x06, 0x00, 'n'),
				      FP_RECV(5),
				      FP_SEND(0x62, 0x02, 0x00, 0x06),
				      FP_RECV(7),
				      FP_RECV(12),
				      FP_SEND(0xd0, 0x00),
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	struct ef_run r;
	ef_run1(&r, acking, scripts, 1, NULL);
	ck_assert_msg(!fake_peer_error(r.peer), "%s; %s", fake_peer_error(r.peer), r.res[0].setup_error ? r.res[0].setup_error : "");
	const struct fake_rx *ack = fake_peer_received(r.peer, 0, 1);
	ck_assert_uint_eq(ack->n, 4);
	ck_assert_uint_eq(ack->packet_id, 5);
	ck_assert_uint_eq(fake_peer_received(r.peer, 0, 2)->n, 4);
	ck_assert_uint_eq(fake_peer_received(r.peer, 0, 3)->n, 4);
	ck_assert_uint_eq(fake_peer_received(r.peer, 0, 3)->packet_id, 6);
	ef_free(&r);
}
END_TEST

/* A PUBLISH with Content Type twice (a protocol error), then the graded close. */
static const char *const graded_case =
	"{'id':'graded','title':'t','protocol':'5.0','clients':{'a':{}},'steps':["
	"{'client':'a','connect':true},"
	"{'client':'a','send':{'type':'PUBLISH','topic':'{topic}/p','payload':'x',"
	"'properties':[{'content_type':'a'},{'content_type':'a'}]}},"
	"{'client':'a','expect':{'closed':true,'disconnect':{'reason_codes':['malformed_packet','protocol_error'],"
	"'checks':['MQTTSPEC-4.13.1-1']}},'checks':['MQTT-4.13.1-1']}]}";

/* The broker answers the PUBLISH with `bytes` (a DISCONNECT, or none), then closes. */
static void run_graded(struct ef_run *r, const uint8_t *bytes, size_t n)
{
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
				      FP_RECV(3),
				      {.op = n ? FAKE_SEND : FAKE_WAIT, .bytes = bytes, .n = n, .ms = 1},
				      FP_CLOSE,
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(r, graded_case, scripts, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r->peer));
}

START_TEST(a_graded_close_with_its_disconnect_passes_both)
{
	struct ef_run r;
	run_graded(&r, (const uint8_t[]){0xe0, 0x01, 0x82}, 3);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "besides what earlier steps read, it sent DISCONNECT");
	const struct check_result *d = ef_check(&r.res[0], "steps[2].disconnect");
	ef_assert(d, CHECK_PASS, "DISCONNECT");
	ck_assert(d->should);
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 0);
	ef_free(&r);
}
END_TEST

START_TEST(a_close_without_disconnect_is_a_should_failure_only)
{
	struct ef_run r;
	run_graded(&r, NULL, 0);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "besides what earlier steps read, it sent nothing");
	const struct check_result *d = ef_check(&r.res[0], "steps[2].disconnect");
	/* A failed SHOULD check: the clause is WARN, never FAIL. */
	ef_assert(d, CHECK_FAIL, "the broker closed the connection without a DISCONNECT first");
	ck_assert(d->should);
	ef_free(&r);
}
END_TEST

START_TEST(a_disconnect_with_another_code_is_a_should_failure)
{
	struct ef_run r;
	run_graded(&r, (const uint8_t[]){0xe0, 0x02, 0x00, 0x00}, 4);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2].disconnect"), CHECK_FAIL, "a DISCONNECT came before the close, but reason_code");
	ef_free(&r);
}
END_TEST

START_TEST(a_disconnect_code_outside_its_table_is_a_finding)
{
	struct ef_run r;
	run_graded(&r, (const uint8_t[]){0xe0, 0x01, 0x05}, 3);
	ef_assert(ef_finding(&r.res[0], "MQTT-3.14.2-1"), CHECK_FAIL, NULL);
	ef_free(&r);
}
END_TEST

/* A topic the broker names once with Topic Alias 1, then by the alias alone:
 * the step matches the second PUBLISH by the topic the alias stands for. */
static const char *const alias_case =
	"{'id':'alias','title':'t','protocol':'5.0','clients':{'a':{}},'steps':["
	"{'client':'a','connect':{'properties':[{'topic_alias_maximum':2}]}},"
	"{'client':'a','send':{'type':'SUBSCRIBE','packet_id':7,'topics':[{'filter':'{topic}/x','qos':0}]}},"
	"{'client':'a','expect':{'type':'SUBACK'}},"
	"{'client':'a','expect':{'type':'PUBLISH','topic':'{topic}/x','payload':'m'},'checks':['MQTT-3.12.4-1']},"
	"{'client':'a','expect':{'type':'PUBLISH','topic':'{topic}/x','payload':'n','properties':{'topic_alias':1}},"
	"'checks':['MQTT-3.12.4-1']}]}";

START_TEST(a_topic_alias_set_by_the_broker_is_resolved)
{
	const char *t = "mqttspec/t0e0s0/alias/x"; /* the fixture's run prefix, this case's id */
	int tl = (int)strlen(t);
	uint8_t named[256], bare[] = {0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'n'};
	size_t n = 0;
	named[n++] = 0x30;
	named[n++] = (uint8_t)(2 + tl + 4 + 1);
	named[n++] = 0;
	named[n++] = (uint8_t)tl;
	memcpy(named + n, t, (size_t)tl);
	n += (size_t)tl;
	memcpy(named + n, (const uint8_t[]){0x03, 0x23, 0x00, 0x01, 'm'}, 5);
	n += 5;
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
				      FP_RECV(8),
				      FP_SEND_ID(0x90, 0x04, 0x00, 0x00, 0x00, 0x00),
				      {.op = FAKE_SEND, .bytes = named, .n = n},
				      {.op = FAKE_SEND, .bytes = bare, .n = sizeof bare},
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	struct ef_run r;
	ef_run1(&r, alias_case, scripts, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PUBLISH");
	ef_assert(ef_check(&r.res[0], "steps[4]"), CHECK_PASS, "PUBLISH");
	ef_free(&r);
}
END_TEST

/* A 3.1.1-form CONNACK (Remaining Length 2) is the answer a broker may give a
 * CONNECT of another level (MQTT-3.1.2-2); after a level-5 CONNECT it is
 * malformed (no Property Length). */
static const char *const level_case =
	"{'id':'level','title':'t','protocol':'5.0','clients':{'a':{}},'steps':["
	"{'client':'a','open':true},"
	"{'client':'a','send':{'type':'CONNECT','protocol_level':%d}},"
	"{'client':'a','expect':{'type':'CONNACK'},'checks':['MQTT-3.12.4-1']}]}";

static void run_level(struct ef_run *r, int level)
{
	char text[512];
	snprintf(text, sizeof text, level_case, level);
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x01), FP_END};
	const struct fake_step *const scripts[] = {s};
	ef_run1(r, text, scripts, 1, NULL);
}

START_TEST(a_311_form_connack_answers_another_level)
{
	struct ef_run r;
	run_level(&r, 6);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "CONNACK");
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 0);
	ef_free(&r);
}
END_TEST

START_TEST(a_311_form_connack_to_level_5_is_malformed)
{
	struct ef_run r;
	run_level(&r, 5);
	ck_assert_uint_eq(ef_nfindings(&r.res[0]), 1);
	ef_free(&r);
}
END_TEST

/* auto_auth: the broker's AUTH 0x18 is answered with the next declared
 * datum; the CONNECT carries the first; the trace shows neither. */
static const char *const auth_case =
	"{'id':'auth','title':'t','protocol':'5.0','clients':{'a':{'auto_auth':true}},'steps':["
	"{'client':'a','open':true},"
	"{'client':'a','send':{'type':'CONNECT','properties':[{'authentication_method':'{auth_method}'},"
	"{'authentication_data_hex':'{auth_data}'}]}},"
	"{'client':'a','expect':{'type':'CONNACK','reason_code':0,'properties':{'authentication_method':'M'}},"
	"'checks':['MQTT-3.12.4-1']}]}";

static int has(const uint8_t *b, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; b && i + k <= n; i++)
		if (memcmp(b + i, s, k) == 0)
			return 1;
	return 0;
}

START_TEST(auto_auth_answers_with_the_next_datum)
{
	const struct mqtt_slice data[] = {{(const uint8_t *)"one", 3}, {(const uint8_t *)"two", 3}};
	struct ef_opts o = {.auth_method = "M", .auth_data = data, .nauth_data = 2, .auth_data_hex = "6f6e65"};
	/* AUTH 0x18 [method "M"], then CONNACK 0 [method "M"]. */
	const struct fake_step s[] = {FP_RECV(1),
				      FP_SEND(0xf0, 0x06, 0x18, 0x04, 0x15, 0x00, 0x01, 'M'),
				      FP_RECV(15),
				      FP_SEND(0x20, 0x07, 0x00, 0x00, 0x04, 0x15, 0x00, 0x01, 'M'),
				      FP_END};
	const struct fake_step *const scripts[] = {s};
	struct ef_run r;
	ef_run1(&r, auth_case, scripts, 1, &o);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "CONNACK");
	const struct fake_rx *c = fake_peer_received(r.peer, 0, 0), *a = fake_peer_received(r.peer, 0, 1);
	ck_assert(has(c->bytes, c->n, "one"));
	ck_assert(has(a->bytes, a->n, "two"));
	ck_assert_int_eq(a->bytes[2], 0x18);
	for (size_t i = 0; i < r.res[0].nwire; i++) {
		const struct wire_event *w = &r.res[0].wire[i];
		ck_assert_msg(!w->bytes || (!has(w->bytes, w->len, "one") && !has(w->bytes, w->len, "two")),
			      "wire event %zu shows a declared datum", i);
	}
	ef_free(&r);
}
END_TEST

Suite *engine_five_suite(void)
{
	Suite *s = suite_create("engine_five");
	TCase *tc = tcase_create("five");
	tcase_add_checked_fixture(tc, setup5, ef_teardown);
	tcase_add_test(tc, a_50_connect_speaks_level_5_with_its_properties);
	tcase_add_test(tc, a_puback_0x10_is_recorded_and_the_case_goes_on);
	tcase_add_test(tc, a_refused_publish_makes_later_checks_not_applicable);
	tcase_add_test(tc, a_graded_close_with_its_disconnect_passes_both);
	tcase_add_test(tc, auto_ack_answers_in_50_short_forms);
	tcase_add_test(tc, a_refused_qos2_publish_sends_no_pubrel);
	tcase_add_test(tc, a_close_without_disconnect_is_a_should_failure_only);
	tcase_add_test(tc, a_disconnect_with_another_code_is_a_should_failure);
	tcase_add_test(tc, a_disconnect_code_outside_its_table_is_a_finding);
	tcase_add_test(tc, a_topic_alias_set_by_the_broker_is_resolved);
	tcase_add_test(tc, auto_auth_answers_with_the_next_datum);
	tcase_add_test(tc, a_311_form_connack_answers_another_level);
	tcase_add_test(tc, a_311_form_connack_to_level_5_is_malformed);
	suite_add_tcase(s, tc);
	return s;
}
