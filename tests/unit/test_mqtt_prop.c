/*
 * test_mqtt_prop.c - the 5.0 property table and the property block: every
 * property round trips at the limits of its type, the table says what
 * Table 2-4 says, reading refuses every cut-short or lying block.
 */
#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_prop.h"
#include "tests/unit/suites.h"

#define S(lit) ((struct mqtt_slice){(const uint8_t *)(lit), sizeof(lit) - 1})

static struct mqtt_str str_of(struct mqtt_slice s)
{
	struct mqtt_str r = {true, s, -1};
	return r;
}

START_TEST(table_has_the_27_properties_of_table_2_4)
{
	static const uint8_t ids[] = {1,  2,  3,  8,  9,  11, 17, 18, 19, 21, 22, 23, 24, 25,
				      26, 28, 31, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42};
	ck_assert_uint_eq(mqtt_prop_count(), 27);
	for (size_t i = 0; i < sizeof ids; i++) {
		const struct mqtt_prop_def *d = mqtt_prop_at(i);
		ck_assert_ptr_nonnull(d);
		ck_assert_uint_eq(d->id, ids[i]);
		ck_assert_ptr_eq(mqtt_prop_get(ids[i]), d);
		ck_assert_ptr_eq(mqtt_prop_find(d->key), d);
		ck_assert_ptr_nonnull(d->absent);
		/* a key is snake_case */
		for (const char *k = d->key; *k; k++)
			ck_assert_msg((*k >= 'a' && *k <= 'z') || *k == '_', "%s", d->key);
		int places = 0;
		for (unsigned p = 0; p < MQTT_PROP_PLACES; p++) {
			if (!mqtt_prop_allowed(d, p))
				continue;
			places++;
			const struct mqtt_prop_place *pl = &d->at[p];
			ck_assert_msg(pl->repeated || mqtt_prop_may_repeat(d, p) || p == MQTT_PUBLISH,
				      "%s in %s: neither a repeat clause nor allowed to repeat", d->name,
				      mqtt_prop_place_name(p));
		}
		ck_assert_msg(places > 0, "%s has no place", d->name);
	}
	ck_assert_ptr_null(mqtt_prop_at(27));
	ck_assert_ptr_null(mqtt_prop_get(0));
	ck_assert_ptr_null(mqtt_prop_get(4));
	ck_assert_ptr_null(mqtt_prop_get(43));
	ck_assert_ptr_null(mqtt_prop_find("no_such"));
	ck_assert_ptr_null(mqtt_prop_find(NULL));
}
END_TEST

/* Which types always carry a Property Length: those without a short form. */
START_TEST(property_length_required_by_type)
{
	static const enum mqtt_type always[] = {MQTT_CONNECT, MQTT_CONNACK, MQTT_PUBLISH, MQTT_SUBSCRIBE,
						 MQTT_SUBACK, MQTT_UNSUBSCRIBE, MQTT_UNSUBACK};
	static const enum mqtt_type optional[] = {MQTT_PUBACK, MQTT_PUBREC, MQTT_PUBREL, MQTT_PUBCOMP,
						  MQTT_PINGREQ, MQTT_PINGRESP, MQTT_DISCONNECT, MQTT_AUTH};
	for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
		ck_assert_msg(mqtt_props_required(always[i]), "type %d", always[i]);
	for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
		ck_assert_msg(!mqtt_props_required(optional[i]), "type %d", optional[i]);
}
END_TEST

