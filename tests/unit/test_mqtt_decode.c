/* test_mqtt_decode.c - what the decoder refuses, and what it must accept. */
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "tests/unit/suites.h"

#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1

/* Packets whose fields do not fill their Remaining Length exactly. */
static const struct {
	const uint8_t *in;
	size_t len;
	size_t offset;
	const char *msg;
} bad[] = {
	/* PUBACK rl=3: id 1 plus a stray byte */
	{B("\x40\x03\x00\x01\x00"), 4, "PUBACK: remaining length 3, expected 2"},
	/* PUBACK rl=1: half an id */
	{B("\x40\x01\x00"), 3, "PUBACK: remaining length 1, expected 2"},
	/* PUBREL flags 2 rl=0 */
	{B("\x62\x00"), 2, "PUBREL: remaining length 0, expected 2"},
	/* UNSUBACK rl=4 */
	{B("\xb0\x04\x00\x01\x00\x02"), 4, "UNSUBACK: remaining length 4, expected 2"},
	/* CONNACK rl=3 */
	{B("\x20\x03\x00\x00\x00"), 4, "CONNACK: remaining length 3, expected 2"},
	/* PINGREQ rl=1 */
	{B("\xc0\x01\x00"), 2, "PINGREQ: remaining length 1, expected 0"},
	/* DISCONNECT rl=2 */
	{B("\xe0\x02\x00\x00"), 2, "DISCONNECT: remaining length 2, expected 0"},
	/* PINGRESP rl=1 */
	{B("\xd0\x01\xff"), 2, "PINGRESP: remaining length 1, expected 0"},
	/* PUBLISH qos 0 rl=5, topic length 4 but only 3 bytes follow */
	{B("\x30\x05\x00\x04"
	   "a/b"),
	 2, "PUBLISH: topic length 4 runs past the end (3 bytes left)"},
	/* PUBLISH qos 1 rl=4, topic "ab" and no room for the id */
	{B("\x32\x04\x00\x02"
	   "ab"),
	 6, "PUBLISH: packet id needs 2 bytes, 0 left"},
	/* PUBLISH rl=1: not even a topic length */
	{B("\x30\x01\x00"), 2, "PUBLISH: topic length needs 2 bytes, 1 left"},
	/* CONNECT rl=13 "MQTT" 4, flags 0x02, ka 60, id "" + 1 trailing byte */
	{B("\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x00\x99"), 14,
	 "CONNECT: 1 bytes after the last field"},
	/* CONNECT rl=12, flags 0x04 (will) but no will topic follows */
	{B("\x10\x0c\x00\x04MQTT\x04\x04\x00\x3c\x00\x00"), 14,
	 "CONNECT: will topic length needs 2 bytes, 0 left"},
	/* CONNECT rl=15, flags 0x84 (will, user): will "t", no message */
	{B("\x10\x0f\x00\x04MQTT\x04\x84\x00\x3c\x00\x00\x00\x01t"), 17,
	 "CONNECT: will message length needs 2 bytes, 0 left"},
	/* CONNECT rl=6: protocol name, then nothing */
	{B("\x10\x06\x00\x04MQTT"), 8,
	 "CONNECT: protocol level needs 1 bytes, 0 left"},
	/* SUBSCRIBE rl=5 id 1, filter "a" without its QoS byte */
	{B("\x82\x05\x00\x01\x00\x01"
	   "a"),
	 7, "SUBSCRIBE: requested QoS needs 1 bytes, 0 left"},
	/* SUBSCRIBE rl=1: half a packet id */
	{B("\x82\x01\x00"), 2, "SUBSCRIBE: packet id needs 2 bytes, 1 left"},
	/* UNSUBSCRIBE rl=5 id 1, then a filter length of 0x0100 */
	{B("\xa2\x05\x00\x01\x01\x00"
	   "a"),
	 4, "UNSUBSCRIBE: topic filter length 256 runs past the end (1 bytes left)"},
	/* SUBACK rl=1 */
	{B("\x90\x01\x00"), 2, "SUBACK: packet id needs 2 bytes, 1 left"},
};

START_TEST(decode_misfit_fields_are_malformed_with_offset)
{
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, bad[_i].in, bad[_i].len, &p, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-2");
	ck_assert_str_eq(d.msg, bad[_i].msg);
	ck_assert_uint_eq(d.offset, bad[_i].offset);
	/* diag is optional */
	ck_assert_int_eq(mqtt_decode(MQTT_V311, bad[_i].in, bad[_i].len, &p, NULL),
			 MQTT_ERR_MALFORMED);
}
END_TEST

START_TEST(decode_length_not_the_framed_one_is_malformed)
{
	/* PINGREQ rl=0 followed by a byte of the next packet */
	static const uint8_t in[] = {0xc0, 0x00, 0xc0};
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, 3, &p, &d), MQTT_ERR_MALFORMED);
	ck_assert_ptr_null(d.clause);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, 1, &p, &d), MQTT_ERR_MALFORMED);
	ck_assert_ptr_null(d.clause);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, 0, &p, &d), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, 2, &p, &d), 2);
}
END_TEST

START_TEST(decode_publish_qos3_reads_a_packet_id)
{
	/* PUBLISH flags 0x6 (QoS bits 11) rl=5 topic "t" id 0x0102 */
	static const uint8_t in[] = {0x36, 0x05, 0x00, 0x01, 't', 0x01, 0x02};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), (int)sizeof in);
	ck_assert(p.has_packet_id);
	ck_assert_uint_eq(p.packet_id, 0x0102);
	ck_assert_uint_eq(p.payload.n, 0);
}
END_TEST

