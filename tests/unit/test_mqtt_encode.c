/* test_mqtt_encode.c - the encoder writes what it is given, lies included. */
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_err.h"
#include "tests/unit/suites.h"

static struct mqtt_str str(const char *s)
{
	struct mqtt_str r = {true, {(const uint8_t *)s, strlen(s)}, -1};
	return r;
}

/* Encode p and compare with the expected bytes; also checks that
 * mqtt_encode_size agrees. */
static void expect_bytes(const struct mqtt_packet *p, const char *want,
			 size_t n)
{
	uint8_t out[128];
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V311, p), n);
	ck_assert_int_eq(mqtt_encode(MQTT_V311, p, out, sizeof out), (int)n);
	ck_assert_mem_eq(out, want, n);
}
#define EXPECT(p, lit) expect_bytes((p), (lit), sizeof(lit) - 1)

START_TEST(encode_flags_are_written_raw)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBREL);
	p.has_packet_id = true;
	p.packet_id = 1;
	EXPECT(&p, "\x60\x02\x00\x01"); /* PUBREL flags 0 (should be 2) id 1 */
	p.flags = 0xFF;			/* only the low nibble reaches byte 0 */
	EXPECT(&p, "\x6f\x02\x00\x01");
}
END_TEST

START_TEST(encode_rl_override_writes_the_lie)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBACK);
	p.has_packet_id = true;
	p.packet_id = 1;
	p.rl_override = true;
	p.remaining_length = 3;
	EXPECT(&p, "\x40\x03\x00\x01"); /* PUBACK claims 3, carries 2 */
	p.remaining_length = 200;
	EXPECT(&p, "\x40\xc8\x01\x00\x01"); /* claims 200 = c8 01 */
	p.remaining_length = MQTT_MAX_REMAINING_LENGTH + 1;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, (uint8_t[8]){0}, 8), MQTT_ERR_INVALID);
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V311, &p), 0);
}
END_TEST

START_TEST(encode_rl_bytes_pads_the_length)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PINGREQ);
	p.rl_bytes = 2;
	EXPECT(&p, "\xc0\x80\x00"); /* PINGREQ rl 0 in 2 bytes */
	p.rl_bytes = 5;
	EXPECT(&p, "\xc0\x80\x80\x80\x80\x00"); /* rl 0 in 5 bytes */
	uint8_t out[8];
	struct mqtt_packet q;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, out, (size_t)mqtt_encode(MQTT_V311, &p, out, 8), &q, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-1");
	p.rl_bytes = 6;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, 8), MQTT_ERR_INVALID);
}
END_TEST

START_TEST(encode_len_override_lies_in_the_prefix)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic = str("a/b");
	p.topic.len_override = 5;
	/* PUBLISH rl=5, topic prefix says 5, three bytes "a/b" follow */
	EXPECT(&p, "\x30\x05\x00\x05"
		   "a/b");
	p.topic.len_override = 0;
	EXPECT(&p, "\x30\x05\x00\x00"
		   "a/b");
	p.topic.len_override = 65536;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, (uint8_t[16]){0}, 16), MQTT_ERR_INVALID);
}
END_TEST

START_TEST(encode_extra_bytes_count_in_the_length)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PINGREQ);
	p.extra.p = (const uint8_t *)"\x01\x02";
	p.extra.n = 2;
	EXPECT(&p, "\xc0\x02\x01\x02"); /* PINGREQ rl=2 + 01 02 */
	mqtt_packet_init(&p, MQTT_RESERVED0);
	p.extra.p = (const uint8_t *)"\xff";
	p.extra.n = 1;
	EXPECT(&p, "\x00\x01\xff"); /* type 0 rl=1 body ff */
	mqtt_packet_init(&p, MQTT_RESERVED15);
	p.flags = 0x3;
	EXPECT(&p, "\xf3\x00"); /* type 15 flags 3, header only */
}
END_TEST

