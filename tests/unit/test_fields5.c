/* Tests of the 5.0 fields of the case language: what the loader refuses,
 * the packet the builder makes (properties in order, short forms,
 * subscription options, Will Properties), and what the matcher accepts
 * (reason codes as values, sets and bounds; properties with defaults;
 * user properties in order and as a multiset). No broker, no codec I/O:
 * packets are the model's structs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/fields.h"
#include "case/match.h"
#include "tests/unit/suites.h"

static int validate(enum mqtt_version v, const char *json, int mode, struct err *e)
{
	cJSON *o = cJSON_Parse(json);
	ck_assert_ptr_nonnull(o);
	int rc = fields_validate(v, o, mode, "p", e);
	cJSON_Delete(o);
	return rc;
}

#define REFUSED(v, json, mode, want)                                                  \
	do {                                                                          \
		struct err e_;                                                        \
		ck_assert_int_lt(validate(v, json, mode, &e_), 0);                    \
		ck_assert_msg(strstr(e_.msg, want), "got \"%s\", wanted \"%s\"", e_.msg, want); \
	} while (0)
#define ACCEPTED(v, json, mode)                                                \
	do {                                                                   \
		struct err e_;                                                 \
		ck_assert_msg(validate(v, json, mode, &e_) == 0, "%s", e_.msg); \
	} while (0)

START_TEST(fields_of_one_version_are_refused_in_the_other)
{
	REFUSED(MQTT_V311, "{\"type\":\"PUBACK\",\"packet_id\":1,\"reason_code\":16}", 's',
		"p.reason_code: a field of MQTT 5.0 only; this case speaks 3.1.1");
	REFUSED(MQTT_V311, "{\"type\":\"PUBLISH\",\"topic\":\"t\",\"properties\":[]}", 's',
		"p.properties: a field of MQTT 5.0 only");
	REFUSED(MQTT_V5, "{\"type\":\"CONNACK\",\"return_code\":0}", 'e', "p.return_code: a field of MQTT 3.1.1 only; this case speaks 5.0");
	REFUSED(MQTT_V5, "{\"type\":\"CONNECT\",\"clean_session\":true}", 's', "p.clean_session: a field of MQTT 3.1.1 only");
	REFUSED(MQTT_V311, "{\"type\":\"SUBSCRIBE\",\"topics\":[{\"filter\":\"a\",\"no_local\":1}]}", 's',
		"p.topics[0].no_local: a field of MQTT 5.0 only");
	REFUSED(MQTT_V311, "{\"type\":\"CONNECT\",\"will\":{\"topic\":\"t\",\"properties\":[]}}", 's',
		"p.will.properties: a field of MQTT 5.0 only");
	REFUSED(MQTT_V311, "{\"type\":\"AUTH\"}", 's', "p.type: unknown packet type \"AUTH\"");
	REFUSED(MQTT_V311, "{\"type\":\"PUBLISH\",\"topic\":\"t\",\"nonsense\":1}", 's', "p.nonsense: unknown field");
}
END_TEST

START_TEST(send_fields_of_50_are_checked_on_load)
{
	ACCEPTED(MQTT_V5, "{\"type\":\"CONNECT\",\"clean_start\":false,\"properties\":[{\"session_expiry_interval\":30},"
			  "{\"user_property\":[\"k\",\"v\"]},{\"authentication_data_hex\":\"00ff\"},{\"id\":38,\"raw_hex\":\"00\"}],"
			  "\"will\":{\"topic\":\"w\",\"properties\":[{\"will_delay_interval\":3}]}}",
		 's');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBACK\",\"packet_id\":1,\"reason_code\":\"{rc}\",\"properties\":\"absent\"}", 's');
	ACCEPTED(MQTT_V5, "{\"type\":\"SUBSCRIBE\",\"topics\":[{\"filter\":\"a\",\"qos\":1,\"no_local\":1,\"retain_handling\":2},"
			  "{\"filter\":\"b\",\"options\":193}]}",
		 's');
	ACCEPTED(MQTT_V5, "{\"type\":\"AUTH\",\"reason_code\":24,\"properties\":[{\"authentication_method\":\"x\"}]}", 's');
	REFUSED(MQTT_V5, "{\"type\":\"PUBACK\",\"packet_id\":1,\"reason_code\":256}", 's', "p.reason_code: 256 is out of range 0..255");
	REFUSED(MQTT_V5, "{\"type\":\"PINGREQ\",\"properties\":[]}", 's', "p.properties: a PINGREQ packet has no such field");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"reason_code\":0}", 's', "p.reason_code: a PUBLISH packet has no such field");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":{\"topic_alias\":1}}", 's',
		"p.properties: expected a list of properties, or \"absent\"");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[{\"topic_alias\":1,\"content_type\":\"x\"}]}", 's',
		"p.properties[0]: one property per entry");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[{\"topic_aliass\":1}]}", 's',
		"p.properties[0].topic_aliass: unknown property");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[{\"topic_alias\":65536}]}", 's',
		"p.properties[0].topic_alias: 65536 is out of range 0..65535");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[{\"user_property\":\"k\"}]}", 's',
		"p.properties[0].user_property: expected [\"name\", \"value\"]");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[{\"id\":38}]}", 's', "p.properties[0]: a raw property is");
	REFUSED(MQTT_V5, "{\"type\":\"SUBSCRIBE\",\"topics\":[{\"filter\":\"a\",\"retain_handling\":4}]}", 's',
		"p.topics[0].retain_handling: 4 is out of range 0..3");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties_length_bytes\":6}", 's', "p.properties_length_bytes: 6 is out of range 1..5");
	REFUSED(MQTT_V5, "{\"type\":\"PUBACK\",\"user_properties\":[]}", 's', "p.user_properties: not a field that can be sent");
	REFUSED(MQTT_V5, "{\"type\":\"SUBACK\",\"packet_id\":1,\"reason_codes\":[{\"min\":1}]}", 's',
		"p.reason_codes[0]: expected a code (a number or a name)");
}
END_TEST

START_TEST(match_fields_of_50_are_checked_on_load)
{
	ACCEPTED(MQTT_V5, "{\"type\":\"CONNACK\",\"reason_code\":0,\"properties\":{\"receive_maximum\":{\"min\":1},"
			  "\"maximum_packet_size\":\"absent\",\"assigned_client_identifier\":{\"capture\":\"id\"}}}",
		 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBACK\",\"reason_code\":[0,16]}", 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBACK\",\"reason_code\":{\"min\":128}}", 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBCOMP\",\"reason_code\":{\"not\":\"packet_identifier_not_found\"}}", 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBACK\",\"reason_code\":{\"one_of\":[\"success\",16]}}", 'e');
	REFUSED(MQTT_V5, "{\"type\":\"PUBCOMP\",\"reason_code\":{\"not\":\"no_matching_subscribers\"}}", 'e',
		"p.reason_code.not: \"no_matching_subscribers\" is no reason code of a PUBCOMP");
	ACCEPTED(MQTT_V5, "{\"type\":\"SUBACK\",\"reason_codes\":[{\"max\":2},[0,1,2,128]]}", 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"PUBLISH\",\"user_properties\":[[\"k\",\"1\"]],\"user_properties_any_order\":[]}", 'e');
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":{\"receive_maximum\":1}}", 'e',
		"p.properties.receive_maximum: a PUBLISH never carries it");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":{\"user_property\":[\"k\",\"v\"]}}", 'e',
		"p.properties.user_property: match user properties with user_properties");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties\":[]}", 'e', "p.properties: expected an object of property: pattern");
	REFUSED(MQTT_V5, "{\"type\":\"PUBACK\",\"reason_code\":{\"above\":1}}", 'e', "p.reason_code.above: unknown field");
	REFUSED(MQTT_V5, "{\"type\":\"PUBACK\",\"reason_code\":\"no_subscription_existed\"}", 'e',
		"p.reason_code: \"no_subscription_existed\" is no reason code of a PUBACK");
	ACCEPTED(MQTT_V5, "{\"type\":\"UNSUBACK\",\"reason_codes\":[\"no_subscription_existed\",\"success\"]}", 'e');
	ACCEPTED(MQTT_V5, "{\"type\":\"DISCONNECT\",\"reason_code\":[\"malformed_packet\",\"protocol_error\"]}", 'e');
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"user_properties\":[[\"k\"]]}", 'e', "p.user_properties[0]: expected [\"name\", \"value\"]");
	REFUSED(MQTT_V5, "{\"type\":\"PUBLISH\",\"properties_length\":1}", 'e', "p.properties_length: not a field that can be matched");
}
END_TEST

static struct tmpl_ctx ctx(void)
{
	struct tmpl_ctx c;
	memset(&c, 0, sizeof c);
	c.run = "r";
	c.topic = "T";
	c.topic_rest = "";
	return c;
}

static void build(const char *json, struct mqtt_packet *p, struct arena *a)
{
	struct err e;
	struct tmpl_ctx c = ctx();
	cJSON *o = cJSON_Parse(json);
	ck_assert_ptr_nonnull(o);
	ck_assert_msg(fields_validate(MQTT_V5, o, 's', "p", &e) == 0, "%s", e.msg);
	ck_assert_msg(fields_build(o, &c, MQTT_V5, "cid", a, p, &e) == 0, "%s", e.msg);
	cJSON_Delete(o);
}

START_TEST(properties_are_built_in_the_order_given)
{
	struct arena a = {0};
	struct mqtt_packet p;
	build("{\"type\":\"PUBLISH\",\"topic\":\"{topic}/x\",\"properties\":[{\"user_property\":[\"k\",\"2\"]},"
	      "{\"content_type\":\"a\"},{\"content_type\":\"a\"},{\"correlation_data_hex\":\"00ff10\"},"
	      "{\"message_expiry_interval\":4294967295},{\"id\":99,\"raw_hex\":\"0102\"}],\"properties_length\":200,"
	      "\"properties_length_bytes\":3}",
	      &p, &a);
	ck_assert(p.props.present);
	ck_assert_int_eq(p.props.count, 6);
	ck_assert_uint_eq(p.props.items[0].id, 0x26);
	ck_assert_int_eq(p.props.items[0].str.s.n, 1);
	ck_assert_int_eq(p.props.items[0].value.s.p[0], '2');
	ck_assert_uint_eq(p.props.items[1].id, 0x03);
	ck_assert_uint_eq(p.props.items[2].id, 0x03);
	ck_assert_uint_eq(p.props.items[3].id, 0x09);
	ck_assert_int_eq(p.props.items[3].str.s.n, 3);
	ck_assert_int_eq(p.props.items[3].str.s.p[1], 0xff);
	ck_assert_uint_eq(p.props.items[4].num, 4294967295u);
	ck_assert(p.props.items[5].has_raw);
	ck_assert_uint_eq(p.props.items[5].id, 99);
	ck_assert_int_eq(p.props.items[5].raw.n, 2);
	ck_assert_int_eq(p.props.len_override, 200);
	ck_assert_int_eq(p.props.len_bytes, 3);
	arena_free(&a);
}
END_TEST

START_TEST(acks_take_the_short_form_unless_told)
{
	struct arena a = {0};
	struct mqtt_packet p;
	build("{\"type\":\"PUBACK\",\"packet_id\":7}", &p, &a);
	ck_assert(!p.has_reason_code);
	ck_assert(!p.props.present);
	build("{\"type\":\"PUBACK\",\"packet_id\":7,\"reason_code\":0}", &p, &a);
	ck_assert(p.has_reason_code);
	ck_assert_int_eq(p.reason_code, 0);
	ck_assert(!p.props.present);
	build("{\"type\":\"PUBREC\",\"packet_id\":7,\"properties\":[]}", &p, &a);
	ck_assert(p.has_reason_code); /* a Property Length needs the code before it */
	ck_assert(p.props.present);
	build("{\"type\":\"DISCONNECT\",\"reason_code\":\"disconnect_with_will_message\"}", &p, &a);
	ck_assert(p.has_reason_code);
	ck_assert_int_eq(p.reason_code, 4);
	build("{\"type\":\"AUTH\",\"reason_code\":24,\"properties\":[{\"authentication_method\":\"m\"}]}", &p, &a);
	ck_assert_int_eq(p.type, 15);
	ck_assert(p.props.present && p.props.count == 1);
	/* Packets without a short form always have their Property Length ... */
	build("{\"type\":\"SUBSCRIBE\",\"packet_id\":1,\"topics\":[\"a\"]}", &p, &a);
	ck_assert(p.props.present);
	/* ... unless the case drops it on purpose. */
	build("{\"type\":\"PUBLISH\",\"topic\":\"t\",\"properties\":\"absent\"}", &p, &a);
	ck_assert(!p.props.present);
	build("{\"type\":\"CONNACK\",\"reason_code\":135}", &p, &a);
	ck_assert_int_eq(p.return_code, 135);
	arena_free(&a);
}
END_TEST

