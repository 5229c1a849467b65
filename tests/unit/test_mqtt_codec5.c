/*
 * test_mqtt_codec5.c - the 5.0 codec end to end: a valid packet of every
 * type (and the short forms) decodes, passes the strict check and encodes
 * back to the same bytes; every truncation is an error, never a crash; the
 * encoder writes the invalid forms a case asks for; each strict rule is
 * named with its 5.0 clause.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_fields.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_reason.h"
#include "codec/mqtt_rule.h"
#include "tests/unit/suites.h"

/* "20 03 00 00 00" -> bytes; returns the count. */
static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		ck_assert_uint_lt(n, cap);
		char b[3] = {s[0], s[1], 0};
		out[n++] = (uint8_t)strtoul(b, NULL, 16);
		s += 2;
	}
	return n;
}

static const struct valid {
	const char *hex;
	enum mqtt_dir dir;
} valid[] = {
	/* CONNECT: Session Expiry, Will with Payload Format Indicator, user, password */
	{"10 23 00 04 4d 51 54 54 05 c6 00 3c 05 11 00 00 00 0a 00 01 63 02 01 01 00 01 74 00 02 68 69 00 01 75 00 01 70",
	 MQTT_FROM_CLIENT},
	/* CONNECT: a password without a user name is legal in 5.0 */
	{"10 11 00 04 4d 51 54 54 05 42 00 3c 00 00 01 63 00 01 70", MQTT_FROM_CLIENT},
	/* CONNACK: Receive Maximum and a User Property */
	{"20 0d 00 00 0a 21 00 0a 26 00 01 61 00 01 62", MQTT_FROM_SERVER},
	{"20 03 01 00 00", MQTT_FROM_SERVER},
	{"20 03 00 87 00", MQTT_FROM_SERVER},
	/* PUBLISH QoS 1: User Property, Payload Format Indicator, Topic Alias, payload */
	{"32 17 00 03 61 2f 62 00 07 0c 26 00 01 6b 00 01 76 01 01 23 00 05 78 79 7a", MQTT_FROM_CLIENT},
	/* PUBLISH with an empty topic and a Topic Alias */
	{"30 07 00 00 03 23 00 01 7a", MQTT_FROM_CLIENT},
	/* PUBLISH from the server with two Subscription Identifiers */
	{"30 08 00 01 61 04 0b 01 0b 02", MQTT_FROM_SERVER},
	{"40 08 00 07 10 04 1f 00 01 72", MQTT_FROM_ANY},
	{"40 02 00 07", MQTT_FROM_ANY},
	{"40 03 00 07 10", MQTT_FROM_ANY},
	{"40 04 00 07 00 00", MQTT_FROM_ANY},
	{"50 03 00 07 10", MQTT_FROM_ANY},
	{"62 03 00 07 92", MQTT_FROM_ANY},
	{"62 02 00 07", MQTT_FROM_ANY},
	{"70 02 00 07", MQTT_FROM_ANY},
	{"70 04 00 07 92 00", MQTT_FROM_ANY},
	/* SUBSCRIBE: Subscription Identifier 5, options QoS 2 + NL + RAP + RH 2 */
	{"82 0b 00 01 02 0b 05 00 03 61 2f 2b 2e", MQTT_FROM_CLIENT},
	{"90 06 00 01 00 02 80 a2", MQTT_FROM_SERVER},
	{"a2 08 00 02 00 00 03 61 2f 62", MQTT_FROM_CLIENT},
	{"b0 05 00 02 00 00 11", MQTT_FROM_SERVER},
	{"c0 00", MQTT_FROM_CLIENT},
	{"d0 00", MQTT_FROM_SERVER},
	{"e0 00", MQTT_FROM_ANY},
	{"e0 01 04", MQTT_FROM_CLIENT},
	{"e0 06 8e 04 1f 00 01 78", MQTT_FROM_SERVER},
	{"f0 00", MQTT_FROM_ANY},
	{"f0 01 18", MQTT_FROM_ANY},
	{"f0 07 18 05 15 00 02 6d 78", MQTT_FROM_ANY},
};