START_TEST(encode_connect_optional_fields_ignore_flags)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.protocol_name = str("MQTT");
	p.protocol_level = 4;
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	p.client_id = str("c");
	p.username = str("u");
	/* CONNECT rl=16 "MQTT" 4 flags 0x02 ka 0 id "c", then user "u"
	 * although the user name flag is 0 */
	EXPECT(&p, "\x10\x10\x00\x04MQTT\x04\x02\x00\x00\x00\x01"
		   "c\x00\x01u");
	/* Flags claiming every field, none present: nothing follows id */
	p.connect_flags = 0xC4;
	p.username.present = false;
	EXPECT(&p, "\x10\x0d\x00\x04MQTT\x04\xc4\x00\x00\x00\x01"
		   "c");
	/* will message without will topic, password alone */
	p.will_message = str("m");
	p.password = str("");
	EXPECT(&p, "\x10\x12\x00\x04MQTT\x04\xc4\x00\x00\x00\x01"
		   "c\x00\x01m\x00\x00");
}
END_TEST

START_TEST(encode_packet_id_only_when_asked)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBACK);
	EXPECT(&p, "\x40\x00"); /* PUBACK without its id */
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic = str("t");
	p.has_packet_id = true;
	p.packet_id = 0x1234;
	/* PUBLISH qos 0 rl=5 topic "t" and an id it should not have */
	EXPECT(&p, "\x30\x05\x00\x01t\x12\x34");
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	p.flags = 2;
	p.entries[0].filter = str("a");
	p.entries[0].qos = 0xC1;
	p.entries[0].has_qos = true;
	p.entries[1].filter = str("b");
	p.entry_count = 2;
	/* SUBSCRIBE rl=7, no id, "a" qos byte c1, "b" without qos byte */
	EXPECT(&p, "\x82\x07\x00\x01"
		   "a\xc1\x00\x01"
		   "b");
	mqtt_packet_init(&p, MQTT_UNSUBSCRIBE);
	p.entries[0].filter = str("a");
	p.entries[0].has_qos = true; /* UNSUBSCRIBE never writes a QoS */
	p.entry_count = 1;
	EXPECT(&p, "\xa0\x03\x00\x01"
		   "a");
}
END_TEST

START_TEST(encode_short_buffer_is_buffer_error)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic = str("topic");
	p.payload = str("payload").s;
	size_t need = mqtt_encode_size(MQTT_V311, &p);
	uint8_t out[32];
	for (size_t cap = 0; cap < need; cap++)
		ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, cap), MQTT_ERR_BUFFER);
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, need), (int)need);
}
END_TEST

START_TEST(encode_unencodable_values_are_invalid)
{
	static uint8_t big[65536];
	uint8_t out[16];
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic.s.p = big;
	p.topic.s.n = sizeof big; /* one more than a 2-byte prefix holds */
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, sizeof out), MQTT_ERR_INVALID);
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V311, &p), 0);

	p.topic.s.n = 1;
	p.payload.p = big; /* never read: the size check comes first */
	p.payload.n = MQTT_MAX_REMAINING_LENGTH;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, sizeof out), MQTT_ERR_INVALID);

	mqtt_packet_init(&p, MQTT_SUBACK);
	p.code_count = MQTT_MAX_ENTRIES + 1;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, sizeof out), MQTT_ERR_INVALID);
	mqtt_packet_init(&p, MQTT_UNSUBSCRIBE);
	p.entry_count = MQTT_MAX_ENTRIES + 1;
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, sizeof out), MQTT_ERR_INVALID);
	mqtt_packet_init(&p, (enum mqtt_type)16);
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &p, out, sizeof out), MQTT_ERR_INVALID);
}
END_TEST

Suite *mqtt_encode_suite(void)
{
	Suite *s = suite_create("mqtt_encode");
	TCase *tc = tcase_create("overrides");
	tcase_add_test(tc, encode_flags_are_written_raw);
	tcase_add_test(tc, encode_rl_override_writes_the_lie);
	tcase_add_test(tc, encode_rl_bytes_pads_the_length);
	tcase_add_test(tc, encode_len_override_lies_in_the_prefix);
	tcase_add_test(tc, encode_extra_bytes_count_in_the_length);
	tcase_add_test(tc, encode_connect_optional_fields_ignore_flags);
	tcase_add_test(tc, encode_packet_id_only_when_asked);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, encode_short_buffer_is_buffer_error);
	tcase_add_test(tc, encode_unencodable_values_are_invalid);
	suite_add_tcase(s, tc);
	return s;
}
