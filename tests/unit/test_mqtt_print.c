/* test_mqtt_print.c - one-line packet text and hex; never overflows. */
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_print.h"
#include "tests/unit/suites.h"

#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static const struct {
	const uint8_t *in;
	size_t len;
	const char *line;
} lines[] = {
	/* PUBLISH qos 1 rl=12 topic "a/b" id 10 payload "hello" */
	{B("\x32\x0c\x00\x03"
	   "a/b\x00\x0ahello"),
	 "PUBLISH qos=1 dup=0 retain=0 id=10 topic=\"a/b\" payload=5B \"hello\""},
	/* PUBLISH flags 0xF rl=7 topic "t" id 1 payload 00 22 */
	{B("\x3f\x07\x00\x01t\x00\x01\x00\x22"),
	 "PUBLISH qos=3 dup=1 retain=1 id=1 topic=\"t\" payload=2B \"\\x00\\\"\""},
	/* CONNACK sp 0 rc 0 */
	{B("\x20\x02\x00\x00"), "CONNACK sp=0 rc=0x00"},
	/* CONNACK ack flags 0x03 rc 0x05 */
	{B("\x20\x02\x03\x05"), "CONNACK sp=1 rc=0x05 ack_flags=0x03"},
	/* SUBACK id 3 codes 01 80 */
	{B("\x90\x04\x00\x03\x01\x80"), "SUBACK id=3 codes=[0x01,0x80]"},
	/* CONNECT rl=30 "MQTT" 4 flags 0xC6 ka 60 id "abc" will "t"/"bye"
	 * user "u" password "pw" */
	{B("\x10\x1e\x00\x04MQTT\x04\xc6\x00\x3c\x00\x03"
	   "abc\x00\x01t\x00\x03"
	   "bye\x00\x01u\x00\x02pw"),
	 "CONNECT level=4 flags=0xc6 ka=60 id=\"abc\" will=\"t\"/3B user=\"u\" "
	 "pass=****(2B)"},
	/* CONNECT rl=14 "MQIsdp" 3 flags 02 ka 0 id "" */
	{B("\x10\x0e\x00\x06MQIsdp\x03\x02\x00\x00\x00\x00"),
	 "CONNECT proto=\"MQIsdp\" level=3 flags=0x02 ka=0 id=\"\""},
	/* SUBSCRIBE rl=12 id 3 "a/+" qos 1, "b" qos byte 0x42 */
	{B("\x82\x0c\x00\x03\x00\x03"
	   "a/+\x01\x00\x01"
	   "b\x42"),
	 "SUBSCRIBE id=3 filters=[\"a/+\" q=1,\"b\" q=0x42]"},
	/* UNSUBSCRIBE id 4 "a" "b" */
	{B("\xa2\x08\x00\x04\x00\x01"
	   "a\x00\x01"
	   "b"),
	 "UNSUBSCRIBE id=4 filters=[\"a\",\"b\"]"},
	/* PUBREL flags 0 (wrong) id 5 */
	{B("\x60\x02\x00\x05"), "PUBREL flags=0x0 id=5"},
	/* PUBREL flags 2 id 5 */
	{B("\x62\x02\x00\x05"), "PUBREL id=5"},
	/* PINGREQ rl=0, DISCONNECT rl=0 */
	{B("\xc0\x00"), "PINGREQ"},
	{B("\xe0\x00"), "DISCONNECT"},
	/* type 15 flags 1 body 01 */
	{B("\xf1\x01\x01"), "RESERVED15 flags=0x1 body=1B \"\\x01\""},
};

START_TEST(print_decoded_packet_gives_expected_line)
{
	struct mqtt_packet p;
	char buf[256];
	ck_assert_int_eq(mqtt_decode(MQTT_V311, lines[_i].in, lines[_i].len, &p, NULL),
			 (int)lines[_i].len);
	size_t n = mqtt_print(&p, buf, sizeof buf);
	ck_assert_str_eq(buf, lines[_i].line);
	ck_assert_uint_eq(n, strlen(lines[_i].line));
}
END_TEST