START_TEST(valid_packets_round_trip)
{
	const struct valid *c = &valid[_i];
	uint8_t in[128], out[128];
	size_t n = hex(c->hex, in, sizeof in);
	struct mqtt_packet p, q;
	struct mqtt_diag d = {0};
	ck_assert_msg(mqtt_decode(MQTT_V5, in, n, &p, &d) == (int)n, "%s: %s", c->hex, d.msg);
	ck_assert_msg(mqtt_check(MQTT_V5, &p, c->dir, &d) == 0, "%s: %s", c->hex, d.msg);
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V5, &p), n);
	ck_assert_int_eq(mqtt_encode(MQTT_V5, &p, out, n - 1), MQTT_ERR_BUFFER);
	ck_assert_int_eq(mqtt_encode(MQTT_V5, &p, out, sizeof out), (int)n);
	ck_assert_msg(memcmp(in, out, n) == 0, "%s re-encodes differently", c->hex);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, out, n, &q, NULL), (int)n);
}
END_TEST

/* Cut short in the buffer: never framed. Cut short with a Remaining Length
 * that agrees: an error, or a shorter packet that re-encodes exactly. */
START_TEST(every_truncation_is_an_error_or_a_shorter_packet)
{
	const struct valid *c = &valid[_i];
	uint8_t in[128];
	size_t n = hex(c->hex, in, sizeof in);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *part = malloc(cut ? cut : 1);
		memcpy(part, in, cut);
		struct mqtt_packet p;
		struct mqtt_diag d = {0};
		ck_assert_int_lt(mqtt_decode(MQTT_V5, part, cut, &p, &d), 0);
		if (cut >= 2) {
			part[1] = (uint8_t)(cut - 2);
			int r = mqtt_decode(MQTT_V5, part, cut, &p, &d);
			if (r < 0) {
				ck_assert(r == MQTT_ERR_MALFORMED);
				ck_assert_ptr_nonnull(d.clause);
				ck_assert_uint_le(d.offset, cut);
			} else {
				uint8_t out[128];
				ck_assert_int_eq(mqtt_encode(MQTT_V5, &p, out, sizeof out), (int)cut);
				ck_assert(memcmp(out, part, cut) == 0);
				(void)mqtt_check(MQTT_V5, &p, MQTT_FROM_ANY, &d);
			}
			/* A CONNECT or CONNACK has no shorter valid form. */
			if (in[0] == 0x10 || in[0] == 0x20)
				ck_assert_msg(r < 0, "%s cut at %zu decodes", c->hex, cut);
		}
		free(part);
	}
}
END_TEST

struct tiling {
	size_t next, count, len;
	char names[32][32];
};

static void tile(void *arg, const struct mqtt_field *f)
{
	struct tiling *t = arg;
	ck_assert_uint_le(f->offset + f->len, t->len);
	if (t->count < 32)
		snprintf(t->names[t->count], sizeof t->names[0], "%s", f->name);
	if (t->count++ < 2) /* type and flags share byte 0 */
		return;
	ck_assert_msg(f->offset == t->next, "field %s at %zu, expected %zu", f->name, f->offset, t->next);
	t->next += f->len;
}

/* The field walk lays every byte of a 5.0 packet out once, in order. */
START_TEST(fields_tile_every_valid_packet)
{
	const struct valid *c = &valid[_i];
	uint8_t in[128];
	size_t n = hex(c->hex, in, sizeof in);
	struct tiling t = {1, 0, n, {{0}}};
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V5, in, n, tile, &t, &d), (int)n);
	ck_assert_msg(t.next == n, "%s: fields end at %zu", c->hex, t.next);
}
END_TEST

