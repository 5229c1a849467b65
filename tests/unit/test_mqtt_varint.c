/* test_mqtt_varint.c - Remaining Length encoding (spec 2.2.3, Table 2.4). */
#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_varint.h"
#include "tests/unit/suites.h"

/* Table 2.4 edges: the last value of each byte count and the first of the
 * next one, with their minimal encodings. */
static const struct {
	uint32_t value;
	int bytes;
	uint8_t enc[4];
} edges[] = {
	{0, 1, {0x00}},
	{127, 1, {0x7F}},
	{128, 2, {0x80, 0x01}},
	{16383, 2, {0xFF, 0x7F}},
	{16384, 3, {0x80, 0x80, 0x01}},
	{2097151, 3, {0xFF, 0xFF, 0x7F}},
	{2097152, 4, {0x80, 0x80, 0x80, 0x01}},
	{268435455, 4, {0xFF, 0xFF, 0xFF, 0x7F}},
};

START_TEST(varint_encode_boundary_uses_table_byte_count)
{
	uint8_t out[5];
	int n = mqtt_varint_encode(edges[_i].value, 0, out, sizeof out);
	ck_assert_int_eq(n, edges[_i].bytes);
	ck_assert_mem_eq(out, edges[_i].enc, (size_t)n);

	uint32_t v = 0xFFFFFFFF;
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, out, (size_t)n, &v, NULL), n);
	ck_assert_uint_eq(v, edges[_i].value);
	/* One byte short of the field is "need more", not an error. */
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, out, (size_t)n - 1, &v, NULL), 0);
}
END_TEST

START_TEST(varint_decode_fifth_byte_is_malformed)
{
	/* FF FF FF FF 7F: the 4th byte still has its continuation bit */
	static const uint8_t in[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
	struct mqtt_diag d = {0};
	uint32_t v = 0;
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, in, sizeof in, &v, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-1");
	ck_assert_uint_eq(d.offset, 3);
	/* Known as soon as the 4th byte is there. */
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, in, 4, &v, NULL), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, in, 3, &v, NULL), 0);
}
END_TEST

START_TEST(varint_decode_empty_input_needs_more)
{
	uint32_t v = 0;
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, NULL, 0, &v, NULL), 0);
}
END_TEST

START_TEST(varint_decode_padded_form_is_accepted)
{
	/* 82 00: 2 + 0*128, in two bytes instead of one */
	static const uint8_t in[] = {0x82, 0x00};
	uint32_t v = 0;
	ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, in, sizeof in, &v, NULL), 2);
	ck_assert_uint_eq(v, 2);
}
END_TEST

START_TEST(varint_encode_min_bytes_pads_with_continuation)
{
	uint8_t out[5];
	ck_assert_int_eq(mqtt_varint_encode(2, 2, out, sizeof out), 2);
	ck_assert_mem_eq(out, "\x82\x00", 2);
	ck_assert_int_eq(mqtt_varint_encode(2, 5, out, sizeof out), 5);
	ck_assert_mem_eq(out, "\x82\x80\x80\x80\x00", 5);
	ck_assert_int_eq(mqtt_varint_encode(0, 4, out, sizeof out), 4);
	ck_assert_mem_eq(out, "\x80\x80\x80\x00", 4);
	/* min_bytes below the needed count changes nothing */
	ck_assert_int_eq(mqtt_varint_encode(16384, 2, out, sizeof out), 3);
	ck_assert_int_eq(mqtt_varint_encode(300, 1, out, sizeof out), 2);
	/* the biggest value padded to 5 bytes: FF FF FF FF 00 */
	ck_assert_int_eq(mqtt_varint_encode(268435455, 5, out, sizeof out), 5);
	ck_assert_mem_eq(out, "\xff\xff\xff\xff\x00", 5);
}
END_TEST

START_TEST(varint_encode_out_of_range_is_invalid)
{
	uint8_t out[8];
	ck_assert_int_eq(mqtt_varint_encode(268435456, 0, out, sizeof out),
			 MQTT_ERR_INVALID);
	ck_assert_int_eq(mqtt_varint_encode(0xFFFFFFFF, 5, out, sizeof out),
			 MQTT_ERR_INVALID);
	ck_assert_int_eq(mqtt_varint_encode(1, 6, out, sizeof out),
			 MQTT_ERR_INVALID);
}
END_TEST

START_TEST(varint_encode_short_buffer_writes_nothing)
{
	uint8_t out[4] = {0xEE, 0xEE, 0xEE, 0xEE};
	ck_assert_int_eq(mqtt_varint_encode(16384, 0, out, 2), MQTT_ERR_BUFFER);
	ck_assert_mem_eq(out, "\xee\xee\xee\xee", 4);
	ck_assert_int_eq(mqtt_varint_encode(0, 0, NULL, 0), MQTT_ERR_BUFFER);
	ck_assert_int_eq(mqtt_varint_encode(2, 3, out, 2), MQTT_ERR_BUFFER);
}
END_TEST

/* Every value whose encoding changes length, plus neighbours, both ways. */
START_TEST(varint_decode_inverts_encode_near_every_power)
{
	for (int shift = 0; shift <= 28; shift++) {
		for (int delta = -2; delta <= 2; delta++) {
			int64_t v64 = ((int64_t)1 << shift) + delta;
			if (v64 < 0 || v64 > MQTT_MAX_REMAINING_LENGTH)
				continue;
			for (uint8_t pad = 0; pad <= 4; pad++) {
				uint8_t out[5];
				uint32_t back = 0;
				int n = mqtt_varint_encode((uint32_t)v64, pad, out,
							   sizeof out);
				ck_assert_int_gt(n, 0);
				ck_assert_int_eq(mqtt_varint_decode(MQTT_V311, out, (size_t)n,
								    &back, NULL),
						 n);
				ck_assert_uint_eq(back, (uint32_t)v64);
			}
		}
	}
}
END_TEST

Suite *mqtt_varint_suite(void)
{
	Suite *s = suite_create("mqtt_varint");
	TCase *tc = tcase_create("boundaries");
	tcase_add_loop_test(tc, varint_encode_boundary_uses_table_byte_count, 0,
			    (int)(sizeof edges / sizeof edges[0]));
	tcase_add_test(tc, varint_decode_fifth_byte_is_malformed);
	tcase_add_test(tc, varint_decode_empty_input_needs_more);
	tcase_add_test(tc, varint_decode_padded_form_is_accepted);
	tcase_add_test(tc, varint_decode_inverts_encode_near_every_power);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, varint_encode_min_bytes_pads_with_continuation);
	tcase_add_test(tc, varint_encode_out_of_range_is_invalid);
	tcase_add_test(tc, varint_encode_short_buffer_writes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
