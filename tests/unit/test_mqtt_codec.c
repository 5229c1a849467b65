/*
 * test_mqtt_codec.c - the codec as a whole: a valid packet of every type
 * built as a struct, encoded, compared with hand-written bytes, decoded and
 * compared field by field; every prefix framed; mutated packets decoded and
 * re-encoded; packet model helpers and error names.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt.h"
#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "tests/unit/suites.h"

/* Byte strings as literals; hex escapes are split from following text. */
#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static struct mqtt_str str(const char *s)
{
	struct mqtt_str r = {true, {(const uint8_t *)s, strlen(s)}, -1};
	return r;
}

struct fixture {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum mqtt_dir dir;
};

static const struct fixture fixtures[] = {
	/* CONNECT rl=30 "MQTT" level 4, flags 0xCE = user|pass|will qos 1|
	 * will|clean, keep alive 60, id "abc", will "t"/"bye", user "u",
	 * password "pw" */
	{"CONNECT",
	 B("\x10\x1e\x00\x04MQTT\x04\xce\x00\x3c\x00\x03"
	   "abc\x00\x01t\x00\x03"
	   "bye\x00\x01u\x00\x02pw"),
	 MQTT_FROM_CLIENT},
	/* CONNACK rl=2 session present 1, return code 0 */
	{"CONNACK", B("\x20\x02\x01\x00"), MQTT_FROM_SERVER},
	/* PUBLISH flags 0xB = dup|qos 1|retain, rl=10 topic "a/b" id 10
	 * payload "hi!" */
	{"PUBLISH", B("\x3b\x0a\x00\x03"
		      "a/b\x00\x0ahi!"),
	 MQTT_FROM_ANY},
	/* PUBACK rl=2 id 10 */
	{"PUBACK", B("\x40\x02\x00\x0a"), MQTT_FROM_ANY},
	/* PUBREC rl=2 id 11 */
	{"PUBREC", B("\x50\x02\x00\x0b"), MQTT_FROM_ANY},
	/* PUBREL flags 0x2 rl=2 id 12 */
	{"PUBREL", B("\x62\x02\x00\x0c"), MQTT_FROM_ANY},
	/* PUBCOMP rl=2 id 13 */
	{"PUBCOMP", B("\x70\x02\x00\x0d"), MQTT_FROM_ANY},
	/* SUBSCRIBE flags 0x2 rl=12 id 14, "a/+" QoS 1, "#" QoS 2 */
	{"SUBSCRIBE", B("\x82\x0c\x00\x0e\x00\x03"
			"a/+\x01\x00\x01#\x02"),
	 MQTT_FROM_CLIENT},
	/* SUBACK rl=4 id 14, codes 0x01 0x80 */
	{"SUBACK", B("\x90\x04\x00\x0e\x01\x80"), MQTT_FROM_SERVER},
	/* UNSUBSCRIBE flags 0x2 rl=10 id 15, "a/+", "#" */
	{"UNSUBSCRIBE", B("\xa2\x0a\x00\x0f\x00\x03"
			  "a/+\x00\x01#"),
	 MQTT_FROM_CLIENT},
	/* UNSUBACK rl=2 id 15 */
	{"UNSUBACK", B("\xb0\x02\x00\x0f"), MQTT_FROM_SERVER},
	/* PINGREQ rl=0 */
	{"PINGREQ", B("\xc0\x00"), MQTT_FROM_CLIENT},
	/* PINGRESP rl=0 */
	{"PINGRESP", B("\xd0\x00"), MQTT_FROM_SERVER},
	/* DISCONNECT rl=0 */
	{"DISCONNECT", B("\xe0\x00"), MQTT_FROM_CLIENT},
	/* PUBLISH QoS 0 rl=5 topic "a/b", empty payload, no id */
	{"PUBLISH", B("\x30\x05\x00\x03"
		      "a/b"),
	 MQTT_FROM_ANY},
	/* CONNECT rl=12 "MQTT" level 4, flags 0x00, keep alive 0, empty id */
	{"CONNECT", B("\x10\x0c\x00\x04MQTT\x04\x00\x00\x00\x00\x00"),
	 MQTT_FROM_CLIENT},
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

/* The struct a fixture's bytes stand for, built the way the harness will. */
static void build(size_t i, struct mqtt_packet *p)
{
	mqtt_packet_init(p, (enum mqtt_type)mqtt_type_from_name(fixtures[i].name));
	int flags = mqtt_type_required_flags(p->type);
	p->flags = flags < 0 ? 0 : (uint8_t)flags;
	switch (i) {
	case 0:
		p->protocol_name = str("MQTT");
		p->protocol_level = 4;
		p->connect_flags = 0xCE;
		p->keep_alive = 60;
		p->client_id = str("abc");
		p->will_topic = str("t");
		p->will_message = str("bye");
		p->username = str("u");
		p->password = str("pw");
		break;
	case 1:
		p->ack_flags = 1;
		break;
	case 2:
		p->flags = MQTT_PF_DUP | 1 << MQTT_PF_QOS_SHIFT | MQTT_PF_RETAIN;
		p->topic = str("a/b");
		p->payload = str("hi!").s;
		break;
	case 7:
	case 9:
		p->entries[0].filter = str("a/+");
		p->entries[0].qos = 1;
		p->entries[0].has_qos = p->type == MQTT_SUBSCRIBE;
		p->entries[1].filter = str("#");
		p->entries[1].qos = 2;
		p->entries[1].has_qos = p->type == MQTT_SUBSCRIBE;
		p->entry_count = 2;
		break;
	case 8:
		p->codes[0] = 0x01;
		p->codes[1] = 0x80;
		p->code_count = 2;
		break;
	case 14:
		p->topic = str("a/b");
		break;
	case 15:
		p->protocol_name = str("MQTT");
		p->protocol_level = 4;
		p->client_id = str("");
		break;
	}
	static const uint16_t ids[NFIX] = {0, 0, 10, 10, 11, 12, 13, 14, 14, 15, 15};
	if (ids[i] != 0) {
		p->has_packet_id = true;
		p->packet_id = ids[i];
	}
}

static void str_eq(const struct mqtt_str *a, const struct mqtt_str *b,
		   const char *what)
{
	ck_assert_msg(a->present == b->present, "%s present", what);
	ck_assert_msg(a->s.n == b->s.n, "%s length %zu vs %zu", what, a->s.n,
		      b->s.n);
	if (a->s.n > 0)
		ck_assert_mem_eq(a->s.p, b->s.p, a->s.n);
}

/* Every field the wire carries; `a` is built, `b` decoded. */
static void pkt_eq(const struct mqtt_packet *a, const struct mqtt_packet *b)
{
	ck_assert_int_eq(a->type, b->type);
	ck_assert_uint_eq(a->flags, b->flags);
	str_eq(&a->protocol_name, &b->protocol_name, "protocol_name");
	ck_assert_uint_eq(a->protocol_level, b->protocol_level);
	ck_assert_uint_eq(a->connect_flags, b->connect_flags);
	ck_assert_uint_eq(a->keep_alive, b->keep_alive);
	str_eq(&a->client_id, &b->client_id, "client_id");
	str_eq(&a->will_topic, &b->will_topic, "will_topic");
	str_eq(&a->will_message, &b->will_message, "will_message");
	str_eq(&a->username, &b->username, "username");
	str_eq(&a->password, &b->password, "password");
	ck_assert_uint_eq(a->ack_flags, b->ack_flags);
	ck_assert_uint_eq(a->return_code, b->return_code);
	str_eq(&a->topic, &b->topic, "topic");
	ck_assert_uint_eq(a->payload.n, b->payload.n);
	if (a->payload.n > 0)
		ck_assert_mem_eq(a->payload.p, b->payload.p, a->payload.n);
	ck_assert_int_eq(a->has_packet_id, b->has_packet_id);
	ck_assert_uint_eq(a->packet_id, b->packet_id);
	ck_assert_uint_eq(a->entry_count, b->entry_count);
	for (size_t i = 0; i < a->entry_count; i++) {
		str_eq(&a->entries[i].filter, &b->entries[i].filter, "filter");
		ck_assert_int_eq(a->entries[i].has_qos, b->entries[i].has_qos);
		if (a->entries[i].has_qos)
			ck_assert_uint_eq(a->entries[i].qos, b->entries[i].qos);
	}
	ck_assert_uint_eq(a->code_count, b->code_count);
	if (a->code_count > 0)
		ck_assert_mem_eq(a->codes, b->codes, a->code_count);
	ck_assert_uint_eq(b->extra.n, 0);
}

START_TEST(encode_each_type_matches_bytes_and_decodes_back)
{
	const struct fixture *fx = &fixtures[_i];
	struct mqtt_packet built, got;
	uint8_t out[64];
	build((size_t)_i, &built);
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V311, &built), fx->len);
	ck_assert_int_eq(mqtt_encode(MQTT_V311, &built, out, sizeof out), (int)fx->len);
	ck_assert_mem_eq(out, fx->bytes, fx->len);

	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, out, fx->len, &got, &d), (int)fx->len);
	pkt_eq(&built, &got);
	ck_assert_uint_eq(got.remaining_length, fx->len - 2);
	ck_assert_uint_eq(got.rl_bytes, 1);
	ck_assert_msg(mqtt_check(MQTT_V311, &got, fx->dir, &d) == 0, "%s: %s %s",
		      fx->name, d.clause, d.msg);
}
END_TEST