START_TEST(connect_options_and_will_properties)
{
	struct arena a = {0};
	struct mqtt_packet p;
	build("{\"type\":\"CONNECT\"}", &p, &a);
	ck_assert_int_eq(p.protocol_level, 5);
	ck_assert(p.props.present);
	ck_assert(p.connect_flags & MQTT_CF_CLEAN_SESSION);
	build("{\"type\":\"CONNECT\",\"clean_start\":false,\"will\":{\"topic\":\"w\",\"message\":\"m\","
	      "\"properties\":[{\"will_delay_interval\":3},{\"content_type\":\"t\"}]}}",
	      &p, &a);
	ck_assert(!(p.connect_flags & MQTT_CF_CLEAN_SESSION));
	ck_assert(p.connect_flags & MQTT_CF_WILL);
	ck_assert(p.will_props.present);
	ck_assert_int_eq(p.will_props.count, 2);
	ck_assert_uint_eq(p.will_props.items[0].id, 0x18);
	ck_assert_uint_eq(p.will_props.items[0].num, 3);
	build("{\"type\":\"CONNECT\",\"will\":{\"topic\":\"w\"}}", &p, &a);
	ck_assert(p.will_props.present); /* a 5.0 Will always has its Property Length */
	build("{\"type\":\"SUBSCRIBE\",\"packet_id\":1,\"topics\":[\"a\",{\"filter\":\"b\",\"qos\":2,\"no_local\":1,"
	      "\"retain_as_published\":1,\"retain_handling\":2},{\"filter\":\"c\",\"options\":193}]}",
	      &p, &a);
	ck_assert_int_eq(p.entry_count, 3);
	ck_assert(p.entries[0].has_qos);
	ck_assert_int_eq(p.entries[0].qos, 0);
	ck_assert_int_eq(p.entries[1].qos, 2 | 4 | 8 | 32);
	ck_assert_int_eq(p.entries[2].qos, 193);
	arena_free(&a);
}
END_TEST

