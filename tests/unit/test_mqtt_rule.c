/*
 * test_mqtt_rule.c - the rule -> clause tables and the version argument:
 * every rule the codec can report is a clause of the 3.1.1 catalog, the
 * diag's clause is always its rule's, and 5.0 is refused until written.
 */
#include <stdio.h>
#include <string.h>

#include "case/catalog.h"
#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_prop.h"
#include "codec/mqtt_rule.h"
#include "tests/unit/suites.h"

START_TEST(every_rule_is_a_clause_of_the_311_catalog)
{
	struct catalog cat;
	struct err e;
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	for (int r = MQTT_RULE_NONE + 1; r < MQTT_RULE_V5_ONLY; r++) {
		const char *id = mqtt_rule_clause(MQTT_V311, (enum mqtt_rule)r);
		ck_assert_msg(id != NULL, "rule %d has no 3.1.1 clause", r);
		ck_assert_msg(catalog_find(&cat, MQTT_V311, id) != NULL, "rule %d: %s is not in the catalog", r, id);
	}
	catalog_free(&cat);
}
END_TEST

static void assert_in_50(const struct catalog *cat, const char *id, const char *what)
{
	ck_assert_msg(id == NULL || catalog_find(cat, MQTT_V5, id) != NULL, "%s: %s is not in the 5.0 catalog", what, id);
}

/* Every id the 5.0 codec can name, by rule or per (place, property), is a
 * clause of the 5.0 catalog: a report never charges an id it cannot explain. */
START_TEST(every_50_clause_is_in_the_50_catalog)
{
	struct catalog cat;
	struct err e;
	char what[64];
	ck_assert_msg(catalog_load(&cat, "cases/clauses/mqtt-5.0.json", MQTT_V5, &e) == 0, "%s", e.msg);
	for (int r = MQTT_RULE_NONE + 1; r < MQTT_RULE_COUNT; r++) {
		snprintf(what, sizeof what, "rule %d", r);
		assert_in_50(&cat, mqtt_rule_clause(MQTT_V5, (enum mqtt_rule)r), what);
	}
	for (size_t i = 0; i < mqtt_prop_count(); i++) {
		const struct mqtt_prop_def *d = mqtt_prop_at(i);
		for (unsigned place = 1; place < MQTT_PROP_PLACES; place++) {
			snprintf(what, sizeof what, "%s in %s", d->name, mqtt_prop_place_name(place));
			assert_in_50(&cat, mqtt_prop_clause(MQTT_RULE_PROP_REPEATED, place, d->id), what);
			assert_in_50(&cat, mqtt_prop_clause(MQTT_RULE_PROP_VALUE, place, d->id), what);
		}
	}
	catalog_free(&cat);
}
END_TEST

START_TEST(no_rule_and_unknown_values_have_no_clause)
{
	ck_assert_ptr_null(mqtt_rule_clause(MQTT_V311, MQTT_RULE_NONE));
	ck_assert_ptr_null(mqtt_rule_clause(MQTT_V311, MQTT_RULE_COUNT));
	ck_assert_ptr_null(mqtt_rule_clause(MQTT_V311, (enum mqtt_rule)-1));
	ck_assert_ptr_null(mqtt_rule_clause((enum mqtt_version)3, MQTT_RULE_LENGTH_FIT));
	/* 3.1.1 has none of the 5.0-only rules. */
	for (int r = MQTT_RULE_V5_ONLY; r < MQTT_RULE_COUNT; r++)
		ck_assert_ptr_null(mqtt_rule_clause(MQTT_V311, (enum mqtt_rule)r));
	ck_assert_ptr_null(mqtt_rule_clause(MQTT_V5, MQTT_RULE_NONE));
	ck_assert_ptr_null(mqtt_rule_clause(MQTT_V5, MQTT_RULE_COUNT));
}
END_TEST