START_TEST(frame_next_every_prefix_needs_more)
{
	const struct fixture *fx = &fixtures[_i];
	for (size_t n = 0; n <= fx->len; n++) {
		/* An exact-size heap copy lets ASan see any over-read. */
		uint8_t *buf = malloc(n > 0 ? n : 1);
		memcpy(buf, fx->bytes, n);
		struct mqtt_frame f;
		struct mqtt_packet p;
		int r = mqtt_frame_next(MQTT_V311, buf, n, &f, NULL);
		ck_assert_int_eq(r, n == fx->len ? 1 : 0);
		ck_assert_uint_eq(f.header_len, n >= 2 ? 2 : 0);
		if (n >= 2)
			ck_assert_uint_eq(f.total_len, fx->len);
		r = mqtt_decode(MQTT_V311, buf, n, &p, NULL);
		ck_assert_int_eq(r, n == fx->len ? (int)n : MQTT_ERR_MALFORMED);
		free(buf);
	}
}
END_TEST

/* Shorten the body and fix up the Remaining Length, so decode sees a
 * well-framed packet whose fields run out early. */
START_TEST(decode_every_shortened_body_stays_in_bounds)
{
	const struct fixture *fx = &fixtures[_i];
	for (size_t rl = 0; rl + 2 < fx->len; rl++) {
		uint8_t *buf = malloc(2 + rl);
		memcpy(buf, fx->bytes, 2 + rl);
		buf[1] = (uint8_t)rl;
		struct mqtt_packet p;
		struct mqtt_diag d = {0};
		int r = mqtt_decode(MQTT_V311, buf, 2 + rl, &p, &d);
		/* Only bodies ending in a list or a payload can lose bytes
		 * and still fit their layout. */
		if (r < 0) {
			ck_assert_int_eq(r, MQTT_ERR_MALFORMED);
			ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-2");
			ck_assert_uint_le(d.offset, 2 + rl);
		} else {
			ck_assert(p.type == MQTT_PUBLISH ||
				  p.type == MQTT_SUBSCRIBE ||
				  p.type == MQTT_SUBACK ||
				  p.type == MQTT_UNSUBSCRIBE);
		}
		free(buf);
	}
}
END_TEST