START_TEST(places_types_and_repeats)
{
	const struct mqtt_prop_def *up = mqtt_prop_find("user_property");
	ck_assert_int_eq(up->type, MQTT_PROP_PAIR);
	for (unsigned t = MQTT_CONNECT; t <= MQTT_AUTH; t++) {
		bool want = t != MQTT_PINGREQ && t != MQTT_PINGRESP;
		ck_assert_int_eq(mqtt_prop_allowed(up, t), want);
		ck_assert_int_eq(mqtt_prop_may_repeat(up, t), want);
	}
	ck_assert(mqtt_prop_may_repeat(up, MQTT_PROP_WILL));
	const struct mqtt_prop_def *sid = mqtt_prop_get(0x0B);
	ck_assert_int_eq(sid->type, MQTT_PROP_VBI);
	ck_assert(mqtt_prop_may_repeat(sid, MQTT_PUBLISH));
	ck_assert(mqtt_prop_allowed(sid, MQTT_SUBSCRIBE));
	ck_assert(!mqtt_prop_may_repeat(sid, MQTT_SUBSCRIBE));
	ck_assert_str_eq(sid->at[MQTT_SUBSCRIBE].repeated, "MQTTSPEC-3.8.2.1.2-2");
	ck_assert_str_eq(sid->at[MQTT_SUBSCRIBE].value, "MQTTSPEC-3.8.2.1.2-1");
	ck_assert_uint_eq(sid->lo, 1);
	const struct mqtt_prop_def *se = mqtt_prop_find("session_expiry_interval");
	ck_assert_uint_eq(se->id, 0x11);
	ck_assert_int_eq(se->type, MQTT_PROP_U32);
	ck_assert_str_eq(se->at[MQTT_CONNECT].section, "3.1.2.11.2");
	ck_assert_str_eq(se->at[MQTT_CONNECT].repeated, "MQTTSPEC-3.1.2.11.2-1");
	ck_assert_str_eq(se->at[MQTT_DISCONNECT].section, "3.14.2.2.2");
	ck_assert(!mqtt_prop_allowed(se, MQTT_PUBLISH));
	ck_assert(!mqtt_prop_allowed(se, MQTT_PROP_WILL));
	const struct mqtt_prop_def *wd = mqtt_prop_find("will_delay_interval");
	ck_assert(mqtt_prop_allowed(wd, MQTT_PROP_WILL));
	ck_assert(!mqtt_prop_allowed(wd, MQTT_CONNECT));
	const struct mqtt_prop_def *ta = mqtt_prop_find("topic_alias");
	ck_assert_str_eq(ta->at[MQTT_PUBLISH].value, "MQTT-3.3.2-8");
	const struct mqtt_prop_def *rm = mqtt_prop_find("receive_maximum");
	ck_assert_uint_eq(rm->lo, 1);
	ck_assert_str_eq(rm->absent, "65535");
	ck_assert_str_eq(mqtt_prop_find("maximum_qos")->absent, "2");
	ck_assert_str_eq(mqtt_prop_find("request_problem_information")->absent, "1");
	ck_assert_str_eq(mqtt_prop_find("reason_string")->at[MQTT_AUTH].section, "3.15.2.2.4");
	ck_assert(!mqtt_prop_allowed(mqtt_prop_find("reason_string"), MQTT_CONNECT));
	ck_assert(!mqtt_prop_allowed(up, MQTT_PROP_PLACES));
	ck_assert(!mqtt_prop_allowed(NULL, MQTT_CONNECT));
	ck_assert_str_eq(mqtt_prop_clause(MQTT_RULE_PROP_REPEATED, MQTT_CONNECT, 0x11), "MQTTSPEC-3.1.2.11.2-1");
	ck_assert_str_eq(mqtt_prop_clause(MQTT_RULE_PROP_VALUE, MQTT_PUBLISH, 0x23), "MQTT-3.3.2-8");
	ck_assert_str_eq(mqtt_prop_clause(MQTT_RULE_PROP_VALUE, MQTT_PROP_WILL, 0x01), "MQTTSPEC-3.1.3.2.3-1");
	ck_assert_ptr_null(mqtt_prop_clause(MQTT_RULE_PROP_REPEATED, MQTT_PUBLISH, 0x26));
	ck_assert_ptr_null(mqtt_prop_clause(MQTT_RULE_PROP_VALUE, MQTT_CONNECT, 0x11));
	ck_assert_ptr_null(mqtt_prop_clause(MQTT_RULE_PROP_REPEATED, MQTT_PUBLISH, 0x11));
	ck_assert_ptr_null(mqtt_prop_clause(MQTT_RULE_PROP_REPEATED, MQTT_CONNECT, 0x05));
	ck_assert_ptr_null(mqtt_prop_clause(MQTT_RULE_LENGTH_FIT, MQTT_CONNECT, 0x11));
	ck_assert_str_eq(mqtt_prop_place_name(MQTT_PROP_WILL), "Will Properties");
	ck_assert_str_eq(mqtt_prop_place_name(MQTT_AUTH), "AUTH");
	ck_assert_str_eq(mqtt_prop_place_name(MQTT_CONNACK), "CONNACK");
	ck_assert_str_eq(mqtt_prop_type_name(MQTT_PROP_VBI), "Variable Byte Integer");
	ck_assert_str_eq(mqtt_prop_type_name(MQTT_PROP_PAIR), "UTF-8 String Pair");
}
END_TEST

