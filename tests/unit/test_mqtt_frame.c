/* test_mqtt_frame.c - splitting a byte stream into packets. */
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_frame.h"
#include "tests/unit/suites.h"

/* Three packets back to back, as one read() might return them. */
static const uint8_t stream[] = {
	0x20, 0x02, 0x00, 0x00,			    /* CONNACK sp=0 rc=0 */
	0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 'h', 'i', /* PUBLISH qos 1
							       "t" id 5 "hi" */
	0xd0, 0x00,				    /* PINGRESP */
};

START_TEST(frame_next_several_packets_in_one_buffer_one_by_one)
{
	static const size_t sizes[] = {4, 9, 2};
	static const uint8_t types[] = {0x20, 0x32, 0xd0};
	size_t off = 0;
	for (size_t k = 0; k < 3; k++) {
		struct mqtt_frame f;
		ck_assert_int_eq(mqtt_frame_next(MQTT_V311, stream + off, sizeof stream - off,
						 &f, NULL),
				 1);
		ck_assert_uint_eq(f.total_len, sizes[k]);
		ck_assert_uint_eq(f.byte0, types[k]);
		ck_assert_uint_eq(f.header_len, 2);
		struct mqtt_packet p;
		ck_assert_int_eq(mqtt_decode(MQTT_V311, stream + off, f.total_len, &p, NULL),
				 (int)f.total_len);
		ck_assert_uint_eq(p.type, types[k] >> 4);
		off += f.total_len;
	}
	ck_assert_uint_eq(off, sizeof stream);
	struct mqtt_frame f;
	ck_assert_int_eq(mqtt_frame_next(MQTT_V311, stream + off, 0, &f, NULL), 0);
	ck_assert_uint_eq(f.header_len, 0);
}
END_TEST

/* Feed the stream in reads of every size from 1 to all of it; the framer
 * must hand out the same three packets whatever the split. */
START_TEST(frame_next_packet_split_across_reads)
{
	size_t chunk = (size_t)_i + 1;
	uint8_t buf[sizeof stream];
	size_t have = 0, fed = 0, found = 0;
	while (fed < sizeof stream || have > 0) {
		size_t n = sizeof stream - fed < chunk ? sizeof stream - fed : chunk;
		memcpy(buf + have, stream + fed, n);
		have += n;
		fed += n;
		struct mqtt_frame f;
		int r;
		for (;;) {
			r = mqtt_frame_next(MQTT_V311, buf, have, &f, NULL);
			if (r != 1)
				break;
			struct mqtt_packet p;
			ck_assert_int_eq(mqtt_decode(MQTT_V311, buf, f.total_len, &p, NULL),
					 (int)f.total_len);
			memmove(buf, buf + f.total_len, have - f.total_len);
			have -= f.total_len;
			found++;
		}
		ck_assert_int_eq(r, 0);
		if (fed == sizeof stream)
			break;
	}
	ck_assert_uint_eq(found, 3);
	ck_assert_uint_eq(have, 0);
}
END_TEST

START_TEST(frame_next_huge_claim_known_from_header_alone)
{
	/* 30 ff ff ff 7f: PUBLISH claiming 268435455 bytes, none present */
	static const uint8_t in[] = {0x30, 0xff, 0xff, 0xff, 0x7f};
	struct mqtt_frame f;
	ck_assert_int_eq(mqtt_frame_next(MQTT_V311, in, sizeof in, &f, NULL), 0);
	ck_assert_uint_eq(f.header_len, 5);
	ck_assert_uint_eq(f.remaining_length, 268435455);
	ck_assert_uint_eq(f.total_len, 268435460);
	/* With the length field incomplete nothing is known yet. */
	ck_assert_int_eq(mqtt_frame_next(MQTT_V311, in, 3, &f, NULL), 0);
	ck_assert_uint_eq(f.header_len, 0);
	ck_assert_uint_eq(f.total_len, 0);
}
END_TEST

START_TEST(frame_next_five_length_bytes_is_malformed)
{
	/* 30 80 80 80 80 01: PUBLISH whose Remaining Length has 5 bytes */
	static const uint8_t in[] = {0x30, 0x80, 0x80, 0x80, 0x80, 0x01};
	struct mqtt_frame f;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_frame_next(MQTT_V311, in, sizeof in, &f, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-1");
	ck_assert_uint_eq(d.offset, 4);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, sizeof in, &(struct mqtt_packet){0}, &d),
			 MQTT_ERR_MALFORMED);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-1");
}
END_TEST

START_TEST(frame_next_type_byte_alone_needs_more)
{
	static const uint8_t in[] = {0xc0};
	struct mqtt_frame f;
	ck_assert_int_eq(mqtt_frame_next(MQTT_V311, in, 1, &f, NULL), 0);
	ck_assert_uint_eq(f.header_len, 0);
	ck_assert_uint_eq(f.byte0, 0xc0);
}
END_TEST

Suite *mqtt_frame_suite(void)
{
	Suite *s = suite_create("mqtt_frame");
	TCase *tc = tcase_create("stream");
	tcase_add_test(tc, frame_next_several_packets_in_one_buffer_one_by_one);
	tcase_add_loop_test(tc, frame_next_packet_split_across_reads, 0,
			    (int)sizeof stream);
	tcase_add_test(tc, frame_next_huge_claim_known_from_header_alone);
	tcase_add_test(tc, frame_next_five_length_bytes_is_malformed);
	tcase_add_test(tc, frame_next_type_byte_alone_needs_more);
	suite_add_tcase(s, tc);
	return s;
}
