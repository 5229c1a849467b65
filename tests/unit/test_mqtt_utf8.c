/* test_mqtt_utf8.c - UTF-8 string rules (spec 1.5.3). */
#include "codec/mqtt_err.h"
#include "codec/mqtt_utf8.h"
#include "tests/unit/suites.h"

#define B(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static const struct {
	const char *what;
	const uint8_t *s;
	size_t n;
	const char *clause; /* NULL: valid */
	size_t offset;
} cases[] = {
	{"empty", B(""), NULL, 0},
	{"ascii", B("sport/tennis"), NULL, 0},
	{"2-byte U+00E9", B("caf\xc3\xa9"), NULL, 0},
	{"3-byte U+20AC", B("\xe2\x82\xac"), NULL, 0},
	{"4-byte U+1F600", B("\xf0\x9f\x98\x80"), NULL, 0},
	{"last scalar U+10FFFF", B("\xf4\x8f\xbf\xbf"), NULL, 0},
	{"U+D7FF below surrogates", B("\xed\x9f\xbf"), NULL, 0},
	{"U+E000 above surrogates", B("\xee\x80\x80"), NULL, 0},
	{"BOM U+FEFF is an ordinary character", B("\xef\xbb\xbf"
						  "a"),
	 NULL, 0},
	{"U+0001 control is allowed", B("\x01"), NULL, 0},
	{"overlong NUL C0 80", B("a\xc0\x80"), "MQTT-1.5.3-1", 1},
	{"overlong C1 BF", B("\xc1\xbf"), "MQTT-1.5.3-1", 0},
	{"overlong 3-byte E0 80 AF", B("\xe0\x80\xaf"), "MQTT-1.5.3-1", 0},
	{"overlong 4-byte F0 8F BF BF", B("\xf0\x8f\xbf\xbf"), "MQTT-1.5.3-1", 0},
	{"surrogate U+D800 ED A0 80", B("ab\xed\xa0\x80"), "MQTT-1.5.3-1", 2},
	{"surrogate U+DFFF ED BF BF", B("\xed\xbf\xbf"), "MQTT-1.5.3-1", 0},
	{"above U+10FFFF F4 90 80 80", B("\xf4\x90\x80\x80"), "MQTT-1.5.3-1", 0},
	{"F5 lead byte", B("\xf5\x80\x80\x80"), "MQTT-1.5.3-1", 0},
	{"FF byte", B("\xff"), "MQTT-1.5.3-1", 0},
	{"stray continuation", B("a\x80"), "MQTT-1.5.3-1", 1},
	{"truncated at end", B("x\xe2\x82"), "MQTT-1.5.3-1", 1},
	{"truncated by ASCII", B("\xe2\x82"
				 "a"),
	 "MQTT-1.5.3-1", 0},
	{"2-byte lead then lead", B("\xc3\xc3\xa9"), "MQTT-1.5.3-1", 0},
	{"U+0000", B("a\x00"
		     "b"),
	 "MQTT-1.5.3-2", 1},
	{"U+0000 before ill-formed", B("\x00\xff"), "MQTT-1.5.3-2", 0},
	{"ill-formed before U+0000", B("\xff\x00"), "MQTT-1.5.3-1", 0},
};

START_TEST(utf8_check_table_gives_clause_and_offset)
{
	struct mqtt_diag d = {0};
	int r = mqtt_utf8_check(MQTT_V311, cases[_i].s, cases[_i].n, &d);
	if (cases[_i].clause == NULL) {
		ck_assert_msg(r == 0, "%s: %s", cases[_i].what, d.msg);
		return;
	}
	ck_assert_msg(r == MQTT_ERR_VIOLATION, "%s: accepted", cases[_i].what);
	ck_assert_str_eq(d.clause, cases[_i].clause);
	ck_assert_msg(d.offset == cases[_i].offset, "%s: offset %zu",
		      cases[_i].what, d.offset);
	ck_assert_int_eq(mqtt_utf8_check(MQTT_V311, cases[_i].s, cases[_i].n, NULL), r);
}
END_TEST

/* Every 2- and 3-byte sequence against an independent decoder: valid iff
 * it decodes to a scalar value that needs exactly that many bytes. */
START_TEST(utf8_check_agrees_with_reference_on_all_short_sequences)
{
	for (unsigned a = 0xC0; a <= 0xFF; a++) {
		for (unsigned b = 0; b <= 0xFF; b++) {
			uint8_t s2[2] = {(uint8_t)a, (uint8_t)b};
			bool ok2 = a >= 0xC0 && a < 0xE0 && (b & 0xC0) == 0x80 &&
				   (((a & 0x1Fu) << 6) | (b & 0x3F)) >= 0x80;
			ck_assert_int_eq(mqtt_utf8_check(MQTT_V311, s2, 2, NULL) == 0, ok2);
			if (a < 0xE0 || a >= 0xF0)
				continue;
			uint8_t s3[3] = {(uint8_t)a, (uint8_t)b, 0x80};
			uint32_t cp = ((a & 0x0Fu) << 12) | ((b & 0x3Fu) << 6);
			bool ok3 = (b & 0xC0) == 0x80 && cp >= 0x800 &&
				   (cp < 0xD800 || cp > 0xDFFF);
			ck_assert_int_eq(mqtt_utf8_check(MQTT_V311, s3, 3, NULL) == 0, ok3);
		}
	}
}
END_TEST

Suite *mqtt_utf8_suite(void)
{
	Suite *s = suite_create("mqtt_utf8");
	TCase *tc = tcase_create("rules");
	tcase_add_loop_test(tc, utf8_check_table_gives_clause_and_offset, 0,
			    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, utf8_check_agrees_with_reference_on_all_short_sequences);
	suite_add_tcase(s, tc);
	return s;
}
