/* test_mqtt_reason.c - the 5.0 reason code tables, per packet type. */
#include <string.h>

#include "codec/mqtt_reason.h"
#include "tests/unit/suites.h"

static const struct {
	enum mqtt_type t;
	const char *codes; /* the table, ascending */
	size_t n;
} tables[] = {
	{MQTT_CONNACK,
	 "\x00\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8c\x90\x95\x97\x99\x9a\x9b\x9c\x9d\x9f", 22},
	{MQTT_PUBACK, "\x00\x10\x80\x83\x87\x90\x91\x97\x99", 9},
	{MQTT_PUBREC, "\x00\x10\x80\x83\x87\x90\x91\x97\x99", 9},
	{MQTT_PUBREL, "\x00\x92", 2},
	{MQTT_PUBCOMP, "\x00\x92", 2},
	{MQTT_SUBACK, "\x00\x01\x02\x80\x83\x87\x8f\x91\x97\x9e\xa1\xa2", 12},
	{MQTT_UNSUBACK, "\x00\x11\x80\x83\x87\x8f\x91", 7},
	{MQTT_DISCONNECT,
	 "\x00\x04\x80\x81\x82\x83\x87\x89\x8b\x8d\x8e\x8f\x90\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
	 "\xa0\xa1\xa2",
	 29},
	{MQTT_AUTH, "\x00\x18\x19", 3},
};

START_TEST(every_code_of_every_table_allowed_and_every_other_refused)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		enum mqtt_type t = tables[i].t;
		ck_assert(mqtt_reason_type(t));
		for (unsigned c = 0; c < 256; c++) {
			bool in = memchr(tables[i].codes, (int)c, tables[i].n) != NULL;
			ck_assert_msg(mqtt_reason_allowed(t, c) == in, "type %d code 0x%02x", t, c);
			ck_assert_msg((mqtt_reason_name(t, c) != NULL) == in, "type %d code 0x%02x", t, c);
		}
		uint8_t out[64];
		ck_assert_uint_eq(mqtt_reason_codes(t, out, sizeof out), tables[i].n);
		ck_assert(memcmp(out, tables[i].codes, tables[i].n) == 0);
		ck_assert_uint_eq(mqtt_reason_codes(t, out, 1), tables[i].n);
	}
}
END_TEST

START_TEST(names_follow_the_packet)
{
	ck_assert_str_eq(mqtt_reason_name(MQTT_CONNACK, 0), "Success");
	ck_assert_str_eq(mqtt_reason_name(MQTT_DISCONNECT, 0), "Normal disconnection");
	ck_assert_str_eq(mqtt_reason_name(MQTT_SUBACK, 0), "Granted QoS 0");
	ck_assert_str_eq(mqtt_reason_name(MQTT_SUBACK, 2), "Granted QoS 2");
	ck_assert_str_eq(mqtt_reason_name(MQTT_AUTH, 0x18), "Continue authentication");
	ck_assert_str_eq(mqtt_reason_name(MQTT_PUBREL, 0x92), "Packet Identifier not found");
	ck_assert_ptr_null(mqtt_reason_name(MQTT_DISCONNECT, 0x8c)); /* Table 3-10 lacks it */
	ck_assert_str_eq(mqtt_reason_any_name(0x8c), "Bad authentication method");
	ck_assert_ptr_null(mqtt_reason_any_name(0x03));
	for (enum mqtt_type t = MQTT_RESERVED0; t <= MQTT_RESERVED15; t++) {
		bool has = t == MQTT_CONNACK || (t >= MQTT_PUBACK && t <= MQTT_PUBCOMP) || t == MQTT_SUBACK ||
			   t == MQTT_UNSUBACK || t == MQTT_DISCONNECT || t == MQTT_AUTH;
		ck_assert_int_eq(mqtt_reason_type(t), has);
	}
	ck_assert(!mqtt_reason_type((enum mqtt_type)16));
	ck_assert(!mqtt_reason_allowed((enum mqtt_type)16, 0));
}
END_TEST

Suite *mqtt_reason_suite(void)
{
	Suite *s = suite_create("mqtt_reason");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, every_code_of_every_table_allowed_and_every_other_refused);
	tcase_add_test(tc, names_follow_the_packet);
	suite_add_tcase(s, tc);
	return s;
}