/* Match a pattern (validated as a case would be) against a packet. */
static int matches(const char *json, const struct mqtt_packet *p, char *why, size_t n)
{
	struct err e;
	struct arena a = {0};
	struct tmpl_ctx c = ctx();
	struct tmpl_vars binds = {0};
	cJSON *o = cJSON_Parse(json);
	ck_assert_ptr_nonnull(o);
	ck_assert_msg(fields_validate(MQTT_V5, o, 'e', "p", &e) == 0, "%s", e.msg);
	int r = match_packet(MQTT_V5, o, p, &c, &binds, &a, why, n);
	if (r == 1 && binds.n)
		snprintf(why, n, "%s=%s", binds.v[0].name, binds.v[0].value);
	tmpl_vars_clear(&binds);
	cJSON_Delete(o);
	arena_free(&a);
	return r;
}

static void add_prop(struct mqtt_packet *p, uint32_t id, uint32_t num, const char *s, const char *v)
{
	struct mqtt_prop *pr = &p->props.items[p->props.count++];
	pr->id = id;
	pr->num = num;
	if (s) {
		pr->str.present = true;
		pr->str.s.p = (const uint8_t *)s;
		pr->str.s.n = strlen(s);
	}
	if (v) {
		pr->value.present = true;
		pr->value.s.p = (const uint8_t *)v;
		pr->value.s.n = strlen(v);
	}
}

