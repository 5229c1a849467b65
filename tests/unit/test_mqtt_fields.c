/*
 * test_mqtt_fields.c - the field walk: every byte of a packet belongs to
 * exactly one field, in wire order, with the value a reader is shown.
 */
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_fields.h"
#include "tests/unit/suites.h"

#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1
#define MAXF 80

struct seen {
	size_t n;
	struct mqtt_field f[MAXF];
};

static void collect(void *arg, const struct mqtt_field *f)
{
	struct seen *s = arg;
	ck_assert_uint_lt(s->n, MAXF);
	s->f[s->n++] = *f;
}

static void walk(const uint8_t *in, size_t len, struct seen *s)
{
	struct mqtt_packet p;
	memset(s, 0, sizeof *s);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, len, &p, NULL), (int)len);
	ck_assert_int_eq(mqtt_fields_each(MQTT_V311, in, len, &p, collect, s), 0);
}

static void expect(const struct seen *s, size_t i, size_t off, size_t len, const char *name, const char *value)
{
	ck_assert_uint_lt(i, s->n);
	ck_assert_uint_eq(s->f[i].offset, off);
	ck_assert_uint_eq(s->f[i].len, len);
	ck_assert_str_eq(s->f[i].name, name);
	ck_assert_str_eq(s->f[i].value, value);
}

static const struct {
	const uint8_t *in;
	size_t len;
} packets[] = {
	{B("\x10\x1c\x00\x04MQTT\x04\xc6\x00\x3c\x00\x02x1\x00\x01t\x00\x02hi\x00\x01u\x00\x02pw")},
	{B("\x20\x02\x01\x00")},
	{B("\x30\x05\x00\x01" "a" "hi")},
	{B("\x32\x05\x00\x01" "a" "\x00\x07")},
	{B("\x40\x02\x00\x07")},
	{B("\x62\x02\x00\x07")},
	{B("\x82\x0c\x00\x05\x00\x03" "a/+" "\x01\x00\x01#\x42")},
	{B("\x90\x05\x00\x05\x00\x80\x03")},
	{B("\xa2\x07\x00\x06\x00\x03" "a/b")},
	{B("\xb0\x02\x00\x06")},
	{B("\xc0\x00")},
	{B("\xe0\x00")},
	{B("\xf0\x02\x01\x02")},
	{B("\x30\x80\x01\x00\x03" "a/b" "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	   "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a")},
};
#define NPKT (sizeof packets / sizeof packets[0])

/* Type and flags share byte 0; from byte 1 on, the fields tile the packet. */
START_TEST(fields_cover_every_byte_in_wire_order)
{
	struct seen s;
	walk(packets[_i].in, packets[_i].len, &s);
	ck_assert_uint_ge(s.n, 2);
	expect(&s, 0, 0, 1, "packet type", s.f[0].value);
	ck_assert_str_eq(s.f[1].name, "flags");
	ck_assert_uint_eq(s.f[1].offset, 0);
	size_t next = 1;
	for (size_t i = 2; i < s.n; i++) {
		ck_assert_msg(s.f[i].offset == next, "packet %d field %zu (%s) at %zu, expected %zu", _i, i,
			      s.f[i].name, s.f[i].offset, next);
		next += s.f[i].len;
	}
	ck_assert_uint_eq(next, packets[_i].len);
}
END_TEST

START_TEST(connect_fields_and_values)
{
	struct seen s;
	walk(packets[0].in, packets[0].len, &s);
	ck_assert_uint_eq(s.n, 12);
	expect(&s, 0, 0, 1, "packet type", "CONNECT (1)");
	expect(&s, 1, 0, 1, "flags", "0x0");
	expect(&s, 2, 1, 1, "remaining length", "28");
	expect(&s, 3, 2, 6, "protocol name", "\"MQTT\" (length 4)");
	expect(&s, 4, 8, 1, "protocol level", "4 (3.1.1)");
	expect(&s, 5, 9, 1, "connect flags",
	       "0xc6: user name 1, password 1, will retain 0, will QoS 0, will 1, clean session 1, reserved 0");
	expect(&s, 6, 10, 2, "keep alive", "60 s");
	expect(&s, 7, 12, 4, "client id", "\"x1\" (length 2)");
	expect(&s, 8, 16, 3, "will topic", "\"t\" (length 1)");
	expect(&s, 9, 19, 4, "will message", "2 bytes \"hi\"");
	expect(&s, 10, 23, 3, "user name", "\"u\" (length 1)");
	expect(&s, 11, 26, 4, "password", "2 bytes (not shown)");
}
END_TEST

START_TEST(codes_are_named_by_the_codec)
{
	struct seen s;
	walk(B("\x20\x02\x01\x05"), &s);
	expect(&s, 3, 2, 1, "acknowledge flags", "0x01: session present 1");
	expect(&s, 4, 3, 1, "return code", "0x05 (not authorized)");
	walk(packets[7].in, packets[7].len, &s);
	expect(&s, 3, 2, 2, "packet id", "5");
	expect(&s, 4, 4, 1, "return code", "0x00 (granted QoS 0)");
	expect(&s, 5, 5, 1, "return code", "0x80 (failure)");
	expect(&s, 6, 6, 1, "return code", "0x03 (reserved)");
	walk(packets[6].in, packets[6].len, &s);
	expect(&s, 7, 13, 1, "requested QoS", "0x42 (reserved bits or QoS 3)");
	walk(B("\x10\x0c\x00\x04MQTT\x03\x02\x00\x00\x00\x00"), &s);
	expect(&s, 4, 8, 1, "protocol level", "3");
}
END_TEST

START_TEST(decode_entry_point_calls_nothing_for_what_does_not_decode)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	/* cut short, and two packets: not one whole packet, diag untouched */
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V311, B("\x40\x02\x00"), collect, &s, &d), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V311, B("\xc0\x00\xc0\x00"), collect, &s, &d), MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.msg, "");
	/* a body that does not fit its type */
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V311, B("\x40\x03\x00\x01\x02"), collect, &s, &d), MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.msg, "PUBACK: remaining length 3, expected 2");
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-2");
	/* a Remaining Length past 4 bytes */
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V311, B("\x30\xff\xff\xff\xff\x01"), collect, &s, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-1");
	ck_assert_int_eq(mqtt_fields_decode((enum mqtt_version)3, B("\xc0\x00"), collect, &s, &d), MQTT_ERR_UNSUPPORTED);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V311, B("\xc0\x00"), collect, &s, &d), 2);
	ck_assert_uint_eq(s.n, 3);
	expect(&s, 0, 0, 1, "packet type", "PINGREQ (12)");
}
END_TEST