/* Every 5.0 rule has an id but the few that say why not (the table's
 * comments), and each id is a numbered clause or one of our own. */
START_TEST(every_50_rule_has_a_clause_or_a_reason)
{
	for (int r = MQTT_RULE_NONE + 1; r < MQTT_RULE_COUNT; r++) {
		const char *id = mqtt_rule_clause(MQTT_V5, (enum mqtt_rule)r);
		if (r == MQTT_RULE_CONNECT_PASSWORD || r == MQTT_RULE_PUBLISH_REFUSED || r == MQTT_RULE_PROP_REPEATED ||
		    r == MQTT_RULE_PROP_VALUE) {
			ck_assert_ptr_null(id);
			continue;
		}
		ck_assert_msg(id != NULL, "rule %d has no 5.0 clause", r);
		ck_assert_msg(strncmp(id, "MQTT-", 5) == 0 || strncmp(id, "MQTTSPEC-", 9) == 0, "rule %d: %s", r, id);
	}
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_FLAGS_OTHER), "MQTT-2.1.3-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_VBI_MINIMAL), "MQTT-1.5.5-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PROPS_MISSING), "MQTT-2.2.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_FLAGS_AUTH), "MQTT-3.15.1-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_CONNACK_CODE), "MQTT-3.2.2-8");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PUBACK_CODE), "MQTT-3.4.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PUBREC_CODE), "MQTT-3.5.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PUBREL_CODE), "MQTT-3.6.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PUBCOMP_CODE), "MQTT-3.7.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_SUBACK_CODE), "MQTT-3.9.3-2");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_UNSUBACK_CODE), "MQTT-3.11.3-2");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_DISCONNECT_CODE), "MQTT-3.14.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_AUTH_CODE), "MQTT-3.15.2-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_FIRST_CONNACK), "MQTT-3.2.0-1");
	ck_assert_str_eq(mqtt_rule_clause(MQTT_V5, MQTT_RULE_PUBLISH_GRANT), "MQTT-3.8.4-8");
}
END_TEST