START_TEST(reason_codes_match_values_sets_and_bounds)
{
	char why[400];
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBACK);
	p.has_packet_id = true;
	p.packet_id = 3;
	/* The short form's code is 0x00. */
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":0}", &p, why, sizeof why), 1);
	p.has_reason_code = true;
	p.reason_code = 0x10;
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":[0,16]}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":{\"max\":127}}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":{\"min\":128}}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "reason_code: expected at least 128, got 16");
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":[0,128]}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "reason_code: expected one of the listed codes, got 0x10 (No matching subscribers)");
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":\"no_matching_subscribers\"}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":[\"success\",\"quota_exceeded\"]}", &p, why, sizeof why),
			 0);
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":\"success\"}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "reason_code: expected 0x00 (success), got 0x10 (No matching subscribers)");
	ck_assert_int_eq(matches("{\"type\":\"PUBACK\",\"reason_code\":{\"capture\":\"rc\"}}", &p, why, sizeof why), 1);
	ck_assert_str_eq(why, "rc=16");
	mqtt_packet_init(&p, MQTT_SUBACK);
	p.code_count = 2;
	p.codes[0] = 1;
	p.codes[1] = 0x80;
	ck_assert_int_eq(matches("{\"type\":\"SUBACK\",\"reason_codes\":[{\"max\":2},[0,1,2,128]]}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"SUBACK\",\"reason_codes\":[[0,1],[0,1,2,{\"min\":128}]]}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"SUBACK\",\"reason_codes\":[1,{\"max\":2}]}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "reason_codes[1]: expected at most 2, got 128");
	mqtt_packet_init(&p, MQTT_CONNACK);
	p.return_code = 0x87;
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"reason_code\":{\"min\":128}}", &p, why, sizeof why), 1);
}
END_TEST

