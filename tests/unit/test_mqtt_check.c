/*
 * test_mqtt_check.c - every rule of mqtt_check yields its clause id.
 * Each case is wire bytes (decoded first, so the rules are seen exactly as
 * the harness will see a broker's packet) plus the sender's direction.
 */
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "tests/unit/suites.h"

#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1
#define C MQTT_FROM_CLIENT
#define S MQTT_FROM_SERVER
#define ANY MQTT_FROM_ANY

static const struct {
	const uint8_t *in;
	size_t len;
	enum mqtt_dir dir;
	const char *clause; /* NULL: no violation */
} rules[] = {
	/* 00 00: reserved type 0 */
	{B("\x00\x00"), ANY, "MQTTSPEC-2.2.1-1"},
	/* f0 00: reserved type 15 */
	{B("\xf0\x00"), ANY, "MQTTSPEC-2.2.1-1"},
	/* CONNECT from the server: rl=12 "MQTT" 4 flags 02 ka 0 id "" */
	{B("\x10\x0c\x00\x04MQTT\x04\x02\x00\x00\x00\x00"), S, "MQTTSPEC-2.2.1-2"},
	{B("\x10\x0c\x00\x04MQTT\x04\x02\x00\x00\x00\x00"), ANY, NULL},
	/* SUBSCRIBE from the server: id 1 "a" qos 0 */
	{B("\x82\x06\x00\x01\x00\x01"
	   "a\x00"),
	 S, "MQTTSPEC-2.2.1-2"},
	/* UNSUBSCRIBE, PINGREQ, DISCONNECT from the server */
	{B("\xa2\x05\x00\x01\x00\x01"
	   "a"),
	 S, "MQTTSPEC-2.2.1-2"},
	{B("\xc0\x00"), S, "MQTTSPEC-2.2.1-2"},
	{B("\xe0\x00"), S, "MQTTSPEC-2.2.1-2"},
	/* CONNACK, SUBACK, UNSUBACK, PINGRESP from the client */
	{B("\x20\x02\x00\x00"), C, "MQTTSPEC-2.2.1-2"},
	{B("\x90\x03\x00\x01\x00"), C, "MQTTSPEC-2.2.1-2"},
	{B("\xb0\x02\x00\x01"), C, "MQTTSPEC-2.2.1-2"},
	{B("\xd0\x00"), C, "MQTTSPEC-2.2.1-2"},
	{B("\xd0\x00"), S, NULL},
	/* PUBLISH and the acks go both ways */
	{B("\x40\x02\x00\x01"), C, NULL},
	{B("\x40\x02\x00\x01"), S, NULL},
	/* PUBREL flags 0 instead of 2 */
	{B("\x60\x02\x00\x01"), ANY, "MQTT-3.6.1-1"},
	/* SUBSCRIBE flags 0 */
	{B("\x80\x06\x00\x01\x00\x01"
	   "a\x00"),
	 C, "MQTT-3.8.1-1"},
	/* UNSUBSCRIBE flags 3 */
	{B("\xa3\x05\x00\x01\x00\x01"
	   "a"),
	 C, "MQTT-3.10.1-1"},
	/* PUBACK flags 2, CONNACK flags 1, PINGREQ flags 8 */
	{B("\x42\x02\x00\x01"), ANY, "MQTT-2.2.2-1"},
	{B("\x21\x02\x00\x00"), S, "MQTT-2.2.2-1"},
	{B("\xc8\x00"), C, "MQTT-2.2.2-1"},
	/* PUBLISH QoS bits 11: rl=5 topic "t" id 1 */
	{B("\x36\x05\x00\x01t\x00\x01"), ANY, "MQTT-3.3.1-4"},
	/* PUBLISH QoS 0 with DUP: rl=3 topic "t" */
	{B("\x38\x03\x00\x01t"), ANY, "MQTT-3.3.1-2"},
	/* PUBLISH QoS 1 id 0 */
	{B("\x32\x05\x00\x01t\x00\x00"), ANY, "MQTT-2.3.1-1"},
	/* PUBLISH QoS 2 id 0 */
	{B("\x34\x05\x00\x01t\x00\x00"), ANY, "MQTT-2.3.1-1"},
	/* PUBLISH empty topic */
	{B("\x30\x02\x00\x00"), ANY, "MQTT-4.7.3-1"},
	/* PUBLISH topic "a/+" and "#" */
	{B("\x30\x05\x00\x03"
	   "a/+"),
	 ANY, "MQTT-3.3.2-2"},
	{B("\x30\x03\x00\x01#"), ANY, "MQTT-3.3.2-2"},
	/* PUBLISH topic with surrogate ED A0 80 and with U+0000 */
	{B("\x30\x05\x00\x03\xed\xa0\x80"), ANY, "MQTT-1.5.3-1"},
	{B("\x30\x03\x00\x01\x00"), ANY, "MQTT-1.5.3-2"},
	/* PUBLISH retained QoS 2 id 7 "t" payload 00 ff: fine (payload is
	 * not a string) */
	{B("\x35\x07\x00\x01t\x00\x07\x00\xff"), ANY, NULL},
	/* SUBSCRIBE / UNSUBSCRIBE packet id 0 */
	{B("\x82\x06\x00\x00\x00\x01"
	   "a\x00"),
	 C, "MQTT-2.3.1-1"},
	{B("\xa2\x05\x00\x00\x00\x01"
	   "a"),
	 C, "MQTT-2.3.1-1"},
	/* SUBSCRIBE / UNSUBSCRIBE with no filter */
	{B("\x82\x02\x00\x01"), C, "MQTT-3.8.3-3"},
	{B("\xa2\x02\x00\x01"), C, "MQTT-3.10.3-2"},
	/* SUBSCRIBE filter "" */
	{B("\x82\x05\x00\x01\x00\x00\x00"), C, "MQTT-4.7.3-1"},
	/* SUBSCRIBE "a/#/b", UNSUBSCRIBE "a#" */
	{B("\x82\x0a\x00\x01\x00\x05"
	   "a/#/b\x00"),
	 C, "MQTT-4.7.1-2"},
	{B("\xa2\x06\x00\x01\x00\x02"
	   "a#"),
	 C, "MQTT-4.7.1-2"},
	/* SUBSCRIBE "a+" */
	{B("\x82\x07\x00\x01\x00\x02"
	   "a+\x00"),
	 C, "MQTT-4.7.1-3"},
	/* SUBSCRIBE filter C0 80 (overlong NUL) */
	{B("\x82\x07\x00\x01\x00\x02\xc0\x80\x00"), C, "MQTT-1.5.3-1"},
	/* SUBSCRIBE second filter "b" with QoS 3, then reserved bit 0x04 */
	{B("\x82\x0a\x00\x01\x00\x01"
	   "a\x02\x00\x01"
	   "b\x03"),
	 C, "MQTT-3.8.3-4"},
	{B("\x82\x06\x00\x01\x00\x01"
	   "a\x04"),
	 C, "MQTT-3.8.3-4"},
	{B("\x82\x06\x00\x01\x00\x01"
	   "a\x80"),
	 C, "MQTT-3.8.3-4"},
	/* SUBACK codes 00 01 02 80 fine; 03 and 81 reserved; none at all */
	{B("\x90\x06\x00\x01\x00\x01\x02\x80"), S, NULL},
	{B("\x90\x04\x00\x01\x00\x03"), S, "MQTT-3.9.3-2"},
	{B("\x90\x03\x00\x01\x81"), S, "MQTT-3.9.3-2"},
	/* Acks with id 0 are left to the harness */
	{B("\x90\x03\x00\x00\x00"), S, NULL},
	{B("\xb0\x02\x00\x00"), S, NULL},
	{B("\x70\x02\x00\x00"), ANY, NULL},
	/* CONNACK: ack flags 02; sp=1 with rc 5; rc 6; sp=1 rc 0 fine */
	{B("\x20\x02\x02\x00"), S, "MQTTSPEC-3.2.2-1"},
	{B("\x20\x02\x01\x05"), S, "MQTT-3.2.2-4"},
	{B("\x20\x02\x00\x06"), S, "MQTTSPEC-3.2.2-2"},
	{B("\x20\x02\x00\xff"), S, "MQTTSPEC-3.2.2-2"},
	{B("\x20\x02\x00\x05"), S, NULL},
	{B("\x20\x02\x01\x00"), S, NULL},
	/* CONNECT flags 03 (reserved bit) */
	{B("\x10\x0c\x00\x04MQTT\x04\x03\x00\x00\x00\x00"), C, "MQTT-3.1.2-3"},
	/* CONNECT flags 0A (will QoS 1, no will flag), 22 (will retain) */
	{B("\x10\x0c\x00\x04MQTT\x04\x0a\x00\x00\x00\x00"), C, "MQTT-3.1.2-11"},
	{B("\x10\x0c\x00\x04MQTT\x04\x22\x00\x00\x00\x00"), C, "MQTT-3.1.2-11"},
	/* CONNECT flags 1C (will, will QoS 3), will "t"/"" */
	{B("\x10\x11\x00\x04MQTT\x04\x1c\x00\x00\x00\x00\x00\x01t\x00\x00"), C,
	 "MQTT-3.1.2-14"},
	/* CONNECT flags 42 (password, no user name), password "" */
	{B("\x10\x0e\x00\x04MQTT\x04\x42\x00\x00\x00\x00\x00\x00"), C,
	 "MQTT-3.1.2-22"},
	/* CONNECT protocol name "MQ" U+0000 "T" */
	{B("\x10\x0c\x00\x04MQ\x00T\x04\x02\x00\x00\x00\x00"), C, "MQTT-1.5.3-2"},
	/* CONNECT client id FF */
	{B("\x10\x0d\x00\x04MQTT\x04\x02\x00\x00\x00\x01\xff"), C, "MQTT-1.5.3-1"},
	/* CONNECT flags 0C (will QoS 1) will topic ED B0 80, message FF */
	{B("\x10\x14\x00\x04MQTT\x04\x0c\x00\x00\x00\x00\x00\x03\xed\xb0\x80"
	   "\x00\x01\xff"),
	 C, "MQTT-1.5.3-1"},
	/* CONNECT flags C2, user "\xc3", password FF FE (binary: fine) */
	{B("\x10\x13\x00\x04MQTT\x04\xc2\x00\x00\x00\x00\x00\x01\xc3\x00\x02"
	   "\xff\xfe"),
	 C, "MQTT-1.5.3-1"},
	/* CONNECT flags C2, user "u", password FF FE */
	{B("\x10\x13\x00\x04MQTT\x04\xc2\x00\x00\x00\x00\x00\x01u\x00\x02"
	   "\xff\xfe"),
	 C, NULL},
	/* type 0 with flags F: the type rule comes before the flags rule */
	{B("\x0f\x00"), ANY, "MQTTSPEC-2.2.1-1"},
	/* SUBSCRIBE from the server with bad flags: direction first */
	{B("\x80\x02\x00\x00"), S, "MQTTSPEC-2.2.1-2"},
};