START_TEST(decode_publish_qos0_keeps_id_bytes_in_payload)
{
	/* PUBLISH qos 0 rl=5 topic "t" payload 01 02 */
	static const uint8_t in[] = {0x30, 0x05, 0x00, 0x01, 't', 0x01, 0x02};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), (int)sizeof in);
	ck_assert(!p.has_packet_id);
	ck_assert_uint_eq(p.payload.n, 2);
	ck_assert_ptr_eq(p.payload.p, in + 5);
	ck_assert_ptr_eq(p.topic.s.p, in + 4);
}
END_TEST

START_TEST(decode_padded_remaining_length_records_byte_count)
{
	/* PINGREQ with rl 0 written in 4 bytes: c0 80 80 80 00 */
	static const uint8_t in[] = {0xc0, 0x80, 0x80, 0x80, 0x00};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), 5);
	ck_assert_uint_eq(p.rl_bytes, 4);
	ck_assert_uint_eq(p.remaining_length, 0);
}
END_TEST

START_TEST(decode_empty_subscribe_and_suback_lists_are_syntax_ok)
{
	/* SUBSCRIBE flags 2 rl=2 id 7, no filter (a rule, not syntax) */
	static const uint8_t sub[] = {0x82, 0x02, 0x00, 0x07};
	/* SUBACK rl=2 id 7, no code */
	static const uint8_t ack[] = {0x90, 0x02, 0x00, 0x07};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, sub, 4, &p, NULL), 4);
	ck_assert_uint_eq(p.entry_count, 0);
	ck_assert_uint_eq(p.packet_id, 7);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, ack, 4, &p, NULL), 4);
	ck_assert_uint_eq(p.code_count, 0);
}
END_TEST

START_TEST(decode_connect_optional_fields_follow_flags)
{
	/* CONNECT rl=17 "MQTT" 4, flags 0xC0 (user, pass), ka 0, id "",
	 * user "u", password "" */
	static const uint8_t in[] = {0x10, 0x11, 0x00, 0x04, 'M', 'Q', 'T', 'T',
				     0x04, 0xc0, 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x01, 'u', 0x00, 0x00};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), (int)sizeof in);
	ck_assert(!p.will_topic.present && !p.will_message.present);
	ck_assert(p.username.present && p.username.s.n == 1);
	ck_assert(p.password.present && p.password.s.n == 0);
	ck_assert(p.client_id.present && p.client_id.s.n == 0);
	ck_assert_int_eq(p.client_id.len_override, -1);
}
END_TEST

START_TEST(decode_reserved_type_keeps_body_as_payload)
{
	/* type 15 flags 3 rl=2 body 01 02 */
	static const uint8_t in[] = {0xf3, 0x02, 0x01, 0x02};
	struct mqtt_packet p;
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &p, NULL), 4);
	ck_assert_int_eq(p.type, MQTT_RESERVED15);
	ck_assert_uint_eq(p.flags, 3);
	ck_assert_uint_eq(p.payload.n, 2);
}
END_TEST

/* SUBSCRIBE id 1 with `n` entries "a" QoS 0 (4 bytes each), or a SUBACK
 * with `n` codes 0x00. The Remaining Length always takes 2 bytes (padded
 * when small, which the decoder accepts). */
static size_t many(uint8_t *buf, int type, size_t n)
{
	size_t per = type == MQTT_SUBSCRIBE ? 4 : 1;
	size_t rl = 2 + n * per;
	buf[0] = (uint8_t)(type << 4 | (type == MQTT_SUBSCRIBE ? 2 : 0));
	buf[1] = (uint8_t)(rl | 0x80);
	buf[2] = (uint8_t)(rl >> 7);
	buf[3] = 0x00;
	buf[4] = 0x01;
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = buf + 5 + i * per;
		if (per == 4)
			memcpy(e, "\x00\x01"
				  "a\x00",
			       4);
		else
			e[0] = 0x00;
	}
	return 3 + rl;
}

START_TEST(decode_more_entries_than_limit_is_limit)
{
	uint8_t buf[3 + 2 + 4 * (MQTT_MAX_ENTRIES + 1)];
	struct mqtt_packet p;
	struct mqtt_diag d = {0};
	int types[] = {MQTT_SUBSCRIBE, MQTT_SUBACK};
	for (size_t t = 0; t < 2; t++) {
		size_t len = many(buf, types[t], MQTT_MAX_ENTRIES);
		ck_assert_int_eq(mqtt_decode(MQTT_V311, buf, len, &p, &d), (int)len);
		len = many(buf, types[t], MQTT_MAX_ENTRIES + 1);
		ck_assert_int_eq(mqtt_decode(MQTT_V311, buf, len, &p, &d), MQTT_ERR_LIMIT);
		ck_assert_ptr_null(d.clause);
	}
}
END_TEST

Suite *mqtt_decode_suite(void)
{
	Suite *s = suite_create("mqtt_decode");
	TCase *tc = tcase_create("malformed");
	tcase_add_loop_test(tc, decode_misfit_fields_are_malformed_with_offset, 0,
			    (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, decode_length_not_the_framed_one_is_malformed);
	tcase_add_test(tc, decode_more_entries_than_limit_is_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("accepted");
	tcase_add_test(tc, decode_publish_qos3_reads_a_packet_id);
	tcase_add_test(tc, decode_publish_qos0_keeps_id_bytes_in_payload);
	tcase_add_test(tc, decode_padded_remaining_length_records_byte_count);
	tcase_add_test(tc, decode_empty_subscribe_and_suback_lists_are_syntax_ok);
	tcase_add_test(tc, decode_connect_optional_fields_follow_flags);
	tcase_add_test(tc, decode_reserved_type_keeps_body_as_payload);
	suite_add_tcase(s, tc);
	return s;
}