/* Write one property, read it back; the bytes are `want`. */
static void round_trip(const struct mqtt_prop *p, const uint8_t *want, size_t wn)
{
	struct mqtt_props in;
	mqtt_props_init(&in);
	in.present = true;
	in.items[0] = *p;
	in.count = 1;
	uint8_t buf[300000];
	int n = mqtt_props_write(&in, NULL);
	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, (int)sizeof buf);
	ck_assert_int_eq(mqtt_props_write(&in, buf), n);
	if (want) {
		ck_assert_uint_eq((size_t)n, wn);
		ck_assert(memcmp(buf, want, wn) == 0);
	}
	struct mqtt_props out;
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_props_read(MQTT_V5, buf, 0, (size_t)n, &out, "t", &d), n);
	ck_assert(out.present);
	ck_assert_uint_eq(out.count, 1);
	const struct mqtt_prop *q = &out.items[0];
	ck_assert_uint_eq(q->id, p->id);
	ck_assert_uint_eq(q->num, p->num);
	ck_assert_uint_eq(q->str.s.n, p->str.s.n);
	ck_assert(p->str.s.n == 0 || memcmp(q->str.s.p, p->str.s.p, p->str.s.n) == 0);
	ck_assert_uint_eq(q->value.s.n, p->value.s.n);
	ck_assert(p->value.s.n == 0 || memcmp(q->value.s.p, p->value.s.p, p->value.s.n) == 0);
}

static struct mqtt_prop num_prop(uint32_t id, uint32_t num)
{
	struct mqtt_prop p;
	memset(&p, 0, sizeof p);
	p.id = id;
	p.num = num;
	p.str.len_override = p.value.len_override = -1;
	return p;
}

START_TEST(every_property_round_trips)
{
	static const uint8_t long_text[70000] = {0};
	for (size_t i = 0; i < mqtt_prop_count(); i++) {
		const struct mqtt_prop_def *d = mqtt_prop_at(i);
		struct mqtt_prop p = num_prop(d->id, 0);
		switch (d->type) {
		case MQTT_PROP_BYTE:
			round_trip(&p, NULL, 0);
			p.num = 255;
			break;
		case MQTT_PROP_U16:
			round_trip(&p, NULL, 0);
			p.num = 65535;
			break;
		case MQTT_PROP_U32:
			round_trip(&p, NULL, 0);
			p.num = 0xFFFFFFFFu;
			break;
		case MQTT_PROP_VBI:
			round_trip(&p, NULL, 0);
			p.num = 268435455u;
			break;
		case MQTT_PROP_STR:
		case MQTT_PROP_BIN:
			p.str = str_of(S(""));
			round_trip(&p, NULL, 0);
			p.str = str_of((struct mqtt_slice){long_text, 65535});
			break;
		case MQTT_PROP_PAIR:
			p.str = str_of(S(""));
			p.value = str_of(S(""));
			round_trip(&p, NULL, 0);
			p.str = str_of((struct mqtt_slice){long_text, 65535});
			p.value = str_of(S("v"));
			break;
		}
		round_trip(&p, NULL, 0);
	}
}
END_TEST

START_TEST(values_at_the_limits_of_their_types)
{
	struct mqtt_prop p = num_prop(0x01, 255);
	round_trip(&p, (const uint8_t *)"\x02\x01\xff", 3);
	p = num_prop(0x21, 65535);
	round_trip(&p, (const uint8_t *)"\x03\x21\xff\xff", 4);
	p = num_prop(0x11, 0xFFFFFFFFu);
	round_trip(&p, (const uint8_t *)"\x05\x11\xff\xff\xff\xff", 6);
	static const struct {
		uint32_t v;
		const char *bytes;
		size_t n;
	} vbi[] = {
		{0, "\x02\x0b\x00", 3},
		{127, "\x02\x0b\x7f", 3},
		{128, "\x03\x0b\x80\x01", 4},
		{16383, "\x03\x0b\xff\x7f", 4},
		{16384, "\x04\x0b\x80\x80\x01", 5},
		{268435455u, "\x05\x0b\xff\xff\xff\x7f", 6},
	};
	for (size_t i = 0; i < sizeof vbi / sizeof vbi[0]; i++) {
		p = num_prop(0x0B, vbi[i].v);
		round_trip(&p, (const uint8_t *)vbi[i].bytes, vbi[i].n);
	}
	p = num_prop(0x26, 0);
	p.str = str_of(S("k"));
	p.value = str_of(S("vv"));
	round_trip(&p, (const uint8_t *)"\x08\x26\x00\x01k\x00\x02vv", 9);
	ck_assert_uint_eq(mqtt_vbi_size(0), 1);
	ck_assert_uint_eq(mqtt_vbi_size(128), 2);
	ck_assert_uint_eq(mqtt_vbi_size(2097152), 4);
}
END_TEST