START_TEST(diag_clause_is_its_rules_clause)
{
	static const struct {
		const char *in;
		size_t len;
		enum mqtt_rule rule;
		const char *clause;
	} cases[] = {
		{"\x40\x03\x00\x01\x02", 5, MQTT_RULE_LENGTH_FIT, "MQTTSPEC-2.2.3-2"}, /* decode: 1 byte left over */
		{"\x36\x05\x00\x01" "a\x00\x01", 7, MQTT_RULE_PUBLISH_QOS3, "MQTT-3.3.1-4"},
		{"\x30\x03\x00\x01+", 5, MQTT_RULE_TOPIC_WILDCARD, "MQTT-3.3.2-2"},
		{"\x30\x03\x00\x01\x00", 5, MQTT_RULE_UTF8_NUL, "MQTT-1.5.3-2"},
		{"\x90\x03\x00\x01\x03", 5, MQTT_RULE_SUBACK_CODE, "MQTT-3.9.3-2"},
		{"\x20\x02\x00\x06", 4, MQTT_RULE_CONNACK_CODE, "MQTTSPEC-3.2.2-2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mqtt_packet p;
		struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
		const uint8_t *in = (const uint8_t *)cases[i].in;
		int r = mqtt_decode(MQTT_V311, in, cases[i].len, &p, &d);
		if (r >= 0)
			r = mqtt_check(MQTT_V311, &p, MQTT_FROM_ANY, &d);
		ck_assert_msg(r < 0, "case %zu: no problem found", i);
		ck_assert_int_eq(d.rule, cases[i].rule);
		ck_assert_str_eq(d.clause, cases[i].clause);
		ck_assert_ptr_eq(d.clause, mqtt_rule_clause(MQTT_V311, d.rule));
	}
}
END_TEST

START_TEST(a_limit_has_no_rule)
{
	uint8_t in[2 + 2 + 3 * (MQTT_MAX_ENTRIES + 1)];
	size_t n = 0;
	in[n++] = 0xa2;
	in[n++] = (uint8_t)(sizeof in - 2);
	in[n++] = 0;
	in[n++] = 1;
	for (int i = 0; i <= MQTT_MAX_ENTRIES; i++) {
		in[n++] = 0;
		in[n++] = 1;
		in[n++] = 'a';
	}
	struct mqtt_packet p;
	struct mqtt_diag d = {0, "x", "", MQTT_RULE_TOPIC_EMPTY};
	ck_assert_int_eq(mqtt_decode(MQTT_V311, in, n, &p, &d), MQTT_ERR_LIMIT);
	ck_assert_int_eq(d.rule, MQTT_RULE_NONE);
	ck_assert_ptr_null(d.clause);
}
END_TEST

START_TEST(an_unknown_version_is_not_supported)
{
	static const uint8_t ping[] = {0xc0, 0x00};
	const enum mqtt_version v3 = (enum mqtt_version)3;
	struct mqtt_packet p;
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	ck_assert_int_eq(mqtt_decode(v3, ping, sizeof ping, &p, &d), MQTT_ERR_UNSUPPORTED);
	ck_assert_str_eq(d.msg, "protocol version 3");
	ck_assert_ptr_null(d.clause);
	mqtt_packet_init(&p, MQTT_PINGREQ);
	ck_assert_int_eq(mqtt_check(v3, &p, MQTT_FROM_CLIENT, &d), MQTT_ERR_UNSUPPORTED);
	uint8_t out[8];
	ck_assert_uint_eq(mqtt_encode_size(v3, &p), 0);
	ck_assert_int_eq(mqtt_encode(v3, &p, out, sizeof out), MQTT_ERR_UNSUPPORTED);
	ck_assert_str_eq(mqtt_err_name(MQTT_ERR_UNSUPPORTED), "UNSUPPORTED");
	/* 5.0 is spoken now. */
	ck_assert_int_eq(mqtt_decode(MQTT_V5, ping, sizeof ping, &p, &d), 2);
	ck_assert_int_eq(mqtt_check(MQTT_V5, &p, MQTT_FROM_CLIENT, &d), 0);
	ck_assert_int_eq(mqtt_encode(MQTT_V5, &p, out, sizeof out), 2);
	ck_assert_int_eq(mqtt_encode_disconnect(MQTT_V5, out, sizeof out), 2);
	ck_assert_uint_eq(out[0], 0xe0);
	ck_assert_uint_eq(out[1], 0x00);
}
END_TEST

START_TEST(type_15_is_auth_in_50)
{
	ck_assert_str_eq(mqtt_type_name_v(MQTT_V5, MQTT_AUTH), "AUTH");
	ck_assert_str_eq(mqtt_type_name_v(MQTT_V311, MQTT_AUTH), "RESERVED15");
	ck_assert_str_eq(mqtt_type_name_v(MQTT_V5, MQTT_PUBACK), "PUBACK");
	ck_assert_int_eq(mqtt_type_from_name_v(MQTT_V5, "auth"), 15);
	ck_assert_int_eq(mqtt_type_from_name_v(MQTT_V5, "RESERVED15"), -1);
	ck_assert_int_eq(mqtt_type_from_name_v(MQTT_V311, "AUTH"), -1);
	ck_assert_int_eq(mqtt_type_from_name_v(MQTT_V311, "reserved15"), 15);
	ck_assert_int_eq(mqtt_type_from_name_v(MQTT_V5, "Publish"), 3);
	ck_assert_int_eq(mqtt_type_required_flags_v(MQTT_V5, MQTT_AUTH), 0);
	ck_assert_int_eq(mqtt_type_required_flags_v(MQTT_V311, MQTT_RESERVED15), -1);
	ck_assert_int_eq(mqtt_type_required_flags_v(MQTT_V5, MQTT_PUBREL), 2);
}
END_TEST

START_TEST(versions_name_their_level)
{
	ck_assert_int_eq(mqtt_version_level(MQTT_V311), 4);
	ck_assert_int_eq(mqtt_version_level(MQTT_V5), 5);
	ck_assert_int_eq(mqtt_version_level((enum mqtt_version)3), -1);
	ck_assert_str_eq(mqtt_version_name(MQTT_V311), "3.1.1");
	ck_assert_str_eq(mqtt_version_name(MQTT_V5), "5.0");
	ck_assert_ptr_null(mqtt_version_name((enum mqtt_version)0));
	ck_assert_int_eq(mqtt_version_from_name("3.1.1"), MQTT_V311);
	ck_assert_int_eq(mqtt_version_from_name("5.0"), MQTT_V5);
	ck_assert_int_eq(mqtt_version_from_name("5"), -1);
	ck_assert_int_eq(mqtt_version_from_name(NULL), -1);
}
END_TEST

START_TEST(protocol_and_disconnect_come_from_the_version)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.keep_alive = 7;
	mqtt_packet_set_protocol(&p, MQTT_V311);
	ck_assert(p.protocol_name.present);
	ck_assert_uint_eq(p.protocol_name.s.n, 4);
	ck_assert(memcmp(p.protocol_name.s.p, "MQTT", 4) == 0);
	ck_assert_int_eq(p.protocol_name.len_override, -1);
	ck_assert_uint_eq(p.protocol_level, 4);
	ck_assert_uint_eq(p.keep_alive, 7);
	uint8_t out[4] = {0xff, 0xff, 0xff, 0xff};
	ck_assert_int_eq(mqtt_encode_disconnect(MQTT_V311, out, sizeof out), 2);
	ck_assert_uint_eq(out[0], 0xe0);
	ck_assert_uint_eq(out[1], 0x00);
	ck_assert_int_eq(mqtt_encode_disconnect(MQTT_V311, out, 1), MQTT_ERR_BUFFER);
}
END_TEST