START_TEST(check_rule_yields_its_clause)
{
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, rules[_i].in, rules[_i].len, &p, &d),
			 (int)rules[_i].len);
	int r = mqtt_check(MQTT_V311, &p, rules[_i].dir, &d);
	if (rules[_i].clause == NULL) {
		ck_assert_msg(r == 0, "%s: %s", d.clause, d.msg);
		return;
	}
	ck_assert_int_eq(r, MQTT_ERR_VIOLATION);
	ck_assert_msg(strcmp(d.clause, rules[_i].clause) == 0, "%s (%s)",
		      d.clause, d.msg);
	ck_assert_int_eq(mqtt_check(MQTT_V311, &p, rules[_i].dir, NULL), r);
}
END_TEST

START_TEST(check_message_names_the_field)
{
	/* SUBSCRIBE id 1: "a" qos 0, "b+" qos 0 */
	static const uint8_t in[] = {0x82, 0x0b, 0x00, 0x01, 0x00, 0x01, 'a',
				     0x00, 0x00, 0x02, 'b', '+', 0x00};
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), (int)sizeof in);
	ck_assert_int_eq(mqtt_check(MQTT_V311, &p, C, &d), MQTT_ERR_VIOLATION);
	ck_assert_str_eq(d.msg, "SUBSCRIBE filter[1]: '+' at byte 1 is not a "
				"whole level");
}
END_TEST

START_TEST(check_hand_built_publish_without_id_is_2_3_1_1)
{
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.flags = 1 << MQTT_PF_QOS_SHIFT;
	p.topic.s.p = (const uint8_t *)"t";
	p.topic.s.n = 1;
	ck_assert_int_eq(mqtt_check(MQTT_V311, &p, C, &d), MQTT_ERR_VIOLATION);
	ck_assert_str_eq(d.clause, "MQTT-2.3.1-1");
	p.has_packet_id = true;
	p.packet_id = 9;
	ck_assert_int_eq(mqtt_check(MQTT_V311, &p, C, &d), 0);
}
END_TEST

Suite *mqtt_check_suite(void)
{
	Suite *s = suite_create("mqtt_check");
	TCase *tc = tcase_create("rules");
	tcase_add_loop_test(tc, check_rule_yields_its_clause, 0,
			    (int)(sizeof rules / sizeof rules[0]));
	tcase_add_test(tc, check_message_names_the_field);
	tcase_add_test(tc, check_hand_built_publish_without_id_is_2_3_1_1);
	suite_add_tcase(s, tc);
	return s;
}