/* Every single-byte change of every fixture: decode never crashes, and
 * whatever decodes re-encodes to the very same bytes. */
START_TEST(decode_mutated_packets_reencode_identically)
{
	const struct fixture *fx = &fixtures[_i];
	uint8_t *buf = malloc(fx->len);
	uint8_t out[300];
	char line[256];
	for (size_t pos = 0; pos < fx->len; pos++) {
		for (unsigned v = 0; v < 256; v++) {
			memcpy(buf, fx->bytes, fx->len);
			buf[pos] = (uint8_t)v;
			struct mqtt_frame f;
			int r = mqtt_frame_next(MQTT_V311, buf, fx->len, &f, NULL);
			if (r != 1)
				continue;
			struct mqtt_packet p;
			if (mqtt_decode(MQTT_V311, buf, f.total_len, &p, NULL) < 0)
				continue;
			mqtt_check(MQTT_V311, &p, MQTT_FROM_CLIENT, NULL);
			mqtt_print(&p, line, sizeof line);
			int n = mqtt_encode(MQTT_V311, &p, out, sizeof out);
			ck_assert_int_eq(n, (int)f.total_len);
			ck_assert_mem_eq(out, buf, f.total_len);
		}
	}
	free(buf);
}
END_TEST

START_TEST(encode_large_publish_uses_three_length_bytes)
{
	static uint8_t payload[16384];
	static uint8_t out[16400];
	struct mqtt_packet p, q;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic = str("t");
	p.payload.p = payload;
	p.payload.n = sizeof payload - 3; /* rl = 3 + 16381 = 16384 */
	int n = mqtt_encode(MQTT_V311, &p, out, sizeof out);
	ck_assert_int_eq(n, 1 + 3 + 16384);
	/* 30 80 80 01: PUBLISH, rl = 0 + 0*128 + 1*16384 */
	ck_assert_mem_eq(out, "\x30\x80\x80\x01", 4);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, out, (size_t)n, &q, NULL), n);
	ck_assert_uint_eq(q.payload.n, sizeof payload - 3);
	ck_assert_uint_eq(q.rl_bytes, 3);
}
END_TEST