START_TEST(fields_and_print_name_properties_and_reasons)
{
	uint8_t in[128];
	size_t n = hex("20 0d 00 00 0a 21 00 0a 26 00 01 61 00 01 62", in, sizeof in);
	struct tiling t = {1, 0, n, {{0}}};
	ck_assert_int_eq(mqtt_fields_decode(MQTT_V5, in, n, tile, &t, NULL), (int)n);
	ck_assert_str_eq(t.names[4], "reason code");
	ck_assert_str_eq(t.names[5], "properties");
	ck_assert_str_eq(t.names[6], "Receive Maximum");
	ck_assert_str_eq(t.names[7], "User Property");
	struct mqtt_packet p;
	char line[256];
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	mqtt_print_v(MQTT_V5, &p, line, sizeof line);
	ck_assert_str_eq(line, "CONNACK sp=0 rc=0x00(Success) props=[receive_maximum=10,user_property=\"a\":\"b\"]");
	n = hex("40 03 00 07 10", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	mqtt_print_v(MQTT_V5, &p, line, sizeof line);
	ck_assert_str_eq(line, "PUBACK id=7 rc=0x10(No matching subscribers)");
	n = hex("f0 07 18 05 15 00 02 6d 78", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert_uint_eq(mqtt_print_v(MQTT_V5, &p, line, sizeof line), strlen(line));
	ck_assert_str_eq(line, "AUTH rc=0x18(Continue authentication) props=[authentication_method=\"mx\"]");
	n = hex("82 0b 00 01 02 0b 05 00 03 61 2f 2b 2e", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	mqtt_print_v(MQTT_V5, &p, line, sizeof line);
	ck_assert_str_eq(line, "SUBSCRIBE id=1 filters=[\"a/+\" o=0x2e] props=[subscription_identifier=5]");
	n = hex("b0 05 00 02 00 00 11", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	mqtt_print_v(MQTT_V5, &p, line, sizeof line);
	ck_assert_str_eq(line, "UNSUBACK id=2 codes=[0x00,0x11]");
	/* 3.1.1 prints as before. */
	n = hex("40 02 00 07", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, n, &p, NULL), (int)n);
	mqtt_print_v(MQTT_V311, &p, line, sizeof line);
	ck_assert_str_eq(line, "PUBACK id=7");
}
END_TEST

START_TEST(short_forms_say_what_is_absent)
{
	uint8_t in[16];
	struct mqtt_packet p;
	size_t n = hex("40 02 00 07", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert(!p.has_reason_code);
	ck_assert(!p.props.present);
	ck_assert_uint_eq(p.packet_id, 7);
	n = hex("40 03 00 07 91", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert(p.has_reason_code);
	ck_assert_uint_eq(p.reason_code, 0x91);
	ck_assert(!p.props.present);
	n = hex("e0 00", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert(!p.has_reason_code);
	n = hex("f0 02 19 00", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert_int_eq(p.type, MQTT_AUTH);
	ck_assert(p.has_reason_code && p.props.present);
	ck_assert_uint_eq(p.props.count, 0);
	ck_assert_uint_eq(p.props.len_bytes, 1);
	/* UNSUBACK: a code per filter; SUBSCRIBE: the raw options byte. */
	n = hex("b0 06 00 02 00 00 11 87", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert_uint_eq(p.code_count, 3);
	ck_assert_uint_eq(p.codes[2], 0x87);
	n = hex("82 07 00 01 00 00 01 61 2e", in, sizeof in);
	ck_assert_int_eq(mqtt_decode(MQTT_V5, in, n, &p, NULL), (int)n);
	ck_assert_uint_eq(p.entries[0].qos, 0x2e);
	ck_assert(p.entries[0].has_qos);
}
END_TEST

static void encodes(const struct mqtt_packet *p, const char *want)
{
	uint8_t w[128], out[128];
	size_t n = hex(want, w, sizeof w);
	int r = mqtt_encode(MQTT_V5, p, out, sizeof out);
	ck_assert_int_eq(r, (int)n);
	ck_assert_msg(memcmp(out, w, n) == 0, "not %s", want);
}

START_TEST(encoder_writes_the_invalid_forms)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNACK);
	encodes(&p, "20 02 00 00"); /* no Property Length */
	p.props.present = true;
	p.return_code = 0x85;
	p.ack_flags = 1;
	encodes(&p, "20 03 01 85 00");
	p.props.len_override = 9;
	p.props.len_bytes = 2;
	encodes(&p, "20 04 01 85 89 00");
	p.props.len_override = -1;
	p.props.len_bytes = 0;
	p.props.count = 3;
	p.props.items[0].id = 0x23; /* Topic Alias: not a CONNACK property */
	p.props.items[0].num = 0;
	p.props.items[1].id = 0x23;
	p.props.items[1].num = 1;
	p.props.items[2].id = 0x99; /* unknown, given raw bytes */
	p.props.items[2].has_raw = true;
	p.props.items[2].raw = (struct mqtt_slice){(const uint8_t *)"\x01", 1};
	encodes(&p, "20 0c 01 85 09 23 00 00 23 00 01 99 01 01");
	p.rl_override = true;
	p.remaining_length = 2;
	p.rl_bytes = 3;
	p.extra = (struct mqtt_slice){(const uint8_t *)"\xee", 1};
	encodes(&p, "20 82 80 00 01 85 09 23 00 00 23 00 01 99 01 01 ee");

	mqtt_packet_init(&p, MQTT_PUBACK);
	p.has_packet_id = true;
	p.packet_id = 1;
	p.props.present = true; /* properties without a reason code */
	encodes(&p, "40 03 00 01 00");
	mqtt_packet_init(&p, MQTT_DISCONNECT);
	p.has_reason_code = true;
	p.reason_code = 4;
	encodes(&p, "e0 01 04");
	mqtt_packet_init(&p, MQTT_AUTH);
	p.flags = 1;
	encodes(&p, "f1 00");

	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic = (struct mqtt_str){true, {(const uint8_t *)"ab", 2}, 5}; /* a lying string length */
	p.props.present = true;
	p.payload = (struct mqtt_slice){(const uint8_t *)"x", 1};
	encodes(&p, "30 06 00 05 61 62 00 78");

	mqtt_packet_init(&p, MQTT_CONNECT);
	mqtt_packet_set_protocol(&p, MQTT_V5);
	p.connect_flags = 0x02; /* no Will flag, yet Will Properties written */
	p.client_id = (struct mqtt_str){true, {(const uint8_t *)"c", 1}, -1};
	p.props.present = true;
	p.will_props.present = true;
	p.will_props.count = 1;
	p.will_props.items[0].id = 0x18;
	p.will_props.items[0].num = 7;
	encodes(&p, "10 14 00 04 4d 51 54 54 05 02 00 00 00 00 01 63 05 18 00 00 00 07");
	p.props.count = MQTT_MAX_PROPS + 1;
	ck_assert_int_eq(mqtt_encode(MQTT_V5, &p, NULL, 0), MQTT_ERR_INVALID);
	ck_assert_uint_eq(mqtt_encode_size(MQTT_V5, &p), 0);
}
END_TEST

static const struct rule_case {
	const char *hex;
	enum mqtt_dir dir;
	int err; /* MQTT_ERR_MALFORMED from decode, MQTT_ERR_VIOLATION from check */
	enum mqtt_rule rule;
	const char *clause;
} rules[] = {
	{"00 00", MQTT_FROM_ANY, -2, MQTT_RULE_TYPE_RESERVED, "MQTTSPEC-2.1.2-1"},
	{"20 03 00 00 00", MQTT_FROM_CLIENT, -2, MQTT_RULE_DIRECTION, "MQTTSPEC-2.1.2-2"},
	{"f1 00", MQTT_FROM_ANY, -2, MQTT_RULE_FLAGS_AUTH, "MQTT-3.15.1-1"},
	{"41 02 00 01", MQTT_FROM_ANY, -2, MQTT_RULE_FLAGS_OTHER, "MQTT-2.1.3-1"},
	{"60 02 00 01", MQTT_FROM_ANY, -2, MQTT_RULE_FLAGS_PUBREL, "MQTT-3.6.1-1"},
	{"80 07 00 01 00 00 01 61 00", MQTT_FROM_ANY, -2, MQTT_RULE_FLAGS_SUBSCRIBE, "MQTT-3.8.1-1"},
	{"a0 06 00 01 00 00 01 61", MQTT_FROM_ANY, -2, MQTT_RULE_FLAGS_UNSUBSCRIBE, "MQTT-3.10.1-1"},
	{"c0 80 00", MQTT_FROM_ANY, -2, MQTT_RULE_VBI_MINIMAL, "MQTT-1.5.5-1"},
	{"30 ff ff ff ff 01", MQTT_FROM_ANY, -1, MQTT_RULE_LENGTH_BYTES, "MQTTSPEC-1.5.5-1"},
	{"40 05 00 01 00 00 00", MQTT_FROM_ANY, -1, MQTT_RULE_LENGTH_FIT, "MQTTSPEC-2.1.4-1"},
	{"c0 01 00", MQTT_FROM_ANY, -1, MQTT_RULE_LENGTH_FIT, "MQTTSPEC-2.1.4-1"},
	{"20 02 00 00", MQTT_FROM_ANY, -1, MQTT_RULE_PROPS_MISSING, "MQTT-2.2.2-1"},
	{"20 03 00 00 05", MQTT_FROM_ANY, -1, MQTT_RULE_PROP_LENGTH, "MQTTSPEC-2.2.2.1-1"},
	{"20 05 00 00 02 05 00", MQTT_FROM_ANY, -1, MQTT_RULE_PROP_UNKNOWN, "MQTTSPEC-2.2.2.2-1"},
	{"20 04 00 00 80 00", MQTT_FROM_ANY, -2, MQTT_RULE_VBI_MINIMAL, "MQTT-1.5.5-1"},
	{"20 03 00 04 00", MQTT_FROM_ANY, -2, MQTT_RULE_CONNACK_CODE, "MQTT-3.2.2-8"},
	{"20 03 01 80 00", MQTT_FROM_ANY, -2, MQTT_RULE_CONNACK_SESSION, "MQTT-3.2.2-6"},
	{"20 03 02 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_CONNACK_FLAGS, "MQTT-3.2.2-1"},
	{"20 06 00 00 03 21 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.3-2"},
	{"20 05 00 00 02 24 02", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.4-2"},
	{"20 05 00 00 02 25 02", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.5-2"},
	{"20 05 00 00 02 28 05", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.11-2"},
	{"20 05 00 00 02 29 02", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.12-2"},
	{"20 05 00 00 02 2a ff", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.13-2"},
	{"20 08 00 00 05 27 00 00 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.2.2.3.6-2"},
	{"20 0d 00 00 0a 11 00 00 00 01 11 00 00 00 02", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED,
	 "MQTTSPEC-3.2.2.3.2-1"},
	{"20 06 00 00 03 23 00 01", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_NOT_ALLOWED, "MQTTSPEC-2.2.2.2-1"},
	{"30 06 00 01 61 02 01 02", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.3.2.3.2-1"},
	{"30 07 00 01 61 03 23 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTT-3.3.2-8"},
	{"30 06 00 01 61 02 0b 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.3.2.3.8-1"},
	{"30 03 00 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_PUBLISH_TOPIC_ALIAS, "MQTTSPEC-3.3.2.1-1"},
	{"30 06 00 01 61 02 0b 01", MQTT_FROM_CLIENT, -2, MQTT_RULE_PUBLISH_SUBID_CLIENT, "MQTT-3.3.4-6"},
	{"36 06 00 01 61 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_PUBLISH_QOS3, "MQTT-3.3.1-4"},
	{"38 04 00 01 61 00", MQTT_FROM_ANY, -2, MQTT_RULE_PUBLISH_DUP_QOS0, "MQTT-3.3.1-2"},
	{"32 06 00 01 61 00 00 00", MQTT_FROM_SERVER, -2, MQTT_RULE_PACKET_ID_ZERO_SERVER, "MQTT-2.2.1-4"},
	{"32 06 00 01 61 00 00 00", MQTT_FROM_CLIENT, -2, MQTT_RULE_PACKET_ID_ZERO, "MQTT-2.2.1-3"},
	{"30 04 00 01 2b 00", MQTT_FROM_ANY, -2, MQTT_RULE_TOPIC_WILDCARD, "MQTT-3.3.2-2"},
	/* A string with a statement of its own names it; others the general rules. */
	{"30 0b 00 01 61 07 26 00 01 ff 00 01 62", MQTT_FROM_ANY, -2, MQTT_RULE_USER_PROPERTY_UTF8, "MQTT-1.5.7-1"},
	{"30 0b 00 01 61 07 26 00 01 61 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_USER_PROPERTY_UTF8, "MQTT-1.5.7-1"},
	{"30 08 00 01 61 04 08 00 01 ff", MQTT_FROM_ANY, -2, MQTT_RULE_RESPONSE_TOPIC_UTF8, "MQTT-3.3.2-13"},
	{"30 08 00 01 61 04 03 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_CONTENT_TYPE_UTF8, "MQTT-3.3.2-19"},
	{"30 04 00 01 ff 00", MQTT_FROM_ANY, -2, MQTT_RULE_TOPIC_NAME_UTF8, "MQTT-3.3.2-1"},
	{"30 04 00 01 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_TOPIC_NAME_NUL, "MQTT-4.7.3-2"},
	{"40 08 00 01 00 04 1f 00 01 ff", MQTT_FROM_ANY, -2, MQTT_RULE_UTF8_ILL_FORMED, "MQTT-1.5.4-1"},
	{"40 08 00 01 00 04 1f 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_UTF8_NUL, "MQTT-1.5.4-2"},
	{"30 0c 00 01 61 08 03 00 01 61 03 00 01 62", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED,
	 "MQTTSPEC-3.3.2.3.9-1"},
	{"40 03 00 01 92", MQTT_FROM_ANY, -2, MQTT_RULE_PUBACK_CODE, "MQTT-3.4.2-1"},
	{"50 03 00 01 04", MQTT_FROM_ANY, -2, MQTT_RULE_PUBREC_CODE, "MQTT-3.5.2-1"},
	{"62 03 00 01 10", MQTT_FROM_ANY, -2, MQTT_RULE_PUBREL_CODE, "MQTT-3.6.2-1"},
	{"70 03 00 01 80", MQTT_FROM_ANY, -2, MQTT_RULE_PUBCOMP_CODE, "MQTT-3.7.2-1"},
	{"e0 01 8c", MQTT_FROM_ANY, -2, MQTT_RULE_DISCONNECT_CODE, "MQTT-3.14.2-1"},
	{"f0 01 01", MQTT_FROM_ANY, -2, MQTT_RULE_AUTH_CODE, "MQTT-3.15.2-1"},
	{"f0 0a 18 08 15 00 01 61 15 00 01 62", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED,
	 "MQTTSPEC-3.15.2.2.2-1"},
	{"40 0c 00 01 00 08 1f 00 01 61 1f 00 01 62", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED,
	 "MQTTSPEC-3.4.2.2.2-1"},
	{"90 04 00 01 00 03", MQTT_FROM_ANY, -2, MQTT_RULE_SUBACK_CODE, "MQTT-3.9.3-2"},
	{"b0 04 00 01 00 01", MQTT_FROM_ANY, -2, MQTT_RULE_UNSUBACK_CODE, "MQTT-3.11.3-2"},
	{"82 07 00 01 00 00 01 61 40", MQTT_FROM_ANY, -2, MQTT_RULE_SUBSCRIBE_QOS, "MQTT-3.8.3-5"},
	{"82 07 00 01 00 00 01 61 03", MQTT_FROM_ANY, -2, MQTT_RULE_SUBSCRIBE_OPT_QOS3, "MQTTSPEC-3.8.3.1-1"},
	{"82 07 00 01 00 00 01 61 30", MQTT_FROM_ANY, -2, MQTT_RULE_SUBSCRIBE_RETAIN_HANDLING, "MQTTSPEC-3.8.3.1-2"},
	{"82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 61 04", MQTT_FROM_ANY, -2,
	 MQTT_RULE_SUBSCRIBE_NOLOCAL_SHARED, "MQTT-3.8.3-4"},
	{"82 03 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_SUBSCRIBE_EMPTY, "MQTT-3.8.3-2"},
	{"82 09 00 01 02 0b 00 00 01 61 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE, "MQTTSPEC-3.8.2.1.2-1"},
	{"82 0b 00 01 04 0b 01 0b 02 00 01 61 00", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED,
	 "MQTTSPEC-3.8.2.1.2-2"},
	{"82 07 00 00 00 00 01 61 00", MQTT_FROM_ANY, -2, MQTT_RULE_PACKET_ID_ZERO, "MQTT-2.2.1-3"},
	{"82 08 00 01 00 00 02 61 23 00", MQTT_FROM_ANY, -2, MQTT_RULE_FILTER_HASH, "MQTT-4.7.1-1"},
	{"82 08 00 01 00 00 02 61 2b 00", MQTT_FROM_ANY, -2, MQTT_RULE_FILTER_PLUS, "MQTT-4.7.1-2"},
	{"82 06 00 01 00 00 00 00", MQTT_FROM_ANY, -2, MQTT_RULE_TOPIC_EMPTY, "MQTT-4.7.3-1"},
	{"a2 03 00 01 00", MQTT_FROM_ANY, -2, MQTT_RULE_UNSUBSCRIBE_EMPTY, "MQTT-3.10.3-2"},
	{"10 0e 00 04 4d 51 54 54 05 03 00 3c 00 00 01 63", MQTT_FROM_ANY, -2, MQTT_RULE_CONNECT_RESERVED,
	 "MQTT-3.1.2-3"},
	{"10 0e 00 04 4d 51 54 54 05 0a 00 3c 00 00 01 63", MQTT_FROM_ANY, -2, MQTT_RULE_CONNECT_WILL_FLAGS,
	 "MQTT-3.1.2-11"},
	{"10 0e 00 04 4d 51 54 54 05 22 00 3c 00 00 01 63", MQTT_FROM_ANY, -2, MQTT_RULE_CONNECT_WILL_RETAIN,
	 "MQTT-3.1.2-13"},
	{"10 14 00 04 4d 51 54 54 05 1e 00 3c 00 00 01 63 00 00 01 74 00 00", MQTT_FROM_ANY, -2,
	 MQTT_RULE_CONNECT_WILL_QOS3, "MQTTSPEC-3.1.2.6-1"},
	{"10 10 00 04 4d 51 54 54 05 02 00 3c 02 17 02 00 01 63", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE,
	 "MQTTSPEC-3.1.2.11.7-2"},
	{"10 10 00 04 4d 51 54 54 05 02 00 3c 02 19 05 00 01 63", MQTT_FROM_ANY, -2, MQTT_RULE_PROP_VALUE,
	 "MQTTSPEC-3.1.2.11.6-2"},
	{"10 13 00 04 4d 51 54 54 05 02 00 3c 05 18 00 00 00 01 00 01 63", MQTT_FROM_ANY, -2,
	 MQTT_RULE_PROP_NOT_ALLOWED, "MQTTSPEC-2.2.2.2-1"},
	{"10 19 00 04 4d 51 54 54 05 06 00 3c 00 00 01 63 05 11 00 00 00 01 00 01 74 00 00", MQTT_FROM_ANY, -2,
	 MQTT_RULE_PROP_NOT_ALLOWED, "MQTTSPEC-2.2.2.2-1"},
	{"10 1e 00 04 4d 51 54 54 05 06 00 3c 00 00 01 63 0a 18 00 00 00 01 18 00 00 00 02 00 01 74 00 00",
	 MQTT_FROM_ANY, -2, MQTT_RULE_PROP_REPEATED, "MQTTSPEC-3.1.3.2.2-1"},
	{"10 0e 00 04 4d 51 54 54 05 02 00 3c 00 00 01 ff", MQTT_FROM_ANY, -2, MQTT_RULE_UTF8_ILL_FORMED,
	 "MQTT-1.5.4-1"},
	{"10 12 00 04 4d 51 54 54 05 02 00 3c 04 16 00 01 78 00 01 63", MQTT_FROM_ANY, -2,
	 MQTT_RULE_AUTH_DATA_NO_METHOD, "MQTTSPEC-3.1.2.11.10-1"},
	{"10 1a 00 04 4d 51 54 54 05 02 00 3c 0c 16 00 01 78 16 00 01 79 15 00 01 6d 00 01 63", MQTT_FROM_ANY, -2,
	 MQTT_RULE_PROP_REPEATED, "MQTTSPEC-3.1.2.11.10-2"},
	{"30 09 00 01 61 05 08 00 02 61 23", MQTT_FROM_ANY, -2, MQTT_RULE_RESPONSE_TOPIC_WILDCARD, "MQTT-3.3.2-14"},
	{"e0 07 00 05 11 00 00 00 01", MQTT_FROM_SERVER, -2, MQTT_RULE_DISCONNECT_SESSION_EXPIRY, "MQTT-3.14.2-2"},
};

START_TEST(each_strict_rule_is_named)
{
	const struct rule_case *c = &rules[_i];
	uint8_t in[128];
	size_t n = hex(c->hex, in, sizeof in);
	struct mqtt_packet p;
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	int r = mqtt_decode(MQTT_V5, in, n, &p, &d);
	if (c->err == MQTT_ERR_VIOLATION) {
		ck_assert_msg(r == (int)n, "%s: decode %d: %s", c->hex, r, d.msg);
		r = mqtt_check(MQTT_V5, &p, c->dir, &d);
	}
	ck_assert_msg(r == c->err, "%s: %d, want %d (%s)", c->hex, r, c->err, d.msg);
	ck_assert_msg(d.rule == c->rule, "%s: rule %d, want %d (%s)", c->hex, d.rule, c->rule, d.msg);
	ck_assert_msg(d.clause && strcmp(d.clause, c->clause) == 0, "%s: clause %s, want %s (%s)", c->hex,
		      d.clause ? d.clause : "NULL", c->clause, d.msg);
}
END_TEST

/* Every code 0..255 in every packet with reason codes: valid exactly when
 * the packet's table holds it, else its rule. */
START_TEST(every_reason_code_per_packet_through_the_check)
{
	static const struct {
		enum mqtt_type t;
		enum mqtt_rule rule;
	} types[] = {
		{MQTT_CONNACK, MQTT_RULE_CONNACK_CODE},	      {MQTT_PUBACK, MQTT_RULE_PUBACK_CODE},
		{MQTT_PUBREC, MQTT_RULE_PUBREC_CODE},	      {MQTT_PUBREL, MQTT_RULE_PUBREL_CODE},
		{MQTT_PUBCOMP, MQTT_RULE_PUBCOMP_CODE},	      {MQTT_SUBACK, MQTT_RULE_SUBACK_CODE},
		{MQTT_UNSUBACK, MQTT_RULE_UNSUBACK_CODE},     {MQTT_DISCONNECT, MQTT_RULE_DISCONNECT_CODE},
		{MQTT_AUTH, MQTT_RULE_AUTH_CODE},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		for (unsigned code = 0; code < 256; code++) {
			struct mqtt_packet p;
			mqtt_packet_init(&p, types[i].t);
			p.flags = (uint8_t)mqtt_type_required_flags_v(MQTT_V5, types[i].t);
			p.props.present = true;
			p.has_packet_id = types[i].t != MQTT_CONNACK && types[i].t != MQTT_DISCONNECT && types[i].t != MQTT_AUTH;
			p.packet_id = 1;
			p.return_code = p.reason_code = (uint8_t)code;
			p.has_reason_code = true;
			p.codes[0] = (uint8_t)code;
			p.code_count = 1;
			struct mqtt_diag d = {0};
			int r = mqtt_check(MQTT_V5, &p, MQTT_FROM_ANY, &d);
			if (mqtt_reason_allowed(types[i].t, code)) {
				ck_assert_msg(r == 0, "type %d code 0x%02x: %s", types[i].t, code, d.msg);
				continue;
			}
			ck_assert_msg(r == MQTT_ERR_VIOLATION, "type %d code 0x%02x passes", types[i].t, code);
			ck_assert_int_eq(d.rule, types[i].rule);
			ck_assert_str_eq(d.clause, mqtt_rule_clause(MQTT_V5, types[i].rule));
		}
	}
}
END_TEST

Suite *mqtt_codec5_suite(void)
{
	Suite *s = suite_create("mqtt_codec5");
	TCase *tc = tcase_create("codec5");
	tcase_add_loop_test(tc, valid_packets_round_trip, 0, sizeof valid / sizeof valid[0]);
	tcase_add_loop_test(tc, every_truncation_is_an_error_or_a_shorter_packet, 0, sizeof valid / sizeof valid[0]);
	tcase_add_loop_test(tc, fields_tile_every_valid_packet, 0, sizeof valid / sizeof valid[0]);
	tcase_add_test(tc, fields_and_print_name_properties_and_reasons);
	tcase_add_test(tc, short_forms_say_what_is_absent);
	tcase_add_test(tc, encoder_writes_the_invalid_forms);
	tcase_add_test(tc, every_reason_code_per_packet_through_the_check);
	tcase_add_loop_test(tc, each_strict_rule_is_named, 0, sizeof rules / sizeof rules[0]);
	suite_add_tcase(s, tc);
	return s;
}