START_TEST(writer_refuses_what_the_type_cannot_carry)
{
	struct mqtt_props ps;
	mqtt_props_init(&ps);
	ps.present = true;
	ps.count = 1;
	ps.items[0] = num_prop(0x01, 256);
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.items[0] = num_prop(0x21, 65536);
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.items[0] = num_prop(0x0B, 268435456u);
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.items[0] = num_prop(268435456u, 0);
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.items[0] = num_prop(0x03, 0);
	ps.items[0].str = str_of(S("x"));
	ps.items[0].str.len_override = 65536;
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.items[0] = num_prop(0x01, 0);
	ps.len_bytes = 6;
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.len_bytes = 0;
	ps.count = MQTT_MAX_PROPS + 1;
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), MQTT_ERR_INVALID);
	ps.present = false;
	ck_assert_int_eq(mqtt_props_write(&ps, NULL), 0);
}
END_TEST

/* The encoder's invalid forms: ordered as given, repeats, unknown ids with
 * raw values, a lying length, a padded length. */
START_TEST(writer_is_faithful)
{
	struct mqtt_props ps;
	mqtt_props_init(&ps);
	ps.present = true;
	ps.items[0] = num_prop(0x23, 0);		/* Topic Alias 0 */
	ps.items[1] = num_prop(0x23, 7);		/* repeated */
	ps.items[2] = num_prop(0x7F, 0);		/* unknown, raw value */
	ps.items[2].has_raw = true;
	ps.items[2].raw = S("\xAA\xBB");
	ps.items[3] = num_prop(0x01, 0);		/* a Byte given 3 raw bytes */
	ps.items[3].has_raw = true;
	ps.items[3].raw = S("\x01\x02\x03");
	ps.count = 4;
	uint8_t buf[64];
	int n = mqtt_props_write(&ps, buf);
	ck_assert_int_eq(n, 1 + 3 + 3 + 3 + 4);
	ck_assert(memcmp(buf, "\x0d\x23\x00\x00\x23\x00\x07\x7f\xaa\xbb\x01\x01\x02\x03", 14) == 0);
	ps.len_override = 200;
	ps.len_bytes = 4;
	ck_assert_int_eq(mqtt_props_write(&ps, buf), 4 + 13);
	ck_assert(memcmp(buf, "\xc8\x81\x80\x00", 4) == 0);
	ps.len_override = -1;
	ps.len_bytes = 5;
	ck_assert_int_eq(mqtt_props_write(&ps, buf), 5 + 13);
	ck_assert(memcmp(buf, "\x8d\x80\x80\x80\x00", 5) == 0);
}
END_TEST

static int read_err(const char *in, size_t n, size_t pos, enum mqtt_rule *rule)
{
	struct mqtt_props ps;
	struct mqtt_diag d = {0};
	int r = mqtt_props_read(MQTT_V5, (const uint8_t *)in, pos, n, &ps, "t", &d);
	*rule = d.rule;
	if (r < 0)
		ck_assert_uint_le(d.offset, n);
	return r;
}