/* Every cap from 0 to the full length: NUL-terminated prefix, nothing
 * written past cap, same return value. */
START_TEST(print_small_buffer_never_overflows)
{
	struct mqtt_packet p;
	char full[256], buf[300];
	ck_assert_int_eq(mqtt_decode(MQTT_V311, lines[_i].in, lines[_i].len, &p, NULL),
			 (int)lines[_i].len);
	size_t want = mqtt_print(&p, full, sizeof full);
	ck_assert_uint_eq(mqtt_print(&p, NULL, 0), want);
	for (size_t cap = 0; cap <= want + 1; cap++) {
		memset(buf, '#', sizeof buf);
		ck_assert_uint_eq(mqtt_print(&p, buf, cap), want);
		for (size_t i = cap; i < sizeof buf; i++)
			ck_assert_int_eq(buf[i], '#');
		if (cap == 0)
			continue;
		size_t shown = cap - 1 < want ? cap - 1 : want;
		ck_assert_uint_eq(strlen(buf), shown);
		ck_assert_mem_eq(buf, full, shown);
	}
}
END_TEST

START_TEST(print_long_payload_and_strings_are_cut)
{
	static uint8_t payload[100];
	static char topic[201];
	memset(payload, 'x', sizeof payload);
	memset(topic, 't', sizeof topic - 1);
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.topic.s.p = (const uint8_t *)topic;
	p.topic.s.n = strlen(topic);
	p.payload.p = payload;
	p.payload.n = sizeof payload;
	char buf[512];
	mqtt_print(&p, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "payload=100B \"xxxxxxxxxxxxxxxxxxxx"
					  "xxxxxxxxxxxx\"..."));
	ck_assert_ptr_nonnull(strstr(buf, "tttt\"... payload"));
	ck_assert_uint_lt(strlen(buf), 200);
}
END_TEST

START_TEST(print_password_is_never_shown)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.password.present = true;
	p.password.s.p = (const uint8_t *)"hunter2";
	p.password.s.n = 7;
	p.extra.p = (const uint8_t *)"x";
	p.extra.n = 1;
	char buf[256];
	mqtt_print(&p, buf, sizeof buf);
	ck_assert_ptr_null(strstr(buf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(buf, "pass=****(7B) extra=1B"));
}
END_TEST

START_TEST(print_hex_is_lowercase_and_truncates)
{
	static const uint8_t in[] = {0x30, 0x0d, 0xAB, 0x00};
	char buf[16];
	ck_assert_uint_eq(mqtt_print_hex(in, sizeof in, buf, sizeof buf), 8);
	ck_assert_str_eq(buf, "300dab00");
	memset(buf, '#', sizeof buf);
	ck_assert_uint_eq(mqtt_print_hex(in, sizeof in, buf, 4), 8);
	ck_assert_str_eq(buf, "300");
	ck_assert_int_eq(buf[4], '#');
	ck_assert_uint_eq(mqtt_print_hex(in, sizeof in, NULL, 0), 8);
	ck_assert_uint_eq(mqtt_print_hex(in, 0, buf, 1), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

Suite *mqtt_print_suite(void)
{
	Suite *s = suite_create("mqtt_print");
	TCase *tc = tcase_create("lines");
	tcase_add_loop_test(tc, print_decoded_packet_gives_expected_line, 0,
			    (int)(sizeof lines / sizeof lines[0]));
	tcase_add_loop_test(tc, print_small_buffer_never_overflows, 0,
			    (int)(sizeof lines / sizeof lines[0]));
	tcase_add_test(tc, print_long_payload_and_strings_are_cut);
	tcase_add_test(tc, print_password_is_never_shown);
	tcase_add_test(tc, print_hex_is_lowercase_and_truncates);
	suite_add_tcase(s, tc);
	return s;
}