START_TEST(properties_match_with_defaults_and_absence)
{
	char why[400];
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNACK);
	p.props.present = true;
	add_prop(&p, 0x21, 20, NULL, NULL); /* Receive Maximum */
	add_prop(&p, 0x12, 0, "auto-1", NULL); /* Assigned Client Identifier */
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"receive_maximum\":20}}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"receive_maximum\":{\"min\":21}}}", &p, why,
				 sizeof why),
			 0);
	ck_assert_str_eq(why, "properties.receive_maximum: expected at least 21, got 20");
	/* Absent: the spec's default is what a value is compared with. */
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"maximum_qos\":2,\"retain_available\":1,"
				 "\"topic_alias_maximum\":0,\"wildcard_subscription_available\":1}}",
				 &p, why, sizeof why),
			 1);
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"maximum_qos\":1}}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "properties.maximum_qos: expected 1, got 2 (absent: the spec's default)");
	/* No default: absent is absent. */
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"maximum_packet_size\":\"absent\","
				 "\"server_keep_alive\":\"absent\"}}",
				 &p, why, sizeof why),
			 1);
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"session_expiry_interval\":0}}", &p, why, sizeof why), 0);
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"receive_maximum\":\"absent\"}}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "properties.receive_maximum: expected none, the packet has 1");
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":{\"assigned_client_identifier\":{\"capture\":\"id\"}}}", &p,
				 why, sizeof why),
			 1);
	ck_assert_str_eq(why, "id=auto-1");
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":\"absent\"}", &p, why, sizeof why), 0);
	p.props.present = false;
	p.props.count = 0;
	ck_assert_int_eq(matches("{\"type\":\"CONNACK\",\"properties\":\"absent\"}", &p, why, sizeof why), 1);
}
END_TEST

START_TEST(user_properties_in_order_or_any_order)
{
	char why[400];
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.props.present = true;
	add_prop(&p, 0x26, 0, "k", "1");
	add_prop(&p, 0x03, 0, "text/plain", NULL);
	add_prop(&p, 0x26, 0, "k", "2");
	add_prop(&p, 0x09, 0, "\x00\xff", NULL);
	p.props.items[3].str.s.n = 2;
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"user_properties\":[[\"k\",\"1\"],[\"k\",\"2\"]]}", &p, why, sizeof why), 1);
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"user_properties\":[[\"k\",\"2\"],[\"k\",\"1\"]]}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "user_properties[0]: [\"k\", \"2\"] is not the pair at this place");
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"user_properties_any_order\":[[\"k\",\"2\"],[\"k\",\"1\"]]}", &p, why,
				 sizeof why),
			 1);
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"user_properties_any_order\":[[\"k\",\"1\"],[\"k\",\"1\"]]}", &p, why,
				 sizeof why),
			 0);
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"user_properties\":[[\"k\",\"1\"]]}", &p, why, sizeof why), 0);
	ck_assert_str_eq(why, "user_properties: expected 1 pairs, got 2");
	ck_assert_int_eq(matches("{\"type\":\"PUBLISH\",\"properties\":{\"content_type\":\"text/plain\","
				 "\"correlation_data_hex\":\"00ff\",\"response_topic\":\"absent\"}}",
				 &p, why, sizeof why),
			 1);
}
END_TEST

Suite *fields5_suite(void)
{
	Suite *s = suite_create("fields5");
	TCase *tc = tcase_create("fields5");
	tcase_add_test(tc, fields_of_one_version_are_refused_in_the_other);
	tcase_add_test(tc, send_fields_of_50_are_checked_on_load);
	tcase_add_test(tc, match_fields_of_50_are_checked_on_load);
	tcase_add_test(tc, properties_are_built_in_the_order_given);
	tcase_add_test(tc, acks_take_the_short_form_unless_told);
	tcase_add_test(tc, connect_options_and_will_properties);
	tcase_add_test(tc, reason_codes_match_values_sets_and_bounds);
	tcase_add_test(tc, properties_match_with_defaults_and_absence);
	tcase_add_test(tc, user_properties_in_order_or_any_order);
	suite_add_tcase(s, tc);
	return s;
}