START_TEST(packet_init_resets_to_absent)
{
	struct mqtt_packet p;
	memset(&p, 0xAB, sizeof p);
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	ck_assert_int_eq(p.type, MQTT_SUBSCRIBE);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert(!p.has_packet_id && !p.rl_override && p.rl_bytes == 0);
	ck_assert(!p.client_id.present && p.client_id.len_override == -1);
	ck_assert(!p.password.present && p.password.len_override == -1);
	ck_assert_int_eq(p.entries[MQTT_MAX_ENTRIES - 1].filter.len_override, -1);
	ck_assert_uint_eq(p.entry_count, 0);
	ck_assert_uint_eq(p.extra.n, 0);
}
END_TEST

START_TEST(type_required_flags_follow_table_2_2)
{
	for (int t = 0; t < 16; t++) {
		int want = t == MQTT_PUBREL || t == MQTT_SUBSCRIBE ||
				   t == MQTT_UNSUBSCRIBE
			       ? 2
			   : t == 0 || t == 15 || t == MQTT_PUBLISH ? -1
								    : 0;
		ck_assert_int_eq(mqtt_type_required_flags((enum mqtt_type)t),
				 want);
	}
}
END_TEST

START_TEST(type_name_round_trips_case_insensitively)
{
	for (int t = 0; t < 16; t++)
		ck_assert_int_eq(mqtt_type_from_name(mqtt_type_name((enum mqtt_type)t)), t);
	ck_assert_str_eq(mqtt_type_name(MQTT_RESERVED0), "RESERVED0");
	ck_assert_str_eq(mqtt_type_name(MQTT_UNSUBACK), "UNSUBACK");
	ck_assert_int_eq(mqtt_type_from_name("pubRel"), MQTT_PUBREL);
	ck_assert_int_eq(mqtt_type_from_name("PUB"), -1);
	ck_assert_int_eq(mqtt_type_from_name("PUBACKS"), -1);
	ck_assert_int_eq(mqtt_type_from_name(""), -1);
	ck_assert_int_eq(mqtt_type_from_name(NULL), -1);
}
END_TEST

START_TEST(err_name_and_str_cover_every_code)
{
	ck_assert_str_eq(mqtt_err_name(MQTT_ERR_MALFORMED), "MALFORMED");
	ck_assert_str_eq(mqtt_err_name(MQTT_ERR_INVALID), "INVALID");
	ck_assert_str_eq(mqtt_err_name(0), "OK");
	ck_assert_str_eq(mqtt_err_name(-99), "UNKNOWN");
	ck_assert_str_eq(mqtt_err_str(MQTT_ERR_BUFFER), "output buffer too small");
	ck_assert_str_eq(mqtt_err_str(-99), "unknown error");
	ck_assert_int_eq(MQTT_ERR_LIMIT, -4);
	ck_assert_int_eq(MQTT_ERR_VIOLATION, -2);
}
END_TEST

START_TEST(err_diag_null_diag_only_returns_code)
{
	ck_assert_int_eq(mqtt_err_diag(NULL, MQTT_ERR_LIMIT, 1, MQTT_V311,
				       MQTT_RULE_NONE, "x"),
			 MQTT_ERR_LIMIT);
	struct mqtt_diag d;
	ck_assert_int_eq(mqtt_err_diag(&d, MQTT_ERR_LIMIT, 7, MQTT_V311,
				       MQTT_RULE_LENGTH_FIT, "%0200d", 1),
			 MQTT_ERR_LIMIT);
	ck_assert_uint_eq(d.offset, 7);
	ck_assert_int_eq(d.rule, MQTT_RULE_LENGTH_FIT);
	ck_assert_str_eq(d.clause, "MQTTSPEC-2.2.3-2");
	ck_assert_uint_eq(strlen(d.msg), sizeof d.msg - 1);
}
END_TEST

Suite *mqtt_codec_suite(void)
{
	Suite *s = suite_create("mqtt_codec");
	TCase *tc = tcase_create("roundtrip");
	tcase_add_loop_test(tc, encode_each_type_matches_bytes_and_decodes_back,
			    0, NFIX);
	tcase_add_test(tc, encode_large_publish_uses_three_length_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_loop_test(tc, frame_next_every_prefix_needs_more, 0, NFIX);
	tcase_add_loop_test(tc, decode_every_shortened_body_stays_in_bounds, 0,
			    NFIX);
	tcase_add_loop_test(tc, decode_mutated_packets_reencode_identically, 0,
			    NFIX);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, packet_init_resets_to_absent);
	tcase_add_test(tc, type_required_flags_follow_table_2_2);
	tcase_add_test(tc, type_name_round_trips_case_insensitively);
	tcase_add_test(tc, err_name_and_str_cover_every_code);
	tcase_add_test(tc, err_diag_null_diag_only_returns_code);
	suite_add_tcase(s, tc);
	return s;
}