START_TEST(return_code_names_once)
{
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_CONNACK, 0), "accepted");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_CONNACK, 1), "unacceptable protocol version");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_CONNACK, 5), "not authorized");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_CONNACK, 6), "reserved");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_SUBACK, 2), "granted QoS 2");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_SUBACK, 0x80), "failure");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V311, MQTT_SUBACK, 3), "reserved");
	ck_assert_ptr_null(mqtt_return_code_name(MQTT_V311, MQTT_PUBACK, 0));
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V5, MQTT_CONNACK, 0), "Success");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V5, MQTT_DISCONNECT, 0), "Normal disconnection");
	ck_assert_str_eq(mqtt_return_code_name(MQTT_V5, MQTT_CONNACK, 4), "not a reason code of this packet");
	ck_assert_ptr_null(mqtt_return_code_name(MQTT_V5, MQTT_PINGRESP, 0));
}
END_TEST

Suite *mqtt_rule_suite(void)
{
	Suite *s = suite_create("mqtt_rule");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, every_rule_is_a_clause_of_the_311_catalog);
	tcase_add_test(tc, every_50_clause_is_in_the_50_catalog);
	tcase_add_test(tc, no_rule_and_unknown_values_have_no_clause);
	tcase_add_test(tc, every_50_rule_has_a_clause_or_a_reason);
	tcase_add_test(tc, diag_clause_is_its_rules_clause);
	tcase_add_test(tc, a_limit_has_no_rule);
	tcase_add_test(tc, an_unknown_version_is_not_supported);
	tcase_add_test(tc, type_15_is_auth_in_50);
	tcase_add_test(tc, versions_name_their_level);
	tcase_add_test(tc, protocol_and_disconnect_come_from_the_version);
	tcase_add_test(tc, return_code_names_once);
	suite_add_tcase(s, tc);
	return s;
}