START_TEST(reader_refuses_bad_blocks)
{
	enum mqtt_rule rule;
	ck_assert_int_eq(read_err("", 0, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_PROPS_MISSING);
	ck_assert_int_eq(read_err("\x05\x11\x00", 3, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_PROP_LENGTH); /* length past the packet */
	ck_assert_int_eq(read_err("\x03\x11\x00\x00", 4, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_PROP_LENGTH); /* value cut by the block */
	ck_assert_int_eq(read_err("\x02\x05\x00", 3, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_PROP_UNKNOWN);
	ck_assert_int_eq(read_err("\x03\x81\x00\x00", 4, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_VBI_MINIMAL); /* id 1 in two bytes */
	ck_assert_int_eq(read_err("\x03\x0b\x81\x00", 4, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_VBI_MINIMAL); /* value 1 in two bytes */
	ck_assert_int_eq(read_err("\x06\x0b\xff\xff\xff\xff\x01", 7, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_LENGTH_BYTES); /* a 5-byte VBI */
	ck_assert_int_eq(read_err("\xff\xff\xff\xff\x01", 5, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_LENGTH_BYTES);
	ck_assert_int_eq(read_err("\x80", 1, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(read_err("\x04\x03\x00\x05x", 5, 0, &rule), MQTT_ERR_MALFORMED);
	ck_assert_int_eq(rule, MQTT_RULE_PROP_LENGTH); /* string past the block */
	ck_assert_int_eq(read_err("\x03\x26\x00\x00", 4, 0, &rule), MQTT_ERR_MALFORMED); /* pair without value */
	/* Non-minimal Property Length is read (the byte count is kept). */
	struct mqtt_props ps;
	ck_assert_int_eq(mqtt_props_read(MQTT_V5, (const uint8_t *)"xx\x80\x00", 2, 4, &ps, "t", NULL), 4);
	ck_assert_uint_eq(ps.len_bytes, 2);
	ck_assert_uint_eq(ps.count, 0);
	/* More than the decoder holds. */
	uint8_t many[1 + 2 * (MQTT_MAX_PROPS + 1)];
	many[0] = (uint8_t)(sizeof many - 1);
	for (size_t i = 1; i < sizeof many; i += 2) {
		many[i] = 0x01;
		many[i + 1] = 0;
	}
	ck_assert_int_eq(read_err((const char *)many, sizeof many, 0, &rule), MQTT_ERR_LIMIT);
	ck_assert_int_eq(rule, MQTT_RULE_NONE);
}
END_TEST

/* Repeats stay repeats, in order. */
START_TEST(reader_keeps_order_and_repeats)
{
	static const uint8_t in[] = {0x0a, 0x26, 0, 1, 'a', 0, 0, 0x0b, 0x05, 0x0b, 0x05};
	struct mqtt_props ps;
	ck_assert_int_eq(mqtt_props_read(MQTT_V5, in, 0, sizeof in, &ps, "t", NULL), (int)sizeof in);
	ck_assert_uint_eq(ps.count, 3);
	ck_assert_uint_eq(ps.items[0].id, 0x26);
	ck_assert_uint_eq(ps.items[0].str.s.n, 1);
	ck_assert_uint_eq(ps.items[0].value.s.n, 0);
	ck_assert(ps.items[0].value.present);
	ck_assert_uint_eq(ps.items[1].id, 0x0b);
	ck_assert_uint_eq(ps.items[2].num, 5);
	ck_assert_int_eq(ps.len_override, -1);
}
END_TEST

/* The first item keyed so, and an item added by key. */
START_TEST(get_and_add_by_key)
{
	struct mqtt_props pr;
	memset(&pr, 0, sizeof pr);
	ck_assert_ptr_null(mqtt_props_get(&pr, "topic_alias"));
	ck_assert_ptr_null(mqtt_props_add(&pr, "no_such_key"));
	struct mqtt_prop *a = mqtt_props_add(&pr, "topic_alias");
	ck_assert_ptr_nonnull(a);
	ck_assert(pr.present);
	ck_assert_int_eq(a->id, 0x23);
	ck_assert_int_eq(a->str.len_override, -1);
	a->num = 3;
	mqtt_props_add(&pr, "topic_alias")->num = 4;
	ck_assert_uint_eq(mqtt_props_get(&pr, "topic_alias")->num, 3);
	ck_assert_ptr_null(mqtt_props_get(&pr, "content_type"));
	while (pr.count < MQTT_MAX_PROPS)
		ck_assert_ptr_nonnull(mqtt_props_add(&pr, "user_property"));
	ck_assert_ptr_null(mqtt_props_add(&pr, "user_property"));
}
END_TEST

Suite *mqtt_prop_suite(void)
{
	Suite *s = suite_create("mqtt_prop");
	TCase *tc = tcase_create("props");
	tcase_add_test(tc, table_has_the_27_properties_of_table_2_4);
	tcase_add_test(tc, places_types_and_repeats);
	tcase_add_test(tc, property_length_required_by_type);
	tcase_add_test(tc, every_property_round_trips);
	tcase_add_test(tc, values_at_the_limits_of_their_types);
	tcase_add_test(tc, writer_refuses_what_the_type_cannot_carry);
	tcase_add_test(tc, writer_is_faithful);
	tcase_add_test(tc, reader_refuses_bad_blocks);
	tcase_add_test(tc, reader_keeps_order_and_repeats);
	tcase_add_test(tc, get_and_add_by_key);
	suite_add_tcase(s, tc);
	return s;
}