START_TEST(header_of_bytes_that_do_not_decode)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mqtt_fields_header(MQTT_V311, B("\x63\x03\x00\x01\x02"), 2, collect, &s), 0);
	ck_assert_uint_eq(s.n, 3);
	expect(&s, 0, 0, 1, "packet type", "PUBREL (6)");
	expect(&s, 1, 0, 1, "flags", "0x3 (Table 2.2 requires 0x2)");
	expect(&s, 2, 1, 1, "remaining length", "3");
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mqtt_fields_header(MQTT_V311, B("\x3b"), 0, collect, &s), 0);
	ck_assert_uint_eq(s.n, 2);
	expect(&s, 1, 0, 1, "flags", "0xb: DUP 1, QoS 1, RETAIN 1");
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(mqtt_fields_header(MQTT_V311, NULL, 0, 0, collect, &s), 0);
	ck_assert_int_eq(mqtt_fields_header((enum mqtt_version)3, B("\xc0\x00"), 2, collect, &s), MQTT_ERR_UNSUPPORTED);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

Suite *mqtt_fields_suite(void)
{
	Suite *s = suite_create("mqtt_fields");
	TCase *tc = tcase_create("walk");
	tcase_add_loop_test(tc, fields_cover_every_byte_in_wire_order, 0, NPKT);
	tcase_add_test(tc, connect_fields_and_values);
	tcase_add_test(tc, codes_are_named_by_the_codec);
	tcase_add_test(tc, decode_entry_point_calls_nothing_for_what_does_not_decode);
	tcase_add_test(tc, header_of_bytes_that_do_not_decode);
	suite_add_tcase(s, tc);
	return s;
}
