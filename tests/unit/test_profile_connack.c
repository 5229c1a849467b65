/* test_profile_connack.c - 5.0's capabilities from the pre-flight's
 * CONNACK (engine/profile_probe.h): each property announced is taken with
 * its value, each one absent stands for the spec's default, and the source
 * says which. */
#include <check.h>
#include <string.h>

#include "codec/mqtt_prop.h"
#include "engine/profile_probe.h"
#include "tests/unit/suites.h"

static uint32_t prop_id(const char *key)
{
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	ck_assert_msg(d != NULL, "%s", key);
	return d->id;
}

static void add_num(struct mqtt_packet *p, const char *key, uint32_t v)
{
	struct mqtt_prop *pr = &p->props.items[p->props.count++];
	pr->id = prop_id(key);
	pr->num = v;
}

START_TEST(nothing_announced_is_every_default)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_CONNACK);
	a.props.present = true;
	struct profile p;
	profile_init_version(&p, MQTT_V5);
	profile_connack_packet(&p, &a, 60);
	ck_assert_int_eq(p.caps.max_qos, 2);
	ck_assert_int_eq(p.caps.retain, 1);
	ck_assert_int_eq(p.caps.wildcards, 1);
	ck_assert_int_eq(p.caps.sub_ids, 1);
	ck_assert_int_eq(p.caps.shared, 1);
	ck_assert_int_eq(p.caps.receive_max, 65535);
	ck_assert_int_eq(p.caps.max_packet, PROFILE_NO_LIMIT);
	ck_assert_int_eq(p.caps.alias_max, 0);
	ck_assert_int_eq(p.caps.keep_alive, 60); /* the client's own */
	ck_assert_int_eq(p.caps.assigned_id, 0);
	ck_assert_str_eq(p.source[PROFILE_RECEIVE_MAX], "default: no Receive Maximum in CONNACK, so 65535");
	ck_assert_ptr_nonnull(strstr(p.source[PROFILE_MAX_PACKET], "default: no Maximum Packet Size in CONNACK, so none"));
	ck_assert_str_eq(p.source[PROFILE_KEEP_ALIVE], "default: no Server Keep Alive in CONNACK, so the CONNECT's 60 s holds");
	char v[16];
	profile_value(&p, PROFILE_MAX_PACKET, v, sizeof v);
	ck_assert_str_eq(v, "none");
}
END_TEST

/* mosquitto 2.0.11's CONNACK, and a broker that offers less. */
START_TEST(announced_values_taken)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_CONNACK);
	a.props.present = true;
	add_num(&a, "receive_maximum", 20);
	add_num(&a, "topic_alias_maximum", 10);
	add_num(&a, "maximum_qos", 1);
	add_num(&a, "retain_available", 0);
	add_num(&a, "wildcard_subscription_available", 0);
	add_num(&a, "subscription_identifier_available", 0);
	add_num(&a, "shared_subscription_available", 0);
	add_num(&a, "maximum_packet_size", 1024);
	add_num(&a, "server_keep_alive", 30);
	struct mqtt_prop *id = &a.props.items[a.props.count++];
	id->id = prop_id("assigned_client_identifier");
	id->str.present = true;
	id->str.s.p = (const uint8_t *)"auto-1";
	id->str.s.n = 6;
	struct profile p;
	profile_init_version(&p, MQTT_V5);
	profile_connack_packet(&p, &a, 60);
	ck_assert_int_eq(p.caps.receive_max, 20);
	ck_assert_int_eq(p.caps.alias_max, 10);
	ck_assert_int_eq(p.caps.max_qos, 1);
	ck_assert_int_eq(p.caps.retain, 0);
	ck_assert_int_eq(p.caps.wildcards, 0);
	ck_assert_int_eq(p.caps.sub_ids, 0);
	ck_assert_int_eq(p.caps.shared, 0);
	ck_assert_int_eq(p.caps.max_packet, 1024);
	ck_assert_int_eq(p.caps.keep_alive, 30);
	ck_assert_int_eq(p.caps.assigned_id, 1);
	ck_assert_str_eq(p.source[PROFILE_RECEIVE_MAX], "announced: Receive Maximum 20 in CONNACK");
	ck_assert_str_eq(p.source[PROFILE_ASSIGNED_ID], "announced: Assigned Client Identifier \"auto-1\" in CONNACK");
	/* What the broker lacks makes a case needing it NOT APPLICABLE. */
	struct profile_caps n;
	profile_caps_none(&n);
	n.shared = 1;
	char buf[300];
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs shared subscriptions, which the broker does not offer "
			 "(announced: Shared Subscription Available 0 in CONNACK)");
}
END_TEST

/* Bytes that are no 5.0 CONNACK leave every value unknown, saying why. */
START_TEST(undecodable_leaves_unknown)
{
	static const uint8_t v311[] = {0x20, 0x02, 0x00, 0x00};
	struct profile p;
	profile_init_version(&p, MQTT_V5);
	profile_connack(&p, v311, sizeof v311, 60);
	ck_assert_int_eq(p.caps.receive_max, -1);
	ck_assert_ptr_nonnull(strstr(p.source[PROFILE_RECEIVE_MAX], "unknown: the CONNACK does not decode in 5.0"));
}
END_TEST

Suite *profile_connack_suite(void)
{
	Suite *s = suite_create("profile_connack");
	TCase *tc = tcase_create("profile_connack");
	tcase_add_test(tc, nothing_announced_is_every_default);
	tcase_add_test(tc, announced_values_taken);
	tcase_add_test(tc, undecodable_leaves_unknown);
	suite_add_tcase(s, tc);
	return s;
}
